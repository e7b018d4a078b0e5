"""Tests of dlcourse.plots: Axes in, Axes out, the drawn data equals the input, clear errors."""

from __future__ import annotations

import keras
import matplotlib
import ml_dtypes
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from sklearn.metrics import confusion_matrix

from dlcourse.evaluation.result import CVResult
from dlcourse.plots import (
    class_labels,
    image_grid,
    plot_confusion_matrix,
    plot_feature_maps,
    plot_filters,
    plot_histories,
    plot_history,
    plot_kfold_curves,
    plot_training_curves,
    show_image,
)

HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_loss": [1.1, 0.8, 0.7, 0.75],
    "val_accuracy": [0.45, 0.6, 0.7, 0.68],
}


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plot helpers must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


def _keras_history(data=HISTORY):
    history = keras.callbacks.History()
    history.history = {key: list(values) for key, values in data.items()}
    return history


def _ema(values, factor):
    """The bias-corrected exponential moving average, by its definition: weights factor ** age."""
    values = np.asarray(values, dtype=float)
    return np.array([np.average(values[: t + 1], weights=factor ** np.arange(t, -1, -1)) for t in range(values.size)])


def _new_ax():
    return plt.subplots()[1]


# ----------------------------------------------------------------------------- learning curves


@pytest.mark.parametrize("source", [_keras_history, lambda: dict(HISTORY), lambda: pd.DataFrame(HISTORY)])
def test_plot_history_draws_training_and_validation(source):
    ax = _new_ax()
    figures = plt.get_fignums()
    assert plot_history(source(), "loss", ax=ax) is ax
    assert plt.get_fignums() == figures
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), HISTORY["loss"])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), HISTORY["val_loss"])
    assert ax.get_title() == "Training and validation loss"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]


def test_plot_history_from_a_real_fit_creates_a_figure_without_ax():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    history = model.fit(x, x[:, :1], validation_split=0.25, epochs=2, batch_size=8, verbose=0)
    ax = plot_history(history, "mae", title="MAE")
    assert isinstance(ax, Axes) and ax.get_title() == "MAE"
    np.testing.assert_allclose(ax.lines[1].get_ydata(), history.history["val_mae"])


def test_plot_history_options():
    ax = plot_history(HISTORY, "accuracy", validation=False, ax=_new_ax())
    assert len(ax.lines) == 1 and ax.get_title() == "Training accuracy"
    ax = plot_history(HISTORY, "loss", smooth=0.5, ax=_new_ax())
    np.testing.assert_allclose(ax.lines[1].get_ydata(), _ema(HISTORY["val_loss"], 0.5))
    frame = pd.DataFrame({"epoch": [0, 1, 2, 3], **HISTORY})  # as CSVLogger writes it
    ax = plot_history(frame, ax=_new_ax())
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4])


@pytest.mark.parametrize(
    "kwargs, error, pattern",
    [
        (dict(metric="acc"), ValueError, r"metric 'acc' is not in history; available metrics: 'loss', 'accuracy', 'val_loss'"),
        (dict(metric="val_loss"), ValueError, r"metric must name the training metric, such as 'loss'"),
        (dict(history={"loss": [1.0, 0.5]}), ValueError, r"no validation curve 'val_loss'.*validation=False"),
        (dict(history=[1.0, 0.5]), TypeError, r"history must be a keras.callbacks.History"),
        (dict(history={"loss": [[1.0]]}), ValueError, r"history\['loss'\] must be a 1-D sequence"),
        (dict(smooth=1.0), ValueError, r"smooth must be < 1.0"),
        (dict(ax="left"), TypeError, r"ax must be a matplotlib Axes or None"),
        (dict(title=3), TypeError, r"title must be a str or None"),
        (dict(validation="yes"), TypeError, r"validation must be a bool"),
    ],
)
def test_plot_history_validation(kwargs, error, pattern):
    arguments = dict(history=HISTORY, metric="loss") | kwargs
    with pytest.raises(error, match=pattern):
        plot_history(arguments.pop("history"), arguments.pop("metric"), **arguments)
    assert plt.get_fignums() == []  # nothing drawn before the checks


