"""Runner of the ``atlas-regions`` experiment: linear regions of ReLU networks.

Trains ReLU networks of several depths and widths on one data set, counts the
distinct activation patterns on a fine grid over the data's bounding box before
and after training, and colours the plane by region for one of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# threadpoolctl is a requirement of scikit-learn, so it is always installed.
from threadpoolctl import threadpool_limits

from nonlinear import training
from nonlinear.atlas.analysis import (
    count_linear_regions,
    region_ids,
    relu_activation_patterns,
)
from nonlinear.atlas.batched import train_models
from nonlinear.atlas.charts import plot_region_counts
from nonlinear.atlas.config import DATASET_LABELS
from nonlinear.atlas.datasets import bounding_box, grid_points, load_split
from nonlinear.atlas.networks import ModelSpec, predict_proba
from nonlinear.atlas.plotting import plot_linear_regions
from nonlinear.figures import save_figure


def run_regions(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train the networks, count their regions, and draw the map and the counts."""
    config = experiment.config
    training.configure_tensorflow(threads=config.threads)
    split = load_split(config.dataset, config.data)
    # Models in the order width, depth, seed, so that results reshape to a table.
    specs = [
        ModelSpec((width,) * depth, "relu", seed, config.dataset)
        for width in config.widths
        for depth in config.depths
        for seed in config.seeds
    ]
    shape = (len(config.widths), len(config.depths), len(config.seeds))
    data = {config.dataset: (split.X_train, split.y_train)}
    result = train_models(
        specs, data, config.fit, record_epochs=(0,), progress=progress
    )
    bounds = bounding_box(np.concatenate([split.X_train, split.X_test]))
    grid = grid_points(bounds, config.grid_size)
    # OpenBLAS would otherwise start a thread per core for the large products,
    # which made counting several times slower on a busy two-core machine.
    with threadpool_limits(limits=config.threads, user_api="blas"):
        trained = _count_regions(result.weights, grid).reshape(shape)
        initial = _count_regions(result.snapshots[0], grid).reshape(shape)
    predicted = predict_proba(specs, result.weights, split.X_test) > 0.5
    accuracy = np.mean(predicted == (split.y_test == 1), axis=1).reshape(shape)

    map_position = (
        config.widths.index(config.map_width),
        config.depths.index(config.map_depth),
        0,
    )
    map_index = int(np.ravel_multi_index(map_position, shape))
    weights = result.weights[map_index]
    _plot_map(config, specs[map_index], weights, split, bounds, grid, output_dir)
    figure = plot_region_counts(
        config.depths,
        {width: trained[i] for i, width in enumerate(config.widths)},
        {width: initial[i] for i, width in enumerate(config.widths)},
        f"Linear regions of ReLU networks on {DATASET_LABELS[config.dataset]}",
    )
    save_figure(figure, output_dir, "atlas-linear-regions-growth")
    metrics = _metrics(config, trained, initial, accuracy)
    metrics["map_regions"] = int(trained[map_position])
    metrics["map_test_accuracy"] = float(accuracy[map_position])
    return metrics


def _metrics(config, trained, initial, accuracy) -> dict:
    return {
        "dataset": config.dataset,
        "dataset_label": DATASET_LABELS[config.dataset],
        "depths": list(config.depths),
        "widths": list(config.widths),
        "seeds": list(config.seeds),
        "n_seeds": len(config.seeds),
        "epochs": config.fit.epochs,
        "grid_size": config.grid_size,
        "n_grid_points": config.grid_size**2,
        "map_depth": config.map_depth,
        "map_width": config.map_width,
        "table": _table(config, trained, initial, accuracy),
    }


def _count_regions(weights: list, grid: np.ndarray) -> np.ndarray:
    return np.array(
        [count_linear_regions(relu_activation_patterns(w, grid)) for w in weights]
    )


def _table(config, trained, initial, accuracy) -> list[dict]:
    """Return one row per width and depth: region counts and accuracy over seeds."""
    rows = []
    for i, width in enumerate(config.widths):
        for j, depth in enumerate(config.depths):
            rows.append(
                {
                    "width": width,
                    "depth": depth,
                    "units": width * depth,
                    "regions_mean": float(np.mean(trained[i, j])),
                    "regions_std": float(np.std(trained[i, j])),
                    "initial_regions_mean": float(np.mean(initial[i, j])),
                    "test_accuracy_mean": float(np.mean(accuracy[i, j])),
                }
            )
    return rows


def _plot_map(config, spec, weights, split, bounds, grid, output_dir: Path) -> None:
    size = config.grid_size
    with threadpool_limits(limits=config.threads, user_api="blas"):
        patterns = relu_activation_patterns(weights, grid)
    ids = region_ids(patterns).reshape(size, size)
    classes = (predict_proba([spec], [weights], grid)[0] > 0.5).reshape(size, size)
    widths = " → ".join([str(config.map_width)] * config.map_depth)
    figure = plot_linear_regions(
        ids,
        classes,
        bounds,
        split.X_test,
        split.y_test,
        f"Linear regions of a trained ReLU network ({widths} units)",
    )
    save_figure(figure, output_dir, "atlas-linear-regions-map")
