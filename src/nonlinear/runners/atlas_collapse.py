"""Runner of the ``atlas-collapse`` experiment: the linear network as one affine map.

Retrains the article's linear network exactly as the ``linear`` experiment does,
with the same configuration, seed and calls, so it gets the same weights. Then
multiplies its layers out into one affine map, and compares that map with the
network and with scikit-learn's ``LogisticRegression`` fitted on the same
training samples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from nonlinear import training
from nonlinear.atlas.analysis import affine_logits, collapse_linear_network, sigmoid
from nonlinear.atlas.datasets import bounding_box, grid_points
from nonlinear.atlas.plotting import plot_collapse
from nonlinear.datasets import class_values, encode_labels, load_moons
from nonlinear.figures import save_figure

#: Share of each side of the data's box added around it in the figure.
BOX_MARGIN = 0.1


def run_collapse(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train the linear network, collapse it, compare, and draw both boundaries."""
    config = experiment.config
    network = config.network
    model = _train_article_network(network, config.threads, progress)
    split = load_moons(network.data)
    kernel, bias = collapse_linear_network(model.get_weights())
    bounds = bounding_box(split.X_fit, BOX_MARGIN)
    grid = grid_points(bounds, config.grid_size)
    points = np.concatenate([split.X_test, grid])
    network_output = training.predict_proba(model, points).astype(np.float64)
    collapsed_output = sigmoid(affine_logits(kernel, bias, points))
    # Default settings: L2 penalty with C=1.0, fitted by lbfgs.
    logistic = LogisticRegression().fit(split.X_train, split.y_train)

    figure = plot_collapse(
        (network_output[len(split.X_test) :] > 0.5).reshape(config.grid_size, -1),
        bounds,
        split.X_test,
        split.y_test,
        (kernel[:, 0], float(bias[0])),
        (logistic.coef_[0], float(logistic.intercept_[0])),
        "Linear network, collapsed, and logistic regression",
    )
    save_figure(figure, output_dir, "atlas-collapse-boundaries")
    return {
        "hidden_layers": list(network.model.hidden_layers),
        "parameters": int(model.count_params()),
        "collapsed_parameters": int(kernel.size + bias.size),
        "kernel": [round(float(value), 6) for value in kernel[:, 0]],
        "bias": round(float(bias[0]), 6),
        "max_abs_difference": float(np.max(np.abs(network_output - collapsed_output))),
        "n_compared": len(points),
        "prediction_disagreements": int(
            np.sum((network_output > 0.5) != (collapsed_output > 0.5))
        ),
        **_compare_with_logistic(
            network_output[: len(split.X_test)] > 0.5, kernel[:, 0], logistic, split
        ),
        "epochs": network.train.epochs,
        "seed": network.train.seed,
        "n_train": len(split.X_train),
        "n_test": len(split.X_test),
    }


def _compare_with_logistic(network_classes, network_normal, logistic, split) -> dict:
    """Return both test accuracies, their agreement and the angle between boundaries."""
    logistic_classes = logistic.predict(split.X_test) == 1
    truth = split.y_test == 1
    logistic_normal = logistic.coef_[0]
    cosine = (
        network_normal
        @ logistic_normal
        / (np.linalg.norm(network_normal) * np.linalg.norm(logistic_normal))
    )
    return {
        "network_test_accuracy": float(np.mean(network_classes == truth)),
        "logistic_test_accuracy": float(np.mean(logistic_classes == truth)),
        "prediction_agreement": float(np.mean(network_classes == logistic_classes)),
        "boundary_angle_degrees": round(
            float(np.degrees(np.arccos(min(1.0, cosine)))), 3
        ),
        "logistic_C": float(logistic.C),
    }


def _train_article_network(network, threads: int, progress):
    """Train the network with the same calls, in the same order, as ``run_training``."""
    training.configure_tensorflow(threads=threads)
    import keras

    from nonlinear.models import build_model, compile_model

    head = network.model.head
    split = load_moons(network.data)
    keras.utils.set_random_seed(network.train.seed)
    model = compile_model(build_model(network.model), head, network.train)
    training.fit(
        model,
        split.X_train,
        encode_labels(split.y_train, head),
        split.X_val,
        encode_labels(split.y_val, head),
        network.train,
        class_values(head),
        progress=progress,
    )
    return model
