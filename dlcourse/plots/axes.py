"""The Axes a plot helper draws on: the one given, or a new figure (``pyplot`` is imported only then)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes

__all__ = ["check_ax", "grid_axes"]


def check_ax(ax) -> Axes:
    """Returns ``ax`` (a matplotlib Axes) or the Axes of a new figure when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        return plt.subplots(layout="constrained")[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; received ax={ax!r} of type {type(ax).__name__}")
    return ax


def grid_axes(ax, n: int, ncols: int, *, panel_size: float = 1.6) -> np.ndarray:
    """Returns a flat array of at least ``n`` Axes, one per panel; panels beyond ``n`` are hidden.

    Args:
        ax: None (a new figure of ``ceil(n / ncols)`` rows), or an Axes, list or array of Axes.
        n: the number of panels to draw.
        ncols: the number of columns of a new figure.
        panel_size: the width and height of one panel of a new figure, in inches.

    Raises:
        TypeError: ``ax`` holds something other than Axes.
        ValueError: ``ax`` holds fewer than ``n`` Axes.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ncols = min(ncols, n)
        nrows = math.ceil(n / ncols)
        figsize = (panel_size * ncols, panel_size * nrows + 0.3)
        axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, layout="constrained")[1].ravel()
    else:
        axes = np.asarray([ax] if isinstance(ax, Axes) else ax, dtype=object).ravel()
        if not all(isinstance(a, Axes) for a in axes):
            raise TypeError(f"ax must be a matplotlib Axes, a list or array of Axes, or None; received ax={ax!r}")
        if axes.size < n:
            raise ValueError(f"ax must hold at least {n} Axes, one per panel; received {axes.size}")
    for extra in axes[n:]:
        extra.set_axis_off()
    return axes
