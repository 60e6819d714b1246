"""Fixtures shared by the test modules: tiny seeded data, Keras, builds, notebooks.

Tests that import TensorFlow, start worker processes or a Jupyter kernel are marked
``slow``; ``pytest -m "not slow"`` runs the rest in a few seconds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import nbformat
import numpy as np
import pytest
from sklearn.datasets import make_moons

from nonlinear import cache, experiments, pipeline
from nonlinear.config import DataConfig, ExperimentConfig, ModelConfig, TrainConfig

# Site, Chromium and local-server fixtures of the browser tests.
pytest_plugins = ["browser_fixtures"]


@pytest.fixture
def signed_moons() -> tuple[np.ndarray, np.ndarray]:
    """Return 60 noisy two-moons samples with labels -1 and +1 (0 mapped to -1)."""
    X, y = make_moons(n_samples=60, noise=0.1, random_state=0)
    return X, np.where(y == 0, -1, 1)


@pytest.fixture(scope="session")
def keras_module():
    """Import Keras once, after fixing TensorFlow to one thread per pool."""
    from nonlinear import training

    training.configure_tensorflow(threads=1)
    import keras

    return keras


def _tiny_experiment(
    head: str = "sigmoid_squared_hinge",
    epochs: int = 5,
    learning_rate: float = 0.01,
    name: str = "tiny",
) -> experiments.Experiment:
    """Return a training experiment that trains in about a second.

    It has 200 samples: 50 for testing, 30 for validation and 120 for training.
    """
    config = ExperimentConfig(
        data=DataConfig(n_samples=200, n_test=50),
        model=ModelConfig(hidden_layers=(8,), activation="relu", head=head),
        train=TrainConfig(epochs=epochs, batch_size=25, learning_rate=learning_rate),
    )
    return experiments.Experiment(
        name=name,
        description="Tiny training run for the tests",
        runner="nonlinear.runners.training:run_training",
        config=config,
        uses_tensorflow=True,
    )


@pytest.fixture
def training_metrics() -> dict:
    """Return metrics with the keys that ``run_training`` returns, values made up.

    ``test_run_training_metric_keys`` checks the keys against a real run.
    """
    return {
        "test_accuracy": 0.88,
        "reported_test_accuracy": 0.44,
        "test_loss": 0.31,
        "train_accuracy": 0.9,
        "train_loss": 0.25,
        "validation_accuracy": 0.87,
        "validation_loss": 0.33,
        "epochs": 50,
        "batch_size": 25,
        "hidden_layers": [50],
        "activation": "linear",
        "head": "sigmoid_bce",
        "parameters": 201,
        "seed": 42,
        "n_train": 600,
        "n_validation": 150,
        "n_test": 250,
    }


@pytest.fixture
def runner_metrics() -> dict[str, dict]:
    """Return the metrics that the runners without training return, by experiment."""
    return {
        "dataset": {
            "n_samples": 1000,
            "n_train": 600,
            "n_validation": 150,
            "n_test": 250,
            "noise": 0.0,
            "seed": 42,
        },
        "activations": {"activations": ["linear", "relu"]},
        "diagrams": {"network": [2, 5, 1], "neuron_inputs": 3},
    }


@pytest.fixture
def make_tiny_experiment():
    """Return the factory of tiny training experiments (keywords: head, epochs, ...)."""
    return _tiny_experiment


@dataclasses.dataclass
class TrainingRun:
    """Outcome of one call of ``run_training``, with the model it trained."""

    experiment: experiments.Experiment
    output_dir: Path
    metrics: dict
    model: object


@pytest.fixture(scope="session")
def tiny_training_run(tmp_path_factory, keras_module) -> TrainingRun:
    """Run the training runner once on a tiny squared-hinge experiment.

    ``build_model`` is wrapped so that the test can inspect the trained model, which
    ``run_training`` does not return.
    """
    from nonlinear import models
    from nonlinear.runners.training import run_training

    experiment = _tiny_experiment()
    output_dir = tmp_path_factory.mktemp("tiny-training")
    built = []
    original = models.build_model

    def recording_build_model(*args, **kwargs):
        model = original(*args, **kwargs)
        built.append(model)
        return model

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models, "build_model", recording_build_model)
        metrics = run_training(experiment, output_dir)
    assert len(built) == 1, "run_training should build exactly one model"
    return TrainingRun(experiment, output_dir, metrics, built[0])


@pytest.fixture
def build_paths(tmp_path) -> pipeline.Paths:
    """Return build paths whose docs folder has no notebook, so no notebook tasks exist."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Article\n", encoding="utf-8")
    return pipeline.Paths(docs=docs, build=tmp_path / "build")


def _fake_metrics(experiment: experiments.Experiment) -> dict:
    return {"test_accuracy": 0.5 + len(experiment.name) / 100}


def _write_fake_entries(paths: pipeline.Paths) -> list[pipeline.Task]:
    """Write an intact cache entry for every experiment without running any.

    Each entry contains a small PNG stand-in per declared figure and fake metrics, under
    the key that :func:`nonlinear.pipeline.plan` computes, so a build finds every
    experiment cached.
    """
    tasks = pipeline.plan(experiments.select(None), paths, include_notebooks=False)
    for task in tasks:
        task.entry.mkdir(parents=True)
        for spec in task.experiment.figures:
            (task.entry / f"{spec.name}.png").write_bytes(spec.name.encode())
        metadata = {"name": task.name, "metrics": _fake_metrics(task.experiment)}
        task.manifest = cache.write_manifest(task.entry, task.key, metadata)
    return tasks


@pytest.fixture
def write_fake_entries():
    """Return the function that fills a build's cache without running experiments."""
    return _write_fake_entries


def _write_notebook(
    path: Path, sources: list[str], metrics_cell: int | None = None
) -> Path:
    """Write a notebook of code cells; the cell at ``metrics_cell`` gets the tag."""
    notebook = nbformat.v4.new_notebook()
    for index, source in enumerate(sources):
        metadata = {"tags": ["metrics"]} if index == metrics_cell else {}
        notebook.cells.append(nbformat.v4.new_code_cell(source, metadata=metadata))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def write_notebook():
    """Return the function that writes a notebook: ``(path, sources, metrics_cell)``."""
    return _write_notebook


@pytest.fixture
def quiet_kernel_env(monkeypatch):
    """Keep the TensorFlow log level that ``execute_notebook`` sets from leaking."""
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