def test_plot_training_curves_one_panel_per_metric():
    axes = plot_training_curves(_keras_history())
    assert len(axes) == 2 and all(isinstance(ax, Axes) for ax in axes)
    np.testing.assert_array_equal(axes[0].lines[0].get_ydata(), HISTORY["loss"])
    np.testing.assert_array_equal(axes[1].lines[1].get_ydata(), HISTORY["val_accuracy"])
    given = plt.subplots(1, 3)[1]
    result = plot_training_curves(HISTORY, metrics=("loss", "accuracy", "val_loss"), ax=given)
    assert list(result) == list(given)
    assert len(given[2].lines) == 1  # no 'val_val_loss': the training curve only
    with pytest.raises(ValueError, match=r"metric 'mae' is not in history; available metrics: 'loss'"):
        plot_training_curves(HISTORY, metrics=("loss", "mae"))
    with pytest.raises(ValueError, match=r"ax must hold at least 2 Axes, one per panel; received 1"):
        plot_training_curves(HISTORY, ax=[_new_ax()])
    with pytest.raises(TypeError, match=r"metrics must be a non-empty sequence"):
        plot_training_curves(HISTORY, metrics=())


def test_plot_histories_one_line_per_run():
    runs = {"small": HISTORY, "big": {**HISTORY, "val_loss": [1.0, 0.5, 0.9, 1.2]}}
    ax = _new_ax()
    assert plot_histories(runs, ax=ax, title="Capacity") is ax
    assert [line.get_label() for line in ax.lines] == ["small", "big"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.0, 0.5, 0.9, 1.2])
    assert ax.get_title() == "Capacity" and ax.get_ylabel() == "val_loss"
    with pytest.raises(ValueError, match=r"metric 'val_mae' is not in histories\['small'\]; available metrics"):
        plot_histories(runs, "val_mae")
    with pytest.raises(TypeError, match=r"histories must be a dict"):
        plot_histories([HISTORY])
    with pytest.raises(ValueError, match=r"histories must hold at least one run"):
        plot_histories({})


def _cv_result(folds):
    """A CVResult whose history holds ``folds`` as val_mae (and a constant loss); rows shuffled."""
    rows = []
    for (repeat, fold), values in folds.items():
        for epoch, value in enumerate(values, start=1):
            rows.append(dict(repeat=repeat, fold=fold, epoch=epoch, metric="val_mae", value=value))
            rows.append(dict(repeat=repeat, fold=fold, epoch=epoch, metric="loss", value=0.0))
    history = pd.DataFrame(rows).sample(frac=1.0, random_state=0)  # row order must not matter
    scores = pd.DataFrame([dict(repeat=r, fold=f) for r, f in folds])
    return CVResult(scores=scores, history=history, val_indices=[], k=2, repeats=2)


FOLDS = {(0, 0): [4.0, 3.0, 2.0, 2.0, 1.0], (0, 1): [6.0, 3.0, 3.0, 1.0, 1.0], (1, 0): [5.0, 3.0, 1.0, 3.0, 4.0]}


def test_plot_kfold_curves_mean_line_is_the_mean_over_folds():
    ax = _new_ax()
    assert plot_kfold_curves(_cv_result(FOLDS), ax=ax) is ax
    assert len(ax.lines) == 4  # three folds, then the mean; not smoothed by default
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [5.0, 3.0, 2.0, 2.0, 2.0])
    np.testing.assert_array_equal(ax.lines[-1].get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), FOLDS[(0, 0)])
    assert ax.lines[-1].get_linewidth() > ax.lines[0].get_linewidth()
    assert ax.get_ylabel() == "val_mae"


