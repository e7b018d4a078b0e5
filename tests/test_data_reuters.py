"""Tests of the Reuters-21578 SGML parser and loader, with the measured ModApte figures."""

from collections import Counter

import numpy as np
import pytest

import dlcourse.data as data
from dlcourse.data import reuters

SNIPPET = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<UNKNOWN> &#5;&#5;&#5;C T
&#22;&#22;&#1;f0704&#31;reute</UNKNOWN>
<TEXT>&#2;
<TITLE>BAHIA COCOA REVIEW</TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week
in the Bahia cocoa zone &lt;BCZ&gt; &amp; beyond.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="YES" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="1" NEWID="2">
<TOPICS><D>grain</D><D>wheat</D></TOPICS>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>WHEAT EXPORTS RISE</TITLE>
&#3;</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="NOT-USED" CGISPLIT="TRAINING-SET" OLDID="2" NEWID="3">
<TOPICS></TOPICS>
<TEXT TYPE="UNPROC">&#2;
Unformatted text of a story
&#3;</TEXT>
</REUTERS>
"""


@pytest.fixture(scope="module")
def stories():
    return data.read_reuters_stories()


def test_parser_on_an_inline_snippet():
    first, second, third = data.parse_reuters_sgml(SNIPPET)
    assert first == reuters.ReutersStory(
        newid=1, lewis_split="TRAIN", topics_attr="YES", topics=("cocoa",), title="BAHIA COCOA REVIEW",
        body="Showers continued throughout the week\nin the Bahia cocoa zone <BCZ> & beyond.\n Reuter",
    )
    assert first.text.startswith("BAHIA COCOA REVIEW\nShowers") and "SALVADOR" not in first.text
    assert first.modapte_split == "train"
    assert (second.newid, second.topics, second.title, second.body) == (2, ("grain", "wheat"), "WHEAT EXPORTS RISE", "")
    assert second.text == "WHEAT EXPORTS RISE" and second.modapte_split == "test"
    assert (third.topics, third.body, third.modapte_split) == ((), "Unformatted text of a story", None)


def test_parser_validates_its_input():
    with pytest.raises(TypeError, match="text must be a str .* received text of type bytes"):
        list(data.parse_reuters_sgml(b"<REUTERS>"))
    with pytest.raises(ValueError, match="every <REUTERS> element needs a NEWID attribute"):
        list(data.parse_reuters_sgml('<REUTERS TOPICS="YES"></REUTERS>'))
    assert list(data.parse_reuters_sgml("no stories here")) == []


def test_the_real_archive_holds_the_collection(stories):
    assert len(stories) == 21_578
    assert [s.newid for s in stories] == list(range(1, 21_579))
    splits = Counter(s.modapte_split for s in stories)
    assert splits["train"] == 9_603 and splits["test"] == 3_299
    single = [s for s in stories if len(s.topics) == 1]
    assert len(single) == 9_494
    assert Counter(s.modapte_split for s in single)["train"] == 6_552
    assert Counter(s.modapte_split for s in single)["test"] == 2_581


def test_modapte_single_topic_selection_measured(stories):
    train, test, topics = reuters.modapte_single_topic(stories)
    assert (len(train), len(test), len(topics)) == (6_532, 2_568, 52)
    assert (reuters.REUTERS_TRAIN_SIZE, reuters.REUTERS_TEST_SIZE, reuters.REUTERS_NUM_TOPICS) == (6_532, 2_568, 52)
    counts = Counter(s.topics[0] for s in train)
    assert counts.most_common(2) == [("earn", 2_840), ("acq", 1_596)]
    assert Counter(s.topics[0] for s in test)["earn"] == 1_083
    assert sum(n <= 3 for n in counts.values()) == 7
    assert all(s.text for s in train + test)
    assert sum(not s.body for s in train + test) == 790


def test_loader_returns_texts_labels_and_topics():
    (x_train, y_train), (x_test, y_test), topics = data.load_reuters_newswires()
    assert x_train.shape == (6_532,) and x_test.shape == (2_568,) and len(topics) == 52
    assert topics == tuple(sorted(topics)) and "earn" in topics
    assert x_train.dtype == object and isinstance(x_train[0], str)
    assert y_train.dtype == np.int32 and y_train.min() == 0 and y_train.max() == 51
    assert Counter(y_train.tolist())[topics.index("earn")] == 2_840
    assert Counter(y_test.tolist())[topics.index("acq")] == 696
    assert len(set(y_train[:200].tolist())) > 5  # shuffled, not in NEWID or topic order


def test_loader_subset_is_stratified_and_reproducible():
    (x1, y1), (t1, u1), topics = data.load_reuters_newswires(max_train=1000, max_test=300, seed=2)
    (x2, y2), _, _ = data.load_reuters_newswires(max_train=1000, max_test=300, seed=2)
    (x3, _), _, _ = data.load_reuters_newswires(max_train=1000, max_test=300, seed=3)
    assert len(x1) == 1000 and len(t1) == 300 and len(topics) == 52
    assert list(x1) == list(x2) and list(y1) == list(y2) and list(x1) != list(x3)
    earn = topics.index("earn")
    assert Counter(y1.tolist())[earn] == round(1000 * 2_840 / 6_532)


def test_loader_options_and_folder_are_validated(tmp_path):
    with pytest.raises(ValueError, match=r"max_train must be None or between 1 and 6,532"):
        data.load_reuters_newswires(max_train=6_533)
    with pytest.raises(ValueError, match=r"max_test must be None or between 1 and 2,568"):
        data.load_reuters_newswires(max_test=0)
    with pytest.raises(ValueError, match="folder must hold the reut2-NNN.sgm files"):
        data.read_reuters_stories(tmp_path)
    with pytest.raises(TypeError, match="folder must be a path"):
        data.read_reuters_stories(3)
