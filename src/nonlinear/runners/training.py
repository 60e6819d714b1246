"""Runner of the training experiments: train, evaluate and plot one network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score

from nonlinear import training
from nonlinear.datasets import class_values, encode_labels, load_moons
from nonlinear.figures import save_figure
from nonlinear.plotting import LabelAdapter, plot_decision_regions, plot_training_curves


def run_training(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Train the experiment's model, then write its figures and history.

    Published accuracy is scikit-learn's ``accuracy_score`` on predictions
    thresholded at 0.5. Keras' own ``"accuracy"`` on the test set is returned as
    ``reported_test_accuracy`` so the site can show where the two differ.
    """
    training.configure_tensorflow(threads=1)
    import keras

    from nonlinear.models import build_model, compile_model

    config = experiment.config
    head = config.model.head
    classes = class_values(head)
    split = load_moons(config.data)
    keras.utils.set_random_seed(config.train.seed)
    model = compile_model(build_model(config.model), head, config.train)
    history = training.fit(
        model,
        split.X_train,
        encode_labels(split.y_train, head),
        split.X_val,
        encode_labels(split.y_val, head),
        config.train,
        classes,
        progress=progress,
    )

    y_test = np.where(split.y_test == 1, classes[1], classes[0])
    y_pred = training.threshold_predictions(
        training.predict_proba(model, split.X_test), classes
    )
    reported = model.evaluate(
        split.X_test, encode_labels(split.y_test, head), verbose=0, return_dict=True
    )
    metrics = {
        "test_accuracy": float(accuracy_score(y_test, y_pred)),
        "reported_test_accuracy": float(reported["accuracy"]),
        "test_loss": float(reported["loss"]),
        "train_accuracy": history.accuracy[-1],
        "train_loss": history.loss[-1],
        "validation_accuracy": history.val_accuracy[-1] if history.val_accuracy else None,
        "validation_loss": history.val_loss[-1] if history.val_loss else None,
        "epochs": config.train.epochs,
        "batch_size": config.train.batch_size,
        "hidden_layers": list(config.model.hidden_layers),
        "activation": config.model.activation,
        "head": head,
        "parameters": int(model.count_params()),
        "seed": config.train.seed,
        "n_train": len(split.X_train),
        "n_validation": len(split.X_val),
        "n_test": len(split.X_test),
    }

    adapter = LabelAdapter(lambda X: training.predict_proba(model, X), classes)
    title = (
        f"{config.model.activation} network, {head.replace('_', ' ')}: "
        f"test accuracy {metrics['test_accuracy']:.1%}"
    )
    save_figure(
        plot_decision_regions(split.X_test, y_test, adapter, title),
        output_dir,
        f"decision-regions-{experiment.name}",
    )
    save_figure(
        plot_training_curves(history.to_dict(), title=f"Training of {experiment.name}"),
        output_dir,
        f"training-curves-{experiment.name}",
    )
    (output_dir / "history.json").write_text(
        json.dumps(history.to_dict(), sort_keys=True), encoding="utf-8"
    )
    return metrics
