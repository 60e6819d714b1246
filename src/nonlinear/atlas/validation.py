"""Checks of configuration values that raise :class:`nonlinear.config.ConfigError`.

Each message names the parameter, the rule and the value received, as the rest of
the project's validation does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nonlinear.config import ConfigError


def check_positive_int(name: str, value: object) -> None:
    """Raise if the value is not a positive integer (``bool`` is rejected too)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}.")


def check_grid_size(name: str, value: object) -> None:
    """Raise if the value is not an integer of at least 2, the smallest grid."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ConfigError(f"{name} must be an integer of at least 2, got {value!r}.")


def check_positive_ints(name: str, values: Sequence[object]) -> None:
    """Raise if the sequence is empty or contains anything but positive integers."""
    if not values:
        raise ConfigError(f"{name} must list at least one value.")
    for value in values:
        check_positive_int(f"each of {name}", value)


def check_seed(name: str, value: object) -> None:
    """Raise if the value is not a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{name} must be a non-negative integer, got {value!r}.")


def check_seeds(seeds: Sequence[object]) -> None:
    """Raise if the seeds are empty, repeat, or one is not a non-negative integer."""
    if not seeds:
        raise ConfigError("seeds must list at least one seed.")
    for seed in seeds:
        check_seed("each seed", seed)
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"seeds must be distinct, got {list(seeds)}.")


def check_noise(value: object) -> None:
    """Raise if the value is not a non-negative number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ConfigError(f"noise must be a non-negative number, got {value!r}.")


def check_choices(name: str, values: Sequence[str], choices: Sequence[str]) -> None:
    """Raise if the values are empty, repeat, or one is not among the choices."""
    if not values:
        raise ConfigError(f"{name} must list at least one value.")
    for value in values:
        if value not in choices:
            raise ConfigError(
                f"Unknown {name} value {value!r}; choose from {', '.join(choices)}."
            )
    if len(set(values)) != len(values):
        raise ConfigError(f"{name} must not repeat a value, got {list(values)}.")


def check_epochs(
    name: str, epochs: Sequence[object], total: int, first: int = 1
) -> None:
    """Raise unless the epochs are increasing integers from ``first`` to ``total``."""
    if not epochs:
        raise ConfigError(f"{name} must list at least one epoch.")
    for epoch in epochs:
        valid = isinstance(epoch, int) and not isinstance(epoch, bool)
        if not valid or not first <= epoch <= total:
            raise ConfigError(
                f"each of {name} must be an integer from {first} to the {total} "
                f"epochs of training, got {epoch!r}."
            )
    if list(epochs) != sorted(set(epochs)):
        raise ConfigError(f"{name} must be increasing, got {list(epochs)}.")


def check_batch_size(fit: Any, data: Any) -> None:
    """Raise if one batch needs more samples than the training set has.

    Args:
        fit: Settings with a ``batch_size``, such as a ``FitConfig``.
        data: Settings with an ``n_train``, such as a ``SampleConfig``.
    """
    if fit.batch_size > data.n_train:
        raise ConfigError(
            f"batch_size={fit.batch_size} is larger than the {data.n_train} training "
            "samples; use a smaller batch or more samples."
        )
