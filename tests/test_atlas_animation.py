"""Tests of the training animation: frames, byte-for-byte reproducibility, size."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nonlinear.atlas.animation import write_decision_animation

BOUNDS = (-1.0, 1.0, -1.0, 1.0)


def _frames(count, size=30):
    grid = np.linspace(-1, 1, size)
    return [np.tile(grid > -1 + 2 * step / count, (size, 1)) for step in range(count)]


def _write(path, count=6):
    X = np.random.default_rng(0).uniform(-1, 1, size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    epochs = list(range(count))
    accuracies = [0.5 + 0.05 * epoch for epoch in epochs]
    return write_decision_animation(
        path,
        _frames(count),
        epochs,
        accuracies,
        BOUNDS,
        X,
        y,
        "A network",
        frames_per_second=10,
    )


def test_animation_frames_and_timing(tmp_path):
    path = _write(tmp_path / "run.gif")
    with Image.open(path) as image:
        assert image.format == "GIF"
        assert image.n_frames == 6
        assert image.info["duration"] == 100
        assert image.info["loop"] == 0
        assert image.size == (320, 320)


@pytest.mark.slow
def test_animation_reproducible(tmp_path):
    first = _write(tmp_path / "first.gif").read_bytes()
    second = _write(tmp_path / "second.gif").read_bytes()
    assert first == second


def test_animation_small(tmp_path):
    assert _write(tmp_path / "run.gif", count=20).stat().st_size < 200_000


def test_animation_rejects_other_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"path must end in \.gif, got '.*run\.png'\."):
        _write(tmp_path / "run.png")


def test_animation_rejects_unequal_lengths(tmp_path):
    with pytest.raises(
        ValueError, match=r"non-empty and of equal length, got 2, 1 and 1\."
    ):
        write_decision_animation(
            tmp_path / "run.gif",
            _frames(2),
            [0],
            [0.5],
            BOUNDS,
            np.zeros((1, 2)),
            np.zeros(1),
            "A network",
        )
