"""Runner of the ``atlas-sweep`` experiment: every activation on every data set.

Trains one network per activation, data set, depth and seed in a single batch,
then writes the accuracy table (as metrics), two figures and the explorer's data
files under ``data/explorer/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nonlinear import training
from nonlinear.atlas import explorer
from nonlinear.atlas.batched import train_models
from nonlinear.atlas.charts import plot_accuracy_heatmaps
from nonlinear.atlas.config import ACTIVATION_LABELS, DATASET_LABELS
from nonlinear.atlas.datasets import bounding_box, grid_points, load_split
from nonlinear.atlas.networks import ModelSpec, predict_proba
from nonlinear.atlas.plotting import plot_decision_grid
from nonlinear.figures import save_figure

#: Share of each side of the data's box added around it in figures and grids.
BOX_MARGIN = 0.1

#: Mean test accuracy from which the text calls a data set solved.
SOLVED_ACCURACY = 0.98


def run_sweep(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train the sweep, write its figures and explorer files, return its metrics."""
    config = experiment.config
    training.configure_tensorflow(threads=config.threads)
    splits = {name: load_split(name, config.data) for name in config.datasets}
    bounds = {
        name: bounding_box(np.concatenate([split.X_train, split.X_test]), BOX_MARGIN)
        for name, split in splits.items()
    }
    specs = [
        ModelSpec((config.width,) * depth, activation, seed, dataset)
        for depth in config.depths
        for activation in config.activations
        for dataset in config.datasets
        for seed in config.seeds
    ]
    data = {name: (split.X_train, split.y_train) for name, split in splits.items()}
    result = train_models(specs, data, config.fit, config.record_epochs, progress)

    records = _evaluate(config, specs, result, splits, bounds)
    final_accuracy = np.array([np.mean(record[-1][1]) for record in records])
    accuracy = _accuracy_table(config, specs, final_accuracy)

    directory = output_dir / "data" / "explorer"
    _write_explorer(config, specs, result, records, splits, bounds, directory)
    _plot_regions(config, specs, result, final_accuracy, splits, bounds, output_dir)
    _plot_heatmaps(config, accuracy, output_dir)
    metrics = _metrics(config, specs, splits, accuracy)
    metrics["explorer_files"] = len(list(directory.rglob("*.json")))
    metrics["explorer_bytes"] = sum(
        path.stat().st_size for path in directory.rglob("*.json")
    )
    return metrics


def _model_key(spec: ModelSpec) -> tuple:
    return (len(spec.hidden_layers), spec.activation, spec.data, spec.seed)


def _evaluate(config, specs, result, splits, bounds) -> list[list[tuple]]:
    """Return, per model and recorded epoch, the grid classes and test correctness."""
    records: list[list[tuple]] = [[] for _ in specs]
    size = config.explorer_grid_size
    for dataset, split in splits.items():
        indices = [i for i, spec in enumerate(specs) if spec.data == dataset]
        inputs = np.concatenate([grid_points(bounds[dataset], size), split.X_test])
        for epoch in config.record_epochs:
            weights = [result.snapshots[epoch][i] for i in indices]
            classes = predict_proba([specs[i] for i in indices], weights, inputs) > 0.5
            for index, predicted in zip(indices, classes):
                correct = predicted[size * size :] == (split.y_test == 1)
                records[index].append((predicted[: size * size], correct))
    return records


def _accuracy_table(config, specs, final_accuracy: np.ndarray) -> dict:
    """Return mean, std, min and max test accuracy by depth, activation, data set."""
    values: dict[tuple, list[float]] = {}
    for spec, accuracy in zip(specs, final_accuracy):
        values.setdefault(_model_key(spec)[:3], []).append(float(accuracy))
    return {
        str(depth): {
            activation: {
                dataset: _summary(values[(depth, activation, dataset)])
                for dataset in config.datasets
            }
            for activation in config.activations
        }
        for depth in config.depths
    }


def _summary(values: list[float]) -> dict:
    return {
        "mean": round(float(np.mean(values)), 6),
        "std": round(float(np.std(values)), 6),
        "min": round(float(np.min(values)), 6),
        "max": round(float(np.max(values)), 6),
    }


