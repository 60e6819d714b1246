"""Figures of the article: data, decision regions, training curves, activations.

Every function returns a new matplotlib figure and leaves saving to
:func:`nonlinear.figures.save_figure`. None of them imports TensorFlow: a model
reaches :func:`plot_decision_regions` as a prediction function wrapped in a
:class:`LabelAdapter`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from mlxtend.plotting import plot_decision_regions as _mlxtend_decision_regions

from nonlinear.figures import CLASS_COLORS, PALETTE, apply_style

#: Size of every single-panel figure, in inches.
FIGSIZE = (6.4, 4.8)


class LabelAdapter:
    """A classifier interface for mlxtend that returns 1-D class indices.

    mlxtend's ``plot_decision_regions`` calls ``clf.predict`` on a grid and fills
    one region per class label. A Keras model returns floats of shape (n, 1), and
    labels such as -1 and +1 do not index the colour list, so this adapter maps
    every prediction to an index into ``classes``: 0 for ``classes[0]``, 1 for
    ``classes[1]`` and so on. Grid points are predicted ``batch_size`` at a time.

    Args:
        predict: Function from inputs of shape (n, n_features) to either
            probabilities of the positive class or class labels.
        classes: Label values, negative class first.
        outputs: ``"probabilities"`` to threshold at 0.5, ``"labels"`` to map labels.
        batch_size: Number of grid points per call of ``predict``.
    """

    def __init__(
        self,
        predict: Callable[[np.ndarray], np.ndarray],
        classes: Sequence[int],
        outputs: str = "probabilities",
        batch_size: int = 65536,
    ) -> None:
        if outputs not in ("probabilities", "labels"):
            raise ValueError(
                f"outputs must be 'probabilities' or 'labels', got {outputs!r}."
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
        if outputs == "probabilities" and len(classes) != 2:
            raise ValueError(
                f"Thresholding probabilities needs exactly two classes, got {classes!r}."
            )
        self._predict = predict
        self.classes = tuple(int(label) for label in classes)
        self.outputs = outputs
        self.batch_size = batch_size

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Return the class index of every row of ``X``, shape (n,)."""
        X = np.asarray(X, dtype=np.float32)
        chunks = [
            np.asarray(self._predict(X[start : start + self.batch_size])).reshape(-1)
            for start in range(0, len(X), self.batch_size)
        ]
        values = np.concatenate(chunks) if chunks else np.empty(0)
        if self.outputs == "probabilities":
            return (values > 0.5).astype(np.int64)
        return self.encode(values)

    def encode(self, labels: np.ndarray) -> np.ndarray:
        """Map class labels to indices into ``classes``.

        Raises:
            ValueError: If a label is not one of ``classes``.
        """
        labels = np.asarray(labels).reshape(-1)
        unknown = np.setdiff1d(np.unique(labels), self.classes)
        if unknown.size:
            raise ValueError(
                f"Predicted labels {unknown.tolist()} are not among the classes "
                f"{list(self.classes)}; pass every label the classifier can return."
            )
        index_of = {label: index for index, label in enumerate(self.classes)}
        return np.fromiter(
            (index_of[label] for label in labels.tolist()),
            dtype=np.int64,
            count=labels.size,
        )


def plot_dataset(X: np.ndarray, y: np.ndarray, title: str) -> plt.Figure:
    """Scatter-plot two-feature samples coloured by class (labels 0 and 1)."""
    apply_style()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    for label, color, marker in ((0, CLASS_COLORS[0], "s"), (1, CLASS_COLORS[1], "^")):
        mask = y == label
        ax.scatter(
            X[mask, 0], X[mask, 1], c=color, marker=marker, s=22,
            edgecolors="black", linewidths=0.4, label=f"class {label}",
        )
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", frameon=True)
    return figure


def plot_decision_regions(
    X: np.ndarray,
    y: np.ndarray,
    classifier: LabelAdapter,
    title: str,
) -> plt.Figure:
    """Draw a classifier's decision regions with mlxtend, samples on top.

    Args:
        X: Samples to show, shape (n, 2).
        y: Their labels, in the values of ``classifier.classes``.
        classifier: Adapter around the model's prediction function.
        title: Figure title; include the model and its accuracy.

    Returns:
        The figure; its legend shows the original class labels.
    """
    apply_style()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    indices = classifier.encode(y)
    # mlxtend takes its regions and colours from the labels present in y. A class
    # missing from the samples gets a stand-in sample on top of an existing one,
    # and the stand-in's marker is removed after drawing.
    n_classes = len(classifier.classes)
    missing = sorted(set(range(n_classes)) - set(indices.tolist()))
    X_plot = np.concatenate([X, np.repeat(X[:1], len(missing), axis=0)])
    y_plot = np.concatenate([indices, np.asarray(missing, dtype=np.int64)])
    _mlxtend_decision_regions(
        X_plot,
        y_plot,
        clf=classifier,
        ax=ax,
        legend=0,
        colors=",".join(CLASS_COLORS),
        markers="s^",
        scatter_kwargs={"s": 22, "edgecolor": "black", "linewidths": 0.4, "alpha": 0.9},
        contourf_kwargs={"alpha": 0.35, "antialiased": False},
    )
    scatters = ax.collections[-n_classes:]
    for index in missing:
        scatters[index].remove()
    signed = min(classifier.classes) < 0
    handles = [
        Line2D(
            [], [], marker=marker, linestyle="", markerfacecolor=color,
            markeredgecolor="black", markersize=8,
            label=f"class {label:+d}" if signed else f"class {label}",
        )
        for label, color, marker in zip(classifier.classes, CLASS_COLORS, "s^")
    ]
    ax.legend(handles=handles, loc="upper right", frameon=True)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return figure


def plot_training_curves(
    history: Mapping[str, Sequence[float]],
    title: str,
    accuracy_key: str = "accuracy",
) -> plt.Figure:
    """Plot loss and accuracy per epoch, training and validation, side by side.

    Args:
        history: Lists keyed ``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``.
        title: Figure title.
        accuracy_key: Key of the accuracy series to plot, with ``val_`` prepended
            for validation.
    """
    apply_style()
    figure, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    epochs = np.arange(1, len(history["loss"]) + 1)
    series = (
        (loss_ax, "loss", "Loss"),
        (accuracy_ax, accuracy_key, "Accuracy"),
    )
    for ax, key, label in series:
        ax.plot(epochs, history[key], color=PALETTE["blue"], label="training")
        if history.get(f"val_{key}"):
            ax.plot(epochs, history[f"val_{key}"], color=PALETTE["vermillion"],
                    linestyle="--", label="validation")
        ax.set(xlabel="epoch", ylabel=label)
        ax.legend(frameon=True)
    accuracy_ax.set_ylim(0, 1.02)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_activation(name: str, function: Callable[[np.ndarray], np.ndarray]) -> plt.Figure:
    """Plot an activation function on [-4, 4] with the axes through the origin."""
    apply_style()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    z = np.linspace(-4.0, 4.0, 801)
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.axvline(0, color="0.6", linewidth=0.8)
    ax.plot(z, function(z), color=PALETTE["blue"], linewidth=2.5)
    ax.set(title=f"{name} activation", xlabel="$z$", ylabel=f"{name}$(z)$")
    ax.set_ylim(-4.2, 4.2)
    return figure
