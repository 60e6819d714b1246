"""Tests of the atlas runners on tiny configurations: files, metrics, explorer data."""

from __future__ import annotations

import dataclasses
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nonlinear.atlas import explorer
from nonlinear.atlas.config import (
    CollapseConfig,
    EvolutionConfig,
    FitConfig,
    NoiseConfig,
    RegionsConfig,
    SampleConfig,
    SweepConfig,
)
from nonlinear.config import DataConfig, ExperimentConfig, ModelConfig, TrainConfig
from nonlinear.experiments import EXPERIMENTS

# Every runner imports TensorFlow and trains.
pytestmark = pytest.mark.slow

#: 64 training and 32 test samples, 2 batches of 32 per epoch.
SAMPLES = SampleConfig(n_samples=96, n_test=32)
FIT = FitConfig(epochs=3, batch_size=32)

TINY = {
    "atlas-sweep": SweepConfig(
        datasets=("moons", "xor"),
        activations=("linear", "relu"),
        depths=(1, 2),
        width=8,
        seeds=(1, 2),
        table_depth=2,
        data=SAMPLES,
        fit=FIT,
        record_epochs=(1, 3),
        explorer_grid_size=8,
        figure_grid_size=20,
    ),
    "atlas-collapse": CollapseConfig(
        network=ExperimentConfig(
            data=DataConfig(n_samples=200, n_test=50),
            model=ModelConfig(
                hidden_layers=(8,), activation="linear", head="sigmoid_bce"
            ),
            train=TrainConfig(epochs=3, batch_size=25),
        ),
        grid_size=20,
    ),
    "atlas-regions": RegionsConfig(
        depths=(1, 2),
        widths=(4, 8),
        seeds=(1, 2),
        data=SAMPLES,
        fit=FIT,
        grid_size=40,
        map_depth=2,
        map_width=8,
    ),
    "atlas-training": EvolutionConfig(
        dataset="moons",
        hidden_layers=(8,),
        data=SAMPLES,
        fit=FIT,
        panel_epochs=(0, 1, 3),
        frame_step=2,
        grid_size=20,
    ),
    "atlas-noise": NoiseConfig(
        noise_levels=(0.0, 0.3),
        seeds=(1, 2),
        models=(("linear", (4,)), ("relu", (8, 8))),
        data=SAMPLES,
        fit=FIT,
    ),
}


def _run(name: str, output_dir):
    import importlib

    experiment = dataclasses.replace(EXPERIMENTS[name], config=TINY[name])
    module_name, _, function_name = experiment.runner.partition(":")
    runner = getattr(importlib.import_module(module_name), function_name)
    metrics = runner(experiment, output_dir)
    plt.close("all")
    return experiment, metrics


@pytest.fixture(scope="module")
def runs(tmp_path_factory, keras_module):
    results = {}
    for name in TINY:
        output_dir = tmp_path_factory.mktemp(name)
        experiment, metrics = _run(name, output_dir)
        results[name] = (experiment, metrics, output_dir)
    return results


def _top_files(output_dir) -> list[str]:
    return sorted(path.name for path in output_dir.iterdir() if path.is_file())


@pytest.mark.parametrize("name", list(TINY))
def test_runner_writes_declared_figures(runs, name):
    experiment, _, output_dir = runs[name]
    expected = [f"{spec.name}.{ext}" for spec in experiment.figures for ext in spec.formats]
    assert _top_files(output_dir) == sorted(expected)


@pytest.mark.parametrize("name", list(TINY))
def test_captions_format_with_metrics(runs, name):
    experiment, metrics, _ = runs[name]
    json.dumps(metrics)
    for spec in experiment.figures:
        assert "{" not in spec.caption.format(**metrics), spec.name
        assert "{" not in spec.alt.format(**metrics), spec.name


def test_sweep_accuracy_table(runs):
    _, metrics, _ = runs["atlas-sweep"]
    assert metrics["n_models"] == 16
    assert sorted(metrics["accuracy"]) == ["1", "2"]
    cell = metrics["accuracy"]["2"]["relu"]["xor"]
    assert 0.0 <= cell["min"] <= cell["mean"] <= cell["max"] <= 1.0
    assert cell["std"] >= 0.0
    assert metrics["solved"]["2"]["moons"] == [
        name
        for name in ("linear", "relu")
        if metrics["accuracy"]["2"][name]["moons"]["mean"] >= metrics["solved_accuracy"]
    ]


