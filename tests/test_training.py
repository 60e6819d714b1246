"""Tests of the training loop against ``model.fit``, and of its helpers."""

from __future__ import annotations

import numpy as np
import pytest

from nonlinear import training
from nonlinear.config import DataConfig, ModelConfig, TrainConfig
from nonlinear.datasets import class_values, encode_labels, load_moons

# 64 training and 16 validation samples.
DATA = DataConfig(n_samples=100, n_test=20, validation_split=0.2)


def test_epoch_orders_shape():
    orders = training.epoch_orders(10, TrainConfig(epochs=3, seed=1))
    assert orders.shape == (3, 10)


def test_epoch_orders_permutations():
    orders = training.epoch_orders(10, TrainConfig(epochs=3, seed=1))
    for order in orders:
        assert sorted(order.tolist()) == list(range(10))


def test_epoch_orders_differ_between_epochs():
    orders = training.epoch_orders(50, TrainConfig(epochs=2, seed=1))
    assert not np.array_equal(orders[0], orders[1])


def test_epoch_orders_seeded():
    first = training.epoch_orders(20, TrainConfig(epochs=2, seed=5))
    second = training.epoch_orders(20, TrainConfig(epochs=2, seed=5))
    other = training.epoch_orders(20, TrainConfig(epochs=2, seed=6))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_epoch_orders_numpy_generator():
    expected = np.random.default_rng(7)
    orders = training.epoch_orders(12, TrainConfig(epochs=2, seed=7))
    np.testing.assert_array_equal(orders[0], expected.permutation(12))
    np.testing.assert_array_equal(orders[1], expected.permutation(12))


@pytest.mark.parametrize(
    ("classes", "expected"),
    [((0, 1), [0, 0, 1, 1]), ((-1, 1), [-1, -1, 1, 1])],
)
def test_threshold_predictions_half_is_negative(classes, expected):
    probabilities = np.array([[0.1], [0.5], [0.51], [0.9]])
    labels = training.threshold_predictions(probabilities, classes)
    assert labels.tolist() == expected
    assert labels.dtype == np.int64
    assert labels.shape == (4,)


def test_history_to_dict_keys():
    history = training.History(loss=[1.0], accuracy=[0.5])
    assert history.to_dict() == {
        "loss": [1.0],
        "accuracy": [0.5],
        "reported_accuracy": [],
        "val_loss": [],
        "val_accuracy": [],
        "val_reported_accuracy": [],
    }


def _model(keras_module, head: str, train: TrainConfig, seed: int = 0):
    from nonlinear.models import build_model, compile_model

    keras_module.utils.set_random_seed(seed)
    config = ModelConfig(hidden_layers=(4,), activation="relu", head=head)
    return compile_model(build_model(config), head, train)


def _assert_same_weights(model, reference) -> None:
    weights = model.get_weights()
    expected = reference.get_weights()
    assert len(weights) == len(expected)
    for actual, wanted in zip(weights, expected):
        np.testing.assert_array_equal(actual, wanted)


def _fit(keras_module, head: str, train: TrainConfig, data: DataConfig = DATA):
    split = load_moons(data)
    model = _model(keras_module, head, train)
    history = training.fit(
        model,
        split.X_train,
        encode_labels(split.y_train, head),
        split.X_val,
        encode_labels(split.y_val, head),
        train,
        class_values(head),
    )
    return model, history


@pytest.mark.slow
@pytest.mark.parametrize("head", ["sigmoid_bce", "sigmoid_squared_hinge"])
def test_fit_matches_keras_concatenated(keras_module, head):
    # 64 training samples in batches of 8, so that no batch spans two epochs.
    train = TrainConfig(epochs=3, batch_size=8, seed=3)
    model, history = _fit(keras_module, head, train)

    split = load_moons(DATA)
    y_train = encode_labels(split.y_train, head)
    order = np.concatenate(training.epoch_orders(len(split.X_train), train))
    reference = _model(keras_module, head, train)
    keras_history = reference.fit(
        split.X_train[order], y_train[order], batch_size=8, epochs=1, shuffle=False,
        verbose=0,
    )
    _assert_same_weights(model, reference)
    # Keras averages the loss over all batches of its single long epoch.
    keras_loss = keras_history.history["loss"][0]
    assert np.mean(history.loss) == pytest.approx(keras_loss, rel=1e-5)


