"""The package's training paths under a ``tf.distribute`` strategy.

The main test splits the CPU into two logical devices and trains under ``MirroredStrategy``
over them, as on a machine with two GPUs. The split must happen before TensorFlow initializes
its devices, which other tests in this session may already have done, so that test runs a
script in a fresh Python process. The other tests check, in this process, the pieces that need
no second device (a one-device strategy).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf

from dlcourse import compile_model, cross_validate
from dlcourse.precision import clear_session, in_strategy_scope
from dlcourse.models.dense import build_dense
from dlcourse import CVTuner, DenseHyperModel, cross_validated_search, trials_dataframe

MIRRORED = r"""
import json, os, tempfile
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
import keras
import keras_tuner
import numpy as np
import dlcourse

devices = [d.name for d in tf.config.list_logical_devices("CPU")]
strategy = tf.distribute.MirroredStrategy(devices)
out = {"devices": devices, "replicas": strategy.num_replicas_in_sync}
rng = np.random.default_rng(0)
x = rng.normal(size=(128, 8)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("float32")

def mirrored(model):
    return model.distribute_strategy is strategy and all(
        isinstance(w.value, tf.distribute.DistributedValues) for w in model.trainable_weights)

dlcourse.set_seed(0)
with strategy.scope():
    dense = dlcourse.compile_model(dlcourse.build_dense((8,), "binary", units=(16,)), "binary", learning_rate=1e-2)
out["dense_loss"] = dense.fit(x, y, epochs=4, batch_size=32, verbose=0).history["loss"]
out["dense_mirrored"] = mirrored(dense)

images = rng.random((64, 12, 12, 1)).astype("float32")
labels = (images[:, :6].mean(axis=(1, 2, 3)) > images[:, 6:].mean(axis=(1, 2, 3))).astype("int64")
with strategy.scope():
    convnet = dlcourse.compile_model(
        dlcourse.build_convnet((12, 12, 1), "multiclass", num_classes=2, filters=(4,), dense_units=(8,)),
        "multiclass", learning_rate=1e-2)
out["convnet_loss"] = convnet.fit(images, labels, epochs=4, batch_size=16, verbose=0).history["loss"]
out["convnet_mirrored"] = mirrored(convnet)

built = []
def build_model():  # the recommended way: the build function opens the scope
    with strategy.scope():
        model = dlcourse.compile_model(dlcourse.build_dense((8,), "binary", units=(16,)), "binary", learning_rate=1e-2)
    built.append(mirrored(model))
    return model
result = dlcourse.cross_validate(build_model, x, y, k=2, epochs=2, batch_size=32)
out["cv_inner_scope"] = {"mirrored": built, "val_loss": result.scores["val_loss"].tolist()}

built_outer = []
def build_plain():
    model = dlcourse.compile_model(dlcourse.build_dense((8,), "binary", units=(16,)), "binary", learning_rate=1e-2)
    built_outer.append(mirrored(model))
    return model
with strategy.scope():  # the whole K-fold run inside one scope
    result = dlcourse.cross_validate(build_plain, x, y, k=2, epochs=2, batch_size=32)
out["cv_outer_scope"] = {"mirrored": built_outer, "val_loss": result.scores["val_loss"].tolist(),
                         "scope_left": not tf.distribute.has_strategy()}

probed = []
class Probe(dlcourse.DenseHyperModel):
    def build(self, hp):
        model = super().build(hp)
        probed.append(mirrored(model))
        return model
folder = tempfile.mkdtemp()
hypermodel = Probe((8,), "binary", num_layers=1, units=(4, 8), dropout_rate=0.0, learning_rate=1e-2)
probed.clear()  # the constructor's checking build
tuner = dlcourse.cross_validated_search(hypermodel, x, y, k=2, max_trials=1, epochs=1, directory=folder,
                                        project_name="cv", distribution_strategy=strategy, verbose=0)
trials = dlcourse.trials_dataframe(tuner)
out["cv_search"] = {"mirrored": list(probed), "status": trials["status"].tolist(), "score": trials["score"].tolist()}

probed.clear()
tuner = keras_tuner.RandomSearch(hypermodel, objective="val_loss", max_trials=1, seed=1, directory=folder,
                                 project_name="random", distribution_strategy=strategy)
tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
out["random_search"] = {"mirrored": list(probed), "status": dlcourse.trials_dataframe(tuner)["status"].tolist()}
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def mirrored_run():
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(MIRRORED)], env=env, capture_output=True,
                          text=True, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, (
        f"the MirroredStrategy script failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return json.loads(lines[-1][len("RESULT "):])


def test_mirrored_strategy_over_two_logical_cpus(mirrored_run):
    assert mirrored_run["devices"] == ["/device:CPU:0", "/device:CPU:1"]
    assert mirrored_run["replicas"] == 2


@pytest.mark.parametrize("name", ["dense", "convnet"])
def test_builders_and_compile_model_train_under_the_strategy(mirrored_run, name):
    loss = mirrored_run[f"{name}_loss"]
    assert mirrored_run[f"{name}_mirrored"]  # the model's variables are mirrored on both devices
    assert all(np.isfinite(loss)) and loss[-1] < loss[0]


def test_cross_validate_with_the_scope_in_the_build_function(mirrored_run):
    run = mirrored_run["cv_inner_scope"]
    assert run["mirrored"] == [True, True]
    assert all(np.isfinite(run["val_loss"]))


def test_cross_validate_inside_a_scope_keeps_the_scope(mirrored_run):
    run = mirrored_run["cv_outer_scope"]
    assert run["mirrored"] == [True, True]  # the session is not cleared inside a scope
    assert run["scope_left"] and all(np.isfinite(run["val_loss"]))


def test_cross_validated_search_and_keras_tuner_with_a_strategy(mirrored_run):
    # the first build is keras-tuner declaring the search space (never trained); then one per fold / trial
    search = mirrored_run["cv_search"]
    assert search["mirrored"][1:] == [True, True] and search["status"] == ["COMPLETED"]
    assert np.isfinite(search["score"][0])
    random_search = mirrored_run["random_search"]
    assert random_search["mirrored"][1:] == [True] and random_search["status"] == ["COMPLETED"]


# --- in this process: a one-device strategy ----------------------------------------------------


def test_clear_session_keeps_an_active_strategy_scope():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    assert not in_strategy_scope()
    with strategy.scope():
        assert in_strategy_scope()
        assert clear_session() is False
        assert tf.distribute.get_strategy() is strategy
    assert clear_session() is True  # and the scope was left without an error


def test_cross_validate_inside_a_one_device_scope():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    seen = []

    def build_model():
        model = compile_model(build_dense((4,), "regression", units=(4,)), "regression")
        seen.append(model.distribute_strategy is strategy)
        return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 4)).astype("float32")
    with strategy.scope():
        result = cross_validate(build_model, x, x.sum(axis=1), k=2, epochs=1)
    assert seen == [True, True] and len(result.scores) == 2