def test_plot_kfold_curves_of_an_array_skip_and_smoothed_mean_next_to_the_raw_one():
    ax = plot_kfold_curves(np.array(list(FOLDS.values())), smooth=0.9, skip=2)
    assert len(ax.lines) == 5  # three folds, the raw mean, the smoothed mean
    np.testing.assert_allclose(ax.lines[-2].get_ydata(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), _ema([2.0, 2.0, 2.0], 0.9))
    np.testing.assert_array_equal(ax.lines[-1].get_xdata(), [3, 4, 5])
    # a fold stopped early (NaN in a CVResult's curves): the mean is over the folds that reached each epoch
    ax = plot_kfold_curves(_cv_result({(0, 0): [2.0, 4.0, 6.0], (0, 1): [4.0]}), ax=_new_ax())
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), [3.0, 4.0, 6.0])
    scores = np.array(list(FOLDS.values()), dtype=ml_dtypes.bfloat16)  # mixed_bfloat16 values
    ax = plot_kfold_curves(scores, smooth=0.5, ax=_new_ax())
    np.testing.assert_allclose(ax.lines[-1].get_ydata(), _ema([5.0, 3.0, 2.0, 2.0, 2.0], 0.5))


def test_plot_kfold_curves_smoothed_mean_ends_near_the_last_values_of_a_short_run():
    epochs = np.arange(20)
    folds = np.array([2.6 + 0.1 * k + 20.0 * np.exp(-epochs) for k in range(3)])  # val_mae of Boston Housing: 22.7 -> 2.7
    ax = plot_kfold_curves(folds, smooth=0.9)
    raw, smoothed = ax.lines[-2].get_ydata(), ax.lines[-1].get_ydata()
    assert smoothed[0] == raw[0]
    # bias-corrected: ends at 3.22; an EMA that keeps its first value (22.7) with weight 0.9**19 ends at 5.59
    assert abs(smoothed[-1] - raw[-5:].mean()) < 0.6


