"""Tests of the analysis functions: collapsing linear layers and ReLU regions."""

from __future__ import annotations

import numpy as np
import pytest

from nonlinear.atlas.analysis import (
    affine_logits,
    collapse_linear_network,
    count_linear_regions,
    region_ids,
    relu_activation_patterns,
    sigmoid,
)


def _random_weights(widths, seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        weights += [rng.normal(size=(fan_in, fan_out)), rng.normal(size=fan_out)]
    return weights


def _linear_forward(weights, X):
    h = X
    for index in range(0, len(weights), 2):
        h = h @ weights[index] + weights[index + 1]
    return h.reshape(-1)


@pytest.mark.parametrize("widths", [(2, 1), (2, 5, 1), (2, 7, 3, 4, 1)])
def test_collapse_matches_layer_by_layer(widths):
    weights = _random_weights(widths)
    X = np.random.default_rng(1).normal(size=(50, 2))
    kernel, bias = collapse_linear_network(weights)
    assert kernel.shape == (2, 1)
    assert bias.shape == (1,)
    np.testing.assert_allclose(
        affine_logits(kernel, bias, X),
        _linear_forward(weights, X),
        rtol=1e-10,
        atol=1e-10,
    )


def test_collapse_accepts_float32_keras_layout():
    weights = [w.astype(np.float32) for w in _random_weights((2, 4, 1), seed=2)]
    kernel, bias = collapse_linear_network(weights)
    assert kernel.dtype == np.float64
    expected_kernel = weights[0].astype(np.float64) @ weights[2].astype(np.float64)
    np.testing.assert_allclose(kernel, expected_kernel)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], r"weights must alternate kernels and biases, .*, got 0 arrays\."),
        ([np.zeros((2, 3)), np.zeros(3), np.zeros((3, 1))], r"got 3 arrays\."),
        (
            [np.zeros((2, 3)), np.zeros(3), np.zeros((4, 1)), np.zeros(1)],
            r"Layer 1 has 3 units but layer 2 expects 4 inputs\.",
        ),
    ],
    ids=["empty", "odd", "mismatch"],
)
def test_collapse_invalid_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        collapse_linear_network(weights)


def test_sigmoid_values_without_overflow():
    values = sigmoid(np.array([-1000.0, 0.0, 1000.0, np.log(3.0)]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0, 0.75], atol=1e-12)


def test_patterns_shape_and_meaning():
    weights = [
        np.array([[1.0, 0.0], [0.0, 1.0]]),
        np.zeros(2),
        np.array([[1.0], [1.0]]),
        np.array([-1.0]),
        np.array([[1.0]]),
        np.zeros(1),
    ]
    X = np.array([[1.0, 1.0], [-1.0, 2.0], [0.2, 0.3], [-1.0, -1.0]])
    patterns = relu_activation_patterns(weights, X)
    assert patterns.shape == (4, 3)
    # Layer 1 is x1 > 0 and x2 > 0; layer 2 is relu(x1) + relu(x2) > 1.
    expected = [
        [True, True, True],
        [False, True, True],
        [True, True, False],
        [False, False, False],
    ]
    assert patterns.tolist() == expected


def test_count_regions_of_two_lines():
    # Two units, x1 and x2, split the plane into four quadrants.
    weights = [np.eye(2), np.zeros(2), np.ones((2, 1)), np.zeros(1)]
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 21), np.linspace(-1, 1, 21)), -1)
    patterns = relu_activation_patterns(weights, grid.reshape(-1, 2))
    assert count_linear_regions(patterns) == 4


def test_count_regions_without_units():
    assert count_linear_regions(np.zeros((5, 0), dtype=bool)) == 1


def test_count_regions_more_than_eight_units():
    patterns = np.zeros((3, 12), dtype=bool)
    patterns[1, 11] = True
    patterns[2, 0] = True
    assert count_linear_regions(patterns) == 3


def test_region_ids_in_order_of_first_sight():
    patterns = np.array([[1, 0], [0, 0], [1, 0], [1, 1], [0, 0]], dtype=bool)
    assert region_ids(patterns).tolist() == [0, 1, 0, 2, 1]


def test_patterns_must_be_two_dimensional():
    with pytest.raises(
        ValueError, match=r"patterns must be two-dimensional, got shape \(4,\)\."
    ):
        count_linear_regions(np.zeros(4, dtype=bool))
