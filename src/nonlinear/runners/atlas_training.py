"""Runner of the ``atlas-training`` experiment: a decision boundary over training.

Trains one network, keeps its weights after every epoch, and draws its decision
regions after a few epochs side by side and after every epoch as an animated GIF,
``atlas-training-animation.gif``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nonlinear import training
from nonlinear.atlas.animation import write_decision_animation
from nonlinear.atlas.batched import train_models
from nonlinear.atlas.config import ACTIVATION_LABELS, DATASET_LABELS
from nonlinear.atlas.datasets import bounding_box, grid_points, load_split
from nonlinear.atlas.networks import ModelSpec, predict_proba
from nonlinear.atlas.plotting import plot_epoch_panels
from nonlinear.figures import save_figure

#: Share of each side of the data's box added around it in the figures.
BOX_MARGIN = 0.1

#: File name of the animation; published as ``figures/<name>``.
ANIMATION_NAME = "atlas-training-animation.gif"

#: Test accuracy from which the metrics call the data set solved.
SOLVED_ACCURACY = 0.99


def run_evolution(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train the network, then write the small multiples and the animation."""
    config = experiment.config
    training.configure_tensorflow(threads=config.threads)
    split = load_split(config.dataset, config.data)
    spec = ModelSpec(
        config.hidden_layers, config.activation, config.seed, config.dataset
    )
    epochs = list(range(config.fit.epochs + 1))
    result = train_models(
        [spec],
        {config.dataset: (split.X_train, split.y_train)},
        config.fit,
        record_epochs=epochs,
        progress=progress,
    )
    bounds = bounding_box(np.concatenate([split.X_train, split.X_test]), BOX_MARGIN)
    classes, accuracies = _evaluate(config, spec, result, split, bounds)

    label = (
        f"{ACTIVATION_LABELS[config.activation]} network "
        f"({' → '.join(map(str, config.hidden_layers))}) on "
        f"{DATASET_LABELS[config.dataset]}"
    )
    figure = plot_epoch_panels(
        [classes[epoch] for epoch in config.panel_epochs],
        config.panel_epochs,
        [accuracies[epoch] for epoch in config.panel_epochs],
        bounds,
        split.X_test,
        split.y_test,
        f"Decision regions of a {label} during training",
    )
    save_figure(figure, output_dir, "atlas-training-epochs")

    frames = sorted(set(epochs[:: config.frame_step]) | {config.fit.epochs})
    path = write_decision_animation(
        output_dir / ANIMATION_NAME,
        [classes[epoch] for epoch in frames],
        frames,
        [accuracies[epoch] for epoch in frames],
        bounds,
        split.X_test,
        split.y_test,
        label,
        config.frames_per_second,
    )
    return _metrics(config, accuracies, float(result.loss[0, -1]), frames, path)


def _evaluate(config, spec, result, split, bounds) -> tuple[list, list]:
    """Return the grid classes and the test accuracy after every epoch."""
    size = config.grid_size
    inputs = np.concatenate([grid_points(bounds, size), split.X_test])
    classes, accuracies = [], []
    for epoch in sorted(result.snapshots):
        predicted = predict_proba([spec], result.snapshots[epoch], inputs)[0] > 0.5
        classes.append(predicted[: size * size].reshape(size, size))
        correct = predicted[size * size :] == (split.y_test == 1)
        accuracies.append(float(np.mean(correct)))
    return classes, accuracies


def _metrics(config, accuracies, train_loss, frames, path: Path) -> dict:
    solved = [
        epoch for epoch, value in enumerate(accuracies) if value >= SOLVED_ACCURACY
    ]
    return {
        "dataset": config.dataset,
        "dataset_label": DATASET_LABELS[config.dataset],
        "activation": config.activation,
        "activation_label": ACTIVATION_LABELS[config.activation],
        "hidden_layers": list(config.hidden_layers),
        "seed": config.seed,
        "epochs": config.fit.epochs,
        "panel_epochs": list(config.panel_epochs),
        "panel_accuracies": [accuracies[epoch] for epoch in config.panel_epochs],
        "test_accuracy_by_epoch": [round(value, 4) for value in accuracies],
        "test_accuracy": accuracies[-1],
        "train_loss": train_loss,
        "solved_accuracy": SOLVED_ACCURACY,
        "first_solved_epoch": solved[0] if solved else None,
        "animation": ANIMATION_NAME,
        "animation_frames": len(frames),
        "frame_step": config.frame_step,
        "animation_bytes": path.stat().st_size,
    }
