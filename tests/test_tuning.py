"""Tests of dlcourse.tuning: hypermodels, the cross-validated tuner and search, trials_dataframe."""

import importlib.util
import json
import shutil
import sys
import types

import keras
import keras_tuner
import numpy as np
import pytest

from dlcourse import ConvnetHyperModel, CVTuner, DenseHyperModel, cross_validated_search, trials_dataframe
from dlcourse.tuning import hypermodels

FINGERPRINT_FILE = "dlcourse_fingerprint.json"

K = 2


def _data(n=16):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0])).astype("float32")


def _hypermodel(**overrides):
    options = {"num_layers": (1, 2), "units": (2, 4), "learning_rate": (1e-3, 1e-2), "dropout_rate": 0.0}
    options.update(overrides)
    return DenseHyperModel((4,), "regression", **options)


class RenamedHyperModel(DenseHyperModel):
    """A DenseHyperModel subclass: the same config under another class name."""


class _Interrupt(BaseException):
    """Stands for KeyboardInterrupt: keras-tuner lets it through, as it does Ctrl-C."""


def _dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][:-1]


# --- hypermodels -------------------------------------------------------------------------------


def test_dense_hypermodel_samples_hp_and_builds_what_it_sampled():
    hypermodel = DenseHyperModel((4,), "binary", num_layers=(1, 3), units=(4, 8), dropout_rate=(0.1, 0.5))
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    assert set(hp.values) == {"num_layers", "units", "learning_rate", "dropout_rate"}
    assert hypermodel.hyperparameter_names == ["num_layers", "units", "learning_rate", "dropout_rate"]
    assert hp.values["num_layers"] == 1 and hp.values["units"] == 4  # the defaults: lowest, first
    assert model.compiled and model.loss == "binary_crossentropy"
    hp.values.update(num_layers=3, units=8, learning_rate=5e-3, dropout_rate=0.25)
    model = hypermodel.build(hp)
    assert [layer.units for layer in _dense_layers(model)] == [8, 8, 8]
    assert [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)] == [0.25] * 3
    assert float(model.optimizer.learning_rate) == pytest.approx(5e-3)
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)


def test_dense_hypermodel_learning_rate_is_sampled_on_a_log_scale():
    hp = keras_tuner.HyperParameters()
    _hypermodel(optimizer=["adam", "sgd"]).build(hp)
    learning_rate = next(param for param in hp.space if param.name == "learning_rate")
    assert learning_rate.sampling == "log"
    assert hp.values["optimizer"] == "adam"


def test_fixed_values_are_not_hyperparameters():
    hypermodel = DenseHyperModel((4,), "multiclass", num_classes=3, num_layers=2, units=8, learning_rate=1e-3,
                                 dropout_rate=0.0, one_hot_labels=True)
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    assert hp.values == {}
    assert [layer.units for layer in _dense_layers(model)] == [8, 8]
    assert model.output_shape == (None, 3)
    assert model.loss == "categorical_crossentropy"


def test_convnet_hypermodel_builds_what_it_sampled():
    hypermodel = ConvnetHyperModel((8, 8, 1), "multiclass", num_classes=3, num_blocks=(1, 2), filters=(4, 8),
                                   dense_units=(0, 6), padding="same")
    hp = keras_tuner.HyperParameters()
    hypermodel.build(hp)
    assert set(hp.values) == {"num_blocks", "filters", "dense_units", "learning_rate", "dropout_rate"}
    hp.values.update(num_blocks=2, filters=8, dense_units=6)
    model = hypermodel.build(hp)
    assert [layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)] == [8, 16]
    assert [layer.units for layer in _dense_layers(model)] == [6]
    hp.values.update(num_blocks=1, dense_units=0)
    model = hypermodel.build(hp)
    assert [layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)] == [8]
    assert _dense_layers(model) == []
    assert model.compiled and model.output_shape == (None, 3)