@pytest.mark.parametrize(
    "result, kwargs, error, pattern",
    [
        (_cv_result(FOLDS), dict(metric="val_mse"), ValueError, r"metric must be one of 'val_mae', 'loss'; received metric='val_mse'"),
        (_cv_result(FOLDS), dict(metric=3), TypeError, r"metric must be a str such as 'val_mae'"),
        (np.ones((2, 2)), dict(skip=2), ValueError, r"skip must be <= 1; received skip=2"),
        (np.ones((1, 2)), dict(smooth=-0.1), ValueError, r"smooth must be >= 0.0"),
        (np.ones((1, 2)), dict(smooth=1.0), ValueError, r"smooth must be < 1.0"),
        (np.ones(3), {}, ValueError, r"result must be a non-empty 2-D array \(folds, epochs\); received result.shape=\(3,\)"),
        (np.array([["a"]]), {}, TypeError, r"result must hold numbers"),
        (3.0, {}, TypeError, r"result must be a CVResult \(from dlcourse.cross_validate\) or a 2-D array"),
    ],
)
def test_plot_kfold_curves_validation(result, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        plot_kfold_curves(result, **kwargs)
    assert plt.get_fignums() == []


# ----------------------------------------------------------------------------- images


def test_image_grid_titles_and_red_mistakes():
    images = np.random.default_rng(0).integers(0, 256, size=(5, 8, 8), dtype=np.uint8)
    names = ["cat", "dog", "bird"]
    axes = image_grid(images, labels=[0, 1, 2, 1, 0], predictions=[0, 2, 2, 1, 1], class_names=names, ncols=3)
    assert axes.shape == (6,) and all(isinstance(ax, Axes) for ax in axes)
    assert [ax.get_title() for ax in axes[:5]] == ["cat", "bird\n(true: dog)", "bird", "dog", "dog\n(true: cat)"]
    red = [matplotlib.colors.same_color(ax.title.get_color(), "red") for ax in axes[:5]]
    assert red == [False, True, False, False, True]
    np.testing.assert_array_equal(axes[0].images[0].get_array(), images[0])
    assert not axes[5].axison and not axes[5].images  # the spare panel is switched off


def test_image_grid_on_given_axes_with_channels_scores_and_one_hot():
    images = np.random.default_rng(0).uniform(0, 255, size=(4, 6, 6, 3))  # float RGB in 0-255
    given = plt.subplots(2, 2)[1]
    scores = np.eye(3)[[0, 1, 1, 2]]
    axes = image_grid(images, labels=np.eye(3)[[0, 1, 2, 2]], predictions=scores, ax=given)
    assert list(axes) == list(given.ravel()) and len(plt.get_fignums()) == 1
    assert [ax.get_title() for ax in axes] == ["0", "1", "1\n(true: 2)", "2"]
    np.testing.assert_allclose(axes[0].images[0].get_array(), images[0] / 255.0)
    cifar_labels = np.array([[3], [0]], dtype=np.uint8)  # CIFAR-10's y is a column of ints
    axes = image_grid(np.zeros((2, 4, 4, 3), dtype=np.uint8), labels=cifar_labels, predictions=[3.0, 1.0])
    assert [ax.get_title() for ax in axes] == ["3", "1\n(true: 0)"]
    gray = image_grid(np.zeros((2, 5, 5, 1)), cmap="magma")
    assert gray[0].images[0].get_array().shape == (5, 5) and gray[0].images[0].get_cmap().name == "magma"
    assert image_grid(np.zeros((2, 5, 5)))[1].images[0].get_cmap().name == "gray"


@pytest.mark.parametrize(
    "images, kwargs, error, pattern",
    [
        (np.zeros((5, 5)), {}, ValueError, r"images must have shape \(N, height, width\).*received images.shape=\(5, 5\)"),
        (np.zeros((2, 5, 5, 2)), {}, ValueError, r"images must have 1, 3 or 4 channels"),
        (np.zeros((101, 2, 2)), {}, ValueError, r"images must hold at most 100 images; received 101"),
        (np.array([["a"]]), {}, TypeError, r"images must hold numbers"),
        (np.zeros((2, 5, 5)), dict(labels=[0, 1, 2]), ValueError, r"labels must have one entry per image \(shape \(2,\)"),
        (np.zeros((2, 5, 5)), dict(predictions=[0, 1]), ValueError, r"predictions needs labels"),
        (np.zeros((2, 5, 5)), dict(labels=[0, 3], class_names=["a", "b"]), ValueError, r"labels must be class indices in \[0, 2\)"),
        (np.zeros((2, 5, 5)), dict(ncols=0), ValueError, r"ncols must be >= 1; received ncols=0"),
        (np.zeros((2, 5, 5)), dict(ax=["a", "b"]), TypeError, r"ax must be a matplotlib Axes, a list or array of Axes, or None"),
        (np.zeros((2, 5, 5)), dict(cmap=3), TypeError, r"cmap must be a colormap name"),
    ],
)
def test_image_grid_validation(images, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        image_grid(images, **kwargs)
    assert plt.get_fignums() == []


def test_show_image():
    edges = np.array([[-1.0, 0.0], [2.0, 5.0]])
    ax = _new_ax()
    assert show_image(edges, title="Sobel x", ax=ax) is ax
    np.testing.assert_array_equal(ax.images[0].get_array(), edges)
    assert ax.get_title() == "Sobel x" and ax.images[0].get_cmap().name == "gray"
    assert show_image(np.zeros((4, 4, 3), dtype=np.uint8)).images[0].get_array().shape == (4, 4, 3)
    with pytest.raises(ValueError, match=r"image must have shape \(height, width\).*received image.shape=\(1, 4, 4, 1\)"):
        show_image(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match=r"image must have 1, 3 or 4 channels"):
        show_image(np.zeros((4, 4, 2)))


# ----------------------------------------------------------------------------- models


@pytest.fixture(scope="module")
def convnet():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.MaxPooling2D(name="pool")(x)
    outputs = keras.layers.Dense(2, name="dense")(keras.layers.Flatten(name="flatten")(x))
    return keras.Model(inputs, outputs, name="tiny")


def test_plot_feature_maps_shows_the_layer_channels(convnet):
    image = np.random.default_rng(0).uniform(size=(8, 8))  # the channel axis of 1 may be left out
    axes = plot_feature_maps(convnet, "conv", image, max_maps=4, ncols=2)
    assert axes.shape == (4,) and sum(len(ax.images) for ax in axes) == 4
    expected = keras.Model(convnet.input, convnet.get_layer("conv").output)(image[None, :, :, None].astype("float32"))
    np.testing.assert_allclose(axes[3].images[0].get_array(), keras.ops.convert_to_numpy(expected)[0, :, :, 3], rtol=1e-6)
    given = plt.subplots(2, 4)[1]
    axes = plot_feature_maps(convnet, "pool", image[None, :, :, None], ax=given)
    assert sum(len(ax.images) for ax in axes) == 6 and len(plt.get_fignums()) == 2  # all 6 channels, max 16


def test_plot_feature_maps_and_filters_of_a_sequential_model():
    model = keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Conv2D(3, 3, name="c")], name="seq")
    axes = plot_feature_maps(model, "c", np.ones((6, 6, 3)))
    assert sum(len(ax.images) for ax in axes) == 3 and axes[0].images[0].get_array().shape == (4, 4)
    assert len(plot_filters(model.layers[0], channel=2)) == 3


