"""Diagrams of the article drawn with matplotlib: a network and a single neuron."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch

from nonlinear.figures import PALETTE, apply_style

_LAYER_COLORS = (PALETTE["yellow"], PALETTE["sky"], PALETTE["vermillion"])


def plot_network_diagram(layer_sizes: Sequence[int] = (2, 5, 1)) -> plt.Figure:
    """Draw a fully connected network: an input, hidden layers and an output layer.

    Args:
        layer_sizes: Number of neurons per layer, input first, output last.

    Raises:
        ValueError: If fewer than two layers or an empty layer are given.
    """
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError(
            f"layer_sizes needs at least two layers of one neuron or more, "
            f"got {list(layer_sizes)!r}."
        )
    apply_style()
    figure, ax = plt.subplots(figsize=(7.0, 4.2))
    radius = 0.22
    tallest = max(layer_sizes)
    positions = []
    for column, size in enumerate(layer_sizes):
        offset = (tallest - size) / 2
        positions.append([(column * 2.2, tallest - 1 - offset - row) for row in range(size)])
    for left, right in zip(positions, positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0 + radius, x1 - radius], [y0, y1], color="0.55", linewidth=0.8,
                        zorder=1)
    last = len(layer_sizes) - 1
    for column, layer in enumerate(positions):
        if column == 0:
            kind = 0
        elif column == last:
            kind = 2
        else:
            kind = 1
        for x, y in layer:
            ax.add_patch(Circle((x, y), radius, facecolor=_LAYER_COLORS[kind],
                                edgecolor="black", linewidth=1.2, zorder=2))
        name = ("input layer", "hidden layer", "output layer")[kind]
        ax.text(column * 2.2, -0.85, name, ha="center", va="top")
    ax.set_xlim(-0.8, last * 2.2 + 0.8)
    ax.set_ylim(-1.4, tallest - 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("A neural network as a system of layers")
    return figure


def plot_neuron_diagram(n_inputs: int = 3) -> plt.Figure:
    """Draw one neuron: inputs, weights, the weighted sum with bias, the activation.

    Args:
        n_inputs: Number of inputs drawn on the left.
    """
    if n_inputs < 1:
        raise ValueError(f"n_inputs must be at least 1, got {n_inputs!r}.")
    apply_style()
    figure, ax = plt.subplots(figsize=(8.0, 4.2))
    centre = (4.0, 0.0)
    spacing = 1.3
    for index in range(n_inputs):
        y = (n_inputs - 1) / 2 * spacing - index * spacing
        ax.add_patch(Circle((0.0, y), 0.32, facecolor=PALETTE["yellow"],
                            edgecolor="black", linewidth=1.2))
        ax.text(0.0, y, f"$x_{index + 1}$", ha="center", va="center", fontsize=14)
        ax.add_patch(FancyArrowPatch((0.35, y), (centre[0] - 0.62, centre[1]),
                                     arrowstyle="-|>", mutation_scale=14, color="0.3"))
        ax.text(1.9, y * 0.55 + 0.18, f"$w_{index + 1}$", ha="center", fontsize=14,
                color=PALETTE["blue"])
    ax.add_patch(Circle(centre, 0.6, facecolor=PALETTE["sky"], edgecolor="black",
                        linewidth=1.2))
    ax.text(*centre, r"$\Sigma$", ha="center", va="center", fontsize=20)
    ax.text(centre[0], -0.95, r"$z = \mathbf{w} \cdot \mathbf{x} + b$", ha="center",
            va="top", fontsize=13)
    ax.add_patch(FancyArrowPatch((centre[0], 1.6), (centre[0], 0.62), arrowstyle="-|>",
                                 mutation_scale=14, color="0.3"))
    ax.text(centre[0], 1.7, "bias $b$", ha="center", va="bottom", fontsize=13)
    box_x = 6.6
    ax.add_patch(FancyArrowPatch((centre[0] + 0.62, 0), (box_x - 0.55, 0),
                                 arrowstyle="-|>", mutation_scale=14, color="0.3"))
    ax.add_patch(plt.Rectangle((box_x - 0.55, -0.45), 1.1, 0.9,
                               facecolor=PALETTE["orange"], edgecolor="black"))
    ax.text(box_x, 0, "$f$", ha="center", va="center", fontsize=18)
    ax.text(box_x, -0.6, "activation", ha="center", va="top", fontsize=12)
    ax.add_patch(FancyArrowPatch((box_x + 0.55, 0), (8.8, 0), arrowstyle="-|>",
                                 mutation_scale=14, color="0.3"))
    ax.text(8.9, 0, "$a = f(z)$", ha="left", va="center", fontsize=14)
    ax.set_xlim(-0.6, 10.4)
    ax.set_ylim(-spacing * n_inputs / 2 - 0.4, spacing * n_inputs / 2 + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("What one neuron computes")
    return figure