@pytest.mark.parametrize("make", [
    lambda spe: DenseHyperModel((4,), "regression", steps_per_execution=spe),
    lambda spe: ConvnetHyperModel((8, 8, 1), "binary", num_blocks=1, steps_per_execution=spe),
], ids=["dense", "convnet"])
def test_hypermodels_pass_steps_per_execution_to_compile(make):
    hp = keras_tuner.HyperParameters()
    assert make(1).build(hp).steps_per_execution == 1
    hypermodel = make(8)
    assert hypermodel.build(hp).steps_per_execution == 8
    assert "steps_per_execution" not in hypermodel.hyperparameter_names  # fixed, not searched
    assert hypermodel.get_config()["steps_per_execution"] == 8


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"num_layers": (3, 1)}, ValueError, r"num_layers must be a \(low, high\) range with low <= high"),
        ({"num_layers": (1, 2, 3)}, ValueError, r"num_layers must be a fixed value or a \(low, high\) range"),
        ({"num_layers": -1}, ValueError, "num_layers must be >= 0; received num_layers=-1"),
        ({"units": ()}, ValueError, "units must be a fixed value or a non-empty sequence of choices"),
        ({"units": (0, 8)}, ValueError, "units must be >= 1; received units=0"),
        ({"learning_rate": (0.0, 1e-2)}, ValueError, "learning_rate must be > 0.0; received learning_rate=0.0"),
        ({"dropout_rate": (0.0, 1.0)}, ValueError, "dropout_rate must be < 1.0; received dropout_rate=1.0"),
        ({"l2": -0.1}, ValueError, "l2 must be >= 0.0"),
        ({"optimizer": "adamm"}, ValueError, "optimizer must be a Keras optimizer name .*received optimizer='adamm'"),
        ({"optimizer": keras.optimizers.Adam()}, TypeError, "optimizer must be an optimizer name"),
        ({"task": "regresion"}, ValueError, "task must be one of"),
        ({"task": "multiclass"}, ValueError, "num_classes"),
        ({"input_shape": "4"}, TypeError, "input_shape must be a tuple of ints"),
        ({"batch_norm": 1}, TypeError, "batch_norm must be a bool"),
        ({"metrics": "mae"}, TypeError, "metrics must be a list of metrics"),
        ({"steps_per_execution": 0}, ValueError, "steps_per_execution must be >= 1; received steps_per_execution=0"),
        ({"steps_per_execution": 2.0}, TypeError, "steps_per_execution must be an int"),
    ],
)
def test_dense_hypermodel_validation(kwargs, error, message):
    options = {"input_shape": (4,), "task": "regression", **kwargs}
    with pytest.raises(error, match=message):
        DenseHyperModel(options.pop("input_shape"), options.pop("task"), **options)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"input_shape": (8, 8)}, ValueError, "input_shape must have 3 axes"),
        ({"num_blocks": 0}, ValueError, "num_blocks must be >= 1"),
        ({"kernel_size": (3, 0)}, ValueError, "kernel_size must be >= 1"),
        ({"padding": "full"}, ValueError, "padding must be one of 'valid', 'same'; received padding='full'"),
        ({"top": "mean"}, ValueError, "top must be one of"),
        ({"augmentation": 3}, TypeError, "augmentation must be None, 'default' or a Keras layer"),
        ({"rescale": "1/255"}, TypeError, "rescale must be a number; received rescale=.1/255."),
        ({"steps_per_execution": -1}, ValueError, "steps_per_execution must be >= 1; received steps_per_execution=-1"),
    ],
)
def test_convnet_hypermodel_validation(kwargs, error, message):
    options = {"input_shape": (8, 8, 1), **kwargs}
    with pytest.raises(error, match=message):
        ConvnetHyperModel(options.pop("input_shape"), "binary", **options)


