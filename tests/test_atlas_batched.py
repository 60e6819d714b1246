"""Tests of the batched trainer: independence of models, Keras parity, records."""

from __future__ import annotations

import numpy as np
import pytest

from nonlinear.atlas.config import ACTIVATIONS, FitConfig
from nonlinear.atlas.datasets import make_dataset
from nonlinear.config import ConfigError

# Every test imports TensorFlow and traces a compiled epoch.
pytestmark = pytest.mark.slow

#: 64 training samples in batches of 32, multiples of 16 as bit-identity needs.
FIT = FitConfig(epochs=3, batch_size=32, learning_rate=0.01)


@pytest.fixture(scope="module")
def modules(keras_module):
    from nonlinear.atlas import batched, networks

    return batched, networks


@pytest.fixture(scope="module")
def data():
    return {
        name: make_dataset(name, 64, seed=index)
        for index, name in enumerate(("moons", "xor", "spirals"))
    }


def _assert_identical(first, second):
    for a, b in zip(first, second, strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a, b), np.abs(a - b).max()


def test_model_alone_equals_model_in_batch(modules, data):
    batched, networks = modules
    target = networks.ModelSpec((16, 16), "gelu", 7, "xor")
    others = [
        networks.ModelSpec((16, 16), activation, seed, dataset)
        for activation in ("tanh", "relu", "sigmoid")
        for dataset in ("moons", "spirals")
        for seed in (1, 2)
    ] + [networks.ModelSpec((4,), "relu", 7, "xor")]
    alone = batched.train_models([target], data, FIT)
    first = batched.train_models([target, *others], data, FIT)
    last = batched.train_models([*others[:5], target], data, FIT)
    _assert_identical(alone.weights[0], first.weights[0])
    _assert_identical(alone.weights[0], last.weights[-1])
    assert np.array_equal(alone.loss[0], first.loss[0])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_independent_of_batch(modules, data, activation):
    batched, networks = modules
    target = networks.ModelSpec((8,), activation, 3, "moons")
    others = [networks.ModelSpec((8,), name, 4, "spirals") for name in ACTIVATIONS]
    alone = batched.train_models([target], data, FIT)
    together = batched.train_models([*others, target], data, FIT)
    _assert_identical(alone.weights[0], together.weights[-1])


def test_matches_keras_adam(modules, data, keras_module):
    """One epoch equals Keras' Adam on the same weights, batches and loss."""
    batched, networks = modules
    keras = keras_module
    spec = networks.ModelSpec((8,), "tanh", 11, "moons")
    fit = FitConfig(epochs=1, batch_size=32, learning_rate=0.01)
    result = batched.train_models([spec], data, fit)

    X, y = data["moons"]
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(8, activation="tanh"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.set_weights(networks.initial_weights(spec.hidden_layers, spec.seed))
    optimizer = keras.optimizers.Adam(learning_rate=fit.learning_rate)
    loss_function = keras.losses.BinaryCrossentropy()
    import tensorflow as tf

    order = networks.epoch_orders(len(X), spec.seed, 1)[0]
    for start in range(0, len(X), fit.batch_size):
        index = order[start : start + fit.batch_size]
        with tf.GradientTape() as tape:
            loss = loss_function(
                y[index].reshape(-1, 1).astype(np.float32), model(X[index])
            )
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
    for ours, theirs in zip(result.weights[0], model.get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_training_lowers_loss(modules, data):
    batched, networks = modules
    spec = networks.ModelSpec((16, 16), "relu", 0, "moons")
    result = batched.train_models(
        [spec], data, FitConfig(epochs=20, batch_size=32, learning_rate=0.01)
    )
    assert result.loss.shape == (1, 20)
    assert result.loss[0, -1] < 0.5 * result.loss[0, 0]


def test_records_requested_epochs(modules, data):
    batched, networks = modules
    spec = networks.ModelSpec((4,), "relu", 0, "xor")
    result = batched.train_models([spec], data, FIT, record_epochs=(0, 2))
    assert sorted(result.snapshots) == [0, 2, 3]
    _assert_identical(result.snapshots[0][0], networks.initial_weights((4,), 0))
    assert not np.array_equal(result.snapshots[2][0][0], result.snapshots[3][0][0])
    assert result.weights is result.snapshots[3]


def test_keeps_spec_order(modules, data):
    batched, networks = modules
    specs = [
        networks.ModelSpec((4,), "tanh", 0, "xor"),
        networks.ModelSpec((4, 4), "relu", 1, "xor"),
        networks.ModelSpec((4,), "linear", 2, "moons"),
    ]
    result = batched.train_models(specs, data, FIT)
    assert result.specs == specs
    assert [len(weights) for weights in result.weights] == [4, 6, 4]


def test_progress_called_every_epoch(modules, data):
    batched, networks = modules
    calls = []
    spec = networks.ModelSpec((4,), "relu", 0, "xor")
    batched.train_models(
        [spec], data, FIT, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty", r"specs must list at least one model\."),
        (
            "missing",
            r"No training data for 'circles'; data has 'moons', 'xor', 'spirals'\.",
        ),
        ("shapes", r"Every training set must have the same shape \(n, 2\), got"),
        ("batch", r"batch_size=128 is larger than the 64 training samples"),
        ("epoch", r"record_epochs must be from 0 to 3, got 4\."),
    ],
)
def test_invalid_inputs(modules, data, case, message):
    batched, networks = modules
    specs = [networks.ModelSpec((4,), "relu", 0, "moons")]
    fit, record, training_data = FIT, (), dict(data)
    if case == "empty":
        specs = []
    elif case == "missing":
        specs = [networks.ModelSpec((4,), "relu", 0, "circles")]
    elif case == "shapes":
        training_data["xor"] = make_dataset("xor", 32, seed=0)
        specs.append(networks.ModelSpec((4,), "relu", 0, "xor"))
    elif case == "batch":
        fit = FitConfig(epochs=3, batch_size=128)
    else:
        record = (4,)
    with pytest.raises(ConfigError, match=message):
        batched.train_models(specs, training_data, fit, record_epochs=record)
