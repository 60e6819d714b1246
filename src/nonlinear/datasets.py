"""The two-moons data set, split the way the original article splits it.

Arrays follow scikit-learn's names: ``X`` has shape (n_samples, 2) and holds the
two input features, ``y`` has shape (n_samples,) and holds integer class labels.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.datasets import make_moons

from nonlinear.config import DataConfig


@dataclasses.dataclass(frozen=True)
class Split:
    """Training, validation and test arrays of one data set.

    Labels are 0 and 1. Use :func:`encode_labels` for another encoding.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def X_fit(self) -> np.ndarray:
        """Training and validation inputs together, in the order Keras receives them."""
        return np.concatenate([self.X_train, self.X_val])

    @property
    def y_fit(self) -> np.ndarray:
        """Training and validation labels together."""
        return np.concatenate([self.y_train, self.y_val])


def load_moons(config: DataConfig) -> Split:
    """Generate two interleaving half circles and split them.

    The first ``config.n_test`` samples are the test set. Of the remaining samples,
    the last ``config.n_validation`` are held out for validation (Keras'
    ``validation_split`` takes them from the end too) and the rest are for training.

    Args:
        config: Sample count, split sizes, noise level and seed.

    Returns:
        The split with ``float32`` inputs and 0/1 integer labels.
    """
    X, y = make_moons(
        n_samples=config.n_samples,
        noise=config.noise or None,
        random_state=config.seed,
    )
    X = X.astype(np.float32)
    y = y.astype(np.int64)
    X_test, y_test = X[: config.n_test], y[: config.n_test]
    X_fit, y_fit = X[config.n_test :], y[config.n_test :]
    n_train = config.n_train
    return Split(
        X_train=X_fit[:n_train],
        y_train=y_fit[:n_train],
        X_val=X_fit[n_train:],
        y_val=y_fit[n_train:],
        X_test=X_test,
        y_test=y_test,
    )


def encode_labels(y: np.ndarray, head: str) -> np.ndarray:
    """Map 0/1 class labels to the encoding that an output head is trained on.

    Args:
        y: Integer labels 0 and 1, shape (n_samples,).
        head: ``"sigmoid_bce"`` keeps 0/1; ``"sigmoid_squared_hinge"`` maps 0 to -1.

    Returns:
        ``float32`` targets of shape (n_samples, 1), ready for a one-unit output.
    """
    if head == "sigmoid_squared_hinge":
        targets = np.where(y == 0, -1, 1)
    else:
        targets = y
    return targets.astype(np.float32).reshape(-1, 1)


def class_values(head: str) -> tuple[int, int]:
    """Return the label values of the negative and positive class for a head."""
    return (-1, 1) if head == "sigmoid_squared_hinge" else (0, 1)
