"""What a model computed and learned: feature maps, first-layer filters, predicted classes, the confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlcourse.plots.axes import check_ax, grid_axes
from dlcourse.validation import as_numeric_array, check_int

__all__ = ["plot_feature_maps", "plot_filters", "class_labels", "plot_confusion_matrix"]


def _check_image_for(model, image) -> np.ndarray:
    """Returns ``image`` as a batch of one matching ``model.input_shape``."""
    if isinstance(model.input_shape, list) or len(model.inputs) != 1:
        raise ValueError(f"model must have a single input; received a model with {len(model.inputs)} inputs")
    want = tuple(model.input_shape[1:])
    array = as_numeric_array("image", image)
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


def plot_feature_maps(model, layer_name, image, *, max_maps=16, ncols=8, ax=None):
    """Shows the first ``max_maps`` channels (feature maps) that layer ``layer_name`` outputs for one image.

    Args:
        model: a built ``keras.Model``.
        layer_name: the name of a layer with a 4-D output, such as a ``Conv2D`` or pooling layer.
        image: one input image, shape ``model.input_shape[1:]`` (a leading batch axis of 1 and a
            missing trailing channel axis of 1 are accepted).
        max_maps: the most channels to show.
        ncols: the number of columns of a new figure.
        ax: Axes to draw on, at least ``min(max_maps, channels)``; None creates a figure.

    Returns:
        The flat array of Axes; panel ``i`` shows channel ``i``.

    Raises:
        TypeError: ``model`` is not a Keras model, or an argument has the wrong type.
        ValueError: the layer is not found or its output is not 4-D, the model is not built, or
            ``image`` does not fit the model's input.

    Example:
        >>> import keras, numpy as np
        >>> from dlcourse.plots import plot_feature_maps
        >>> inputs = keras.Input((8, 8, 1))
        >>> model = keras.Model(inputs, keras.layers.Conv2D(4, 3, name="conv")(inputs))
        >>> len(plot_feature_maps(model, "conv", np.ones((8, 8, 1)), ncols=2))
        4
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
    ncols = check_int("ncols", ncols, minimum=1)
    n = min(max_maps, output.shape[-1])
    axes = grid_axes(ax, n, ncols)
    maps = keras.ops.convert_to_numpy(keras.Model(model_input, output)(x, training=False))[0].astype(np.float32)
    for i in range(n):
        axes[i].imshow(maps[:, :, i], cmap="viridis")
        axes[i].set_axis_off()
        axes[i].set_title(str(i), fontsize=8)
    if ax is None:
        axes[0].figure.suptitle(f"{layer_name}: {n} of {maps.shape[-1]} channels")
    return axes


def plot_filters(layer, *, channel=0, max_filters=32, ncols=8, ax=None):
    """Shows the learned kernels of a ``Conv2D`` layer, typically the first one.

    Args:
        layer: a built ``keras.layers.Conv2D``, kernel shape ``(kh, kw, in_channels, filters)``.
        channel: the input channel whose kernel slice is shown in grayscale; None shows each
            filter's three input channels as one RGB image (min-max scaled).
        max_filters: the most filters to show.
        ncols: the number of columns of a new figure.
        ax: Axes to draw on, at least ``min(max_filters, filters)``; None creates a figure.

    Returns:
        The flat array of Axes; panel ``i`` shows filter ``i``.

    Raises:
        TypeError: ``layer`` is not a ``Conv2D`` layer, or an argument has the wrong type.
        ValueError: the layer is not built, or ``channel`` is out of range (or None without 3
            input channels).

    Example:
        >>> import keras
        >>> from dlcourse.plots import plot_filters
        >>> layer = keras.layers.Conv2D(16, 3)
        >>> layer.build((None, 28, 28, 1))
        >>> plot_filters(layer, max_filters=8)[0].images[0].get_array().shape
        (3, 3)
    """
    import keras

    if not isinstance(layer, keras.layers.Conv2D):
        raise TypeError(f"layer must be a keras.layers.Conv2D; received layer of type {type(layer).__name__}")
    if not layer.built:
        raise ValueError(f"layer {layer.name!r} has no weights yet: build or fit its model first")
    kernel = keras.ops.convert_to_numpy(layer.kernel).astype(np.float32)  # float16/bfloat16 under mixed precision
    in_channels, filters = kernel.shape[2], kernel.shape[3]
    if channel is None:
        if in_channels != 3:
            raise ValueError(
                f"channel=None shows RGB filters and needs 3 input channels; layer {layer.name!r} has {in_channels}"
            )
    else:
        channel = check_int("channel", channel, minimum=0, maximum=in_channels - 1)
    max_filters = check_int("max_filters", max_filters, minimum=1)
    ncols = check_int("ncols", ncols, minimum=1)
    n = min(max_filters, filters)
    axes = grid_axes(ax, n, ncols)
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


