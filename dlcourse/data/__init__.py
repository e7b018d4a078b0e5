"""The data layer: loaders over the Keras cache, the cache itself, subsets and preprocessing.

Every loader goes through ``keras.datasets`` or ``keras.utils.get_file`` (so Keras caches the
files in ``KERAS_HOME``), downloads nothing at import, and raises one
:class:`~dlcourse.errors.DataUnavailableError` naming the dataset, the file and the command that
fills the cache (``python -m dlcourse fetch NAME``) when a file is missing or corrupt.

This namespace is generated from the modules' ``__all__``: every name lives in one module.
"""

from dlcourse.data import (
    cache,
    cats_dogs,
    images,
    imdb,
    preprocessing,
    registry,
    reuters,
    subsets,
    tabular,
    vectorized_text,
)

_MODULES = (cache, cats_dogs, images, imdb, preprocessing, registry, reuters, subsets, tabular, vectorized_text)
__all__ = sorted(name for module in _MODULES for name in module.__all__)
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
del _MODULES