def test_explorer_files_complete(runs):
    _, metrics, output_dir = runs["atlas-sweep"]
    folder = output_dir / "data" / "explorer"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in index["datasets"]] == ["moons", "xor"]
    assert index["epochs"] == [1, 3]
    count = 0
    for dataset in index["datasets"]:
        for activation in index["activations"]:
            for depth in index["depths"]:
                for seed in index["seeds"]:
                    path = folder / index["run_path"].format(
                        dataset=dataset["name"],
                        activation=activation["name"],
                        depth=depth,
                        seed=seed,
                    )
                    assert path.is_file(), path
                    count += 1
    assert count == metrics["n_models"]
    assert metrics["explorer_files"] == count + 2 + 1
    total = sum(path.stat().st_size for path in folder.rglob("*.json"))
    assert metrics["explorer_bytes"] == total


def test_explorer_run_agrees_with_metrics(runs):
    _, metrics, output_dir = runs["atlas-sweep"]
    folder = output_dir / "data" / "explorer"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    dataset = json.loads(
        (folder / index["dataset_path"].format(dataset="xor")).read_text(
            encoding="utf-8"
        )
    )
    n_test = len(dataset["y_test"])
    finals = []
    for seed in index["seeds"]:
        path = explorer.run_path(folder, "xor", "relu", 2, seed)
        run = json.loads(path.read_text(encoding="utf-8"))
        assert run["epochs"] == index["epochs"]
        grid = explorer.decode_bits(run["grid"][-1], index["grid_size"] ** 2)
        assert grid.shape == (64,)
        correct = explorer.decode_bits(run["test_correct"][-1], n_test)
        assert run["test_accuracy"][-1] == round(float(np.mean(correct)), 4)
        finals.append(np.mean(correct))
    assert np.mean(finals) == pytest.approx(
        metrics["accuracy"]["2"]["relu"]["xor"]["mean"]
    )


def test_collapse_equals_network(runs, tmp_path):
    from nonlinear.runners.training import run_training

    _, metrics, _ = runs["atlas-collapse"]
    assert metrics["max_abs_difference"] < 1e-5
    assert metrics["prediction_disagreements"] == 0
    assert metrics["collapsed_parameters"] == 3
    assert metrics["parameters"] == 2 * 8 + 8 + 8 + 1
    # The runner retrains the network exactly as the training experiment does.
    network = TINY["atlas-collapse"].network
    experiment = dataclasses.replace(EXPERIMENTS["linear"], config=network, name="tiny")
    trained = run_training(experiment, tmp_path)
    plt.close("all")
    assert metrics["network_test_accuracy"] == trained["test_accuracy"]


def test_regions_table(runs):
    _, metrics, _ = runs["atlas-regions"]
    rows = {(row["width"], row["depth"]): row for row in metrics["table"]}
    assert sorted(rows) == [(4, 1), (4, 2), (8, 1), (8, 2)]
    # Before training the biases are zero, so one layer of w units cuts the plane
    # into at most 2w sectors around the origin. A coarse grid may miss thin ones.
    for width in (4, 8):
        assert width < rows[(width, 1)]["initial_regions_mean"] <= 2 * width
    assert metrics["map_regions"] >= 1


def test_training_metrics_and_animation(runs, tmp_path):
    experiment, metrics, output_dir = runs["atlas-training"]
    assert metrics["animation_frames"] == 3
    assert metrics["panel_accuracies"][-1] == metrics["test_accuracy"]
    gif = output_dir / metrics["animation"]
    assert metrics["animation_bytes"] == gif.stat().st_size
    _run("atlas-training", tmp_path)
    assert (tmp_path / metrics["animation"]).read_bytes() == gif.read_bytes()


def test_noise_table(runs):
    _, metrics, _ = runs["atlas-noise"]
    assert [row["noise"] for row in metrics["table"]] == [0.0, 0.3]
    labels = [model["label"] for model in metrics["table"][0]["models"]]
    assert labels == metrics["model_labels"] == ["linear (4)", "ReLU (8 → 8)"]