@pytest.mark.parametrize(
    "layer_name, image, error, pattern",
    [
        ("conv9", np.zeros((8, 8, 1)), ValueError, r"layer_name 'conv9' is not a layer of model 'tiny'; its layers are: \[.*'conv', 'pool'"),
        ("dense", np.zeros((8, 8, 1)), ValueError, r"4-D \(batch, height, width, channels\) output.*'dense' outputs shape \(None, 2\)"),
        ("conv", np.zeros((9, 8, 1)), ValueError, r"image must be one input of the model, shape \(8, 8, 1\).*\(9, 8, 1\)"),
        ("conv", np.zeros((2, 8, 8, 1)), ValueError, r"image must be one input of the model"),
        (3, np.zeros((8, 8, 1)), TypeError, r"layer_name must be a str"),
    ],
)
def test_plot_feature_maps_validation(convnet, layer_name, image, error, pattern):
    with pytest.raises(error, match=pattern):
        plot_feature_maps(convnet, layer_name, image)
    assert plt.get_fignums() == []


def test_plot_feature_maps_rejects_non_models():
    with pytest.raises(TypeError, match=r"model must be a keras.Model; received model of type dict"):
        plot_feature_maps({}, "conv", np.zeros((8, 8, 1)))
    unbuilt = keras.Sequential([keras.layers.Conv2D(2, 3, name="conv")])
    with pytest.raises(ValueError, match=r"is not built"):
        plot_feature_maps(unbuilt, "conv", np.zeros((8, 8, 1)))


def test_plot_filters(convnet):
    layer = convnet.get_layer("conv")
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    axes = plot_filters(layer, max_filters=4, ncols=4)
    assert axes.shape == (4,) and sum(len(ax.images) for ax in axes) == 4
    np.testing.assert_allclose(axes[2].images[0].get_array(), kernel[:, :, 0, 2])
    rgb = keras.layers.Conv2D(5, 3)
    rgb.build((None, 8, 8, 3))
    given = plt.subplots(1, 5)[1]
    axes = plot_filters(rgb, channel=None, ax=given)
    assert list(axes) == list(given) and axes[0].images[0].get_array().shape == (3, 3, 3)
    assert axes[0].images[0].get_array().min() == 0.0 and axes[0].images[0].get_array().max() == 1.0
    with pytest.raises(ValueError, match=r"channel must be <= 0; received channel=1"):
        plot_filters(layer, channel=1)
    with pytest.raises(ValueError, match=r"channel=None shows RGB filters and needs 3 input channels; layer 'conv' has 1"):
        plot_filters(layer, channel=None)
    with pytest.raises(TypeError, match=r"layer must be a keras.layers.Conv2D; received layer of type Dense"):
        plot_filters(convnet.get_layer("dense"))
    with pytest.raises(ValueError, match=r"has no weights yet"):
        plot_filters(keras.layers.Conv2D(2, 3))


