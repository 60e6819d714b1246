"""Runner of the ``atlas-noise`` experiment: test accuracy against the moons' noise.

For every noise level and seed, draws a two-moons data set with that noise and
seed, and trains each configured model on it, all in one batch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from nonlinear import training
from nonlinear.atlas.batched import train_models
from nonlinear.atlas.charts import plot_accuracy_against_noise
from nonlinear.atlas.config import ACTIVATION_LABELS
from nonlinear.atlas.datasets import load_split
from nonlinear.atlas.networks import ModelSpec, predict_proba
from nonlinear.figures import save_figure


def run_noise(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train every model at every noise level and seed; plot accuracy against noise."""
    config = experiment.config
    training.configure_tensorflow(threads=config.threads)
    splits = {
        _key(noise, seed): load_split(
            "moons", dataclasses.replace(config.data, noise=noise, seed=seed)
        )
        for noise in config.noise_levels
        for seed in config.seeds
    }
    data = {key: (split.X_train, split.y_train) for key, split in splits.items()}
    # Models in the order model, noise, seed, so that results reshape to a table.
    specs = [
        ModelSpec(hidden_layers, activation, seed, _key(noise, seed))
        for activation, hidden_layers in config.models
        for noise in config.noise_levels
        for seed in config.seeds
    ]
    result = train_models(specs, data, config.fit, progress=progress)
    accuracy = np.array(
        [
            _accuracy(spec, weights, splits[spec.data])
            for spec, weights in zip(specs, result.weights)
        ]
    ).reshape(len(config.models), len(config.noise_levels), len(config.seeds))

    labels = [_label(activation, widths) for activation, widths in config.models]
    figure = plot_accuracy_against_noise(
        config.noise_levels,
        dict(zip(labels, accuracy)),
        "Two moons with growing noise: mean and spread over seeds",
    )
    save_figure(figure, output_dir, "atlas-noise-accuracy")
    return {
        "noise_levels": list(config.noise_levels),
        "seeds": list(config.seeds),
        "n_seeds": len(config.seeds),
        "model_labels": labels,
        "epochs": config.fit.epochs,
        "n_train": config.data.n_train,
        "n_test": config.data.n_test,
        "table": _table(config.noise_levels, labels, accuracy),
    }


def _table(noise_levels, labels, accuracy) -> list[dict]:
    """Return one row per noise level: each model's mean and std over seeds."""
    return [
        {
            "noise": noise,
            "models": [
                {
                    "label": label,
                    "mean": float(np.mean(accuracy[m, n])),
                    "std": float(np.std(accuracy[m, n])),
                }
                for m, label in enumerate(labels)
            ],
        }
        for n, noise in enumerate(noise_levels)
    ]


def _key(noise: float, seed: int) -> str:
    return f"noise-{noise}-seed-{seed}"


def _label(activation: str, hidden_layers: tuple[int, ...]) -> str:
    widths = " → ".join(map(str, hidden_layers))
    return f"{ACTIVATION_LABELS[activation]} ({widths})"


def _accuracy(spec: ModelSpec, weights, split) -> float:
    predicted = predict_proba([spec], [weights], split.X_test)[0] > 0.5
    return float(np.mean(predicted == (split.y_test == 1)))
