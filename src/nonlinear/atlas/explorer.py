"""Data files of the explorer page: precomputed decision regions as compact JSON.

The sweep writes, under its output folder's ``data/explorer/`` (published as
``data/explorer/`` of the site):

- ``index.json``: the choices (data sets, activations, depths, seeds, recorded
  epochs), the grid size, and the path patterns of the other files;
- ``datasets/<dataset>.json``: the grid's box and the test samples;
- ``runs/<dataset>/<activation>-depth-<depth>-seed-<seed>.json``: one model's
  test accuracy, training loss and predicted classes at each recorded epoch.

Predicted classes on the grid and correctness on the test samples are bit
strings: bit ``k`` is 1 for class 1 (or a correct prediction), packed eight to a
byte with the first bit in the most significant place
(``numpy.packbits(bits, bitorder="big")``), then base64-encoded. Grid point
``k`` is at row ``i = k // size`` and column ``j = k % size``. Its coordinates
are ``x1 = x1_min + j (x1_max - x1_min) / (size - 1)`` and
``x2 = x2_min + i (x2_max - x2_min) / (size - 1)``, so row 0 is the bottom.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

import numpy as np

#: Version of the file layout; the explorer page checks it.
FORMAT = 1

#: Decimals kept for sample coordinates, bounds, accuracies and losses.
DECIMALS = 4

#: Path pattern of a run file, relative to the explorer folder.
RUN_PATH = "runs/{dataset}/{activation}-depth-{depth}-seed-{seed}.json"

#: Path pattern of a data set file, relative to the explorer folder.
DATASET_PATH = "datasets/{dataset}.json"


def encode_bits(bits: np.ndarray) -> str:
    """Pack booleans into a base64 string, first bit most significant.

    Args:
        bits: Values to pack, of any shape; read in row-major order.
    """
    packed = np.packbits(np.asarray(bits, dtype=bool).reshape(-1), bitorder="big")
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode_bits(text: str, count: int) -> np.ndarray:
    """Unpack a string written by :func:`encode_bits` into ``count`` booleans.

    Raises:
        ValueError: If the string is not base64 or has fewer than ``count`` bits.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(
            f"text must be base64, got {text[:20]!r} ({error})."
        ) from error
    packed = np.frombuffer(data, dtype=np.uint8)
    if count > 8 * len(packed):
        raise ValueError(
            f"count must be at most the {8 * len(packed)} bits in the text, "
            f"got {count}."
        )
    return np.unpackbits(packed, bitorder="big")[:count].astype(bool)


def write_json(path: Path, document: dict) -> None:
    """Write compact JSON with sorted keys, creating the parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def index_document(
    datasets: dict[str, str],
    activations: dict[str, str],
    depths: list[int],
    width: int,
    seeds: list[int],
    epochs: list[int],
    grid_size: int,
) -> dict:
    """Return the explorer's ``index.json``.

    Args:
        datasets: Label of each data set, by name, in display order.
        activations: Label of each activation, by name, in display order.
        depths: Numbers of hidden layers.
        width: Units per hidden layer.
        seeds: Seeds of the repeated trainings.
        epochs: Epochs after which predictions were recorded.
        grid_size: Grid points along each axis.
    """
    return {
        "format": FORMAT,
        "datasets": [
            {"name": name, "label": label} for name, label in datasets.items()
        ],
        "activations": [
            {"name": name, "label": label} for name, label in activations.items()
        ],
        "depths": list(depths),
        "width": width,
        "seeds": list(seeds),
        "epochs": list(epochs),
        "grid_size": grid_size,
        "bit_encoding": "base64 of numpy.packbits(bits, bitorder='big')",
        "dataset_path": DATASET_PATH,
        "run_path": RUN_PATH,
    }


def dataset_document(
    name: str,
    bounds: tuple[float, float, float, float],
    X_test: np.ndarray,
    y_test: np.ndarray,
) -> dict:
    """Return a data set file: the grid's box and the test samples with labels."""
    return {
        "name": name,
        "bounds": [round(float(value), DECIMALS) for value in bounds],
        "X_test": np.round(np.asarray(X_test, dtype=np.float64), DECIMALS).tolist(),
        "y_test": [int(label) for label in y_test],
    }


def run_document(
    key: dict,
    epochs: list[int],
    grid_classes: list[np.ndarray],
    test_correct: list[np.ndarray],
    train_loss: list[float],
) -> dict:
    """Return a run file: one model's results at each recorded epoch.

    Args:
        key: ``dataset``, ``activation``, ``depth`` and ``seed`` of the model.
        epochs: Recorded epochs.
        grid_classes: Predicted class (True for 1) on the grid, one array per epoch.
        test_correct: Whether each test sample is classified correctly, per epoch.
        train_loss: Training loss of each recorded epoch.
    """
    return {
        **key,
        "epochs": list(epochs),
        "test_accuracy": [
            round(float(np.mean(correct)), DECIMALS) for correct in test_correct
        ],
        "train_loss": [round(float(loss), DECIMALS) for loss in train_loss],
        "grid": [encode_bits(classes) for classes in grid_classes],
        "test_correct": [encode_bits(correct) for correct in test_correct],
    }


def run_path(
    directory: Path, dataset: str, activation: str, depth: int, seed: int
) -> Path:
    """Return where a run file goes under the explorer folder."""
    relative = RUN_PATH.format(
        dataset=dataset, activation=activation, depth=depth, seed=seed
    )
    return directory / relative