def test_hypermodels_check_their_arguments_without_building_a_model(monkeypatch):
    import dlcourse.tuning.hypermodels as hypermodels

    def no_build(*args, **kwargs):
        raise AssertionError("the constructor built a model")

    monkeypatch.setattr(hypermodels, "build_dense", no_build)
    monkeypatch.setattr(hypermodels, "build_convnet", no_build)
    DenseHyperModel((4,), "multiclass", num_classes=3, one_hot_labels=True, metrics=["accuracy"])
    ConvnetHyperModel((8, 8, 1), "binary", augmentation="default", rescale=1 / 255)
    with pytest.raises(ValueError, match="one_hot_labels=True applies only to task='multiclass'"):
        DenseHyperModel((4,), "binary", one_hot_labels=True)


# --- cross-validated search --------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_search(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tuner")
    x, y = _data()
    tuner = cross_validated_search(_hypermodel(), x, y, k=K, max_trials=2, epochs=1, batch_size=8,
                                   directory=directory, project_name="search")
    return directory, trials_dataframe(tuner), tuner


def _copy(first_search, tmp_path):
    directory = first_search[0]
    shutil.copytree(directory / "search", tmp_path / "copy" / "search")
    return tmp_path / "copy"


def test_search_dataframe(first_search):
    directory, frame, _ = first_search
    fold_columns = [f"val_loss_fold_{i}" for i in range(K)]
    assert list(frame.columns) == [
        "trial_id", "num_layers", "units", "learning_rate", "score",
        "val_loss_mean", "val_loss_std", *fold_columns, "val_mae_mean", "status",
    ]
    assert len(frame) == 2
    assert (frame["status"] == "COMPLETED").all()
    assert frame["score"].is_monotonic_increasing  # val_loss: best (lowest) first
    folds = frame[fold_columns].to_numpy()
    np.testing.assert_allclose(frame["score"], folds.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(frame["val_loss_mean"], folds.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(frame["val_loss_std"], folds.std(axis=1, ddof=1), rtol=1e-6)
    assert frame.attrs["objective"] == "val_loss" and frame.attrs["direction"] == "min"
    fingerprint = json.loads((directory / "search" / FINGERPRINT_FILE).read_text())
    assert fingerprint["setup"]["k"] == K
    assert fingerprint["setup"]["hypermodel"].startswith("dlcourse.tuning.hypermodels.DenseHyperModel ")
    assert fingerprint["data"]["x_shape"] == [16, 4] and fingerprint["data"]["epochs"] == 1


def _count_builds(monkeypatch, *, interrupt_at=None):
    """Counts the dense networks DenseHyperModel.build makes; optionally stops like Ctrl-C."""
    counter = {"builds": 0}
    original = hypermodels.build_dense

    def build_dense(*args, **kwargs):
        counter["builds"] += 1
        if counter["builds"] == interrupt_at:
            raise _Interrupt()
        return original(*args, **kwargs)

    monkeypatch.setattr(hypermodels, "build_dense", build_dense)
    return counter


def test_search_resumes_with_the_same_fingerprint(first_search, tmp_path, monkeypatch, capsys):
    directory = _copy(first_search, tmp_path)
    before = first_search[1]
    x, y = _data()
    hypermodel = RenamedHyperModel((4,), "regression", num_layers=(1, 2), units=(2, 4),
                                    learning_rate=(1e-3, 1e-2), dropout_rate=0.0)
    with pytest.raises(ValueError, match="different setup .*RenamedHyperModel"):  # same config, another class
        cross_validated_search(hypermodel, x, y, k=K, max_trials=3, epochs=1, batch_size=8,
                               directory=directory, project_name="search")
    hypermodel = _hypermodel()  # its constructor builds once, with the defaults, to check the fixed arguments
    counter = _count_builds(monkeypatch)
    frame = trials_dataframe(cross_validated_search(hypermodel, x, y, k=K, max_trials=3, epochs=1, batch_size=8,
                                                    directory=directory, project_name="search", verbose=0))
    out, err = capsys.readouterr()
    assert "trial" not in err  # verbose=0: no progress bar
    assert "Resuming the search in" in out
    assert "2 of 2 trial(s) completed, up to 1 new trial(s) to run (max_trials=3)" in out
    assert counter["builds"] == K  # one new trial, one build per fold; the two done trials are not re-run
    assert len(frame) == 3 and (frame["status"] == "COMPLETED").all()
    old = frame[frame["trial_id"].isin(before["trial_id"])].set_index("trial_id").sort_index()
    np.testing.assert_allclose(old["score"], before.set_index("trial_id").sort_index()["score"])


def test_an_interrupted_search_resumes(tmp_path, monkeypatch, capsys):
    x, y = _data()
    common = {"k": K, "max_trials": 2, "epochs": 1, "batch_size": 8, "directory": tmp_path, "project_name": "stop"}
    # keras-tuner builds once to see the search space, then K builds for trial 0; stop in trial 1.
    hypermodel = _hypermodel()
    _count_builds(monkeypatch, interrupt_at=1 + K + 1)
    with pytest.raises(_Interrupt):
        cross_validated_search(hypermodel, x, y, **common)
    counter = _count_builds(monkeypatch)
    frame = trials_dataframe(cross_validated_search(hypermodel, x, y, **common))
    assert "1 of 2 trial(s) completed, up to 0 new trial(s) to run" in capsys.readouterr().out
    assert counter["builds"] == K  # only the interrupted trial runs again
    assert len(frame) == 2 and (frame["status"] == "COMPLETED").all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"k": 3}, r"different setup \(k: 2 -> 3\)"),
        ({"seed": 1}, r"different setup \(seed: 0 -> 1\)"),
        ({"objective": "val_mae"}, "different setup .*objective"),
        ({"tuner": "bayesian"}, "different setup .*oracle"),
        ({"hypermodel": _hypermodel(units=(2, 8))}, "different setup .*hypermodel"),
        ({"epochs": 2}, r"different data or training setup \(epochs: 1 -> 2\)"),
        ({"x": _data()[0] + 1.0}, "different data or training setup .*x_digest"),
        ({"x": _data(12)[0], "y": _data(12)[1]}, "different data or training setup .*x_shape"),
    ],
)
def test_a_stale_folder_is_refused(first_search, change, message):
    directory = first_search[0]
    x, y = _data()
    args = {"hypermodel": _hypermodel(), "x": x, "y": y, "k": K, "max_trials": 2, "epochs": 1, "batch_size": 8,
            "directory": directory, "project_name": "search", **change}
    with pytest.raises(ValueError, match=message) as info:
        cross_validated_search(args.pop("hypermodel"), args.pop("x"), args.pop("y"), **args)
    assert "overwrite=True" in str(info.value) and "new project_name" in str(info.value)


