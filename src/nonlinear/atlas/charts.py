"""Charts of the atlas: accuracy heatmaps, region counts and accuracy against noise.

Every function returns a new matplotlib figure and leaves saving to
:func:`nonlinear.figures.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from nonlinear.figures import PALETTE, apply_style

#: Line colours in order of use, Okabe-Ito without yellow (too light on white).
LINE_COLORS = tuple(
    PALETTE[name] for name in ("blue", "vermillion", "green", "purple", "orange", "sky")
)


def plot_accuracy_heatmaps(
    accuracies: Mapping[str, np.ndarray],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    title: str,
) -> plt.Figure:
    """Draw one annotated heatmap of mean accuracies per panel, side by side.

    Args:
        accuracies: Panel title to accuracies of shape (rows, columns), in [0, 1].
        row_labels: Label of each row.
        column_labels: Label of each column.
        title: Figure title.
    """
    apply_style()
    n_panels = len(accuracies)
    n_rows, n_columns = next(iter(accuracies.values())).shape
    figure, axes = plt.subplots(
        1,
        n_panels,
        figsize=(0.95 * n_columns * n_panels + 2.8, 0.45 * n_rows + 2.4),
        squeeze=False,
    )
    for ax, (panel, values) in zip(axes[0], accuracies.items()):
        image = ax.imshow(values, cmap="cividis", vmin=0.5, vmax=1.0, aspect="auto")
        for (row, column), value in np.ndenumerate(values):
            color = "black" if value > 0.8 else "white"
            ax.text(
                column,
                row,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=11,
                color=color,
            )
        ax.set_xticks(range(n_columns), column_labels, rotation=30, ha="right")
        ax.set_yticks(range(n_rows), row_labels if ax is axes[0, 0] else [])
        ax.set_title(panel, fontsize=12)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
    colorbar = figure.colorbar(image, ax=axes[0].tolist(), shrink=0.8)
    colorbar.set_label("mean test accuracy")
    figure.suptitle(title, fontsize=13)
    return figure


def plot_region_counts(
    depths: Sequence[int],
    counts: Mapping[int, np.ndarray],
    initial_counts: Mapping[int, np.ndarray],
    title: str,
) -> plt.Figure:
    """Plot the number of linear regions against depth, one line per width.

    Args:
        depths: Numbers of hidden layers, the x axis.
        counts: Width to region counts after training, shape (depths, seeds).
        initial_counts: Width to region counts before training, same shape.
        title: Figure title.
    """
    apply_style()
    figure, ax = plt.subplots(figsize=(8.4, 4.8))
    handles = []
    for color, (width, values) in zip(LINE_COLORS, counts.items()):
        ax.errorbar(
            depths,
            values.mean(axis=1),
            yerr=values.std(axis=1),
            color=color,
            marker="o",
            capsize=3,
        )
        ax.plot(
            depths,
            initial_counts[width].mean(axis=1),
            color=color,
            linestyle=":",
            marker=".",
        )
        handles.append(Line2D([], [], color=color, marker="o", label=f"{width} units"))
    handles += [
        Line2D([], [], color="black", label="trained"),
        Line2D([], [], color="black", linestyle=":", label="before training"),
    ]
    ax.set_yscale("log")
    ax.set_xticks(list(depths))
    ax.set(
        title=title, xlabel="hidden layers", ylabel="linear regions in the data's box"
    )
    # Outside the axes, because the lines fill the whole plot.
    ax.legend(
        handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0)
    )
    figure.tight_layout()
    return figure


def plot_accuracy_against_noise(
    noise_levels: Sequence[float],
    accuracies: Mapping[str, np.ndarray],
    title: str,
) -> plt.Figure:
    """Plot test accuracy against noise: mean and standard deviation over seeds.

    Args:
        noise_levels: Noise standard deviations, the x axis.
        accuracies: Model label to accuracies of shape (noise levels, seeds).
        title: Figure title.
    """
    apply_style()
    figure, ax = plt.subplots(figsize=(6.4, 4.8))
    for color, marker, (label, values) in zip(LINE_COLORS, "os^D", accuracies.items()):
        mean = values.mean(axis=1)
        std = values.std(axis=1)
        ax.fill_between(
            noise_levels, mean - std, mean + std, color=color, alpha=0.2, linewidth=0
        )
        ax.plot(noise_levels, mean, color=color, marker=marker, label=label)
    ax.set(title=title, xlabel="noise (standard deviation)", ylabel="test accuracy")
    ax.set_ylim(0.5, 1.01)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:.0%}"))
    ax.legend(frameon=True)
    return figure
