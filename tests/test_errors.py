import pytest

from dlcourse.errors import DataUnavailableError


def test_message_is_shown_not_errno():
    err = DataUnavailableError("IMDB reviews: file aclImdb_v1.tar.gz is missing; run python -m dlcourse fetch imdb_reviews",
                               dataset="imdb_reviews", filename="aclImdb_v1.tar.gz")
    assert str(err).startswith("IMDB reviews: file aclImdb_v1.tar.gz is missing")
    assert "Errno" not in str(err)
    assert (err.dataset, err.filename) == ("imdb_reviews", "aclImdb_v1.tar.gz")
    assert isinstance(err, OSError)
    with pytest.raises(DataUnavailableError, match="python -m dlcourse fetch imdb_reviews"):
        raise err
