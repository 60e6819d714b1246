"""Tests of the configuration checks: accepted values and each error message."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nonlinear.atlas import validation
from nonlinear.config import ConfigError


@pytest.mark.parametrize(
    ("check", "arguments"),
    [
        (validation.check_positive_int, ("n", 1)),
        (validation.check_grid_size, ("size", 2)),
        (validation.check_positive_ints, ("depths", (1, 3))),
        (validation.check_seed, ("seed", 0)),
        (validation.check_seeds, ((0, 5),)),
        (validation.check_noise, (0,)),
        (validation.check_noise, (0.25,)),
        (validation.check_choices, ("kind", ("a",), ("a", "b"))),
        (validation.check_epochs, ("epochs", (0, 4), 4, 0)),
        (
            validation.check_batch_size,
            (SimpleNamespace(batch_size=8), SimpleNamespace(n_train=8)),
        ),
    ],
)
def test_valid_values_pass(check, arguments):
    assert check(*arguments) is None


@pytest.mark.parametrize(
    ("check", "arguments", "message"),
    [
        (
            validation.check_positive_int,
            ("n", 0),
            r"n must be a positive integer, got 0\.",
        ),
        (validation.check_positive_int, ("n", True), r"got True\."),
        (
            validation.check_grid_size,
            ("size", 1),
            r"size must be an integer of at least 2, got 1\.",
        ),
        (
            validation.check_positive_ints,
            ("depths", ()),
            r"depths must list at least one value\.",
        ),
        (
            validation.check_positive_ints,
            ("depths", (2, -1)),
            r"each of depths must be a positive integer, got -1\.",
        ),
        (
            validation.check_seed,
            ("seed", 1.5),
            r"seed must be a non-negative integer, got 1\.5\.",
        ),
        (validation.check_seeds, ((),), r"seeds must list at least one seed\."),
        (validation.check_seeds, ((3, 3),), r"seeds must be distinct, got \[3, 3\]\."),
        (
            validation.check_noise,
            (float("nan"),),
            r"noise must be a non-negative number, got nan\.",
        ),
        (validation.check_noise, (False,), r"got False\."),
        (
            validation.check_choices,
            ("kind", ("c",), ("a", "b")),
            r"Unknown kind value 'c'; choose from a, b\.",
        ),
        (
            validation.check_choices,
            ("kind", ("a", "a"), ("a",)),
            r"kind must not repeat a value, got \['a', 'a'\]\.",
        ),
        (
            validation.check_epochs,
            ("epochs", (5,), 4),
            r"each of epochs must be an integer from 1 to the 4 epochs of training, "
            r"got 5\.",
        ),
        (
            validation.check_epochs,
            ("epochs", (3, 2), 4),
            r"epochs must be increasing, got \[3, 2\]\.",
        ),
        (
            validation.check_epochs,
            ("epochs", (2, 2), 4),
            r"epochs must be increasing, got \[2, 2\]\.",
        ),
        (
            validation.check_batch_size,
            (SimpleNamespace(batch_size=9), SimpleNamespace(n_train=8)),
            r"batch_size=9 is larger than the 8 training samples; use a smaller batch",
        ),
    ],
)
def test_invalid_values_raise(check, arguments, message):
    with pytest.raises(ConfigError, match=message):
        check(*arguments)
