"""Tests of the runners: the files they write and the metrics they return."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from nonlinear.datasets import load_moons
from nonlinear.experiments import EXPERIMENTS, figure_specs
from nonlinear.figures import FORMATS
from nonlinear.runners.dataset import run_dataset
from nonlinear.runners.activations import run_activations
from nonlinear.runners.diagrams import run_diagrams


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _expected_files(experiment) -> list[str]:
    return sorted(
        f"{spec.name}.{extension}"
        for spec in experiment.figures
        for extension in FORMATS
    )


@pytest.mark.parametrize(
    ("name", "runner"),
    [
        ("dataset", run_dataset),
        ("activations", run_activations),
        ("diagrams", run_diagrams),
    ],
)
def test_runner_writes_declared_figures(tmp_path, name, runner, runner_metrics):
    experiment = EXPERIMENTS[name]
    metrics = runner(experiment, tmp_path)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == _expected_files(experiment)
    assert metrics == runner_metrics[name]


def test_run_dataset_metrics_match_split(tmp_path):
    experiment = EXPERIMENTS["dataset"]
    metrics = run_dataset(experiment, tmp_path)
    split = load_moons(experiment.config)
    assert metrics["n_train"] == len(split.X_train)
    assert metrics["n_validation"] == len(split.X_val)
    assert metrics["n_test"] == len(split.X_test)


@pytest.mark.slow
def test_run_training_metric_keys(tiny_training_run, training_metrics):
    assert sorted(tiny_training_run.metrics) == sorted(training_metrics)


@pytest.mark.slow
def test_run_training_writes_figures_and_history(tiny_training_run):
    names = sorted(path.name for path in tiny_training_run.output_dir.iterdir())
    expected = sorted(
        [f"{kind}-tiny.{extension}" for kind in ("decision-regions", "training-curves")
         for extension in FORMATS]
        + ["history.json"]
    )
    assert names == expected


@pytest.mark.slow
def test_run_training_history_file(tiny_training_run):
    history = json.loads((tiny_training_run.output_dir / "history.json").read_text())
    assert len(history["loss"]) == tiny_training_run.metrics["epochs"]
    assert history["accuracy"][-1] == tiny_training_run.metrics["train_accuracy"]
    assert history["val_loss"][-1] == tiny_training_run.metrics["validation_loss"]


@pytest.mark.slow
def test_run_training_test_accuracy_is_sklearn(tiny_training_run):
    split = load_moons(tiny_training_run.experiment.config.data)
    probabilities = tiny_training_run.model(split.X_test, training=False).numpy()
    y_true = np.where(split.y_test == 1, 1, -1)
    y_pred = np.where(probabilities.reshape(-1) > 0.5, 1, -1)
    assert tiny_training_run.metrics["test_accuracy"] == accuracy_score(y_true, y_pred)


@pytest.mark.slow
def test_run_training_reported_accuracy_differs(tiny_training_run):
    metrics = tiny_training_run.metrics
    assert metrics["head"] == "sigmoid_squared_hinge"
    assert metrics["reported_test_accuracy"] != pytest.approx(metrics["test_accuracy"])


@pytest.mark.slow
def test_reported_accuracy_counts_positives(tiny_training_run):
    # Keras compares -1/+1 targets with 0/1 predictions, so only the positive
    # samples that are predicted positive count as correct.
    split = load_moons(tiny_training_run.experiment.config.data)
    probabilities = tiny_training_run.model(split.X_test, training=False).numpy()
    positive_hits = np.mean((split.y_test == 1) & (probabilities.reshape(-1) > 0.5))
    assert tiny_training_run.metrics["reported_test_accuracy"] == pytest.approx(
        positive_hits, abs=1e-6
    )


@pytest.mark.slow
def test_run_training_split_sizes(tiny_training_run):
    metrics = tiny_training_run.metrics
    assert metrics["n_train"] == 120
    assert metrics["n_validation"] == 30
    assert metrics["n_test"] == 50


@pytest.mark.slow
def test_run_training_metrics_format_captions(tiny_training_run):
    for name in ("decision-regions-original-relu", "training-curves-original-relu"):
        _, spec = figure_specs()[name]
        assert "{" not in spec.caption.format(**tiny_training_run.metrics), name
        assert "{" not in spec.alt.format(**tiny_training_run.metrics), name


@pytest.mark.slow
def test_run_training_bce_with_progress(
    tmp_path, keras_module, make_tiny_experiment
):
    from nonlinear.runners.training import run_training

    calls = []
    metrics = run_training(
        make_tiny_experiment(head="sigmoid_bce", epochs=3),
        tmp_path,
        lambda done, total: calls.append((done, total)),
    )
    assert metrics["reported_test_accuracy"] == pytest.approx(metrics["test_accuracy"])
    assert calls == [(1, 3), (2, 3), (3, 3)]
