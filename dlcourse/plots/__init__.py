"""Plot helpers of the course: each takes ``ax=None`` (an Axes, or Axes for several panels) and returns them.

A figure is created only when no Axes is given; no helper calls ``plt.show()`` or changes the
global matplotlib style. Float16 and bfloat16 arrays (mixed precision) are accepted.

- :mod:`dlcourse.plots.curves`: learning curves of one run, several runs and K-fold runs.
- :mod:`dlcourse.plots.images`: one image, a labelled grid of images.
- :mod:`dlcourse.plots.models`: feature maps, filters, predicted classes, the confusion matrix.
- :mod:`dlcourse.plots.axes`: the given Axes or a new figure (for writing a plot helper).

The namespace is generated from the ``__all__`` of the three plot modules.
"""

from dlcourse.plots import curves, images, models
from dlcourse.plots.curves import *  # noqa: F403
from dlcourse.plots.images import *  # noqa: F403
from dlcourse.plots.models import *  # noqa: F403

__all__ = [*curves.__all__, *images.__all__, *models.__all__]
