"""Images: one image (``show_image``) and a labelled grid (``image_grid``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import Colormap

from dlcourse.plots.axes import check_ax, grid_axes
from dlcourse.plots.models import class_labels
from dlcourse.validation import as_numeric_array, check_int

__all__ = ["show_image", "image_grid"]

_MAX_GRID_IMAGES = 100  # a grid of 60,000 panels would hang the notebook: ask for a slice instead


def _check_image_shape(name: str, shape: tuple, layout: str) -> None:
    """Checks that the last axis of an image with 3 axes is 1, 3 or 4 channels."""
    if shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"{name} must have 1, 3 or 4 channels in its last axis {layout}; received {name}.shape={shape}"
        )


def _for_display(image: np.ndarray, cmap):
    """Returns ``(array, cmap)`` ready for ``imshow``: a channel axis of 1 dropped, RGB scaled to [0, 1]."""
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        return image, ("gray" if cmap is None else cmap)
    if image.dtype.kind == "f" or image.min() < 0 or image.max() > 255:
        image = image.astype(float)
        low, high = image.min(), image.max()
        if low >= 0 and high > 1 and high <= 255:  # float pixels in 0-255
            image = image / 255.0
        elif low < 0 or high > 1:  # anything else: rescale to [0, 1]
            image = (image - low) / (high - low) if high > low else np.zeros_like(image)
    else:
        image = image.astype(np.uint8)
    return image, None


def show_image(image, *, title=None, cmap="gray", ax=None):
    """Shows one image without axis ticks; grayscale is scaled to its own range, float RGB in 0-255 is divided by 255.

    Args:
        image: shape ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` or ``(H, W, 4)``, uint8 or float.
        title: the title, or None.
        cmap: the colormap of grayscale images (ignored for RGB).
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes.

    Raises:
        TypeError: ``image`` is not numeric, or ``title``/``ax`` has the wrong type.
        ValueError: ``image`` has the wrong number of axes or channels.

    Example:
        >>> import numpy as np
        >>> from dlcourse.plots import show_image
        >>> show_image(np.array([[-1.0, 0.0], [2.0, 5.0]]), title="Sobel x").get_title()
        'Sobel x'
    """
    image = as_numeric_array("image", image)
    layout = "(height, width) or (height, width, channels)"
    if image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f"image must have shape {layout}; received image.shape={image.shape}")
    if image.ndim == 3:
        _check_image_shape("image", image.shape, layout)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None; received title={title!r}")
    ax = check_ax(ax)
    shown, cmap = _for_display(image, cmap)
    ax.imshow(shown, cmap=cmap)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return ax


def _class_indices(name: str, value, n: int, class_names) -> np.ndarray:
    """Labels or predictions as a 1-D array of length ``n`` (see ``class_labels``)."""
    array = class_labels(value, name=name, num_classes=None if class_names is None else len(class_names))
    if array.shape[0] != n:
        raise ValueError(
            f"{name} must have one entry per image (shape ({n},), or ({n}, num_classes) scores); "
            f"received {name}.shape={np.shape(value)}"
        )
    return array


def image_grid(images, *, labels=None, predictions=None, class_names=None, ncols=8, cmap=None, ax=None):
    """Shows images in a grid, titled with their labels; wrong predictions are titled in red.

    Args:
        images: an array ``(N, H, W)`` or ``(N, H, W, C)`` with ``C`` in 1, 3, 4 (at most 100
            images: pass a slice such as ``x_test[:32]``).
        labels: None, or the true labels (see :func:`class_labels`).
        predictions: None, or the predicted classes or scores; needs ``labels``.
        class_names: None, or the class names indexed by the integer labels.
        ncols: the number of columns of a new figure.
        cmap: the colormap of single-channel images; None means ``"gray"``.
        ax: Axes to draw on, at least ``N``; None creates a figure.

    Returns:
        The flat array of Axes, row by row (panels beyond ``N`` are switched off).

    Raises:
        TypeError: ``images`` is not numeric, or ``class_names``, ``cmap`` or ``ax`` has the wrong type.
        ValueError: wrong axes or channels, too many images, labels or predictions of the wrong
            length, ``predictions`` without ``labels``, or a label outside ``class_names``.

    Example:
        >>> import numpy as np
        >>> from dlcourse.plots import image_grid
        >>> scores = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])  # such as model.predict(images)
        >>> axes = image_grid(np.zeros((3, 28, 28)), labels=[0, 1, 1], predictions=scores, class_names=["cat", "dog"])
        >>> [ax.get_title() for ax in axes]
        ['cat', 'dog', 'cat\\n(true: dog)']
    """
    images = as_numeric_array("images", images)
    layout = "(N, height, width) or (N, height, width, channels)"
    if images.ndim not in (3, 4) or images.size == 0:
        raise ValueError(f"images must have shape {layout}; received images.shape={images.shape}")
    if images.ndim == 4:
        _check_image_shape("images", images.shape, layout)
    n = images.shape[0]
    if n > _MAX_GRID_IMAGES:
        raise ValueError(
            f"images must hold at most {_MAX_GRID_IMAGES} images; received {n}: pass a slice such as images[:32]"
        )
    if class_names is not None and (isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence)):
        raise TypeError(f"class_names must be a list of str or None; received class_names={class_names!r}")
    if predictions is not None and labels is None:
        raise ValueError("predictions needs labels to tell right from wrong; received labels=None")
    if labels is not None:
        labels = _class_indices("labels", labels, n, class_names)
    if predictions is not None:
        predictions = _class_indices("predictions", predictions, n, class_names)
    ncols = check_int("ncols", ncols, minimum=1)
    if cmap is not None and not isinstance(cmap, (str, Colormap)):
        raise TypeError(f"cmap must be a colormap name such as 'gray', a Colormap or None; received cmap={cmap!r}")
    axes = grid_axes(ax, n, ncols)

    def name_of(label):
        return str(class_names[int(label)]) if class_names is not None else str(label)

    for i in range(n):
        ax = axes[i]
        shown, shown_cmap = _for_display(images[i], cmap)
        ax.imshow(shown, cmap=shown_cmap)
        ax.set_axis_off()
        if labels is None:
            continue
        if predictions is None or predictions[i] == labels[i]:
            ax.set_title(name_of(labels[i]), fontsize=9)
        else:
            ax.set_title(f"{name_of(predictions[i])}\n(true: {name_of(labels[i])})", fontsize=9, color="red")
    return axes
