"""Analyses of trained networks: collapsed linear maps and ReLU linear regions.

Weights come in the layout of ``keras.Model.get_weights`` and of
:class:`nonlinear.atlas.batched.BatchResult`: ``[W_1, b_1, ..., W_out, b_out]``
with each ``W`` of shape (inputs, units). Everything here is NumPy, computed in
``float64``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def collapse_linear_network(
    weights: Sequence[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Multiply out a network without activations into one affine map.

    Layers ``h -> h W_k + b_k`` compose to ``x -> x W + b`` with
    ``W = W_1 W_2 ... W_L`` and ``b = (...(b_1 W_2 + b_2) W_3 + ...) + b_L``.
    The result is exact for a network whose hidden layers are all linear; the
    output's sigmoid, if any, is applied after the map.

    Args:
        weights: ``[W_1, b_1, ..., W_L, b_L]``.

    Returns:
        ``W`` of shape (inputs, outputs) and ``b`` of shape (outputs,).

    Raises:
        ValueError: If the list is empty, has odd length or the shapes do not chain.
    """
    _check_layers(weights)
    kernel = np.asarray(weights[0], dtype=np.float64)
    bias = np.asarray(weights[1], dtype=np.float64)
    for index in range(2, len(weights), 2):
        next_kernel = np.asarray(weights[index], dtype=np.float64)
        kernel = kernel @ next_kernel
        bias = bias @ next_kernel + np.asarray(weights[index + 1], dtype=np.float64)
    return kernel, bias


def affine_logits(kernel: np.ndarray, bias: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Return ``X W + b`` for an affine map with one output, shape (n_samples,)."""
    X = np.asarray(X, dtype=np.float64)
    return (X @ kernel + bias).reshape(-1)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Return the logistic function ``1 / (1 + exp(-z))``, without overflow."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def relu_activation_patterns(
    weights: Sequence[np.ndarray], X: np.ndarray
) -> np.ndarray:
    """Return which hidden ReLU units are active at each input.

    A unit is active where its pre-activation is positive. Inputs with the same
    pattern lie in the same linear region: there the network computes one affine
    function, because every unit either passes its input or outputs zero.

    Args:
        weights: ``[W_1, b_1, ..., W_out, b_out]`` of a ReLU network.
        X: Inputs, shape (n_samples, n_features).

    Returns:
        Boolean array of shape (n_samples, total hidden units), layer by layer.
    """
    _check_layers(weights)
    h = np.asarray(X, dtype=np.float64)
    patterns = []
    for index in range(0, len(weights) - 2, 2):
        z = h @ np.asarray(weights[index], dtype=np.float64) + weights[index + 1]
        patterns.append(z > 0)
        h = np.maximum(z, 0.0)
    if not patterns:
        return np.zeros((len(h), 0), dtype=bool)
    return np.concatenate(patterns, axis=1)


def region_ids(patterns: np.ndarray) -> np.ndarray:
    """Number the distinct activation patterns 0, 1, ... in order of first sight.

    Returns:
        Integer id of each row's pattern, shape (n_samples,).
    """
    _, first, inverse = np.unique(
        _pattern_keys(patterns), return_index=True, return_inverse=True
    )
    # np.unique sorts the patterns; renumber them by where each first occurs.
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


def count_linear_regions(patterns: np.ndarray) -> int:
    """Count the distinct activation patterns among the rows.

    On a grid of inputs this estimates the number of linear regions in the
    grid's box. NOTE: it can be off in both directions: regions smaller than a
    grid cell are missed, and two separate regions with the same pattern count
    once (rare for networks this small, but not impossible).
    """
    return len(np.unique(_pattern_keys(patterns)))


def _pattern_keys(patterns: np.ndarray) -> np.ndarray:
    """Pack each row into one opaque value, so that rows compare as wholes.

    Sorting these values is about thirty times faster than ``np.unique`` with
    ``axis=0`` on the same rows.
    """
    patterns = np.asarray(patterns, dtype=bool)
    if patterns.ndim != 2:
        raise ValueError(
            f"patterns must be two-dimensional, got shape {patterns.shape}."
        )
    packed = np.packbits(patterns, axis=1)
    if packed.shape[1] == 0:
        packed = np.zeros((len(packed), 1), dtype=np.uint8)
    return (
        np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    )


def _check_layers(weights: Sequence[np.ndarray]) -> None:
    if len(weights) < 2 or len(weights) % 2:
        raise ValueError(
            "weights must alternate kernels and biases, [W_1, b_1, ..., W_L, b_L], "
            f"got {len(weights)} arrays."
        )
    for index in range(0, len(weights) - 2, 2):
        units = np.shape(weights[index])[1]
        if np.shape(weights[index + 2])[0] != units:
            raise ValueError(
                f"Layer {index // 2 + 1} has {units} units but layer "
                f"{index // 2 + 2} expects {np.shape(weights[index + 2])[0]} inputs."
            )