def test_overwrite_starts_afresh_and_shows_progress(first_search, tmp_path, capsys):
    directory = _copy(first_search, tmp_path)
    x, y = _data()
    frame = trials_dataframe(cross_validated_search(_hypermodel(), x, y, k=K, max_trials=1, epochs=2, batch_size=8,
                                                    directory=directory, project_name="search", overwrite=True))
    assert len(frame) == 1
    assert "1/1 [" in capsys.readouterr().err  # tqdm's bar over the trials (verbose=1, the default)
    fingerprint = json.loads((directory / "search" / FINGERPRINT_FILE).read_text())
    assert fingerprint["data"]["epochs"] == 2


def test_a_folder_without_fingerprint_is_refused(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "oracle.json").write_text("{}")
    x, y = _data()
    with pytest.raises(ValueError, match="holds files but no dlcourse fingerprint.*overwrite=True"):
        cross_validated_search(_hypermodel(), x, y, k=K, directory=tmp_path, project_name="search")


def test_hyperband_and_bayesian_searches(tmp_path):
    x, y = _data()
    common = {"k": K, "epochs": 1, "batch_size": 8, "directory": tmp_path}
    frame = trials_dataframe(cross_validated_search(_hypermodel(), x, y, tuner="hyperband", project_name="hb",
                                                    **common))
    assert "tuner/epochs" in frame.columns and (frame["status"] == "COMPLETED").all()
    frame = trials_dataframe(cross_validated_search(_hypermodel(), x, y, tuner="bayesian", max_trials=1,
                                                    objective="val_mae", project_name="bo", **common))
    assert len(frame) == 1 and "val_mae_std" in frame.columns and "val_loss_mean" in frame.columns