@pytest.mark.slow
def test_fit_matches_keras_per_epoch(keras_module):
    # 64 training samples in batches of 10: the last batch of each epoch has 4.
    head = "sigmoid_squared_hinge"
    train = TrainConfig(epochs=3, batch_size=10, seed=3)
    model, history = _fit(keras_module, head, train)

    split = load_moons(DATA)
    y_train = encode_labels(split.y_train, head)
    validation = (split.X_val, encode_labels(split.y_val, head))
    reference = _model(keras_module, head, train)
    keras_history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for order in training.epoch_orders(len(split.X_train), train):
        epoch = reference.fit(
            split.X_train[order], y_train[order], batch_size=10, epochs=1,
            shuffle=False, verbose=0, validation_data=validation,
        )
        for key in keras_history:
            keras_history[key].extend(epoch.history[key])

    _assert_same_weights(model, reference)
    assert history.loss == pytest.approx(keras_history["loss"], rel=1e-6)
    assert history.reported_accuracy == pytest.approx(keras_history["accuracy"])
    assert history.val_loss == pytest.approx(keras_history["val_loss"], rel=1e-5)
    assert history.val_reported_accuracy == pytest.approx(keras_history["val_accuracy"])


@pytest.mark.slow
def test_fit_same_seed_same_history(keras_module):
    train = TrainConfig(epochs=3, batch_size=8, seed=3)
    _, first = _fit(keras_module, "sigmoid_bce", train)
    _, second = _fit(keras_module, "sigmoid_bce", train)
    assert first.to_dict() == second.to_dict()


@pytest.mark.slow
def test_fit_other_seed_other_history(keras_module):
    first_train = TrainConfig(epochs=2, batch_size=8, seed=3)
    second_train = TrainConfig(epochs=2, batch_size=8, seed=4)
    _, first = _fit(keras_module, "sigmoid_bce", first_train)
    _, second = _fit(keras_module, "sigmoid_bce", second_train)
    assert first.loss != second.loss


@pytest.mark.slow
def test_fit_history_lengths(keras_module):
    _, history = _fit(keras_module, "sigmoid_bce", TrainConfig(epochs=4, batch_size=8))
    for key, values in history.to_dict().items():
        assert len(values) == 4, key


@pytest.mark.slow
def test_fit_without_validation(keras_module):
    data = DataConfig(n_samples=100, n_test=20, validation_split=0.0)
    train = TrainConfig(epochs=2, batch_size=8)
    _, history = _fit(keras_module, "sigmoid_bce", train, data)
    assert len(history.loss) == 2
    assert history.val_loss == []
    assert history.val_accuracy == []


@pytest.mark.slow
def test_fit_progress_callback(keras_module):
    split = load_moons(DATA)
    train = TrainConfig(epochs=3, batch_size=8)
    calls = []
    training.fit(
        _model(keras_module, "sigmoid_bce", train),
        split.X_train,
        encode_labels(split.y_train, "sigmoid_bce"),
        split.X_val,
        encode_labels(split.y_val, "sigmoid_bce"),
        train,
        (0, 1),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.slow
def test_fit_accuracy_signed_labels(keras_module):
    # With -1/+1 targets Keras' accuracy never counts a negative sample as correct.
    train = TrainConfig(epochs=3, batch_size=8, learning_rate=0.05)
    _, history = _fit(keras_module, "sigmoid_squared_hinge", train)
    assert history.accuracy[-1] > history.reported_accuracy[-1]


@pytest.mark.slow
def test_fit_accuracy_bce_matches_keras(keras_module):
    _, history = _fit(keras_module, "sigmoid_bce", TrainConfig(epochs=3, batch_size=8))
    assert history.accuracy == pytest.approx(history.reported_accuracy)


@pytest.mark.slow
def test_predict_proba_batches(keras_module):
    model = _model(keras_module, "sigmoid_bce", TrainConfig())
    X = np.random.default_rng(0).normal(size=(25, 2)).astype(np.float32)
    batched = training.predict_proba(model, X, batch_size=7)
    whole = model(X, training=False).numpy().reshape(-1)
    assert batched.shape == (25,)
    np.testing.assert_allclose(batched, whole, rtol=1e-6)
