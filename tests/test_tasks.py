"""Tests of dlcourse.tasks: the task table, output layers and compile_model."""

import dataclasses

import keras
import numpy as np
import pytest

import dlcourse

from dlcourse.tasks import TASKS, TaskHead, compile_model, output_layer, output_units, task_head


def _model(units, activation=None):
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(inputs), name="tiny")


# --- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "activation", "loss", "metrics"),
    [
        ("binary", "sigmoid", "binary_crossentropy", ("accuracy",)),
        ("multiclass", "softmax", "sparse_categorical_crossentropy", ("accuracy",)),
        ("multilabel", "sigmoid", "binary_crossentropy", ("binary_accuracy", "auc")),
        ("regression", None, "mse", ("mae",)),
        ("regression_unit", "sigmoid", "mse", ("mae",)),
    ],
)
def test_task_table(task, activation, loss, metrics):
    head = TASKS[task]
    assert isinstance(head, TaskHead)
    assert head.name == task
    assert (head.activation, head.loss, head.metrics) == (activation, loss, metrics)
    assert task_head(task) is head


def test_task_table_extras():
    assert set(TASKS) == {"binary", "multiclass", "multilabel", "regression", "regression_unit"}
    assert TASKS["multiclass"].one_hot_loss == "categorical_crossentropy"
    assert all(TASKS[t].one_hot_loss is None for t in TASKS if t != "multiclass")
    assert "binary_crossentropy" in TASKS["regression_unit"].alternative_losses
    assert {t for t in TASKS if TASKS[t].needs_num_classes} == {"multiclass", "multilabel"}


def test_task_head_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TASKS["binary"].loss = "mse"


def test_task_head_errors():
    with pytest.raises(ValueError, match=r"task must be one of 'binary', .*; received task='softmax'"):
        task_head("softmax")
    with pytest.raises(TypeError, match=r"task must be a str .*received task=3 of type int"):
        task_head(3)


# --- output_units / output_layer ---------------------------------------------------------------


def test_output_units():
    assert output_units("binary") == 1
    assert output_units("binary", 2) == 1
    assert output_units("multiclass", 46) == 46
    assert output_units("multilabel", num_classes=5) == 5
    assert output_units("regression") == 1
    assert output_units("regression_unit") == 1


@pytest.mark.parametrize(
    ("task", "num_classes", "error", "message"),
    [
        ("multiclass", None, ValueError, r"num_classes is required for task='multiclass' .*received num_classes=None"),
        ("multiclass", 1, ValueError, r"num_classes must be >= 2 for a softmax head; received num_classes=1"),
        ("multilabel", 1, ValueError, r"num_classes must be >= 2 for a multilabel sigmoid head; received num_classes=1"),
        ("multilabel", None, ValueError, r"num_classes is required for task='multilabel'"),
        ("multiclass", 2.5, TypeError, r"num_classes must be an int; received num_classes=2.5"),
        ("binary", 3, ValueError, r"num_classes must be None \(or 2\) for task='binary'.*received num_classes=3"),
        ("regression", 3, ValueError, r"num_classes must be None for task='regression' .*received num_classes=3"),
        ("regression_unit", 1, ValueError, r"num_classes must be None for task='regression_unit'"),
        ("ranking", None, ValueError, r"task must be one of"),
    ],
)
def test_output_units_errors(task, num_classes, error, message):
    with pytest.raises(error, match=message):
        output_units(task, num_classes)


@pytest.mark.parametrize(
    ("task", "num_classes", "units", "activation"),
    [
        ("binary", None, 1, "sigmoid"),
        ("multiclass", 10, 10, "softmax"),
        ("multilabel", 7, 7, "sigmoid"),
        ("regression", None, 1, "linear"),
        ("regression_unit", None, 1, "sigmoid"),
    ],
)
def test_output_layer(task, num_classes, units, activation):
    layer = output_layer(task, num_classes=num_classes)
    assert isinstance(layer, keras.layers.Dense)
    assert layer.units == units
    assert layer.activation.__name__ == activation
    assert layer.name == "predictions"


def test_output_layer_errors():
    assert output_layer("binary", name="out").name == "out"
    with pytest.raises(TypeError, match="name must be a non-empty str; received name=''"):
        output_layer("binary", name="")
    with pytest.raises(ValueError, match="num_classes must be >= 2 for a softmax head; received num_classes=1"):
        output_layer("multiclass", num_classes=1)


# --- compile_model -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "units", "one_hot", "loss"),
    [
        ("binary", 1, False, "binary_crossentropy"),
        ("multiclass", 3, False, "sparse_categorical_crossentropy"),
        ("multiclass", 3, True, "categorical_crossentropy"),
        ("multilabel", 3, False, "binary_crossentropy"),
        ("regression", 1, False, "mse"),
        ("regression_unit", 1, False, "mse"),
    ],
)
def test_compile_model_loss(task, units, one_hot, loss):
    model = _model(units, TASKS[task].activation)
    result = compile_model(model, task, one_hot_labels=one_hot)
    assert result is model
    assert model.compiled
    assert model.loss == loss
    config = model.get_compile_config()
    assert list(config["metrics"]) == list(TASKS[task].metrics)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)