def class_labels(y, *, name="y", num_classes=None) -> np.ndarray:
    """Returns labels, or the classes that scores predict, as a non-empty 1-D array.

    ``(N, K)`` scores or one-hot rows give their argmax; an ``(N, 1)`` column gives its values
    when they are whole numbers, else ``y > 0.5`` (one sigmoid output). Whole-number floats
    become ints.

    Args:
        y: ``N`` class indices or names, an ``(N, 1)`` column, or ``(N, K)`` scores.
        name: the argument's name in error messages.
        num_classes: None, or the number of classes: then every label must be in
            ``[0, num_classes)``.

    Returns:
        A 1-D NumPy array of ``N`` labels.

    Raises:
        TypeError: ``y`` is not an array of labels or numbers.
        ValueError: ``y`` is empty or has more than 2 axes, or a label is not below ``num_classes``.

    Example:
        >>> import numpy as np
        >>> from dlcourse.plots import class_labels
        >>> class_labels(np.array([[0.1, 0.9], [0.8, 0.2]], dtype=np.float16)).tolist()
        [1, 0]
    """
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of class labels or scores; received {name}={y!r}")
    array = np.asarray(y)
    if array.dtype.kind in "biufV":  # numbers, ml_dtypes' bfloat16 included
        array = as_numeric_array(name, array)
    if array.ndim == 2 and array.dtype.kind in "biuf" and array.shape[1] > 1:
        array = array.argmax(axis=1)
    elif array.ndim == 2 and array.dtype.kind in "biuf" and array.shape[1] == 1:
        column = array[:, 0]
        whole = column.dtype.kind != "f" or bool(np.all(np.isfinite(column) & (column == np.round(column))))
        array = column if whole else (column > 0.5).astype(int)
    if array.dtype.kind == "f" and array.size and np.all(np.isfinite(array) & (array == np.round(array))):
        array = array.astype(int)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must hold N > 0 labels: shape (N,), (N, 1) or (N, num_classes) scores; "
            f"received {name}.shape={np.shape(y)}"
        )
    if num_classes is not None and (array.dtype.kind not in "iu" or array.min() < 0 or array.max() >= num_classes):
        raise ValueError(
            f"{name} must be class indices in [0, {num_classes}) to match class_names; "
            f"received values from {array.min()!r} to {array.max()!r}"
        )
    return array


def plot_confusion_matrix(y_true, y_pred, *, class_names=None, normalize=None, ax=None):
    """Draws the confusion matrix (rows: true class, columns: predicted) with scikit-learn's ``ConfusionMatrixDisplay``.

    Args:
        y_true: the true labels (see :func:`class_labels`).
        y_pred: the predicted labels, or scores such as ``model.predict(x)``.
        class_names: None, or the names of classes ``0 .. K-1``; then the matrix is ``K x K``.
        normalize: None (counts), ``"true"`` (rows sum to 1), ``"pred"`` or ``"all"``.
        ax: the Axes to draw on; None creates a figure.

    Returns:
        The Axes; ``ax.images[0].get_array()`` holds the matrix.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``y_true`` and ``y_pred`` differ in length, ``normalize`` is unknown, or a
            label is outside ``class_names``.

    Example:
        >>> from dlcourse.plots import plot_confusion_matrix
        >>> ax = plot_confusion_matrix([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], class_names=["no", "yes"])
        >>> ax.images[0].get_array().tolist()
        [[1, 0], [1, 1]]
    """
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    if class_names is not None and (
        isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence) or not class_names
    ):
        raise TypeError(f"class_names must be a non-empty list of str or None; received class_names={class_names!r}")
    num_classes = None if class_names is None else len(class_names)  # scikit-learn drops other labels silently
    y_true = class_labels(y_true, name="y_true", num_classes=num_classes)
    y_pred = class_labels(y_pred, name="y_pred", num_classes=num_classes)
    if y_true.shape != y_pred.shape:  # scikit-learn's message names neither argument
        raise ValueError(f"y_true and y_pred must have the same length; received {y_true.size} and {y_pred.size}")
    labels = None if class_names is None else np.arange(num_classes)
    matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)  # checks normalize
    ax = check_ax(ax)
    display_labels = None if class_names is None else [str(c) for c in class_names]
    ConfusionMatrixDisplay(matrix, display_labels=display_labels).plot(ax=ax, cmap="Blues")
    if class_names is not None:
        for label in ax.get_xticklabels():
            label.set(rotation=45, horizontalalignment="right", rotation_mode="anchor")
    ax.set_title("Confusion matrix" + ("" if normalize is None else f" (normalized over {normalize})"))
    return ax
