"""Training many small multilayer perceptrons at once, in one compiled epoch.

Every model (see :mod:`nonlinear.atlas.networks`) is trained with binary
cross-entropy and Adam on labels 0 and 1, like the article's ``sigmoid_bce``
models. Models with the same hidden-layer widths form a group whose weight
tensors carry a leading model axis, so one batched matrix product serves every
model of the group. One ``tf.function`` runs an epoch of mini-batch updates for
all groups.

A model's initial weights and sample order come from its own seed alone, and
every operation acts on each model's slice of a tensor separately, so a model
trains to the same weights whichever other models share its batch. Models with
the same seed and widths start from the same weights and see the samples in the
same order, whatever their activation or data set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import tensorflow as tf

from nonlinear.atlas.config import FitConfig
from nonlinear.atlas.networks import (
    ModelSpec,
    activation_runs,
    epoch_orders,
    forward_logits,
    group_by_widths,
    initial_weights,
)
from nonlinear.config import ConfigError

#: Adam's decay rates and epsilon, the Keras defaults.
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
ADAM_EPSILON = 1e-7

#: Callback invoked after each epoch with (epoch number from 1, number of epochs).
ProgressCallback = Callable[[int, int], None]


@dataclasses.dataclass
class BatchResult:
    """Weights and losses of every model of a batch, in the order of ``specs``.

    ``snapshots`` maps each recorded epoch (0 is before training) to the weights
    of every model: ``[W_1, b_1, ..., W_out, b_out]`` with ``W`` of shape
    (inputs, units) and ``b`` of shape (units,), the layout of
    ``keras.Model.get_weights``. ``loss`` has shape (n_models, epochs) and contains
    each epoch's training loss, the batch losses weighted by batch size.
    """

    specs: list[ModelSpec]
    snapshots: dict[int, list[list[np.ndarray]]]
    loss: np.ndarray

    @property
    def weights(self) -> list[list[np.ndarray]]:
        """Weights of every model after the last epoch."""
        return self.snapshots[max(self.snapshots)]


def train_models(
    specs: Sequence[ModelSpec],
    data: Mapping[str, tuple[np.ndarray, np.ndarray]],
    fit: FitConfig,
    record_epochs: Sequence[int] = (),
    progress: ProgressCallback | None = None,
) -> BatchResult:
    """Train every model with mini-batch Adam, all of them in each compiled step.

    Args:
        specs: The models to train.
        data: Training inputs of shape (n, 2) and 0/1 labels of shape (n,) by
            key; every data set must have the same number of samples ``n``.
        fit: Epochs, batch size and learning rate.
        record_epochs: Epochs after which to keep every model's weights; 0 keeps
            the initial weights. The last epoch is always kept.
        progress: Optional callback run after every epoch.

    Returns:
        The recorded weights and the per-epoch losses.

    Raises:
        ConfigError: If ``specs`` is empty, a model's data key is missing, the
            data sets differ in size or shape, or an epoch is out of range.

    NOTE: A model's weights are bit-identical alone and in any batch only when
    the batch size and the number of training samples are multiples of 16 (the
    atlas uses 32 and 768). Otherwise some of a model's values fall into the
    scalar tail loop of a vectorised TensorFlow kernel, which rounds some
    functions differently, and the weights differ by about 1e-7 after a few
    steps. The tests check the bit-identical case on x86-64 with AVX-512 only.
    """
    specs = list(specs)
    n_samples = _check_inputs(specs, data, fit, record_epochs)
    groups = [
        _Group(specs, indices, data, fit) for indices in group_by_widths(specs).values()
    ]
    orders = [epoch_orders(n_samples, spec.seed, fit.epochs) for spec in specs]
    run_epoch = _make_epoch_function(groups, fit, n_samples)
    recorded = set(record_epochs) | {fit.epochs}
    snapshots = {0: [initial_weights(spec.hidden_layers, spec.seed) for spec in specs]}
    loss = np.zeros((len(specs), fit.epochs), dtype=np.float32)
    for epoch in range(1, fit.epochs + 1):
        epoch_order = tuple(
            tf.constant(np.stack([orders[i][epoch - 1] for i in group.indices]))
            for group in groups
        )
        for group, group_loss in zip(groups, run_epoch(epoch_order)):
            loss[group.indices, epoch - 1] = group_loss.numpy()
        if epoch in recorded:
            snapshots[epoch] = _collect_weights(groups, len(specs))
        if progress is not None:
            progress(epoch, fit.epochs)
    if 0 not in record_epochs:
        del snapshots[0]
    return BatchResult(specs=specs, snapshots=snapshots, loss=loss)


def _check_inputs(specs, data, fit: FitConfig, record_epochs) -> int:
    if not specs:
        raise ConfigError("specs must list at least one model.")
    missing = sorted({spec.data for spec in specs} - set(data))
    if missing:
        raise ConfigError(
            f"No training data for {', '.join(map(repr, missing))}; "
            f"data has {', '.join(map(repr, data)) or 'no keys'}."
        )
    shapes = {key: np.shape(data[key][0]) for key in {spec.data for spec in specs}}
    if len(set(shapes.values())) != 1 or next(iter(shapes.values()))[1:] != (2,):
        raise ConfigError(
            f"Every training set must have the same shape (n, 2), got {shapes}."
        )
    n_samples = next(iter(shapes.values()))[0]
    if fit.batch_size > n_samples:
        raise ConfigError(
            f"batch_size={fit.batch_size} is larger than the {n_samples} training "
            "samples; use a smaller batch."
        )
    for epoch in record_epochs:
        if not 0 <= epoch <= fit.epochs:
            raise ConfigError(
                f"record_epochs must be from 0 to {fit.epochs}, got {epoch!r}."
            )
    return n_samples


class _Group:
    """The stacked variables, Adam moments and training data of a group."""

    def __init__(self, specs, indices, data, fit: FitConfig) -> None:
        self.indices = indices
        members = [specs[i] for i in indices]
        self.runs = activation_runs(members)
        initial = [initial_weights(spec.hidden_layers, spec.seed) for spec in members]
        self.variables = [
            tf.Variable(np.stack([weights[k] for weights in initial]))
            for k in range(len(initial[0]))
        ]
        self.moments = [
            (tf.Variable(tf.zeros_like(v)), tf.Variable(tf.zeros_like(v)))
            for v in self.variables
        ]
        self.X = tf.constant(np.stack([data[spec.data][0] for spec in members]))
        labels = np.stack([data[spec.data][1] for spec in members])
        self.y = tf.constant(labels.astype(np.float32)[..., None])
        self.learning_rate = fit.learning_rate

    def train_step(self, index, step):
        """Apply one Adam update to every model; return their batch losses."""
        X = tf.gather(self.X, index, batch_dims=1)
        y = tf.gather(self.y, index, batch_dims=1)
        with tf.GradientTape() as tape:
            logits = forward_logits(self.runs, self.variables, X)
            cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(
                labels=y, logits=logits
            )
            losses = tf.reduce_mean(cross_entropy, axis=[1, 2])
            # Each model's parameters reach only its own loss, so the gradient of
            # the sum is every model's own gradient.
            total = tf.reduce_sum(losses)
        gradients = tape.gradient(total, self.variables)
        for variable, (m, v), gradient in zip(self.variables, self.moments, gradients):
            # TensorFlow's fused Adam kernel, elementwise on the stacked tensors:
            # m += (1 - beta_1) (g - m), v += (1 - beta_2) (g^2 - v),
            # w -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) m / (sqrt(v) + epsilon).
            tf.raw_ops.ResourceApplyAdam(
                var=variable.handle,
                m=m.handle,
                v=v.handle,
                beta1_power=tf.pow(ADAM_BETA_1, step),
                beta2_power=tf.pow(ADAM_BETA_2, step),
                lr=self.learning_rate,
                beta1=ADAM_BETA_1,
                beta2=ADAM_BETA_2,
                epsilon=ADAM_EPSILON,
                grad=gradient,
            )
        return losses


def _make_epoch_function(groups: list[_Group], fit: FitConfig, n_samples: int):
    """Compile one epoch of every group's mini-batch updates into one function."""
    batch_size = fit.batch_size
    n_steps = -(-n_samples // batch_size)
    iterations = tf.Variable(0.0)

    @tf.function
    def run_epoch(orders):
        sums = tuple(tf.zeros(len(group.indices)) for group in groups)
        for step in tf.range(n_steps):
            iterations.assign_add(1.0)
            start = step * batch_size
            size = tf.cast(tf.minimum(batch_size, n_samples - start), tf.float32)
            sums = tuple(
                total
                + group.train_step(order[:, start : start + batch_size], iterations)
                * size
                for total, group, order in zip(sums, groups, orders)
            )
        return tuple(total / n_samples for total in sums)

    return run_epoch


def _collect_weights(groups: list[_Group], n_models: int) -> list[list[np.ndarray]]:
    weights: list[list[np.ndarray]] = [[] for _ in range(n_models)]
    for group in groups:
        values = [variable.numpy() for variable in group.variables]
        for position, index in enumerate(group.indices):
            weights[index] = [value[position] for value in values]
    return weights
