"""Figures of the atlas that show the input plane: decision and linear regions.

Every function returns a new matplotlib figure and leaves saving to
:func:`nonlinear.figures.save_figure`. Decision regions arrive as predicted
classes on a grid from :func:`nonlinear.atlas.datasets.grid_points`, reshaped to
(size, size) with row 0 at the bottom. Classes use the colours and markers of the
article's figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.lines import Line2D

from nonlinear.figures import CLASS_COLORS, PALETTE, apply_style

#: Share of white mixed into a class colour to shade its region.
REGION_LIGHTNESS = 0.65

#: Colours of the class regions: the class colours, lightened.
REGION_COLORS = tuple(
    tuple(channel + (1.0 - channel) * REGION_LIGHTNESS for channel in to_rgb(color))
    for color in CLASS_COLORS
)

Bounds = tuple[float, float, float, float]


def draw_classes(ax: plt.Axes, classes: np.ndarray, bounds: Bounds) -> None:
    """Shade a grid of predicted classes (booleans, True for class 1)."""
    ax.imshow(
        np.asarray(classes, dtype=float),
        origin="lower",
        extent=bounds,
        cmap=ListedColormap(REGION_COLORS),
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        aspect="auto",
    )


def draw_samples(
    ax: plt.Axes, X: np.ndarray, y: np.ndarray, size: float = 14, edge: float = 0.3
) -> None:
    """Scatter samples as the article does: blue squares and orange triangles.

    Args:
        ax: Axes to draw on.
        X: Samples, shape (n, 2).
        y: Their labels, 0 and 1.
        size: Marker area in points squared.
        edge: Width of the black marker edges in points.
    """
    for label, marker in ((0, "s"), (1, "^")):
        mask = np.asarray(y) == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            c=CLASS_COLORS[label],
            marker=marker,
            s=size,
            edgecolors="black",
            linewidths=edge,
        )


def class_legend_handles() -> list[Line2D]:
    """Return legend entries for the two classes' markers."""
    return [
        Line2D(
            [],
            [],
            marker=marker,
            linestyle="",
            markerfacecolor=color,
            markeredgecolor="black",
            markersize=7,
            label=f"class {label}",
        )
        for label, (color, marker) in enumerate(zip(CLASS_COLORS, "s^"))
    ]


def plot_decision_grid(
    classes: np.ndarray,
    accuracies: np.ndarray,
    bounds: Sequence[Bounds],
    samples: Sequence[tuple[np.ndarray, np.ndarray]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    title: str,
) -> plt.Figure:
    """Draw many models' decision regions: a row per model kind, a column per data set.

    Args:
        classes: Predicted classes, shape (rows, columns, size, size).
        accuracies: Test accuracy of each panel, shape (rows, columns).
        bounds: Box of each column's grid.
        samples: Test inputs and labels of each column.
        row_labels: Label of each row, for example the activation.
        column_labels: Label of each column, for example the data set.
        title: Figure title.
    """
    apply_style()
    n_rows, n_columns = classes.shape[:2]
    figure, axes = plt.subplots(
        n_rows,
        n_columns,
        figsize=(1.75 * n_columns + 0.6, 1.75 * n_rows + 0.8),
        squeeze=False,
    )
    for row in range(n_rows):
        for column in range(n_columns):
            ax = axes[row, column]
            draw_classes(ax, classes[row, column], bounds[column])
            # Small markers with thin edges, so that their colour still shows.
            draw_samples(ax, *samples[column], size=6, edge=0.15)
            ax.text(
                0.03,
                0.04,
                f"{accuracies[row, column]:.0%}",
                transform=ax.transAxes,
                fontsize=11,
                bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0},
            )
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(row_labels[row], fontsize=11)
    for column in range(n_columns):
        axes[0, column].set_title(column_labels[column], fontsize=11)
    figure.suptitle(title, fontsize=13)
    figure.tight_layout()
    return figure


