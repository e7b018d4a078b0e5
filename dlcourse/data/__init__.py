"""The data layer: loaders over the Keras cache, the cache itself, subsets and preprocessing.

A missing or corrupt file raises one :class:`~dlcourse.errors.DataUnavailableError` naming the
command that fills the cache. This namespace is generated from the modules' ``__all__``.
"""

from dlcourse.data import (
    cache,
    cats_dogs,
    imdb,
    keras_datasets,
    preprocessing,
    registry,
    reuters,
    subsets,
    vectorized_text,
)

_MODULES = (cache, cats_dogs, imdb, keras_datasets, preprocessing, registry, reuters, subsets, vectorized_text)
__all__ = sorted(name for module in _MODULES for name in module.__all__)
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
del _MODULES