def _write_explorer(
    config, specs, result, records, splits, bounds, directory: Path
) -> None:
    epochs = list(config.record_epochs)
    index = explorer.index_document(
        {name: DATASET_LABELS[name] for name in config.datasets},
        {name: ACTIVATION_LABELS[name] for name in config.activations},
        list(config.depths),
        config.width,
        list(config.seeds),
        epochs,
        config.explorer_grid_size,
    )
    explorer.write_json(directory / "index.json", index)
    for name, split in splits.items():
        document = explorer.dataset_document(
            name, bounds[name], split.X_test, split.y_test
        )
        explorer.write_json(
            directory / explorer.DATASET_PATH.format(dataset=name), document
        )
    for position, spec in enumerate(specs):
        key = dict(zip(("depth", "activation", "dataset", "seed"), _model_key(spec)))
        grid, correct = zip(*records[position])
        loss = [float(result.loss[position, epoch - 1]) for epoch in epochs]
        document = explorer.run_document(key, epochs, list(grid), list(correct), loss)
        explorer.write_json(explorer.run_path(directory, **key), document)


def _metrics(config, specs, splits, accuracy: dict) -> dict:
    split = next(iter(splits.values()))
    solved = {
        depth: {
            dataset: [
                activation
                for activation in config.activations
                if table[activation][dataset]["mean"] >= SOLVED_ACCURACY
            ]
            for dataset in config.datasets
        }
        for depth, table in accuracy.items()
    }
    return {
        "datasets": list(config.datasets),
        "dataset_labels": {name: DATASET_LABELS[name] for name in config.datasets},
        "activations": list(config.activations),
        "activation_labels": {
            name: ACTIVATION_LABELS[name] for name in config.activations
        },
        "depths": list(config.depths),
        "table_depth": config.table_depth,
        "width": config.width,
        "seeds": list(config.seeds),
        "n_seeds": len(config.seeds),
        "first_seed": config.seeds[0],
        "n_models": len(specs),
        "epochs": config.fit.epochs,
        "batch_size": config.fit.batch_size,
        "learning_rate": config.fit.learning_rate,
        "record_epochs": list(config.record_epochs),
        "explorer_grid_size": config.explorer_grid_size,
        "n_train": len(split.X_train),
        "n_test": len(split.X_test),
        "solved_accuracy": SOLVED_ACCURACY,
        "accuracy": accuracy,
        "solved": solved,
    }


def _plot_regions(
    config, specs, result, final_accuracy, splits, bounds, output_dir
) -> None:
    """Draw the decision regions at the table's depth for the first seed."""
    depth, seed, size = config.table_depth, config.seeds[0], config.figure_grid_size
    position = {_model_key(spec): i for i, spec in enumerate(specs)}
    shape = (len(config.activations), len(config.datasets))
    classes = np.zeros((*shape, size, size), dtype=bool)
    accuracies = np.zeros(shape)
    for column, dataset in enumerate(config.datasets):
        rows = [position[(depth, name, dataset, seed)] for name in config.activations]
        weights = [result.weights[i] for i in rows]
        grid = grid_points(bounds[dataset], size)
        probabilities = predict_proba([specs[i] for i in rows], weights, grid)
        classes[:, column] = (probabilities > 0.5).reshape(-1, size, size)
        accuracies[:, column] = final_accuracy[rows]
    figure = plot_decision_grid(
        classes,
        accuracies,
        [bounds[name] for name in config.datasets],
        [(splits[name].X_test, splits[name].y_test) for name in config.datasets],
        [ACTIVATION_LABELS[name] for name in config.activations],
        [DATASET_LABELS[name] for name in config.datasets],
        f"Decision regions, {depth} hidden layers of {config.width} units, seed {seed}",
    )
    save_figure(figure, output_dir, "atlas-sweep-decision-regions")


def _plot_heatmaps(config, accuracy: dict, output_dir: Path) -> None:
    panels = {
        f"{depth} hidden layer{'s' if depth > 1 else ''}": np.array(
            [
                [
                    accuracy[str(depth)][activation][dataset]["mean"]
                    for dataset in config.datasets
                ]
                for activation in config.activations
            ]
        )
        for depth in config.depths
    }
    figure = plot_accuracy_heatmaps(
        panels,
        [ACTIVATION_LABELS[name] for name in config.activations],
        [DATASET_LABELS[name] for name in config.datasets],
        f"Mean test accuracy over {len(config.seeds)} seeds, "
        f"{config.width} units a layer",
    )
    save_figure(figure, output_dir, "atlas-sweep-accuracy")
