"""Tests of the article's plots, above all decision regions through LabelAdapter."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import QuadContourSet
from sklearn.dummy import DummyClassifier
from sklearn.svm import SVC

from nonlinear.figures import CLASS_COLORS
from nonlinear.plotting import (
    FIGSIZE,
    LabelAdapter,
    plot_activation,
    plot_dataset,
    plot_decision_regions,
    plot_training_curves,
)

#: Grid points that mlxtend predicts for a FIGSIZE figure at matplotlib's 100 dpi.
GRID_POINTS = 640 * 480


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class CountingModel:
    """Keras-like prediction function: floats of shape (n, 1), calls recorded."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def __call__(self, X: np.ndarray) -> np.ndarray:
        self.batch_sizes.append(len(X))
        return (X[:, :1] > 0).astype(np.float32) * 0.8 + 0.1


def _filled_contours(figure) -> QuadContourSet:
    ax = figure.axes[0]
    filled = [
        artist for artist in ax.collections
        if isinstance(artist, QuadContourSet) and artist.filled
    ]
    assert len(filled) == 1, "expected one contourf call"
    return filled[0]


def _signed_area(path) -> float:
    """Return the area that a filled contour path covers, holes subtracted.

    contourpy orients holes opposite to their outer boundary, so the signed
    shoelace sums of all sub-polygons add up to the net area.
    """
    total = 0.0
    for polygon in path.to_polygons(closed_only=True):
        x, y = polygon.T
        total += 0.5 * (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    return abs(total)


def _axes_area(figure) -> float:
    (x0, x1), (y0, y1) = figure.axes[0].get_xlim(), figure.axes[0].get_ylim()
    return (x1 - x0) * (y1 - y0)


def _legend_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].get_legend().get_texts()]


def _grid(X: np.ndarray, n: int = 50) -> np.ndarray:
    xx, yy = np.meshgrid(
        np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, n),
        np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, n),
    )
    return np.column_stack([xx.ravel(), yy.ravel()])


@pytest.fixture
def signed_classifier(signed_moons):
    X, y = signed_moons
    return SVC(gamma=2.0).fit(X, y)


def test_adapter_labels_map_to_indices(signed_moons, signed_classifier):
    X, _ = signed_moons
    adapter = LabelAdapter(signed_classifier.predict, classes=(-1, 1), outputs="labels")
    indices = adapter.predict(_grid(X))
    assert set(np.unique(signed_classifier.predict(_grid(X))).tolist()) == {-1, 1}
    assert np.unique(indices).tolist() == [0, 1]
    assert indices.dtype == np.int64


def test_adapter_labels_keep_positions(signed_moons, signed_classifier):
    X, _ = signed_moons
    grid = _grid(X).astype(np.float32)
    adapter = LabelAdapter(signed_classifier.predict, classes=(-1, 1), outputs="labels")
    expected = (signed_classifier.predict(grid) == 1).astype(np.int64)
    np.testing.assert_array_equal(adapter.predict(grid), expected)


def test_decision_regions_signed_labels_fill_grid(signed_moons, signed_classifier):
    X, y = signed_moons
    adapter = LabelAdapter(signed_classifier.predict, classes=(-1, 1), outputs="labels")
    figure = plot_decision_regions(X, y, adapter, "SVC on -1/+1 labels")
    contours = _filled_contours(figure)
    areas = [_signed_area(path) for path in contours.get_paths()]
    # One band per class index: (-0.5, 0.5) for -1 and (0.5, 1.5) for +1.
    np.testing.assert_array_equal(contours.levels, [-0.5, 0.5, 1.5])
    assert areas[0] > 0
    assert areas[1] > 0
    assert sum(areas) == pytest.approx(_axes_area(figure), rel=1e-9)


def test_decision_regions_signed_labels_legend(signed_moons, signed_classifier):
    X, y = signed_moons
    adapter = LabelAdapter(signed_classifier.predict, classes=(-1, 1), outputs="labels")
    figure = plot_decision_regions(X, y, adapter, "SVC on -1/+1 labels")
    assert _legend_texts(figure) == ["class -1", "class +1"]


def test_decision_regions_unsigned_legend(signed_moons):
    X, y = signed_moons
    y01 = (y == 1).astype(int)
    adapter = LabelAdapter(SVC().fit(X, y01).predict, classes=(0, 1), outputs="labels")
    figure = plot_decision_regions(X, y01, adapter, "SVC on 0/1 labels")
    assert _legend_texts(figure) == ["class 0", "class 1"]


