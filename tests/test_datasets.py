"""Tests of the two-moons data set, its split and the label encodings."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from nonlinear.config import DataConfig
from nonlinear.datasets import class_values, encode_labels, load_moons


@pytest.fixture
def small_config() -> DataConfig:
    return DataConfig(n_samples=100, n_test=20, validation_split=0.25, seed=3)


def test_load_moons_split_sizes(small_config):
    split = load_moons(small_config)
    assert split.X_test.shape == (20, 2)
    assert split.X_val.shape == (20, 2)
    assert split.X_train.shape == (60, 2)
    assert split.y_test.shape == (20,)
    assert split.y_val.shape == (20,)
    assert split.y_train.shape == (60,)


def test_load_moons_dtypes(small_config):
    split = load_moons(small_config)
    assert split.X_train.dtype == np.float32
    assert split.y_train.dtype == np.int64


def test_load_moons_labels_zero_one(small_config):
    split = load_moons(small_config)
    labels = np.concatenate([split.y_train, split.y_val, split.y_test])
    assert set(np.unique(labels).tolist()) == {0, 1}


def test_load_moons_test_set_first(small_config):
    X, y = make_moons(n_samples=100, noise=None, random_state=3)
    split = load_moons(small_config)
    np.testing.assert_array_equal(split.X_test, X[:20].astype(np.float32))
    np.testing.assert_array_equal(split.y_test, y[:20])


def test_load_moons_validation_from_end(small_config):
    X, _ = make_moons(n_samples=100, noise=None, random_state=3)
    split = load_moons(small_config)
    np.testing.assert_array_equal(split.X_val, X[80:].astype(np.float32))
    np.testing.assert_array_equal(split.X_train, X[20:80].astype(np.float32))


def test_load_moons_fit_arrays(small_config):
    split = load_moons(small_config)
    X_expected = np.concatenate([split.X_train, split.X_val])
    y_expected = np.concatenate([split.y_train, split.y_val])
    np.testing.assert_array_equal(split.X_fit, X_expected)
    np.testing.assert_array_equal(split.y_fit, y_expected)


def test_load_moons_same_seed_same_data(small_config):
    first = load_moons(small_config)
    second = load_moons(small_config)
    np.testing.assert_array_equal(first.X_train, second.X_train)


def test_load_moons_noise_changes_data():
    clean = load_moons(DataConfig(n_samples=100, n_test=20, noise=0.0, seed=3))
    noisy = load_moons(DataConfig(n_samples=100, n_test=20, noise=0.2, seed=3))
    assert not np.array_equal(clean.X_train, noisy.X_train)


def test_load_moons_seed_changes_noise():
    first = load_moons(DataConfig(n_samples=100, n_test=20, noise=0.2, seed=1))
    second = load_moons(DataConfig(n_samples=100, n_test=20, noise=0.2, seed=2))
    assert not np.array_equal(first.X_train, second.X_train)


def test_load_moons_no_validation():
    split = load_moons(DataConfig(n_samples=50, n_test=10, validation_split=0.0))
    assert split.X_val.shape == (0, 2)
    assert split.X_train.shape == (40, 2)


def test_encode_labels_bce_keeps_zero_one():
    targets = encode_labels(np.array([0, 1, 1, 0]), "sigmoid_bce")
    np.testing.assert_array_equal(targets, np.array([[0.0], [1.0], [1.0], [0.0]]))
    assert targets.dtype == np.float32


def test_encode_labels_hinge_signed():
    targets = encode_labels(np.array([0, 1, 1, 0]), "sigmoid_squared_hinge")
    np.testing.assert_array_equal(targets, np.array([[-1.0], [1.0], [1.0], [-1.0]]))
    assert targets.dtype == np.float32


@pytest.mark.parametrize(
    ("head", "expected"),
    [("sigmoid_bce", (0, 1)), ("sigmoid_squared_hinge", (-1, 1))],
)
def test_class_values_per_head(head, expected):
    assert class_values(head) == expected


@pytest.mark.parametrize("head", ["sigmoid_bce", "sigmoid_squared_hinge"])
def test_encode_labels_matches_class_values(head):
    targets = encode_labels(np.array([0, 1]), head).reshape(-1)
    assert tuple(int(value) for value in targets) == class_values(head)
