"""Reproducibility: same seed, same bytes, across processes and clean clones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nonlinear import reproducibility

ROOT = Path(__file__).resolve().parents[1]

_TRAIN_AND_HASH = """
import hashlib
from nonlinear.config import DataConfig, ExperimentConfig, ModelConfig, TrainConfig
from nonlinear import datasets, models, training
training.configure_tensorflow(1)
import keras
config = ExperimentConfig(
    data=DataConfig(n_samples=300, n_test=60, seed=7),
    model=ModelConfig(hidden_layers=(16, 8), activation="relu"),
    train=TrainConfig(epochs=4, batch_size=20, seed=7),
)
split = datasets.load_moons(config.data)
keras.utils.set_random_seed(7)
model = models.compile_model(models.build_model(config.model), "sigmoid_bce", config.train)
history = training.fit(model, split.X_train, datasets.encode_labels(split.y_train, "sigmoid_bce"),
                       split.X_val, datasets.encode_labels(split.y_val, "sigmoid_bce"),
                       config.train, (0, 1))
digest = hashlib.sha256()
for weight in model.get_weights():
    digest.update(weight.tobytes())
digest.update(repr(history.to_dict()).encode())
print(digest.hexdigest())
"""


def _fresh_process_digest() -> str:
    result = subprocess.run([sys.executable, "-c", _TRAIN_AND_HASH], capture_output=True,
                            text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_training_identical_in_fresh_processes():
    assert _fresh_process_digest() == _fresh_process_digest()


def test_compare_trees_lists_each_difference(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        (folder / "figures").mkdir(parents=True)
        (folder / "same.txt").write_text("same")
    (first / "figures" / "a.svg").write_text("one")
    (second / "figures" / "a.svg").write_text("two")
    (first / "only-first.txt").write_text("x")
    (second / "only-second.txt").write_text("y")
    differences = reproducibility.compare_trees(first, second)
    assert differences == [
        "only in the first build: only-first.txt",
        "only in the second build: only-second.txt",
        "differs: figures/a.svg",
    ]


def test_compare_trees_identical_is_empty(tmp_path):
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_bytes(b"<p>same</p>")
    assert reproducibility.compare_trees(tmp_path / "first", tmp_path / "second") == []


@pytest.mark.slow
def test_two_clean_builds_are_identical(capsys):
    """Builds two clones of HEAD from scratch: about two to three minutes on 2 cores."""
    differences = reproducibility.check(ROOT)
    assert differences == [], "\n".join(differences)
