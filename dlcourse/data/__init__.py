"""The data layer: loaders over the Keras cache, the cache itself, preprocessing helpers.

Every loader goes through ``keras.datasets`` or ``keras.utils.get_file`` (so Keras caches the
files in ``KERAS_HOME``), downloads nothing at import, and raises one
:class:`~dlcourse.errors.DataUnavailableError` naming the dataset, the file and the command that
fills the cache (``python -m dlcourse fetch NAME``) when a file is missing or corrupt.
"""

from dlcourse.data.cats_dogs import CATS_VS_DOGS_CLASS_NAMES, load_cats_vs_dogs
from dlcourse.data.fetching import CacheStatus, cache_status, fetch
from dlcourse.data.images import FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES, load_fashion_mnist, load_mnist
from dlcourse.data.imdb import IMDB_CLASS_NAMES, load_imdb_reviews, load_imdb_texts, load_imdb_word_index
from dlcourse.data.preprocessing import (
    Standardization,
    decode_indices,
    multi_hot,
    multi_hot_vectorizer,
    standardize,
    standardize_review,
)
from dlcourse.data.registry import REGISTRY, Resource
from dlcourse.data.reuters import ReutersStory, load_reuters_newswires, parse_reuters_sgml, read_reuters_stories
from dlcourse.data.tabular import BOSTON_FEATURE_NAMES, load_boston_housing
from dlcourse.data.vectorized_text import decode_multi_hot, vectorize_texts

__all__ = [
    "BOSTON_FEATURE_NAMES",
    "CATS_VS_DOGS_CLASS_NAMES",
    "FASHION_MNIST_CLASS_NAMES",
    "IMDB_CLASS_NAMES",
    "MNIST_CLASS_NAMES",
    "REGISTRY",
    "CacheStatus",
    "Resource",
    "ReutersStory",
    "Standardization",
    "cache_status",
    "decode_indices",
    "decode_multi_hot",
    "fetch",
    "load_boston_housing",
    "load_cats_vs_dogs",
    "load_fashion_mnist",
    "load_imdb_reviews",
    "load_imdb_texts",
    "load_imdb_word_index",
    "load_mnist",
    "load_reuters_newswires",
    "multi_hot",
    "multi_hot_vectorizer",
    "parse_reuters_sgml",
    "read_reuters_stories",
    "standardize",
    "standardize_review",
    "vectorize_texts",
]
