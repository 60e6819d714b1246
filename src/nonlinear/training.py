"""Training with the article's hyperparameters and little framework overhead.

``model.fit`` spends most of its time per step (Python callbacks, metric objects,
one TensorFlow function call per batch). :func:`fit` keeps the optimiser, the loss
and the batches of a plain ``fit`` call with ``shuffle=False`` on the same sample
order, but runs a whole epoch and its validation inside one compiled
``tf.function``. The per-epoch sample order comes from NumPy's generator seeded
with ``TrainConfig.seed``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from nonlinear.config import TrainConfig

logger = logging.getLogger(__name__)

#: Callback invoked after each epoch with (epoch number from 1, number of epochs).
ProgressCallback = Callable[[int, int], None]


@dataclasses.dataclass
class History:
    """Per-epoch metrics of one training run, like ``keras.callbacks.History``.

    ``accuracy`` is the share of correctly classified samples after thresholding the
    output at 0.5. ``reported_accuracy`` is what Keras' ``"accuracy"`` metric shows
    for the same predictions, which differs when labels are -1 and +1.
    """

    loss: list[float] = dataclasses.field(default_factory=list)
    accuracy: list[float] = dataclasses.field(default_factory=list)
    reported_accuracy: list[float] = dataclasses.field(default_factory=list)
    val_loss: list[float] = dataclasses.field(default_factory=list)
    val_accuracy: list[float] = dataclasses.field(default_factory=list)
    val_reported_accuracy: list[float] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, list[float]]:
        """Return the history as a dictionary of lists."""
        return dataclasses.asdict(self)


def configure_tensorflow(threads: int = 1) -> None:
    """Fix TensorFlow's thread pools before the first operation runs.

    A fixed thread count keeps results identical from run to run, and one thread per
    process lets independent experiments run side by side on separate cores.
    """
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        # The runtime was already initialised in this process; its pools stay.
        logger.debug("TensorFlow thread pools already initialised")


def epoch_orders(n_samples: int, train: TrainConfig) -> np.ndarray:
    """Return the sample order of every epoch, shape (epochs, n_samples)."""
    rng = np.random.default_rng(train.seed)
    return np.stack([rng.permutation(n_samples) for _ in range(train.epochs)])


def threshold_predictions(probabilities: np.ndarray, classes: tuple[int, int]) -> np.ndarray:
    """Map sigmoid outputs to class labels: above 0.5 is the positive class.

    Args:
        probabilities: Model outputs of shape (n_samples,) or (n_samples, 1).
        classes: Label values of the negative and the positive class.

    Returns:
        Integer labels of shape (n_samples,).
    """
    positive = np.asarray(probabilities).reshape(-1) > 0.5
    return np.where(positive, classes[1], classes[0]).astype(np.int64)


def fit(
    model: keras.Model,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    train: TrainConfig,
    classes: tuple[int, int],
    progress: ProgressCallback | None = None,
) -> History:
    """Train a compiled model and record its per-epoch metrics.

    Args:
        model: A model compiled with an optimiser and a loss.
        X_train: Training inputs, shape (n_train, n_features).
        y_train: Training targets in the head's encoding, shape (n_train, 1).
        X_val: Validation inputs.
        y_val: Validation targets.
        train: Epochs, batch size and the seed of the sample order.
        classes: Label values of the negative and positive class.
        progress: Optional callback run after every epoch.

    Returns:
        The training history.
    """
    has_validation = len(X_val) > 0
    run_epoch = _make_epoch_function(model, train.batch_size, classes, has_validation)
    X_train = tf.constant(X_train)
    y_train = tf.constant(y_train)
    X_val, y_val = tf.constant(X_val), tf.constant(y_val)
    history = History()
    for epoch, order in enumerate(epoch_orders(len(X_train), train), start=1):
        metrics = [float(value) for value in run_epoch(X_train, y_train, tf.constant(order),
                                                        X_val, y_val)]
        history.loss.append(metrics[0])
        history.accuracy.append(metrics[1])
        history.reported_accuracy.append(metrics[2])
        if has_validation:
            history.val_loss.append(metrics[3])
            history.val_accuracy.append(metrics[4])
            history.val_reported_accuracy.append(metrics[5])
        if progress is not None:
            progress(epoch, train.epochs)
    return history


def _make_epoch_function(
    model: keras.Model, batch_size: int, classes: tuple[int, int], has_validation: bool
):
    """Compile one epoch of mini-batch updates, then the validation, into one function.

    One function per epoch, rather than one for the updates and one for the
    validation, halves the calls into TensorFlow and the functions it traces.
    """
    optimizer = model.optimizer
    variables = model.trainable_variables
    optimizer.build(variables)

    @tf.function(reduce_retracing=True)
    def run_epoch(X, y, order, X_val, y_val):
        n_samples = tf.shape(order)[0]
        n_steps = (n_samples + batch_size - 1) // batch_size
        # Keras reports the epoch loss as the batch losses weighted by batch size.
        loss_sum = tf.constant(0.0)
        correct = tf.constant(0.0)
        reported = tf.constant(0.0)
        for i in tf.range(n_steps):
            index = order[i * batch_size : (i + 1) * batch_size]
            X_batch = tf.gather(X, index)
            y_batch = tf.gather(y, index)
            with tf.GradientTape() as tape:
                y_pred = model(X_batch, training=True)
                # The compiled loss, reduced over the batch exactly as in fit().
                loss = model.compute_loss(X_batch, y_batch, y_pred, training=True)
            gradients = tape.gradient(loss, variables)
            optimizer.apply(gradients, variables)
            size = tf.cast(tf.shape(index)[0], tf.float32)
            loss_sum += loss * size
            correct += tf.reduce_sum(_correct(y_batch, y_pred, classes))
            reported += tf.reduce_sum(keras.metrics.binary_accuracy(y_batch, y_pred))
        total = tf.cast(n_samples, tf.float32)
        metrics = [loss_sum / total, correct / total, reported / total]
        if has_validation:
            y_pred = model(X_val, training=False)
            metrics += [
                model.compute_loss(X_val, y_val, y_pred, training=False),
                tf.reduce_mean(_correct(y_val, y_pred, classes)),
                tf.reduce_mean(keras.metrics.binary_accuracy(y_val, y_pred)),
            ]
        return metrics

    return run_epoch


def _correct(y_true, y_pred, classes: tuple[int, int]):
    predicted = tf.where(y_pred > 0.5, float(classes[1]), float(classes[0]))
    return tf.cast(tf.equal(predicted, y_true), tf.float32)


def predict_proba(model: keras.Model, X: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    """Return the model's outputs for many inputs, computed in large batches.

    Returns:
        Outputs of shape (n_samples,).
    """
    outputs = [
        model(X[start : start + batch_size], training=False).numpy()
        for start in range(0, len(X), batch_size)
    ]
    return np.concatenate(outputs).reshape(-1)