def test_cv_tuner_builds_each_fold_in_its_strategy(tmp_path):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    seen = []

    class Probe(DenseHyperModel):
        def build(self, hp):
            model = super().build(hp)
            seen.append(model.distribute_strategy is strategy)
            return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 4)).astype("float32")
    hypermodel = Probe((4,), "regression", num_layers=1, units=4, dropout_rate=0.0)
    seen.clear()  # the constructor's checking build
    trials = trials_dataframe(cross_validated_search(hypermodel, x, x.sum(axis=1), k=2, max_trials=1, epochs=1,
                                                     directory=tmp_path, distribution_strategy=strategy))
    # the first build declares the search space (keras-tuner, never trained); then one per fold
    assert seen[1:] == [True, True] and trials["status"].tolist() == ["COMPLETED"]


def test_distribution_strategy_validation(tmp_path):
    import keras_tuner

    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=1)
    hypermodel = DenseHyperModel((4,), "regression")
    with pytest.raises(TypeError, match="distribution_strategy must be None or a tf.distribute.Strategy"):
        CVTuner(oracle, hypermodel, directory=tmp_path, distribution_strategy="mirrored")
    x = np.zeros((8, 4), dtype="float32")
    with pytest.raises(TypeError, match="distribution_strategy must be None or a tf.distribute.Strategy"):
        cross_validated_search(hypermodel, x, x[:, 0], directory=tmp_path, distribution_strategy=object())
