"""What a model computed and learned: feature maps, first-layer filters, the confusion matrix.

Keras and scikit-learn are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlcourse._validation import check_choice, check_int
from dlcourse.plots._common import check_ax, check_axes, check_ncols, class_labels, grid_axes

__all__ = ["plot_feature_maps", "plot_filters", "plot_confusion_matrix"]


def _check_image_for(model, image) -> np.ndarray:
    """Returns ``image`` as a batch of one matching ``model.input_shape``."""
    if isinstance(model.input_shape, list) or len(model.inputs) != 1:
        raise ValueError(f"model must have a single input; received a model with {len(model.inputs)} inputs")
    want = tuple(model.input_shape[1:])
    array = np.asarray(image)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"image must be a numeric array; received image with dtype {array.dtype}")
    if array.ndim == len(want) + 1 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == len(want) - 1 and want[-1] == 1:
        array = array[..., np.newaxis]
    if array.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, array.shape)):
        raise ValueError(
            f"image must be one input of the model, shape {want} (None: any size); "
            f"received image.shape={np.shape(image)}"
        )
    return array[np.newaxis].astype("float32")


def plot_feature_maps(model, layer_name, image, *, max_maps=16, ncols=8, axes=None):
    """Shows the channels (feature maps) that one layer outputs for one image.

    A sub-model ``keras.Model(model.input, model.get_layer(layer_name).output)`` is run on the
    image; each of the first ``max_maps`` channels is shown as an image.

    Args:
        model: a built ``keras.Model`` (functional, or Sequential with an ``Input``).
        layer_name: the name of a layer with a 4-D output ``(batch, height, width, channels)``,
            such as a ``Conv2D`` or pooling layer (see ``model.summary()``).
        image: one input image, shape ``model.input_shape[1:]`` (a leading batch axis of 1 and
            a missing trailing channel axis of 1 are accepted).
        max_maps: the most channels to show.
        ncols: the number of columns of a new figure.
        axes: Axes to draw on, at least ``min(max_maps, channels)``; None creates a figure.

    Returns:
        The flat array of Axes; panel ``i`` shows channel ``i``.

    Raises:
        TypeError: ``model`` is not a Keras model, or an argument has the wrong type.
        ValueError: the layer is not found (the message lists the layers), its output is not
            4-D, the model is not built, or ``image`` does not fit the model's input.

    Example:
        >>> plot_feature_maps(model, "conv2d_1", x_test[0], max_maps=32)  # doctest: +SKIP
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; received model of type {type(model).__name__}")
    if not isinstance(layer_name, str):
        raise TypeError(f"layer_name must be a str; received layer_name={layer_name!r}")
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"layer_name {layer_name!r} is not a layer of model {model.name!r}; its layers are: {names}")
    try:
        output = model.get_layer(layer_name).output
        model_input = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    except AttributeError as err:
        raise ValueError(
            f"model {model.name!r} is not built: give it an Input or call it on data first ({err})"
        ) from err
    if len(output.shape) != 4:
        raise ValueError(
            f"layer_name must name a layer with a 4-D (batch, height, width, channels) output such as "
            f"Conv2D or MaxPooling2D; layer {layer_name!r} outputs shape {tuple(output.shape)}"
        )
    x = _check_image_for(model, image)
    max_maps = check_int("max_maps", max_maps, minimum=1)
    ncols = check_ncols(ncols)
    n = min(max_maps, output.shape[-1])
    axes = check_axes(axes, n)
    new_figure = axes is None
    maps = keras.ops.convert_to_numpy(keras.Model(model_input, output)(x, training=False))[0]
    axes = grid_axes(axes, n, ncols)
    for i in range(n):
        axes[i].imshow(maps[:, :, i], cmap="viridis")
        axes[i].set_axis_off()
        axes[i].set_title(str(i), fontsize=8)
    if new_figure:
        axes[0].figure.suptitle(f"{layer_name}: {n} of {maps.shape[-1]} channels")
    return axes


