"""Plot helpers: each takes ``ax=None`` and returns the Axes; none calls ``plt.show()``.

The namespace is generated from the ``__all__`` of :mod:`~dlcourse.plots.curves`,
:mod:`~dlcourse.plots.images` and :mod:`~dlcourse.plots.models`.
"""

from dlcourse.plots import curves, images, models
from dlcourse.plots.curves import *  # noqa: F403
from dlcourse.plots.images import *  # noqa: F403
from dlcourse.plots.models import *  # noqa: F403

__all__ = [*curves.__all__, *images.__all__, *models.__all__]
