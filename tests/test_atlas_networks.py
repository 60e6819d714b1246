"""Tests of the stacked networks: specs, initial weights, orders and outputs."""

from __future__ import annotations

import numpy as np
import pytest

from nonlinear.atlas.config import ACTIVATIONS
from nonlinear.config import ConfigError

# The module imports TensorFlow, which takes about 5 s the first time.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def networks(keras_module):
    from nonlinear.atlas import networks

    return networks


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        (
            {"hidden_layers": ()},
            r"hidden_layers must list positive integer widths, got \(\)\.",
        ),
        ({"hidden_layers": (8, 0)}, r"got \(8, 0\)\."),
        ({"hidden_layers": (8, True)}, r"got \(8, True\)\."),
        (
            {"activation": "swish"},
            r"Unknown activation 'swish'; choose from linear, relu",
        ),
        ({"seed": -1}, r"seed must be a non-negative integer, got -1\."),
        ({"seed": 1.0}, r"seed must be a non-negative integer, got 1\.0\."),
    ],
)
def test_model_spec_invalid(networks, keywords, message):
    values = {"hidden_layers": (8,), "activation": "relu", "seed": 0, "data": "moons"}
    with pytest.raises(ConfigError, match=message):
        networks.ModelSpec(**{**values, **keywords})


def test_activation_functions_cover_every_activation(networks):
    assert list(networks.ACTIVATION_FUNCTIONS) == list(ACTIVATIONS)


def test_activation_functions_keras_defaults(networks):
    import keras

    z = np.linspace(-3.0, 3.0, 13, dtype=np.float32)
    for name, function in networks.ACTIVATION_FUNCTIONS.items():
        expected = keras.ops.convert_to_numpy(keras.activations.get(name)(z))
        np.testing.assert_allclose(function(z).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_initial_weights_layout(networks):
    weights = networks.initial_weights((5, 4), seed=3)
    assert [w.shape for w in weights] == [(2, 5), (5,), (5, 4), (4,), (4, 1), (1,)]
    assert all(w.dtype == np.float32 for w in weights)
    for bias in weights[1::2]:
        assert not bias.any()


def test_initial_weights_limits(networks):
    weights = networks.initial_weights((400, 300), seed=0)
    # He-uniform in hidden layers, Glorot-uniform at the output.
    for kernel, limit in zip(
        weights[0::2], [np.sqrt(6 / 2), np.sqrt(6 / 400), np.sqrt(6 / 301)]
    ):
        assert np.abs(kernel).max() <= limit
        assert np.abs(kernel).max() > 0.9 * limit


def test_initial_weights_depend_only_on_seed(networks):
    first = networks.initial_weights((8, 8), seed=5)
    second = networks.initial_weights((8, 8), seed=5)
    other = networks.initial_weights((8, 8), seed=6)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], other[0])


def test_epoch_orders_are_permutations(networks):
    orders = networks.epoch_orders(10, seed=1, epochs=4)
    assert orders.shape == (4, 10)
    assert orders.dtype == np.int32
    for order in orders:
        assert sorted(order.tolist()) == list(range(10))
    assert not np.array_equal(orders[0], orders[1])
    assert np.array_equal(orders, networks.epoch_orders(10, seed=1, epochs=4))


def test_group_by_widths_sorts_by_activation(networks):
    specs = [
        networks.ModelSpec((4,), "tanh", 0, "a"),
        networks.ModelSpec((4, 4), "relu", 0, "a"),
        networks.ModelSpec((4,), "linear", 1, "b"),
        networks.ModelSpec((4,), "tanh", 2, "a"),
    ]
    assert networks.group_by_widths(specs) == {(4,): [2, 0, 3], (4, 4): [1]}


def test_activation_runs(networks):
    specs = [
        networks.ModelSpec((4,), name, 0, "a") for name in ("relu", "relu", "tanh")
    ]
    assert networks.activation_runs(specs) == [("relu", 2), ("tanh", 1)]


def _numpy_forward(weights, activation, X):
    functions = {
        "relu": lambda z: np.maximum(z, 0.0),
        "tanh": np.tanh,
        "linear": lambda z: z,
    }
    h = X.astype(np.float64)
    for index in range(0, len(weights) - 2, 2):
        h = functions[activation](h @ weights[index] + weights[index + 1])
    logits = (h @ weights[-2] + weights[-1]).reshape(-1)
    return 1.0 / (1.0 + np.exp(-logits))


def test_predict_proba_matches_numpy(networks):
    specs = [
        networks.ModelSpec((6, 5), activation, seed, "a")
        for activation in ("tanh", "relu", "linear")
        for seed in (0, 1)
    ] + [networks.ModelSpec((3,), "relu", 2, "a")]
    weights = [
        networks.initial_weights(spec.hidden_layers, spec.seed) for spec in specs
    ]
    X = np.random.default_rng(0).normal(size=(37, 2)).astype(np.float32)
    output = networks.predict_proba(specs, weights, X)
    assert output.shape == (len(specs), 37)
    for spec, values, row in zip(specs, weights, output):
        np.testing.assert_allclose(
            row, _numpy_forward(values, spec.activation, X), atol=1e-5
        )


def test_predict_proba_length_mismatch(networks):
    spec = networks.ModelSpec((3,), "relu", 0, "a")
    with pytest.raises(
        ValueError, match=r"specs and weights must have the same length, got 1 and 0\."
    ):
        networks.predict_proba([spec], [], np.zeros((2, 2)))