def plot_filters(layer, *, channel=0, max_filters=32, ncols=8, axes=None):
    """Shows the learned kernels of a ``Conv2D`` layer, typically the first one.

    Args:
        layer: a built ``keras.layers.Conv2D`` (e.g. ``model.layers[0]``), kernel shape
            ``(kh, kw, in_channels, filters)``.
        channel: the input channel whose kernel slice is shown (grayscale, own colour scale per
            filter); None shows each filter's three input channels as one RGB image (min-max
            scaled), for layers with 3 input channels.
        max_filters: the most filters to show.
        ncols: the number of columns of a new figure.
        axes: Axes to draw on, at least ``min(max_filters, filters)``; None creates a figure.

    Returns:
        The flat array of Axes; panel ``i`` shows filter ``i``.

    Raises:
        TypeError: ``layer`` is not a ``Conv2D`` layer, or an argument has the wrong type.
        ValueError: the layer is not built, or ``channel`` is out of range (or None for a layer
            without 3 input channels).

    Example:
        >>> plot_filters(model.get_layer("conv2d"), max_filters=16)  # doctest: +SKIP
    """
    import keras

    if not isinstance(layer, keras.layers.Conv2D):
        raise TypeError(f"layer must be a keras.layers.Conv2D; received layer of type {type(layer).__name__}")
    if not layer.built:
        raise ValueError(f"layer {layer.name!r} has no weights yet: build or fit its model first")
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    in_channels, filters = kernel.shape[2], kernel.shape[3]
    if channel is None:
        if in_channels != 3:
            raise ValueError(
                f"channel=None shows RGB filters and needs 3 input channels; layer {layer.name!r} has {in_channels}"
            )
    else:
        channel = check_int("channel", channel, minimum=0, maximum=in_channels - 1)
    max_filters = check_int("max_filters", max_filters, minimum=1)
    ncols = check_ncols(ncols)
    n = min(max_filters, filters)
    axes = grid_axes(check_axes(axes, n), n, ncols)
    for i in range(n):
        if channel is None:
            rgb = kernel[:, :, :, i]
            span = rgb.max() - rgb.min()
            axes[i].imshow((rgb - rgb.min()) / span if span > 0 else np.zeros_like(rgb))
        else:
            axes[i].imshow(kernel[:, :, channel, i], cmap="gray")
        axes[i].set_axis_off()
        axes[i].set_title(str(i), fontsize=8)
    return axes


def _labels(name: str, value) -> np.ndarray:
    """Class labels as a non-empty 1-D array (see ``class_labels``)."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of class labels; received {name}={value!r}")
    array = class_labels(value)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array of labels (or 2-D scores); received {name}.shape={np.shape(value)}"
        )
    return array


def plot_confusion_matrix(y_true, y_pred, *, class_names=None, normalize=None, ax=None):
    """Draws the confusion matrix (rows: true class, columns: predicted class) on ``ax``.

    Uses scikit-learn's ``ConfusionMatrixDisplay.from_predictions``.

    Args:
        y_true: the true labels, ``N`` class indices or names (an ``(N, 1)`` column or one-hot
            rows are accepted).
        y_pred: the predicted labels, ``N`` indices, or ``(N, num_classes)`` scores (argmax) or
            ``(N, 1)`` sigmoid outputs (threshold 0.5), e.g. ``model.predict(x)``.
        class_names: None, or the names of classes ``0 .. K-1``; then the matrix is ``K x K``
            even if some class never occurs.
        normalize: None (counts), ``"true"`` (rows sum to 1: per-class recall), ``"pred"``
            (columns sum to 1) or ``"all"``.
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes; ``ax.images[0].get_array()`` holds the matrix.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``y_true`` and ``y_pred`` differ in length, ``normalize`` is unknown, or a
            label is outside ``class_names``.

    Example:
        >>> plot_confusion_matrix(y_test, model.predict(x_test), class_names=names)  # doctest: +SKIP
    """
    y_true = _labels("y_true", y_true)
    y_pred = _labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length; received {y_true.size} and {y_pred.size}")
    normalize = check_choice("normalize", normalize, (None, "true", "pred", "all"))
    labels = None
    if class_names is not None:
        if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence) or not class_names:
            raise TypeError(
                f"class_names must be a non-empty list of str or None; received class_names={class_names!r}"
            )
        labels = np.arange(len(class_names))
        for name, values in (("y_true", y_true), ("y_pred", y_pred)):
            if values.dtype.kind not in "iu" or values.min() < 0 or values.max() >= len(class_names):
                raise ValueError(
                    f"{name} must be class indices in [0, {len(class_names)}) to match class_names; "
                    f"received values from {values.min()!r} to {values.max()!r}"
                )
    ax = check_ax(ax)
    from sklearn.metrics import ConfusionMatrixDisplay

    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        display_labels=None if class_names is None else [str(c) for c in class_names],
        normalize=normalize,
        cmap="Blues",
        ax=ax,
        xticks_rotation=45 if class_names is not None else "horizontal",
    )
    ax.set_title("Confusion matrix" + ("" if normalize is None else f" (normalized over {normalize})"))
    return display.ax_