def test_plot_confusion_matrix_values():
    y_true = np.array([0, 0, 1, 2, 2, 2, 1])
    y_pred = np.array([0, 1, 1, 2, 0, 2, 1])
    ax = _new_ax()
    assert plot_confusion_matrix(y_true, y_pred, ax=ax) is ax
    np.testing.assert_array_equal(ax.images[0].get_array(), confusion_matrix(y_true, y_pred))
    scores = np.eye(4)[y_pred]  # softmax-like scores of 4 classes: class 3 never occurs
    ax = plot_confusion_matrix(y_true, scores, class_names=["a", "b", "c", "d"], normalize="true")
    matrix = ax.images[0].get_array()
    assert matrix.shape == (4, 4)
    np.testing.assert_allclose(matrix[:3], confusion_matrix(y_true, y_pred, labels=range(4), normalize="true")[:3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c", "d"]
    binary = plot_confusion_matrix([0, 1, 1], np.array([[0.2], [0.9], [0.4]]), ax=_new_ax())
    np.testing.assert_array_equal(binary.images[0].get_array(), [[1, 0], [1, 1]])
    column = plot_confusion_matrix(np.array([[2], [0], [2]]), [2.0, 0.0, 1.0], class_names=["a", "b", "c"], ax=_new_ax())
    np.testing.assert_array_equal(column.images[0].get_array(), [[1, 0, 0], [0, 0, 0], [0, 1, 1]])


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, error, pattern",
    [
        ([0, 1], [0, 1, 1], {}, ValueError, r"y_true and y_pred must have the same length; received 2 and 3"),
        ([0, 1], [0, 1], dict(normalize="rows"), ValueError, r"'normalize' parameter .* must be a str among .*Got 'rows'"),
        ([0, 5], [0, 1], dict(class_names=["a", "b"]), ValueError, r"y_true must be class indices in \[0, 2\)"),
        ([], [], {}, ValueError, r"y_true must hold N > 0 labels: shape \(N,\), \(N, 1\) or \(N, num_classes\) scores; received y_true.shape=\(0,\)"),
        ([0, 1], np.zeros((2, 2, 2)), {}, ValueError, r"y_pred must hold N > 0 labels.*received y_pred.shape=\(2, 2, 2\)"),
        (None, [0], {}, TypeError, r"y_true must be an array of class labels or scores"),
        ([0, 1], np.zeros((2, 2), dtype="V4"), {}, TypeError, r"y_pred must hold numbers .*received y_pred of dtype"),
        ([0, 1], [0, 1], dict(class_names="ab"), TypeError, r"class_names must be a non-empty list of str"),
    ],
)
def test_plot_confusion_matrix_validation(y_true, y_pred, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        plot_confusion_matrix(y_true, y_pred, **kwargs)
    assert plt.get_fignums() == []


def test_helpers_leave_global_style_alone(convnet):
    before = dict(matplotlib.rcParams)
    plot_history(HISTORY)
    plot_training_curves(HISTORY)
    plot_histories({"run": HISTORY})
    plot_kfold_curves(list(FOLDS.values()))
    image_grid(np.zeros((3, 4, 4)), labels=[0, 1, 2])
    show_image(np.zeros((4, 4)))
    plot_feature_maps(convnet, "conv", np.zeros((8, 8, 1)))
    plot_filters(convnet.get_layer("conv"))
    plot_confusion_matrix([0, 1], [1, 1])
    assert dict(matplotlib.rcParams) == before


# ----------------------------------------------------------------------------- 16-bit floats

FASHION_MNIST_CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16])
def test_every_helper_accepts_16_bit_floats(dtype):
    history = {key: np.array(values, dtype=dtype) for key, values in HISTORY.items()}
    expected_loss = np.array(HISTORY["loss"], dtype=dtype).astype(np.float32)
    np.testing.assert_allclose(plot_history(history, ax=_new_ax()).lines[0].get_ydata(), expected_loss)
    np.testing.assert_allclose(plot_training_curves(history)[0].lines[0].get_ydata(), expected_loss)
    np.testing.assert_allclose(plot_histories({"run": history}, "loss", ax=_new_ax()).lines[0].get_ydata(), expected_loss)
    images = np.random.default_rng(0).uniform(size=(3, 4, 4)).astype(dtype)
    np.testing.assert_allclose(show_image(images[0]).images[0].get_array(), images[0].astype(np.float32))
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]], dtype=dtype)
    axes = image_grid(images, labels=[0, 1, 1], predictions=scores, class_names=["a", "b"])
    assert [ax.get_title() for ax in axes] == ["a", "b", "a\n(true: b)"]
    assert class_labels(scores).tolist() == [0, 1, 0]
    ax = plot_confusion_matrix([0, 1, 1], scores, class_names=["a", "b"])
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 0], [1, 1]])