def test_compile_model_optimizer_and_rate():
    model = compile_model(_model(1, "sigmoid"), "binary", optimizer="Adam", learning_rate=1e-3)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    model = compile_model(_model(1, "sigmoid"), "binary", optimizer="rmsprop", learning_rate=0.05)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    sgd = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    assert compile_model(_model(1, "sigmoid"), "binary", optimizer=sgd).optimizer is sgd
    model = compile_model(_model(1, "sigmoid"), "binary", optimizer="nadam", learning_rate=0.02)  # any name Keras knows
    assert isinstance(model.optimizer, keras.optimizers.Nadam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.02)


def test_compile_model_overrides():
    model = compile_model(_model(1, "sigmoid"), "regression_unit", loss="binary_crossentropy", metrics=["mse"])
    assert model.loss == "binary_crossentropy"
    assert list(model.get_compile_config()["metrics"]) == ["mse"]


def test_compiled_multilabel_model_trains():
    model = compile_model(_model(3, "sigmoid"), "multilabel")
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = (x[:, :3] > 0).astype("float32")
    history = model.fit(x, y, epochs=1, verbose=0)
    assert {"loss", "binary_accuracy", "auc"} <= set(history.history)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"optimizer": "adamm"}, ValueError, r"optimizer must be the name of a Keras optimizer .*; received optimizer='adamm'"),
        ({"optimizer": 3}, TypeError, r"optimizer must be a name such as 'rmsprop' .*received optimizer=3"),
        ({"learning_rate": 0}, ValueError, r"learning_rate must be > 0.0; received learning_rate=0.0"),
        ({"learning_rate": "fast"}, TypeError, r"learning_rate must be a number; received learning_rate='fast'"),
        ({"one_hot_labels": True}, ValueError, r"one_hot_labels=True applies only to task='multiclass'; received task='binary'"),
        ({"one_hot_labels": 1}, TypeError, r"one_hot_labels must be a bool; received one_hot_labels=1"),
        ({"metrics": "accuracy"}, TypeError, r"metrics must be a list of metrics .*received metrics='accuracy'"),
        ({"loss": 3}, TypeError, r"loss must be a loss name, a keras.losses.Loss or None; received loss=3"),
    ],
)
def test_compile_model_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        compile_model(_model(1, "sigmoid"), "binary", **kwargs)


def test_compile_model_model_errors():
    with pytest.raises(TypeError, match=r"model must be a keras.Model; received model='net' of type str"):
        compile_model("net", "binary")
    with pytest.raises(ValueError, match=r"task='binary' needs a model with one sigmoid output unit; .*with 10 output"):
        compile_model(_model(10, "sigmoid"), "binary")
    with pytest.raises(ValueError, match=r"task='multiclass' needs one output unit per class .*with 1 output unit"):
        compile_model(_model(1, "softmax"), "multiclass")
    with pytest.raises(ValueError, match=r"learning_rate can only be given with an optimizer name .*learning_rate=0.1"):
        compile_model(_model(1, "sigmoid"), "binary", optimizer=keras.optimizers.SGD(), learning_rate=0.1)
    with pytest.raises(ValueError, match="task must be one of"):
        compile_model(_model(1), "classification")


@pytest.mark.parametrize(
    ("activation", "task", "expected"),
    [(None, "binary", "sigmoid"), ("sigmoid", "regression", "linear"), ("relu", "regression_unit", "sigmoid"),
     ("sigmoid", "multiclass", "softmax"), ("softmax", "multilabel", "sigmoid")],
)
def test_compile_model_checks_the_output_activation(activation, task, expected):
    units = 1 if task in ("binary", "regression", "regression_unit") else 3
    with pytest.raises(ValueError, match=rf"task='{task}' needs a {expected} output layer .*activation '{activation or 'linear'}'"):
        compile_model(_model(units, activation), task)


def test_compile_model_activation_check_reads_a_final_activation_layer_and_skips_custom_losses():
    inputs = keras.Input((4,))
    logits = keras.layers.Dense(3)(inputs)
    model = keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(logits))
    assert compile_model(model, "multiclass").loss == "sparse_categorical_crossentropy"
    linear = _model(1)  # logits, with a loss that expects them
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    assert compile_model(linear, "binary", loss=loss).loss is loss


def test_compile_model_steps_per_execution():
    from dlcourse.models.dense import build_dense

    model = build_dense((4,), "binary", units=(8,))
    assert compile_model(model, "binary", steps_per_execution=8).steps_per_execution == 8
    assert compile_model(model, "binary").steps_per_execution == 1
    with pytest.raises(ValueError, match="steps_per_execution must be >= 1; received steps_per_execution=0"):
        compile_model(model, "binary", steps_per_execution=0)
    with pytest.raises(TypeError, match="steps_per_execution must be an int; received steps_per_execution='auto'"):
        compile_model(model, "binary", steps_per_execution="auto")


def test_steps_per_execution_does_not_change_the_numbers():
    import dlcourse
    from dlcourse.models.dense import build_dense

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(96, 4)).astype("float32"), rng.integers(0, 2, size=96).astype("float32")
    weights = []
    for steps in (1, 4):
        dlcourse.set_seed(0)
        model = compile_model(build_dense((4,), "binary", units=(8,)), "binary", steps_per_execution=steps)
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_output_layer_computes_in_float32_under_a_mixed_policy():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = dlcourse.build_dense((4,), "binary", units=(8,))
        assert model.layers[1].compute_dtype == "bfloat16"  # the hidden layer computes in 16 bits
        assert model.layers[-1].compute_dtype == "float32"
        assert model(np.zeros((2, 4), "float32")).dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")
