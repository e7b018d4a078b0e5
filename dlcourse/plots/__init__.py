"""Plot helpers of the course: each takes ``ax=None`` (or ``axes=None``) and returns the Axes.

A figure is created only when no Axes is given; no helper calls ``plt.show()`` or changes the
global matplotlib style.

- :mod:`dlcourse.plots.curves`: ``plot_history``, ``plot_training_curves``, ``plot_histories``,
  ``plot_kfold_curves``.
- :mod:`dlcourse.plots.images`: ``show_image``, ``image_grid``.
- :mod:`dlcourse.plots.models`: ``plot_feature_maps``, ``plot_filters``, ``plot_confusion_matrix``.
"""

from dlcourse.plots.curves import plot_histories, plot_history, plot_kfold_curves, plot_training_curves
from dlcourse.plots.images import image_grid, show_image
from dlcourse.plots.models import plot_confusion_matrix, plot_feature_maps, plot_filters

__all__ = [
    "plot_history",
    "plot_training_curves",
    "plot_histories",
    "plot_kfold_curves",
    "image_grid",
    "show_image",
    "plot_feature_maps",
    "plot_filters",
    "plot_confusion_matrix",
]
