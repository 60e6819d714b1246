"""Settings of the atlas experiments, validated when they are created.

Like :mod:`nonlinear.config`, this module imports neither NumPy nor TensorFlow, so
the experiment registry stays cheap to import. Each configuration is a frozen
dataclass that the cache serialises to canonical JSON as part of its key.
"""

from __future__ import annotations

import dataclasses
from nonlinear.atlas.validation import (
    check_batch_size,
    check_choices,
    check_epochs,
    check_grid_size,
    check_noise,
    check_positive_int,
    check_positive_ints,
    check_seed,
    check_seeds,
)
from nonlinear.config import DEFAULT_SEED, ConfigError, ExperimentConfig

#: Hidden-layer activations of the atlas, by the names of ``keras.activations``.
ACTIVATIONS = ("linear", "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "silu")

#: Name of each activation in figures and tables.
ACTIVATION_LABELS = {
    "linear": "linear",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "silu": "SiLU",
}

#: Data sets of the atlas; :mod:`nonlinear.atlas.datasets` generates them.
DATASETS = ("moons", "circles", "xor", "spirals", "separable")

#: Name of each data set in figures and tables.
DATASET_LABELS = {
    "moons": "two moons",
    "circles": "circles",
    "xor": "XOR",
    "spirals": "two spirals",
    "separable": "linearly separable",
}

#: Seeds of the repeated trainings: five consecutive seeds from the site's seed.
SEEDS = tuple(range(DEFAULT_SEED, DEFAULT_SEED + 5))


@dataclasses.dataclass(frozen=True)
class FitConfig:
    """Settings of the training loop: epochs, batch size and Adam's learning rate.

    Adam's other settings are the Keras defaults (beta_1 0.9, beta_2 0.999,
    epsilon 1e-7). The batch size of 32 is the Keras default too; see
    :func:`nonlinear.atlas.batched.train_models` for why it matters.
    """

    epochs: int = 150
    batch_size: int = 32
    learning_rate: float = 0.001

    def __post_init__(self) -> None:
        check_positive_int("epochs", self.epochs)
        check_positive_int("batch_size", self.batch_size)
        if not self.learning_rate > 0:
            raise ConfigError(
                f"learning_rate must be positive, got {self.learning_rate!r}."
            )


@dataclasses.dataclass(frozen=True)
class SampleConfig:
    """Size, noise and seed of a generated data set and its test split.

    The first ``n_test`` samples form the test set and the rest the training set.
    ``noise`` is the standard deviation of Gaussian noise added to both features.
    The default leaves 768 training samples, 24 batches of 32.
    """

    n_samples: int = 1024
    n_test: int = 256
    noise: float = 0.0
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        check_positive_int("n_samples", self.n_samples)
        check_positive_int("n_test", self.n_test)
        if self.n_test >= self.n_samples:
            raise ConfigError(
                f"n_test must be smaller than n_samples, got n_test={self.n_test} "
                f"with n_samples={self.n_samples}."
            )
        check_noise(self.noise)
        check_seed("seed", self.seed)

    @property
    def n_train(self) -> int:
        """Number of training samples."""
        return self.n_samples - self.n_test


@dataclasses.dataclass(frozen=True)
class SweepConfig:
    """Every activation on every data set, at several depths and seeds.

    ``table_depth`` is the depth that the accuracy table and the decision-region
    grid show; the explorer data covers every depth. ``record_epochs`` are the
    epochs after which the explorer stores each model's predictions.
    """

    datasets: tuple[str, ...] = DATASETS
    activations: tuple[str, ...] = ACTIVATIONS
    depths: tuple[int, ...] = (1, 3)
    width: int = 32
    seeds: tuple[int, ...] = SEEDS
    table_depth: int = 3
    data: SampleConfig = dataclasses.field(default_factory=SampleConfig)
    fit: FitConfig = dataclasses.field(default_factory=FitConfig)
    record_epochs: tuple[int, ...] = (1, 5, 20, 50, 150)
    explorer_grid_size: int = 64
    figure_grid_size: int = 200
    threads: int = 1

    def __post_init__(self) -> None:
        check_choices("datasets", self.datasets, DATASETS)
        check_choices("activations", self.activations, ACTIVATIONS)
        check_positive_ints("depths", self.depths)
        check_positive_int("width", self.width)
        check_seeds(self.seeds)
        if self.table_depth not in self.depths:
            raise ConfigError(
                f"table_depth must be one of depths {list(self.depths)}, "
                f"got {self.table_depth!r}."
            )
        check_epochs("record_epochs", self.record_epochs, self.fit.epochs)
        if self.record_epochs[-1] != self.fit.epochs:
            raise ConfigError(
                f"record_epochs must end with the last epoch, {self.fit.epochs}, "
                f"got {list(self.record_epochs)}."
            )
        check_grid_size("explorer_grid_size", self.explorer_grid_size)
        check_grid_size("figure_grid_size", self.figure_grid_size)
        check_positive_int("threads", self.threads)
        check_batch_size(self.fit, self.data)


@dataclasses.dataclass(frozen=True)
class CollapseConfig:
    """The article's linear network, multiplied out into one affine map.

    ``network`` must equal the configuration of the article's ``linear``
    experiment, so that the runner retrains exactly that network.
    """

    network: ExperimentConfig
    grid_size: int = 300
    threads: int = 1

    def __post_init__(self) -> None:
        if self.network.model.activation != "linear":
            raise ConfigError(
                "network must use the linear activation to collapse into one affine "
                f"map, got activation={self.network.model.activation!r}."
            )
        check_grid_size("grid_size", self.grid_size)
        check_positive_int("threads", self.threads)


@dataclasses.dataclass(frozen=True)
class RegionsConfig:
    """ReLU networks of several depths and widths, and their linear regions.

    Regions are counted on a ``grid_size`` by ``grid_size`` grid over the bounding
    box of the data. The map figure shows the network ``map_depth`` by
    ``map_width`` trained with the first seed.
    """

    dataset: str = "moons"
    depths: tuple[int, ...] = (1, 2, 3, 4)
    widths: tuple[int, ...] = (8, 16, 32)
    seeds: tuple[int, ...] = SEEDS[:3]
    data: SampleConfig = dataclasses.field(default_factory=SampleConfig)
    fit: FitConfig = dataclasses.field(default_factory=FitConfig)
    grid_size: int = 500
    map_depth: int = 2
    map_width: int = 16
    threads: int = 1

    def __post_init__(self) -> None:
        check_choices("dataset", (self.dataset,), DATASETS)
        check_positive_ints("depths", self.depths)
        check_positive_ints("widths", self.widths)
        check_seeds(self.seeds)
        check_grid_size("grid_size", self.grid_size)
        if self.map_depth not in self.depths or self.map_width not in self.widths:
            raise ConfigError(
                f"map_depth and map_width must be among depths {list(self.depths)} "
                f"and widths {list(self.widths)}, got map_depth={self.map_depth!r} "
                f"and map_width={self.map_width!r}."
            )
        check_positive_int("threads", self.threads)
        check_batch_size(self.fit, self.data)


@dataclasses.dataclass(frozen=True)
class EvolutionConfig:
    """One network whose decision boundary is recorded after every epoch.

    ``panel_epochs`` are the epochs of the small multiples (0 is before
    training). The animation shows every ``frame_step``-th epoch and the last.
    """

    dataset: str = "spirals"
    activation: str = "relu"
    hidden_layers: tuple[int, ...] = (32, 32, 32)
    seed: int = DEFAULT_SEED
    data: SampleConfig = dataclasses.field(default_factory=SampleConfig)
    fit: FitConfig = dataclasses.field(default_factory=FitConfig)
    panel_epochs: tuple[int, ...] = (0, 5, 20, 50, 100, 150)
    frame_step: int = 2
    grid_size: int = 150
    frames_per_second: int = 12
    threads: int = 1

    def __post_init__(self) -> None:
        check_choices("dataset", (self.dataset,), DATASETS)
        check_choices("activation", (self.activation,), ACTIVATIONS)
        check_positive_ints("hidden_layers", self.hidden_layers)
        check_seed("seed", self.seed)
        check_epochs("panel_epochs", self.panel_epochs, self.fit.epochs, first=0)
        check_positive_int("frame_step", self.frame_step)
        check_grid_size("grid_size", self.grid_size)
        check_positive_int("frames_per_second", self.frames_per_second)
        check_positive_int("threads", self.threads)
        check_batch_size(self.fit, self.data)


@dataclasses.dataclass(frozen=True)
class NoiseConfig:
    """The article's linear and ReLU networks on two moons with growing noise.

    Each seed draws its own data set, initial weights and sample order, and
    each noise level replaces ``data.noise``. ``models`` lists the activation
    and hidden-layer widths of each network.
    """

    noise_levels: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    seeds: tuple[int, ...] = SEEDS
    models: tuple[tuple[str, tuple[int, ...]], ...] = (
        ("linear", (50,)),
        ("relu", (200, 150, 100, 50)),
    )
    data: SampleConfig = dataclasses.field(default_factory=SampleConfig)
    fit: FitConfig = dataclasses.field(default_factory=lambda: FitConfig(epochs=50))
    threads: int = 1

    def __post_init__(self) -> None:
        if not self.noise_levels:
            raise ConfigError("noise_levels must list at least one noise level.")
        for noise in self.noise_levels:
            check_noise(noise)
        check_seeds(self.seeds)
        if not self.models:
            raise ConfigError("models must list at least one model.")
        for activation, hidden_layers in self.models:
            check_choices("models activation", (activation,), ACTIVATIONS)
            check_positive_ints("models hidden_layers", hidden_layers)
        check_positive_int("threads", self.threads)
        check_batch_size(self.fit, self.data)
