"""An animated GIF of a decision boundary over training, identical from run to run.

Matplotlib's ``PillowWriter`` hands the rendered frames to Pillow, which writes
neither a date nor a software tag into GIF files. Agg renders the same pixels
for the same figure, so the same frames give the same bytes in every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.animation import PillowWriter  # noqa: E402

from nonlinear.atlas.plotting import Bounds, draw_classes, draw_samples  # noqa: E402
from nonlinear.figures import apply_style  # noqa: E402

#: Size of the animation in inches, and its resolution.
FIGSIZE = (4.0, 4.0)
DPI = 80

#: Seconds the last frame stays before the animation loops.
HOLD_SECONDS = 1.5


def write_decision_animation(
    path: Path,
    classes: Sequence[np.ndarray],
    epochs: Sequence[int],
    accuracies: Sequence[float],
    bounds: Bounds,
    X: np.ndarray,
    y: np.ndarray,
    title: str,
    frames_per_second: int = 12,
) -> Path:
    """Write one frame per recorded epoch: decision regions, samples, accuracy.

    Args:
        path: Output file, ending in ``.gif``.
        classes: Predicted classes on the grid after each epoch, (size, size) each.
        epochs: Epoch of each frame (0 is before training).
        accuracies: Test accuracy of each frame.
        bounds: Box of the grid.
        X: Samples to show.
        y: Their labels.
        title: First line of every frame's title.
        frames_per_second: Playback speed.

    Returns:
        The written path.

    Raises:
        ValueError: If the path does not end in ``.gif`` or the sequences differ
            in length.
    """
    path = Path(path)
    if path.suffix != ".gif":
        raise ValueError(f"path must end in .gif, got {str(path)!r}.")
    if not len(classes) == len(epochs) == len(accuracies) > 0:
        raise ValueError(
            "classes, epochs and accuracies must be non-empty and of equal length, "
            f"got {len(classes)}, {len(epochs)} and {len(accuracies)}."
        )
    apply_style()
    figure, ax = plt.subplots(figsize=FIGSIZE)
    ax.set_xticks([])
    ax.set_yticks([])
    draw_classes(ax, classes[0], bounds)
    image = ax.images[0]
    draw_samples(ax, X, y, size=5)
    ax.set_title(_frame_title(title, epochs[0], accuracies[0]), fontsize=11)
    figure.tight_layout()
    writer = PillowWriter(fps=frames_per_second)
    hold = [len(classes) - 1] * int(HOLD_SECONDS * frames_per_second)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with writer.saving(figure, path, DPI):
            for index in [*range(len(classes)), *hold]:
                image.set_data(np.asarray(classes[index], dtype=float))
                ax.set_title(
                    _frame_title(title, epochs[index], accuracies[index]), fontsize=11
                )
                writer.grab_frame()
    finally:
        plt.close(figure)
    return path


def _frame_title(title: str, epoch: int, accuracy: float) -> str:
    label = "before training" if epoch == 0 else f"epoch {epoch}"
    return f"{title}\n{label}: test accuracy {accuracy:.1%}"
