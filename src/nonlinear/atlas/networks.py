"""Multilayer perceptrons stored as stacked weights: specs, initial weights, outputs.

A model of the atlas has two inputs, hidden layers with one activation and one
sigmoid output unit. Its weights are a list ``[W_1, b_1, ..., W_out, b_out]``
with each ``W`` of shape (inputs, units) and ``b`` of shape (units,), the layout
of ``keras.Model.get_weights``. Models with the same hidden-layer widths stack
into tensors with a leading model axis, so that one batched matrix product
serves all of them (see :mod:`nonlinear.atlas.batched`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import tensorflow as tf

from nonlinear.atlas.config import ACTIVATIONS
from nonlinear.config import ConfigError

#: TensorFlow function of each activation, with the defaults of
#: ``keras.activations`` in Keras 3.15 (leaky ReLU slope 0.2, ELU alpha 1, exact
#: GELU).
ACTIVATION_FUNCTIONS: dict[str, Callable[[tf.Tensor], tf.Tensor]] = {
    "linear": tf.identity,
    "relu": tf.nn.relu,
    "leaky_relu": lambda z: tf.nn.leaky_relu(z, alpha=0.2),
    "elu": tf.nn.elu,
    "gelu": lambda z: tf.nn.gelu(z, approximate=False),
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "silu": tf.nn.silu,
}


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """One network: its hidden-layer widths, activation, seed and training data.

    ``data`` is the key of the model's training set in the mapping passed to
    :func:`nonlinear.atlas.batched.train_models`.
    """

    hidden_layers: tuple[int, ...]
    activation: str
    seed: int
    data: str

    def __post_init__(self) -> None:
        widths = self.hidden_layers
        if not widths or any(
            isinstance(width, bool) or not isinstance(width, int) or width <= 0
            for width in widths
        ):
            raise ConfigError(
                f"hidden_layers must list positive integer widths, got {widths!r}."
            )
        if self.activation not in ACTIVATIONS:
            raise ConfigError(
                f"Unknown activation {self.activation!r}; "
                f"choose from {', '.join(ACTIVATIONS)}."
            )
        seed = self.seed
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {seed!r}.")


def initial_weights(
    hidden_layers: Sequence[int], seed: int, n_features: int = 2
) -> list[np.ndarray]:
    """Draw a model's initial weights from its seed, as Keras initialises them.

    Hidden kernels are He-uniform (limit sqrt(6 / fan_in)), the output kernel is
    Glorot-uniform (limit sqrt(6 / (fan_in + fan_out)), the default of
    ``keras.layers.Dense``) and biases are zero. The values come from NumPy, so
    they differ from what Keras would draw for the same seed.

    Returns:
        ``float32`` arrays ``[W_1, b_1, ..., W_out, b_out]``.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    widths = [n_features, *hidden_layers, 1]
    weights = []
    for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        is_output = index == len(widths) - 2
        limit = np.sqrt(6.0 / (fan_in + fan_out if is_output else fan_in))
        kernel = rng.uniform(-limit, limit, size=(fan_in, fan_out))
        weights += [kernel.astype(np.float32), np.zeros(fan_out, dtype=np.float32)]
    return weights


def epoch_orders(n_samples: int, seed: int, epochs: int) -> np.ndarray:
    """Return a model's sample order in every epoch, shape (epochs, n_samples).

    The order comes from a second stream of the seed, independent of the one
    that :func:`initial_weights` draws from.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    return np.stack([rng.permutation(n_samples) for _ in range(epochs)]).astype(
        np.int32
    )


def predict_proba(
    specs: Sequence[ModelSpec], weights: Sequence[Sequence[np.ndarray]], X: np.ndarray
) -> np.ndarray:
    """Return every model's sigmoid output on the same inputs.

    Args:
        specs: The models, for their widths and activations.
        weights: Each model's weights, ``[W_1, b_1, ..., W_out, b_out]``.
        X: Inputs of shape (n_points, 2).

    Returns:
        ``float32`` probabilities of class 1, shape (n_models, n_points).

    Raises:
        ValueError: If ``specs`` and ``weights`` differ in length.
    """
    if len(specs) != len(weights):
        raise ValueError(
            f"specs and weights must have the same length, got {len(specs)} and "
            f"{len(weights)}."
        )
    X = tf.constant(np.asarray(X, dtype=np.float32))
    output = np.zeros((len(specs), X.shape[0]), dtype=np.float32)
    for indices in group_by_widths(specs).values():
        runs = activation_runs([specs[i] for i in indices])
        tensors = [
            tf.constant(np.stack([weights[i][k] for i in indices]))
            for k in range(len(weights[indices[0]]))
        ]
        # About 4 million floats per hidden layer's output at a time.
        widest = max(specs[indices[0]].hidden_layers)
        chunk = max(1, 2**22 // (len(indices) * widest))
        for start in range(0, X.shape[0], chunk):
            logits = forward_logits(runs, tensors, X[None, start : start + chunk])
            output[indices, start : start + chunk] = tf.sigmoid(logits)[..., 0].numpy()
    return output


def group_by_widths(specs: Sequence[ModelSpec]) -> dict[tuple[int, ...], list[int]]:
    """Group model indices by hidden-layer widths, sorted by activation in a group.

    Returns:
        Indices into ``specs`` for each tuple of widths, in order of first sight.
    """
    groups: dict[tuple[int, ...], list[int]] = {}
    for index, spec in enumerate(specs):
        groups.setdefault(tuple(spec.hidden_layers), []).append(index)
    for indices in groups.values():
        indices.sort(key=lambda index: ACTIVATIONS.index(specs[index].activation))
    return groups


def activation_runs(specs: Sequence[ModelSpec]) -> list[tuple[str, int]]:
    """Return the runs of equal activations as (activation, number of models)."""
    runs: list[tuple[str, int]] = []
    for spec in specs:
        if runs and runs[-1][0] == spec.activation:
            runs[-1] = (spec.activation, runs[-1][1] + 1)
        else:
            runs.append((spec.activation, 1))
    return runs


def forward_logits(
    runs: Sequence[tuple[str, int]], tensors: Sequence[tf.Tensor], X: tf.Tensor
) -> tf.Tensor:
    """Return the logits of a group of models, shape (n_models, n_points, 1).

    Args:
        runs: Activation runs of the group, from :func:`activation_runs`.
        tensors: Stacked weights ``[W_1, b_1, ..., W_out, b_out]``, each with a
            leading model axis.
        X: Inputs of shape (n_models, n_points, 2), or (1, n_points, 2) to give
            every model the same inputs.
    """
    h = X
    for layer in range(0, len(tensors) - 2, 2):
        z = tf.matmul(h, tensors[layer]) + tensors[layer + 1][:, None, :]
        if len(runs) == 1:
            h = ACTIVATION_FUNCTIONS[runs[0][0]](z)
        else:
            # Each activation is applied to the slice of its own models only.
            parts = tf.split(z, [count for _, count in runs], axis=0)
            activated = [
                ACTIVATION_FUNCTIONS[name](part) for (name, _), part in zip(runs, parts)
            ]
            h = tf.concat(activated, axis=0)
    return tf.matmul(h, tensors[-2]) + tensors[-1][:, None, :]