def test_cv_tuner_with_a_build_function_and_an_unknown_objective(tmp_path):
    x, y = _data()

    def build(hp):
        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(hp.Choice("units", [1]))(inputs))
        model.compile(optimizer="rmsprop", loss="mse")
        return model

    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_accuracy", max_trials=1, seed=1)
    tuner = CVTuner(oracle, build, k=K, directory=tmp_path)
    with pytest.raises(ValueError, match="objective must name a metric the models report; received objective 'val_accuracy'"):
        tuner.search(x, y, epochs=1)
    with pytest.raises(NotImplementedError, match="keeps none"):
        tuner.load_model(None)


def test_trials_dataframe_of_a_plain_random_search(tmp_path, monkeypatch):
    if importlib.util.find_spec("tensorboard") is None:
        # keras-tuner 1.4.8's Tuner.run_trial imports tensorboard.plugins.hparams under the TensorFlow
        # backend (to patch TensorBoard callbacks, of which this search has none), and TensorFlow 2.21 no
        # longer installs tensorboard. A stand-in module lets the real RandomSearch run here.
        hparams = types.ModuleType("tensorboard.plugins.hparams")
        hparams.api = types.ModuleType("tensorboard.plugins.hparams.api")
        for name, module in {"tensorboard": types.ModuleType("tensorboard"),
                             "tensorboard.plugins": types.ModuleType("tensorboard.plugins"),
                             "tensorboard.plugins.hparams": hparams,
                             "tensorboard.plugins.hparams.api": hparams.api}.items():
            monkeypatch.setitem(sys.modules, name, module)
        sys.modules["tensorboard"].plugins = sys.modules["tensorboard.plugins"]
        sys.modules["tensorboard.plugins"].hparams = hparams
    x, y = _data()
    tuner = keras_tuner.RandomSearch(_hypermodel(), objective="val_mae", max_trials=2, seed=1,
                                     directory=str(tmp_path), project_name="plain")
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    frame = trials_dataframe(tuner)
    assert list(frame.columns) == ["trial_id", "num_layers", "units", "learning_rate", "score", "loss", "mae",
                                   "val_loss", "status"]
    assert len(frame) == 2 and frame["score"].is_monotonic_increasing


