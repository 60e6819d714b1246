"""Tests of the atlas data sets: shapes, labels, geometry, seeds, splits and grids."""

from __future__ import annotations

import numpy as np
import pytest

from nonlinear.atlas.config import DATASETS, SampleConfig
from nonlinear.atlas.datasets import (
    SEPARABLE_MARGIN,
    SEPARABLE_NORMAL,
    bounding_box,
    grid_points,
    load_split,
    make_dataset,
)
from nonlinear.config import ConfigError


@pytest.mark.parametrize("name", DATASETS)
def test_make_dataset_shapes_and_types(name):
    X, y = make_dataset(name, 101, seed=3)
    assert X.shape == (101, 2)
    assert X.dtype == np.float32
    assert y.shape == (101,)
    assert y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("name", DATASETS)
def test_make_dataset_reproducible(name):
    first = make_dataset(name, 50, noise=0.1, seed=7)
    second = make_dataset(name, 50, noise=0.1, seed=7)
    other = make_dataset(name, 50, noise=0.1, seed=8)
    assert np.array_equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("name", ["moons", "circles", "spirals"])
def test_balanced_classes(name):
    _, y = make_dataset(name, 100, seed=0)
    assert np.sum(y == 1) == 50


def test_moons_match_article_generator():
    from sklearn.datasets import make_moons

    X, y = make_dataset("moons", 60, seed=42)
    expected_X, expected_y = make_moons(n_samples=60, random_state=42)
    assert np.array_equal(X, expected_X.astype(np.float32))
    assert np.array_equal(y, expected_y)


def test_xor_labels_follow_quadrants():
    X, y = make_dataset("xor", 200, seed=1)
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] > 0)
    assert np.all(np.abs(X) <= 1.0)


def test_spirals_radius_and_classes():
    X, y = make_dataset("spirals", 400, seed=2)
    radius = np.linalg.norm(X, axis=1)
    assert radius.max() <= 1.0 + 1e-6
    # The second arm is the first turned by half a turn, so no line through the
    # origin separates them: both classes lie on both sides of every axis.
    for axis in (0, 1):
        for label in (0, 1):
            assert np.any(X[y == label, axis] > 0.5)
            assert np.any(X[y == label, axis] < -0.5)


def test_separable_margin_and_labels():
    X, y = make_dataset("separable", 300, seed=4)
    normal = np.asarray(SEPARABLE_NORMAL) / np.linalg.norm(SEPARABLE_NORMAL)
    distance = X.astype(np.float64) @ normal
    assert np.all(np.abs(distance) >= SEPARABLE_MARGIN - 1e-6)
    assert np.array_equal(y == 1, distance > 0)


def test_noise_moves_samples():
    clean, labels = make_dataset("xor", 80, seed=5)
    noisy, noisy_labels = make_dataset("xor", 80, noise=0.2, seed=5)
    assert np.array_equal(labels, noisy_labels)
    assert 0.05 < np.std(noisy - clean) < 0.4


def test_make_dataset_unknown_name():
    with pytest.raises(
        ConfigError, match=r"Unknown data set 'rings'; choose from moons, "
    ):
        make_dataset("rings", 10)


def test_load_split_sizes_and_order():
    config = SampleConfig(n_samples=90, n_test=30, seed=9)
    split = load_split("circles", config)
    X, y = make_dataset("circles", 90, seed=9)
    assert np.array_equal(split.X_test, X[:30])
    assert np.array_equal(split.X_train, X[30:])
    assert np.array_equal(split.y_train, y[30:])
    assert split.X_val.shape == (0, 2)
    assert split.y_val.shape == (0,)


def test_bounding_box_with_margin():
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    assert bounding_box(X) == (0.0, 2.0, -1.0, 3.0)
    assert bounding_box(X, margin=0.5) == (-1.0, 3.0, -3.0, 5.0)


@pytest.mark.parametrize("X", [np.zeros((0, 2)), np.zeros((3, 3)), np.zeros(4)])
def test_bounding_box_invalid(X):
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\) with n > 0, got"):
        bounding_box(X)


def test_grid_points_layout():
    grid = grid_points((0.0, 2.0, 10.0, 11.0), 3)
    assert grid.shape == (9, 2)
    assert grid.dtype == np.float32
    # Point i * size + j is at row i (x2 from the bottom) and column j (x1).
    assert grid[0].tolist() == [0.0, 10.0]
    assert grid[2].tolist() == [2.0, 10.0]
    assert grid[3].tolist() == [0.0, 10.5]
    assert grid[8].tolist() == [2.0, 11.0]


@pytest.mark.parametrize("size", [1, 0, 2.0, True])
def test_grid_points_invalid_size(size):
    with pytest.raises(ValueError, match=r"size must be an integer of at least 2, got"):
        grid_points((0.0, 1.0, 0.0, 1.0), size)