def test_plots_of_a_mixed_bfloat16_model():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        keras.utils.set_random_seed(0)
        inputs = keras.Input((8, 8, 1))
        x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
        outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(x))
        model = keras.Model(inputs, outputs)
        images = np.random.default_rng(0).uniform(size=(6, 8, 8, 1)).astype("float32")
        scores = model.predict(images, verbose=0)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert scores.dtype == ml_dtypes.bfloat16
    ax = plot_confusion_matrix([0, 1, 2, 0, 1, 2], scores, class_names=["a", "b", "c"])
    predicted = scores.astype(np.float32).argmax(axis=1)
    np.testing.assert_array_equal(ax.images[0].get_array(), confusion_matrix([0, 1, 2, 0, 1, 2], predicted, labels=[0, 1, 2]))
    assert sum(len(a.images) for a in plot_feature_maps(model, "conv", images[0])) == 4
    assert plot_filters(model.get_layer("conv"))[0].images[0].get_array().dtype == np.float32


# ----------------------------------------------------------------------------- readable confusion matrix


@pytest.mark.parametrize("layout", ["tight", "constrained"])
def test_confusion_matrix_of_fashion_mnist_keeps_its_labels_inside_the_figure(tmp_path, layout):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    fig, ax = plt.subplots(figsize=(6, 5), layout="constrained" if layout == "constrained" else None)
    plot_confusion_matrix(y_true, y_pred, class_names=FASHION_MNIST_CLASS_NAMES, ax=ax)
    if layout == "tight":
        fig.tight_layout()
    fig.savefig(tmp_path / "confusion.png", bbox_inches="tight")
    assert (tmp_path / "confusion.png").stat().st_size > 0
    renderer = fig.canvas.get_renderer()
    texts = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
    assert [t.get_text() for t in ax.get_xticklabels()] == FASHION_MNIST_CLASS_NAMES
    for text in texts:
        box = text.get_window_extent(renderer)
        inside = box.x0 >= fig.bbox.x0 and box.y0 >= fig.bbox.y0 and box.x1 <= fig.bbox.x1 and box.y1 <= fig.bbox.y1
        assert inside, f"{text.get_text()!r} is clipped: {box} is not inside the figure {fig.bbox}"
    assert ax.get_xticklabels()[0].get_rotation() == 45


def test_confusion_matrix_of_a_new_figure_keeps_its_labels_inside_the_figure():
    ax = plot_confusion_matrix([0, 6, 9], [6, 6, 0], class_names=FASHION_MNIST_CLASS_NAMES)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text in [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label]:
        box = text.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1
