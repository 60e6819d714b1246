"""Figures stay readable on a projector, in print and with colour-vision deficiencies.

Text must be at least 11 pt at a figure's native size. The two classes' colours,
both the decision-region fills and the markers, must stay far apart after a
simulation of the three dichromacies, and every figure is saved on white.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.text import Text
from PIL import Image

from nonlinear.diagrams import plot_network_diagram, plot_neuron_diagram
from nonlinear.figures import save_figure
from nonlinear.plotting import (
    LabelAdapter,
    plot_activation,
    plot_dataset,
    plot_decision_regions,
    plot_training_curves,
)

#: Smallest font size in points for text in a figure, at the figure's native size.
MIN_FONT_SIZE = 11

#: Smallest CIE76 colour difference between the two classes under each simulated
#: dichromacy. About 2.3 is the commonly given just-noticeable difference. 20 is a
#: margin chosen here for "different at a glance", not a standard.
MIN_DELTA_E = 20

#: Smallest difference in CIE lightness L* between the region fills, so that they
#: differ in greyscale print too. Also a chosen margin.
MIN_LIGHTNESS_DIFFERENCE = 5

# Dichromacy simulation matrices at severity 1.0 of the model by Machado, Oliveira
# and Fernandes (2009, IEEE Transactions on Visualization and Computer Graphics
# 15(6)), applied to linear RGB. The values are those that colour-vision tools
# commonly reproduce; test_simulation_keeps_grey checks the transcription.
DICHROMACIES = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}

# sRGB (D65) linear RGB to CIE XYZ, and the D65 white point.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE = np.array([0.95047, 1.0, 1.08883])


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """Return CIELAB (D65) of a linear RGB colour."""
    ratio = _RGB_TO_XYZ @ linear_rgb / _WHITE
    delta = 6 / 29
    f = np.where(ratio > delta**3, np.cbrt(ratio), ratio / (3 * delta**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _over_white(rgba) -> np.ndarray:
    """Return the sRGB colour of an RGBA colour composited over white."""
    red, green, blue, alpha = rgba
    return np.array([red, green, blue]) * alpha + (1 - alpha)


def _delta_e(first_srgb, second_srgb, matrix=None) -> float:
    """Return the CIE76 difference of two sRGB colours, after a simulation if given."""
    colours = []
    for srgb in (first_srgb, second_srgb):
        linear = _to_linear(srgb)
        if matrix is not None:
            linear = np.clip(np.asarray(matrix) @ linear, 0.0, 1.0)
        colours.append(_lab(linear))
    return float(np.linalg.norm(colours[0] - colours[1]))


def _xor_data():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    classifier = LabelAdapter(lambda X: (X[:, 0] > 0).astype(float), (0, 1))
    return X, y, classifier


def _figures() -> dict:
    X, y, classifier = _xor_data()
    epochs = list(np.linspace(1.0, 0.1, 5))
    history = {"loss": epochs, "val_loss": epochs, "accuracy": epochs,
               "val_accuracy": epochs}
    return {
        "dataset": lambda: plot_dataset(X, y, "Two moons: 60 training samples"),
        "decision-regions": lambda: plot_decision_regions(
            X, y, classifier, "relu network, sigmoid bce: test accuracy 100.0%"
        ),
        "training-curves": lambda: plot_training_curves(history, "Training of a network"),
        "activation": lambda: plot_activation("ReLU", lambda z: np.maximum(0.0, z)),
        "network-diagram": lambda: plot_network_diagram((2, 5, 1)),
        "neuron-diagram": lambda: plot_neuron_diagram(3),
    }


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_delta_e_detects_confusable_colours():
    # Red and green, the classic pair that deuteranopes confuse.
    red, green = (0.8, 0.2, 0.1), (0.3, 0.6, 0.1)
    assert _delta_e(red, green) > MIN_DELTA_E
    assert _delta_e(red, green, DICHROMACIES["deuteranopia"]) < MIN_DELTA_E


def test_simulation_keeps_grey():
    grey = _to_linear(np.array([0.5, 0.5, 0.5]))
    for name, matrix in DICHROMACIES.items():
        assert np.allclose(np.asarray(matrix) @ grey, grey, atol=1e-3), name


@pytest.mark.parametrize("name", sorted(_figures()))
def test_text_at_least_11_points(name):
    figure = _figures()[name]()
    figure.canvas.draw()
    texts = [
        text for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    assert texts, f"{name} has no text"
    for text in texts:
        assert text.get_fontsize() >= MIN_FONT_SIZE, (name, text.get_text(), text.get_fontsize())


def test_shared_style_font_sizes():
    # Every module that draws figures, the atlas modules too, calls apply_style first.
    from matplotlib.font_manager import FontProperties

    from nonlinear.figures import apply_style

    keys = ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize",
            "xtick.labelsize", "ytick.labelsize", "figure.titlesize")
    with matplotlib.rc_context():
        apply_style()
        for key in keys:
            size = FontProperties(size=plt.rcParams[key]).get_size_in_points()
            assert size >= MIN_FONT_SIZE, (key, size)


@pytest.mark.parametrize("dichromacy", [None, *sorted(DICHROMACIES)])
def test_region_fills_distinguishable(dichromacy):
    X, y, classifier = _xor_data()
    figure = plot_decision_regions(X, y, classifier, "regions")
    (regions,) = [
        artist for artist in figure.axes[0].collections
        if isinstance(artist, ContourSet) and len(artist.get_facecolor())
    ]
    fills = [_over_white(rgba) for rgba in regions.get_facecolor()]
    assert len(fills) == 2
    matrix = DICHROMACIES.get(dichromacy)
    assert _delta_e(fills[0], fills[1], matrix) >= MIN_DELTA_E


def test_region_fills_differ_in_lightness():
    X, y, classifier = _xor_data()
    figure = plot_decision_regions(X, y, classifier, "regions")
    (regions,) = [
        artist for artist in figure.axes[0].collections
        if isinstance(artist, ContourSet) and len(artist.get_facecolor())
    ]
    lightness = [_lab(_to_linear(_over_white(rgba)))[0] for rgba in regions.get_facecolor()]
    assert abs(lightness[0] - lightness[1]) >= MIN_LIGHTNESS_DIFFERENCE


@pytest.mark.parametrize("dichromacy", [None, *sorted(DICHROMACIES)])
@pytest.mark.parametrize("kind", ["dataset", "decision-regions"])
def test_markers_distinguishable(kind, dichromacy):
    figure = _figures()[kind]()
    markers = [
        artist for artist in figure.axes[0].collections
        if isinstance(artist, PathCollection)
    ]
    assert len(markers) == 2
    colours = [_over_white(marker.get_facecolor()[0]) for marker in markers]
    matrix = DICHROMACIES.get(dichromacy)
    assert _delta_e(colours[0], colours[1], matrix) >= MIN_DELTA_E
    # Shapes differ too, so the classes also differ in greyscale print.
    first, second = (marker.get_paths()[0].vertices for marker in markers)
    assert first.shape != second.shape or not np.allclose(first, second)


@pytest.mark.parametrize("name", sorted(_figures()))
def test_figure_saved_on_white(name, tmp_path):
    with matplotlib.rc_context({"savefig.facecolor": "black"}):
        (path,) = save_figure(_figures()[name](), tmp_path, name, formats=("png",))
    with Image.open(path) as image:
        corner = image.convert("RGB").getpixel((0, 0))
    assert corner == (255, 255, 255)
