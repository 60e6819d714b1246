"""Tests of the network and neuron diagrams."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Circle

from nonlinear.diagrams import plot_network_diagram, plot_neuron_diagram


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _circles(figure) -> list[Circle]:
    return [patch for patch in figure.axes[0].patches if isinstance(patch, Circle)]


def _texts(figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]


@pytest.mark.parametrize(
    ("layer_sizes", "neurons", "connections"),
    [((2, 5, 1), 8, 15), ((3, 4, 4, 2), 13, 36), ((1, 1), 2, 1)],
)
def test_plot_network_diagram_counts(layer_sizes, neurons, connections):
    figure = plot_network_diagram(layer_sizes)
    assert len(_circles(figure)) == neurons
    assert len(figure.axes[0].get_lines()) == connections


def test_plot_network_diagram_layer_names():
    figure = plot_network_diagram((2, 3, 3, 1))
    expected = ["input layer", "hidden layer", "hidden layer", "output layer"]
    assert _texts(figure) == expected


def test_plot_network_diagram_layers_centred():
    figure = plot_network_diagram((2, 4, 1))
    heights = {}
    for circle in _circles(figure):
        x, y = circle.center
        heights.setdefault(x, []).append(y)
    centres = {sum(ys) / len(ys) for ys in heights.values()}
    assert len(centres) == 1


@pytest.mark.parametrize(
    "layer_sizes",
    [(), (3,), (2, 0, 1), (0, 1)],
    ids=["empty", "one-layer", "empty-hidden", "empty-input"],
)
def test_plot_network_diagram_invalid(layer_sizes):
    message = "layer_sizes needs at least two layers of one neuron or more, got "
    with pytest.raises(ValueError, match=re.escape(f"{message}{list(layer_sizes)!r}.")):
        plot_network_diagram(layer_sizes)


@pytest.mark.parametrize("n_inputs", [1, 3, 5])
def test_plot_neuron_diagram_inputs(n_inputs):
    figure = plot_neuron_diagram(n_inputs)
    texts = _texts(figure)
    # One circle per input and one for the weighted sum.
    assert len(_circles(figure)) == n_inputs + 1
    assert [f"$x_{i}$" in texts for i in range(1, n_inputs + 1)] == [True] * n_inputs
    assert [f"$w_{i}$" in texts for i in range(1, n_inputs + 1)] == [True] * n_inputs
    assert f"$x_{n_inputs + 1}$" not in texts


def test_plot_neuron_diagram_labels():
    texts = _texts(plot_neuron_diagram())
    assert "activation" in texts
    assert "bias $b$" in texts
    assert "$a = f(z)$" in texts


@pytest.mark.parametrize("n_inputs", [0, -2])
def test_plot_neuron_diagram_invalid(n_inputs):
    message = rf"n_inputs must be at least 1, got {n_inputs}\."
    with pytest.raises(ValueError, match=message):
        plot_neuron_diagram(n_inputs)


@pytest.mark.parametrize("draw", [plot_network_diagram, plot_neuron_diagram])
def test_diagrams_hide_axes(draw):
    ax = draw().axes[0]
    assert not ax.axison
    assert ax.get_aspect() == 1.0
