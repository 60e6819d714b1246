"""Experiment configuration: the data, model and training settings of one run.

A configuration is plain data. It is validated when it is created, so a bad value
fails before any training starts, and it serialises to a canonical JSON form that
the cache uses as part of an experiment's key.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

#: Hidden-layer activations that the models accept (names of ``keras.activations``).
ACTIVATIONS = ("linear", "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "silu")

#: Output heads. Each pairs an output activation with a loss and a label encoding.
#:
#: - ``sigmoid_bce``: sigmoid output, binary cross-entropy, labels 0 and 1.
#: - ``sigmoid_squared_hinge``: the original article's pairing, a sigmoid output with
#:   squared hinge loss and labels -1 and +1.
HEADS = ("sigmoid_bce", "sigmoid_squared_hinge")

#: Largest seed that scikit-learn's ``random_state`` accepts: 2**32 - 1.
MAX_SEED = 2**32 - 1

#: Largest standard deviation of the noise added to the samples.
MAX_NOISE = 10.0

#: Default seed of every experiment unless a configuration sets another.
DEFAULT_SEED = 42


class ConfigError(ValueError):
    """An invalid configuration or command-line value."""


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Settings of the two-moons data set and its split.

    The first ``n_test`` samples form the test set. Of the rest, the last
    ``validation_split`` share is held out for validation, as Keras'
    ``validation_split`` does, and the remainder is the training set.
    """

    n_samples: int = 1000
    n_test: int = 250
    validation_split: float = 0.2
    noise: float = 0.0
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        _check_positive_int("n_samples", self.n_samples)
        _check_positive_int("n_test", self.n_test)
        if self.n_test >= self.n_samples:
            raise ConfigError(
                f"n_test must be smaller than n_samples so that training data "
                f"remains, got n_test={self.n_test} with n_samples={self.n_samples}."
            )
        _check_number("validation_split", self.validation_split)
        _check_number("noise", self.noise)
        if not 0.0 <= self.validation_split < 1.0:
            raise ConfigError(
                f"validation_split must be in [0, 1), got {self.validation_split!r}."
            )
        if self.n_validation >= self.n_samples - self.n_test:
            raise ConfigError(
                f"validation_split={self.validation_split} leaves no training samples "
                f"out of {self.n_samples - self.n_test}; use a smaller share."
            )
        if not 0.0 <= self.noise <= MAX_NOISE:
            raise ConfigError(
                f"noise must be between 0 and {MAX_NOISE:g}, got {self.noise!r}; "
                "the moons span about 3 units, so more noise hides them entirely."
            )
        _check_seed(self.seed)

    @property
    def n_validation(self) -> int:
        """Number of validation samples (Keras rounds the split the same way)."""
        return int((self.n_samples - self.n_test) * self.validation_split)

    @property
    def n_train(self) -> int:
        """Number of samples the model is trained on."""
        return self.n_samples - self.n_test - self.n_validation


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Settings of a multilayer perceptron with one output unit."""

    hidden_layers: tuple[int, ...] = (50,)
    activation: str = "relu"
    head: str = "sigmoid_bce"
    kernel_initializer: str = "he_uniform"

    def __post_init__(self) -> None:
        if not self.hidden_layers:
            raise ConfigError("hidden_layers must list at least one layer width.")
        for width in self.hidden_layers:
            _check_positive_int("hidden layer width", width)
        if self.activation not in ACTIVATIONS:
            raise ConfigError(
                f"Unknown activation {self.activation!r}; "
                f"choose one of {', '.join(ACTIVATIONS)}."
            )
        if self.head not in HEADS:
            raise ConfigError(
                f"Unknown head {self.head!r}; choose one of {', '.join(HEADS)}."
            )


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Settings of the optimiser loop: Adam with its Keras defaults."""

    epochs: int = 50
    batch_size: int = 25
    learning_rate: float = 0.001
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        _check_positive_int("epochs", self.epochs)
        _check_positive_int("batch_size", self.batch_size)
        _check_number("learning_rate", self.learning_rate)
        if not self.learning_rate > 0:
            raise ConfigError(
                f"learning_rate must be positive, got {self.learning_rate!r}."
            )
        _check_seed(self.seed)


@dataclasses.dataclass(frozen=True)
class ExperimentConfig:
    """One training run: data, model and optimiser settings."""

    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        if self.train.batch_size > self.data.n_train:
            raise ConfigError(
                f"batch_size={self.train.batch_size} is larger than the "
                f"{self.data.n_train} training samples; use a smaller batch."
            )

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as nested plain dictionaries."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """Return a canonical JSON form: sorted keys, no whitespace."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}.")


def _check_number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be a number, got {value!r}.")


def _check_seed(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ConfigError(
            f"seed must be an integer from 0 to {MAX_SEED} (scikit-learn's limit), "
            f"got {value!r}."
        )