def plot_epoch_panels(
    classes: Sequence[np.ndarray],
    epochs: Sequence[int],
    accuracies: Sequence[float],
    bounds: Bounds,
    X: np.ndarray,
    y: np.ndarray,
    title: str,
) -> plt.Figure:
    """Draw one model's decision regions after each of a few epochs, side by side."""
    apply_style()
    n_columns = min(3, len(epochs))
    n_rows = -(-len(epochs) // n_columns)
    figure, axes = plt.subplots(
        n_rows, n_columns, figsize=(3.2 * n_columns, 3.2 * n_rows + 0.5), squeeze=False
    )
    for ax in axes.flat[len(epochs) :]:
        ax.set_visible(False)
    for ax, grid, epoch, accuracy in zip(axes.flat, classes, epochs, accuracies):
        draw_classes(ax, grid, bounds)
        draw_samples(ax, X, y, size=6)
        label = "before training" if epoch == 0 else f"epoch {epoch}"
        ax.set_title(f"{label}: {accuracy:.1%}", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle(title, fontsize=13)
    figure.tight_layout()
    return figure


def plot_collapse(
    classes: np.ndarray,
    bounds: Bounds,
    X: np.ndarray,
    y: np.ndarray,
    network_line: tuple[np.ndarray, float],
    logistic_line: tuple[np.ndarray, float],
    title: str,
) -> plt.Figure:
    """Draw the linear network's regions and two straight boundaries on top.

    Args:
        classes: The network's predicted classes on the grid.
        bounds: Box of the grid.
        X: Test inputs.
        y: Test labels.
        network_line: Weights ``w`` (2,) and bias ``b`` of the collapsed network.
        logistic_line: The same for logistic regression.
        title: Figure title.
    """
    apply_style()
    figure, ax = plt.subplots(figsize=(6.4, 4.8))
    draw_classes(ax, classes, bounds)
    draw_samples(ax, X, y, size=16)
    lines = (
        (network_line, PALETTE["black"], "-", 2.5, "collapsed network: $xW + b = 0$"),
        (logistic_line, PALETTE["vermillion"], "--", 2.0, "logistic regression"),
    )
    x1 = np.array(bounds[:2])
    handles = class_legend_handles()
    for (weights, bias), color, style, width, label in lines:
        weights = np.ravel(weights)
        # w1 x1 + w2 x2 + b = 0, solved for x2.
        x2 = -(weights[0] * x1 + float(bias)) / weights[1]
        (line,) = ax.plot(
            x1, x2, color=color, linestyle=style, linewidth=width, label=label
        )
        handles.append(line)
    ax.set(
        xlim=bounds[:2], ylim=bounds[2:], title=title, xlabel="$x_1$", ylabel="$x_2$"
    )
    ax.legend(handles=handles, loc="lower left", frameon=True)
    return figure


def plot_linear_regions(
    ids: np.ndarray,
    classes: np.ndarray,
    bounds: Bounds,
    X: np.ndarray,
    y: np.ndarray,
    title: str,
) -> plt.Figure:
    """Colour the plane by linear region, with region edges and the decision boundary.

    Args:
        ids: Region id of every grid point, shape (size, size).
        classes: Predicted class of every grid point, shape (size, size).
        bounds: Box of the grid.
        X: Samples to show.
        y: Their labels.
        title: Figure title.
    """
    apply_style()
    figure, ax = plt.subplots(figsize=(6.4, 4.8))
    n_regions = int(ids.max()) + 1
    # Regions get Okabe-Ito colours, lightened, in a fixed random order; the
    # drawn edges separate neighbours that happen to share a colour.
    colors = [to_rgb(color) for name, color in PALETTE.items() if name != "black"]
    shuffle = np.random.default_rng(0).integers(0, len(colors), size=n_regions)
    image = np.asarray(colors)[shuffle[ids]] * 0.55 + 0.45
    edges = (np.diff(ids, axis=0, prepend=ids[:1]) != 0) | (
        np.diff(ids, axis=1, prepend=ids[:, :1]) != 0
    )
    image[edges] = 0.35
    ax.imshow(
        image, origin="lower", extent=bounds, interpolation="nearest", aspect="auto"
    )
    x1 = np.linspace(bounds[0], bounds[1], classes.shape[1])
    x2 = np.linspace(bounds[2], bounds[3], classes.shape[0])
    ax.contour(
        x1, x2, classes.astype(float), levels=[0.5], colors="black", linewidths=2.2
    )
    draw_samples(ax, X, y, size=8)
    handles = [
        *class_legend_handles(),
        Line2D([], [], color="black", linewidth=2.2, label="decision boundary"),
    ]
    ax.legend(handles=handles, loc="upper right", frameon=True)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return figure