@pytest.mark.parametrize(("constant", "filled_level"), [(-1, 0), (1, 1)])
def test_decision_regions_single_predicted_class(signed_moons, constant, filled_level):
    X, y = signed_moons
    classifier = DummyClassifier(strategy="constant", constant=constant).fit(X, y)
    adapter = LabelAdapter(classifier.predict, classes=(-1, 1), outputs="labels")
    figure = plot_decision_regions(X, y, adapter, f"always {constant:+d}")
    areas = [_signed_area(path) for path in _filled_contours(figure).get_paths()]
    assert areas[filled_level] == pytest.approx(_axes_area(figure), rel=1e-9)
    assert sum(areas) == pytest.approx(_axes_area(figure), rel=1e-9)
    assert _legend_texts(figure) == ["class -1", "class +1"]


def test_decision_regions_class_colors(signed_moons, signed_classifier):
    X, y = signed_moons
    adapter = LabelAdapter(signed_classifier.predict, classes=(-1, 1), outputs="labels")
    figure = plot_decision_regions(X, y, adapter, "t")
    colors = _filled_contours(figure).get_facecolor()[:, :3]
    expected = [plt.matplotlib.colors.to_rgb(color) for color in CLASS_COLORS]
    np.testing.assert_allclose(colors, expected)


def test_decision_regions_samples_of_one_class(signed_moons):
    X, y = signed_moons
    negative = y == -1
    adapter = LabelAdapter(CountingModel(), classes=(-1, 1))
    figure = plot_decision_regions(X[negative], y[negative], adapter, "one class")
    areas = [_signed_area(path) for path in _filled_contours(figure).get_paths()]
    assert sum(areas) == pytest.approx(_axes_area(figure), rel=1e-9)


def test_decision_regions_label_not_in_classes(signed_moons, signed_classifier):
    X, y = signed_moons
    adapter = LabelAdapter(signed_classifier.predict, classes=(0, 1), outputs="labels")
    message = r"Predicted labels \[-1\] are not among the classes \[0, 1\]"
    with pytest.raises(ValueError, match=message):
        plot_decision_regions(X, y, adapter, "t")


def test_adapter_probabilities_return_int64_labels():
    model = CountingModel()
    adapter = LabelAdapter(model, classes=(0, 1), outputs="probabilities")
    X = np.array([[-1.0, 0.0], [2.0, 0.0], [0.5, 3.0]])
    labels = adapter.predict(X)
    assert labels.tolist() == [0, 1, 1]
    assert labels.dtype == np.int64
    assert labels.ndim == 1


def test_adapter_probabilities_signed_classes_give_indices():
    adapter = LabelAdapter(CountingModel(), classes=(-1, 1))
    assert adapter.predict(np.array([[-1.0, 0.0], [1.0, 0.0]])).tolist() == [0, 1]


@pytest.mark.parametrize("batch_size", [1000, 65536, 100_000, GRID_POINTS])
def test_adapter_predict_call_count(batch_size):
    model = CountingModel()
    adapter = LabelAdapter(model, classes=(0, 1), batch_size=batch_size)
    X = np.zeros((GRID_POINTS, 2))
    assert adapter.predict(X).shape == (GRID_POINTS,)
    assert len(model.batch_sizes) == math.ceil(GRID_POINTS / batch_size)
    assert max(model.batch_sizes) == min(batch_size, GRID_POINTS)
    assert sum(model.batch_sizes) == GRID_POINTS


def test_adapter_predict_float32_inputs():
    seen = []

    def predict(X):
        seen.append(X.dtype)
        return np.zeros((len(X), 1))

    LabelAdapter(predict, classes=(0, 1)).predict(np.zeros((3, 2), dtype=np.float64))
    assert seen == [np.float32]


def test_adapter_predict_empty_input():
    model = CountingModel()
    labels = LabelAdapter(model, classes=(0, 1)).predict(np.zeros((0, 2)))
    assert labels.shape == (0,)
    assert model.batch_sizes == []


@pytest.mark.parametrize("batch_size", [10_000, 65536])
def test_decision_regions_grid_batches(signed_moons, batch_size):
    X, y = signed_moons
    model = CountingModel()
    adapter = LabelAdapter(model, classes=(-1, 1), batch_size=batch_size)
    plot_decision_regions(X, y, adapter, "Keras-like model")
    assert int(FIGSIZE[0] * 100) * int(FIGSIZE[1] * 100) == GRID_POINTS
    assert sum(model.batch_sizes) == GRID_POINTS
    assert len(model.batch_sizes) == math.ceil(GRID_POINTS / batch_size)


