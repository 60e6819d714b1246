"""Tests of the atlas charts: heatmaps, region counts and accuracy against noise."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

from nonlinear.atlas.charts import (
    LINE_COLORS,
    plot_accuracy_against_noise,
    plot_accuracy_heatmaps,
    plot_region_counts,
)
from nonlinear.figures import PALETTE

MIN_FONT_SIZE = 11


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _assert_text_readable(figure):
    figure.canvas.draw()
    texts = [
        t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()
    ]
    assert texts
    for text in texts:
        assert text.get_fontsize() >= MIN_FONT_SIZE, (
            text.get_text(),
            text.get_fontsize(),
        )


def test_line_colors_from_palette_without_yellow():
    assert set(LINE_COLORS) <= set(PALETTE.values())
    assert PALETTE["yellow"] not in LINE_COLORS


def test_heatmaps_label_every_cell():
    values = np.array([[0.5, 0.875], [1.0, 0.994]])
    figure = plot_accuracy_heatmaps(
        {"1 hidden layer": values, "3 hidden layers": values},
        ["linear", "ReLU"],
        ["moons", "XOR"],
        "Accuracy",
    )
    first, second = figure.axes[:2]
    assert [t.get_text() for t in first.texts] == ["50%", "88%", "100%", "99%"]
    assert first.get_title() == "1 hidden layer"
    assert [label.get_text() for label in first.get_yticklabels()] == ["linear", "ReLU"]
    assert {label.get_text() for label in second.get_yticklabels()} == {""}
    _assert_text_readable(figure)


def test_region_counts_lines():
    counts = {8: np.array([[10, 12], [40, 44]]), 16: np.array([[30, 30], [90, 110]])}
    initial = {8: np.array([[4, 4], [8, 8]]), 16: np.array([[8, 8], [16, 16]])}
    figure = plot_region_counts([1, 2], counts, initial, "Regions")
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert [line.get_ydata().tolist() for line in dotted] == [[4, 8], [8, 16]]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["8 units", "16 units", "trained", "before training"]
    _assert_text_readable(figure)


def test_accuracy_against_noise_means():
    accuracies = {
        "linear": np.array([[0.8, 0.9], [0.7, 0.7]]),
        "ReLU": np.array([[1.0, 1.0], [0.8, 0.9]]),
    }
    figure = plot_accuracy_against_noise([0.0, 0.3], accuracies, "Noise")
    ax = figure.axes[0]
    means = [line.get_ydata() for line in ax.get_lines()]
    np.testing.assert_allclose(means, [[0.85, 0.7], [1.0, 0.85]])
    assert ax.get_ylim() == (0.5, 1.01)
    _assert_text_readable(figure)
