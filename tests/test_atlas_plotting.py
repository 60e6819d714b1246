"""Tests of the atlas's plane figures: panels, colours, lines and text size."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from nonlinear.atlas.plotting import (
    REGION_COLORS,
    draw_classes,
    plot_collapse,
    plot_decision_grid,
    plot_epoch_panels,
    plot_linear_regions,
)
from nonlinear.figures import CLASS_COLORS, FORMATS, save_figure

BOUNDS = (-1.0, 1.0, -1.0, 1.0)
#: Smallest font size in points, as for the article's figures.
MIN_FONT_SIZE = 11


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def samples():
    X = np.random.default_rng(0).uniform(-1, 1, size=(40, 2))
    return X, (X[:, 0] > 0).astype(int)


def _classes(size=10):
    return np.tile(np.arange(size) >= size // 2, (size, 1))


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


def test_region_colors_lighten_class_colors():
    for region, color in zip(REGION_COLORS, CLASS_COLORS):
        assert all(r > c for r, c in zip(region, to_rgb(color)) if c < 1.0)


def test_draw_classes_orientation():
    figure, ax = plt.subplots()
    classes = np.zeros((4, 4), dtype=bool)
    classes[0, 0] = True
    draw_classes(ax, classes, BOUNDS)
    image = ax.images[0]
    assert image.origin == "lower"
    assert tuple(image.get_extent()) == BOUNDS
    assert image.get_array()[0, 0] == 1.0


def test_decision_grid_panels(samples):
    classes = np.stack([np.stack([_classes()] * 3)] * 2)
    accuracies = np.array([[0.5, 0.75, 1.0], [0.25, 0.0, 0.875]])
    figure = plot_decision_grid(
        classes,
        accuracies,
        [BOUNDS] * 3,
        [samples] * 3,
        ["linear", "ReLU"],
        ["a", "b", "c"],
        "Grid",
    )
    assert len(figure.axes) == 6
    assert figure.axes[0].get_ylabel() == "linear"
    assert figure.axes[2].get_title() == "c"
    texts = [t.get_text() for t in figure.axes[1].texts]
    assert texts == ["75%"]
    _assert_text_readable(figure)


def test_epoch_panels_titles(samples):
    figure = plot_epoch_panels(
        [_classes()] * 4, [0, 1, 10, 20], [0.5, 0.6, 0.9, 1.0], BOUNDS, *samples, "Run"
    )
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == [
        "before training: 50.0%",
        "epoch 1: 60.0%",
        "epoch 10: 90.0%",
        "epoch 20: 100.0%",
    ]
    assert len(figure.axes) == 6
    _assert_text_readable(figure)


def test_collapse_draws_both_lines(samples):
    figure = plot_collapse(
        _classes(),
        BOUNDS,
        *samples,
        (np.array([1.0, 1.0]), 0.0),
        (np.array([1.0, 2.0]), 0.5),
        "Collapse",
    )
    ax = figure.axes[0]
    network, logistic = ax.get_lines()
    # x1 + x2 = 0 at x1 = -1 and 1.
    assert network.get_ydata().tolist() == [1.0, -1.0]
    assert logistic.get_linestyle() == "--"
    assert ax.get_xlim() == BOUNDS[:2]
    _assert_text_readable(figure)


def test_linear_regions_edges_and_boundary(samples):
    ids = np.repeat(np.arange(4), 25).reshape(10, 10)
    figure = plot_linear_regions(ids, _classes(), BOUNDS, *samples, "Regions")
    image = figure.axes[0].images[0].get_array()
    assert image.shape == (10, 10, 3)
    # Rows where the id changes are drawn as edges, in dark grey.
    assert np.allclose(image[2, 5], 0.35)
    assert len(figure.axes[0].collections) >= 3
    _assert_text_readable(figure)


@pytest.mark.slow
def test_figures_save_in_every_format(tmp_path, samples):
    figure = plot_linear_regions(
        np.zeros((5, 5), dtype=int), _classes(5), BOUNDS, *samples, "One region"
    )
    paths = save_figure(figure, tmp_path, "regions")
    assert [path.suffix[1:] for path in paths] == list(FORMATS)
    assert all(path.stat().st_size > 1000 for path in paths)
