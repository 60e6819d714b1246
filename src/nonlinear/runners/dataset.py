"""Runner of the ``dataset`` experiment: a scatter plot of the training data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nonlinear.datasets import load_moons
from nonlinear.figures import save_figure
from nonlinear.plotting import plot_dataset


def run_dataset(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Plot the training samples and return the sizes of the split."""
    config = experiment.config
    split = load_moons(config)
    figure = plot_dataset(
        split.X_train,
        split.y_train,
        title=f"Two moons: {len(split.X_train)} training samples",
    )
    save_figure(figure, output_dir, "moons-training-data")
    return {
        "n_samples": config.n_samples,
        "n_train": config.n_train,
        "n_validation": config.n_validation,
        "n_test": config.n_test,
        "noise": config.noise,
        "seed": config.seed,
    }