def test_trials_dataframe_sorts_by_the_objective_direction(tmp_path):
    class Quadratic(keras_tuner.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            value = trial.hyperparameters.Float("v", -1.0, 1.0)
            return {"gain": -value * value}

    tuner = Quadratic(objective=keras_tuner.Objective("gain", "max"), max_trials=4, seed=2,
                      directory=str(tmp_path), project_name="quadratic")
    tuner.search()
    frame = trials_dataframe(tuner)
    assert frame["score"].is_monotonic_decreasing and frame.attrs["direction"] == "max"
    assert list(frame.columns) == ["trial_id", "v", "score", "status"]


def test_trials_dataframe_validation():
    with pytest.raises(TypeError, match="tuner must be a keras-tuner tuner"):
        trials_dataframe("tuner")


_SETUP_ERRORS = [
    ({"hypermodel": "model"}, TypeError, "hypermodel must be a keras_tuner.HyperModel"),
    ({"k": 1}, ValueError, "k must be >= 2; received k=1"),
    ({"tuner": "grid"}, ValueError, "tuner must be one of 'random', 'bayesian', 'hyperband'; received tuner='grid'"),
    ({"max_trials": 0}, ValueError, "max_trials must be >= 1"),
    ({"tuner": "hyperband", "epochs": "10"}, TypeError, "epochs must be an int"),
    ({"objective": 3}, TypeError, "`objective` not understood, expected str or `Objective`"),
    ({"objective": "val_goodness"}, ValueError, 'Could not infer optimization direction .*"val_goodness"'),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
    ({"directory": 3}, TypeError, "directory must be None or a path"),
    ({"project_name": "a/b"}, ValueError, "project_name must be a plain folder name"),
    ({"project_name": 3}, TypeError, "project_name must be a str"),
    ({"overwrite": "yes"}, TypeError, "overwrite must be a bool"),
]
_DATA_ERRORS = [
    ({"k": 17}, ValueError, r"k must be <= the number of samples \(16\); received k=17"),
    ({"epochs": 0}, ValueError, "epochs must be >= 1"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ({"verbose": -1}, ValueError, "verbose must be >= 0"),
    ({"stratified": True}, ValueError, "stratified=True needs class labels"),
    ({"y": np.zeros(15)}, ValueError, r"x and y must have the same number of samples"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), _SETUP_ERRORS + _DATA_ERRORS)
def test_cross_validated_search_validation(kwargs, error, message, tmp_path):
    x, y = _data()
    args = {"hypermodel": _hypermodel(), "x": x, "y": y, "directory": tmp_path, **kwargs}
    with pytest.raises(error, match=message):
        cross_validated_search(args.pop("hypermodel"), args.pop("x"), args.pop("y"), **args)
    if message in {m for _, _, m in _SETUP_ERRORS}:
        assert not (tmp_path / "cv_search").exists()  # checked before the project folder is made
    else:  # checked by CVTuner.search, before any trial
        assert not list(tmp_path.glob("cv_search/trial_*"))


@pytest.mark.parametrize("make", [
    lambda: DenseHyperModel((4,), "regression"),
    lambda: ConvnetHyperModel((8, 8, 1), "binary", num_blocks=1),
], ids=["dense", "convnet"])
def test_hypermodel_build_needs_hyperparameters(make):
    with pytest.raises(TypeError, match=r"hp must be a keras_tuner.HyperParameters.*received hp=\{'units': 16\} of type dict"):
        make().build({"units": 16})


def test_the_best_configuration_from_a_search(first_search):
    _, frame, tuner = first_search
    best_hp = tuner.get_best_hyperparameters()[0]
    assert best_hp.values == frame.loc[0, ["num_layers", "units", "learning_rate"]].to_dict()
    model = tuner.hypermodel.build(best_hp)
    assert [layer.units for layer in _dense_layers(model)] == [best_hp["units"]] * best_hp["num_layers"]
    assert model.compiled


def test_cv_tuner_validation(tmp_path):
    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=1, seed=1)
    with pytest.raises(TypeError, match="oracle must be a keras_tuner.Oracle"):
        CVTuner("random", _hypermodel(), directory=tmp_path)
    with pytest.raises(TypeError, match="hypermodel must be a keras_tuner.HyperModel"):
        CVTuner(oracle, 3, directory=tmp_path)
    with pytest.raises(ValueError, match="k must be >= 2"):
        CVTuner(oracle, _hypermodel(), k=1, directory=tmp_path)


class _Plain(keras_tuner.HyperModel):
    """A hypermodel without get_config: its public attributes stand for its config."""

    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, hp):
        return _linear(hp.Choice("units", [self.units]))


def _linear(units):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(units)(inputs)))
    model.compile(optimizer="rmsprop", loss="mse")
    return model


def _build_one(hp):
    return _linear(1)


def _build_two(hp):
    return _linear(2)


@pytest.mark.parametrize(("first", "second"), [(_Plain(1), _Plain(2)), (_build_one, _build_two)],
                         ids=["attributes", "build-function"])
def test_the_fingerprint_tells_hypermodels_apart(tmp_path, first, second):
    def oracle():
        return keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=1, seed=1)

    CVTuner(oracle(), first, k=K, directory=tmp_path, project_name="p")
    CVTuner(oracle(), first, k=K, directory=tmp_path, project_name="p")  # the same: resumes
    with pytest.raises(ValueError, match="different setup .*hypermodel"):
        CVTuner(oracle(), second, k=K, directory=tmp_path, project_name="p")