def test_decision_regions_keras_model_fills(signed_moons):
    X, y = signed_moons
    figure = plot_decision_regions(X, y, LabelAdapter(CountingModel(), (-1, 1)), "t")
    areas = [_signed_area(path) for path in _filled_contours(figure).get_paths()]
    assert areas[0] > 0
    assert areas[1] > 0
    assert sum(areas) == pytest.approx(_axes_area(figure), rel=1e-9)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        (
            {"classes": (0, 1), "outputs": "logits"},
            r"outputs must be 'probabilities' or 'labels', got 'logits'\.",
        ),
        (
            {"classes": (0, 1, 2), "outputs": "probabilities"},
            r"Thresholding probabilities needs exactly two classes, got \(0, 1, 2\)\.",
        ),
    ],
    ids=["outputs", "classes"],
)
def test_adapter_invalid(keywords, message):
    with pytest.raises(ValueError, match=message):
        LabelAdapter(CountingModel(), **keywords)


@pytest.mark.parametrize("batch_size", [0, -1])
def test_adapter_invalid_batch_size(batch_size):
    with pytest.raises(ValueError, match=rf"batch_size .* got {batch_size}"):
        LabelAdapter(CountingModel(), classes=(0, 1), batch_size=batch_size)


def test_adapter_three_labels():
    adapter = LabelAdapter(
        lambda X: np.array([2, 0, 1]), classes=(0, 1, 2), outputs="labels"
    )
    assert adapter.predict(np.zeros((3, 2))).tolist() == [2, 0, 1]


def test_adapter_encode_unknown_label():
    adapter = LabelAdapter(CountingModel(), classes=(-1, 1))
    with pytest.raises(ValueError, match=r"Predicted labels \[0, 2\] are not among"):
        adapter.encode(np.array([0, 1, 2]))


def test_adapter_encode_float_labels():
    adapter = LabelAdapter(CountingModel(), classes=(-1, 1))
    assert adapter.encode(np.array([[1.0], [-1.0]])).tolist() == [1, 0]


def test_plot_dataset_classes():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    y = np.array([0, 1, 1])
    figure = plot_dataset(X, y, "Two moons")
    ax = figure.axes[0]
    sizes = [len(collection.get_offsets()) for collection in ax.collections]
    assert sizes == [1, 2]
    assert _legend_texts(figure) == ["class 0", "class 1"]
    assert ax.get_title() == "Two moons"
    assert tuple(figure.get_size_inches()) == FIGSIZE


def _history(epochs: int, validation: bool = True) -> dict[str, list[float]]:
    values = [0.5 + i / 10 for i in range(epochs)]
    history = {"loss": values, "accuracy": values, "reported_accuracy": values}
    for key in list(history):
        history[f"val_{key}"] = values if validation else []
    return history


def test_plot_training_curves_two_panels():
    figure = plot_training_curves(_history(3), "Training")
    loss_ax, accuracy_ax = figure.axes
    assert len(loss_ax.get_lines()) == 2
    assert len(accuracy_ax.get_lines()) == 2
    assert list(loss_ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert accuracy_ax.get_ylim() == (0, 1.02)
    assert figure.get_suptitle() == "Training"


def test_plot_training_curves_without_validation():
    figure = plot_training_curves(_history(3, validation=False), "Training")
    assert [len(ax.get_lines()) for ax in figure.axes] == [1, 1]


def test_plot_training_curves_accuracy_key():
    history = _history(2)
    history["reported_accuracy"] = [0.1, 0.2]
    figure = plot_training_curves(history, "t", accuracy_key="reported_accuracy")
    assert list(figure.axes[1].get_lines()[0].get_ydata()) == [0.1, 0.2]


def test_plot_activation_curve():
    figure = plot_activation("ReLU", lambda z: np.maximum(0.0, z))
    ax = figure.axes[0]
    curve = ax.get_lines()[-1]
    z = curve.get_xdata()
    assert (z.min(), z.max()) == (-4.0, 4.0)
    np.testing.assert_array_equal(curve.get_ydata(), np.maximum(0.0, z))
    assert ax.get_title() == "ReLU activation"
