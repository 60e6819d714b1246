"""Five two-dimensional data sets for binary classification, and grids over them.

``X`` has shape (n_samples, 2) and ``y`` contains the labels 0 and 1, as in
:mod:`nonlinear.datasets`. Every generator is seeded and adds Gaussian noise of
standard deviation ``noise`` to both features after labelling, as scikit-learn's
generators do. Moons, circles and spirals have classes of equal size (up to one
sample); XOR and the linearly separable set label uniformly drawn points, so
their class sizes vary a little.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_circles, make_moons

from nonlinear.atlas.config import DATASETS, SampleConfig
from nonlinear.config import ConfigError
from nonlinear.datasets import Split

#: Turns of each arm of the two spirals (the classic benchmark of Lang and
#: Witbrock, 1988, has three).
SPIRAL_TURNS = 2.0

#: Direction of the normal of the line that splits the linearly separable set.
SEPARABLE_NORMAL = (1.0, 2.0)

#: Distance from that line inside which the linearly separable set has no samples.
SEPARABLE_MARGIN = 0.1


def make_dataset(
    name: str, n_samples: int, noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate one of the data sets of :data:`nonlinear.atlas.config.DATASETS`.

    - ``moons``: scikit-learn's two interleaving half circles.
    - ``circles``: scikit-learn's concentric circles, inner radius half the outer.
    - ``xor``: uniform on [-1, 1]², class 1 where both features have the same sign.
    - ``spirals``: two interleaved spiral arms of :data:`SPIRAL_TURNS` turns each,
      the second the first rotated by half a turn, with radius up to 1.
    - ``separable``: uniform on [-1, 1]², split by a line through the origin
      with normal :data:`SEPARABLE_NORMAL`, with no samples closer to it than
      :data:`SEPARABLE_MARGIN`.

    Args:
        name: Data set name.
        n_samples: Number of samples.
        noise: Standard deviation of the Gaussian noise added to the features.
        seed: Seed of the samples and the noise.

    Returns:
        ``float32`` inputs of shape (n_samples, 2) and ``int64`` labels.

    Raises:
        ConfigError: If the name is unknown.
    """
    if name not in DATASETS:
        raise ConfigError(
            f"Unknown data set {name!r}; choose from {', '.join(DATASETS)}."
        )
    if name == "moons":
        X, y = make_moons(n_samples=n_samples, noise=noise or None, random_state=seed)
    elif name == "circles":
        X, y = make_circles(
            n_samples=n_samples, noise=noise or None, factor=0.5, random_state=seed
        )
    else:
        rng = np.random.default_rng(seed)
        generate = {"xor": _xor, "spirals": _spirals, "separable": _separable}[name]
        X, y = generate(n_samples, rng)
        if noise:
            X = X + rng.normal(0.0, noise, size=X.shape)
    return X.astype(np.float32), y.astype(np.int64)


def _xor(n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _spirals(n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_first = (n_samples + 1) // 2
    # The square root spreads the samples evenly over the spiral's area.
    radius = np.sqrt(rng.uniform(0.0, 1.0, size=n_samples))
    y = (np.arange(n_samples) >= n_first).astype(np.int64)
    angle = radius * SPIRAL_TURNS * 2.0 * np.pi + np.pi * y
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    order = rng.permutation(n_samples)
    return X[order], y[order]


def _separable(
    n_samples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    normal = np.asarray(SEPARABLE_NORMAL) / np.linalg.norm(SEPARABLE_NORMAL)
    chunks = []
    count = 0
    while count < n_samples:
        X = rng.uniform(-1.0, 1.0, size=(2 * n_samples, 2))
        X = X[np.abs(X @ normal) >= SEPARABLE_MARGIN]
        chunks.append(X)
        count += len(X)
    X = np.concatenate(chunks)[:n_samples]
    return X, (X @ normal > 0).astype(np.int64)


def load_split(name: str, config: SampleConfig) -> Split:
    """Generate a data set and split it: the first ``config.n_test`` samples test.

    Returns:
        The split; its validation arrays are empty.
    """
    X, y = make_dataset(name, config.n_samples, config.noise, config.seed)
    n_test = config.n_test
    return Split(
        X_train=X[n_test:],
        y_train=y[n_test:],
        X_val=X[:0],
        y_val=y[:0],
        X_test=X[:n_test],
        y_test=y[:n_test],
    )


def bounding_box(
    X: np.ndarray, margin: float = 0.0
) -> tuple[float, float, float, float]:
    """Return ``(x1_min, x1_max, x2_min, x2_max)`` of the samples.

    Args:
        X: Samples, shape (n, 2).
        margin: Share of each side's length added at both of its ends.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n > 0, got {X.shape}.")
    low = X.min(axis=0)
    high = X.max(axis=0)
    pad = (high - low) * margin
    low, high = low - pad, high + pad
    return (float(low[0]), float(high[0]), float(low[1]), float(high[1]))


def grid_points(bounds: tuple[float, float, float, float], size: int) -> np.ndarray:
    """Return a ``size`` by ``size`` grid of points spanning a box, edges included.

    Points are in row-major order: row ``i`` has ``x2`` the ``i``-th value from
    ``x2_min`` up, column ``j`` has ``x1`` the ``j``-th value from ``x1_min`` up,
    so point ``i * size + j`` is at row ``i`` and column ``j``.

    Args:
        bounds: ``(x1_min, x1_max, x2_min, x2_max)``.
        size: Points along each axis, at least 2.

    Returns:
        ``float32`` points of shape (size * size, 2).
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 2:
        raise ValueError(f"size must be an integer of at least 2, got {size!r}.")
    x1_min, x1_max, x2_min, x2_max = bounds
    x1 = np.linspace(x1_min, x1_max, size)
    x2 = np.linspace(x2_min, x2_max, size)
    grid_x1, grid_x2 = np.meshgrid(x1, x2)
    return np.stack([grid_x1.ravel(), grid_x2.ravel()], axis=1).astype(np.float32)
