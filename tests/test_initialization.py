"""Tests of dlcourse.initialization: the initialization table, its Keras initializers, variance through a stack."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from dlcourse.initialization import (
    StackVariances,
    initialization_table,
    table_initializer,
    variance_through_stack,
)

# ----------------------------------------------------------------------------- the table


def test_table_logistic_row_is_glorot():
    table = initialization_table(300, 100)
    assert table["logistic"]["r"] == pytest.approx(math.sqrt(6 / 400))
    assert table["logistic"]["sigma"] == pytest.approx(math.sqrt(2 / 400))


def test_table_factors_and_equal_variances():
    table = initialization_table(50, 70)
    factors = {"logistic": 1.0, "tanh": 4.0, "relu": math.sqrt(2.0)}  # the syllabus's table
    assert set(table) == set(factors)
    for name, factor in factors.items():
        assert table[name]["r"] == pytest.approx(factor * table["logistic"]["r"])
        assert table[name]["sigma"] == pytest.approx(factor * table["logistic"]["sigma"])
        assert table[name]["r"] ** 2 / 3 == pytest.approx(table[name]["sigma"] ** 2)
        assert table[name]["variance"] == pytest.approx(table[name]["sigma"] ** 2)


@pytest.mark.parametrize("fans", [(0, 10), (10, 0)])
def test_table_rejects_bad_fans(fans):
    with pytest.raises(ValueError, match="fan_"):
        initialization_table(*fans)


def test_table_rejects_float_fan():
    with pytest.raises(TypeError, match="fan_in"):
        initialization_table(10.0, 10)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu"])
@pytest.mark.parametrize("distribution", ["uniform", "normal", "truncated_normal"])
def test_table_initializer_sample_variance(activation, distribution):
    fan_in, fan_out = 300, 200
    weights = np.asarray(table_initializer(activation, distribution=distribution, seed=1)((fan_in, fan_out)))
    expected = initialization_table(fan_in, fan_out)[activation]
    assert np.var(weights) == pytest.approx(expected["variance"], rel=0.03)
    if distribution == "uniform":
        assert np.abs(weights).max() <= expected["r"] + 1e-6
        assert np.abs(weights).max() > 0.99 * expected["r"]


def test_table_initializer_logistic_matches_glorot_uniform():
    ours = np.asarray(table_initializer("logistic", seed=3)((40, 60)))
    glorot = np.asarray(keras.initializers.GlorotUniform(seed=3)((40, 60)))
    np.testing.assert_allclose(ours, glorot)


def test_table_initializer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        table_initializer("sigmoid")
    with pytest.raises(ValueError, match="distribution"):
        table_initializer("relu", distribution="gaussian")
    with pytest.raises(TypeError, match="seed"):
        table_initializer("relu", seed="1")


# ----------------------------------------------------------------------------- variance through a stack

SMALL = dict(depth=12, units=64, batch_size=128, num_stacks=2)


def test_stack_shapes_and_ratios():
    v = variance_through_stack("he_normal", **SMALL)
    assert isinstance(v, StackVariances)
    assert v.activations.shape == v.gradients.shape == (12,)
    assert v.activation_ratio == pytest.approx(v.activations[-1] / v.activations[0])
    assert v.gradient_ratio == pytest.approx(v.gradients[0] / v.gradients[-1])
    assert v.gradients[-1] == pytest.approx(1.0, rel=0.2)  # the upstream gradient is standard normal


def test_stack_he_keeps_relu_variance_naive_explodes_glorot_vanishes():
    he = variance_through_stack(keras.initializers.HeNormal(), **SMALL)
    naive = variance_through_stack(keras.initializers.RandomNormal(stddev=1.0), **SMALL)
    glorot = variance_through_stack("glorot_normal", **SMALL)
    assert 0.25 < he.activation_ratio < 4 and 0.25 < he.gradient_ratio < 4
    assert naive.activation_ratio > 1e3 and naive.gradient_ratio > 1e3
    assert glorot.activation_ratio < 0.05 and glorot.gradient_ratio < 0.05


def test_stack_is_deterministic_and_layers_differ():
    a = variance_through_stack("he_uniform", seed=5, **SMALL)
    b = variance_through_stack("he_uniform", seed=5, **SMALL)
    np.testing.assert_array_equal(a.activations, b.activations)
    c = variance_through_stack("he_uniform", seed=6, **SMALL)
    assert not np.array_equal(a.activations, c.activations)


class _RecordingHeNormal(keras.initializers.HeNormal):
    """HeNormal that records the seed of every kernel it draws."""

    seeds: list = []

    def __call__(self, shape, dtype=None):
        _RecordingHeNormal.seeds.append(self.get_config()["seed"])
        return super().__call__(shape, dtype=dtype)


def test_stack_draws_every_kernel_with_its_own_seed():
    # A seeded Keras initializer returns the same values at every call; each layer must be re-seeded.
    _RecordingHeNormal.seeds = []
    variance_through_stack(_RecordingHeNormal(seed=1), depth=3, units=8, batch_size=4)
    first = list(_RecordingHeNormal.seeds)
    assert len(first) == 3 and len(set(first)) == 3
    _RecordingHeNormal.seeds = []
    variance_through_stack(_RecordingHeNormal(seed=1), depth=3, units=8, batch_size=4)
    assert _RecordingHeNormal.seeds == first  # same seed, same kernels


def test_stack_float32_and_callable_activation():
    v = variance_through_stack("glorot_uniform", activation=keras.activations.tanh, dtype="float32", **SMALL)
    assert np.all(np.isfinite(v.activations)) and np.all(v.activations > 0)


def test_stack_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kernel_initializer"):
        variance_through_stack("no_such_initializer", **SMALL)
    with pytest.raises(TypeError, match="kernel_initializer"):
        variance_through_stack(0.1, **SMALL)
    with pytest.raises(ValueError, match="seed"):
        variance_through_stack(keras.initializers.Constant(0.1), **SMALL)
    with pytest.raises(ValueError, match="activation"):
        variance_through_stack("he_normal", activation="no_such_activation", **SMALL)
    with pytest.raises(TypeError, match="activation"):
        variance_through_stack("he_normal", activation=3, **SMALL)
    with pytest.raises(ValueError, match="depth"):
        variance_through_stack("he_normal", depth=1)
    with pytest.raises(TypeError, match="units"):
        variance_through_stack("he_normal", units=2.5)
    with pytest.raises(ValueError, match="batch_size"):
        variance_through_stack("he_normal", batch_size=1)
    with pytest.raises(ValueError, match="num_stacks"):
        variance_through_stack("he_normal", num_stacks=0)
    with pytest.raises(ValueError, match="seed"):
        variance_through_stack("he_normal", seed=-1)
    with pytest.raises(ValueError, match="dtype"):
        variance_through_stack("he_normal", dtype="float16")
