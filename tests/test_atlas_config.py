"""Tests of the atlas settings: defaults, validation messages, canonical JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest

from nonlinear.atlas.config import (
    ACTIVATION_LABELS,
    ACTIVATIONS,
    DATASET_LABELS,
    DATASETS,
    SEEDS,
    CollapseConfig,
    EvolutionConfig,
    FitConfig,
    NoiseConfig,
    RegionsConfig,
    SampleConfig,
    SweepConfig,
)
from nonlinear.config import DEFAULT_SEED, ConfigError, ExperimentConfig, ModelConfig
from nonlinear.specs import Experiment


def test_labels_cover_every_name():
    assert list(ACTIVATION_LABELS) == list(ACTIVATIONS)
    assert list(DATASET_LABELS) == list(DATASETS)


def test_seeds_start_at_site_seed():
    assert SEEDS == (42, 43, 44, 45, 46)
    assert SEEDS[0] == DEFAULT_SEED


def test_sample_config_default_split():
    config = SampleConfig()
    assert config.n_train == 768
    assert config.n_train % FitConfig().batch_size == 0


def test_sweep_default_size():
    config = SweepConfig()
    count = (
        len(config.datasets)
        * len(config.activations)
        * len(config.depths)
        * len(config.seeds)
    )
    assert count == 400
    assert {1, 3} <= set(config.depths)
    assert config.record_epochs[-1] == config.fit.epochs


@pytest.mark.parametrize(
    ("factory", "keywords", "message"),
    [
        (FitConfig, {"epochs": 0}, r"epochs must be a positive integer, got 0\."),
        (
            FitConfig,
            {"batch_size": 2.5},
            r"batch_size must be a positive integer, got 2\.5\.",
        ),
        (
            FitConfig,
            {"learning_rate": 0.0},
            r"learning_rate must be positive, got 0\.0\.",
        ),
        (
            FitConfig,
            {"learning_rate": float("nan")},
            r"learning_rate must be positive, got nan\.",
        ),
        (
            SampleConfig,
            {"n_samples": True},
            r"n_samples must be a positive integer, got True\.",
        ),
        (
            SampleConfig,
            {"n_test": 1024},
            r"n_test must be smaller than n_samples, got n_test=1024",
        ),
        (
            SampleConfig,
            {"noise": -0.1},
            r"noise must be a non-negative number, got -0\.1\.",
        ),
        (
            SampleConfig,
            {"noise": "0.1"},
            r"noise must be a non-negative number, got '0\.1'\.",
        ),
        (SampleConfig, {"seed": -1}, r"seed must be a non-negative integer, got -1\."),
    ],
    ids=[
        "epochs",
        "batch-float",
        "lr-zero",
        "lr-nan",
        "samples-bool",
        "test-size",
        "noise-negative",
        "noise-string",
        "seed",
    ],
)
def test_basic_config_invalid(factory, keywords, message):
    with pytest.raises(ConfigError, match=message):
        factory(**keywords)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        (
            {"datasets": ("moons", "rings")},
            r"Unknown datasets value 'rings'; choose from moons",
        ),
        ({"datasets": ()}, r"datasets must list at least one value\."),
        (
            {"activations": ("relu", "relu")},
            r"activations must not repeat a value, got \['relu', 'relu'\]",
        ),
        ({"activations": ("swish",)}, r"Unknown activations value 'swish'"),
        ({"depths": (1, 0)}, r"each of depths must be a positive integer, got 0\."),
        ({"width": -3}, r"width must be a positive integer, got -3\."),
        ({"seeds": ()}, r"seeds must list at least one seed\."),
        ({"seeds": (1, 1)}, r"seeds must be distinct, got \[1, 1\]\."),
        ({"seeds": (1, -2)}, r"each seed must be a non-negative integer, got -2\."),
        ({"table_depth": 2}, r"table_depth must be one of depths \[1, 3\], got 2\."),
        (
            {"record_epochs": (0, 150)},
            r"each of record_epochs must be an integer from 1 to the 150 epochs",
        ),
        ({"record_epochs": (1, 151)}, r"got 151\."),
        (
            {"record_epochs": (20, 5)},
            r"record_epochs must be increasing, got \[20, 5\]\.",
        ),
        ({"record_epochs": ()}, r"record_epochs must list at least one epoch\."),
        (
            {"explorer_grid_size": 1},
            r"explorer_grid_size must be an integer of at least 2, got 1\.",
        ),
        (
            {"record_epochs": (1, 5)},
            r"record_epochs must end with the last epoch, 150, got \[1, 5\]\.",
        ),
        ({"threads": 0}, r"threads must be a positive integer, got 0\."),
        (
            {"data": SampleConfig(n_samples=40, n_test=20)},
            r"batch_size=32 is larger than the 20 training samples",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_sweep_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        SweepConfig(**keywords)


def test_collapse_config_rejects_nonlinear_network():
    network = ExperimentConfig(model=ModelConfig(activation="relu"))
    with pytest.raises(
        ConfigError,
        match=r"network must use the linear activation .* got activation='relu'\.",
    ):
        CollapseConfig(network=network)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"dataset": "rings"}, r"Unknown dataset value 'rings'"),
        ({"widths": (8, 0)}, r"each of widths must be a positive integer, got 0\."),
        (
            {"map_depth": 5},
            r"map_depth and map_width must be among depths \[1, 2, 3, 4\] .* "
            r"got map_depth=5",
        ),
        ({"map_width": 7}, r"got map_depth=2 and map_width=7\."),
        ({"grid_size": 1.5}, r"grid_size must be an integer of at least 2, got 1\.5\."),
    ],
)
def test_regions_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        RegionsConfig(**keywords)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"activation": "softplus"}, r"Unknown activation value 'softplus'"),
        ({"hidden_layers": ()}, r"hidden_layers must list at least one value\."),
        ({"seed": 1.0}, r"seed must be a non-negative integer, got 1\.0\."),
        (
            {"panel_epochs": (0, 200)},
            r"from 0 to the 150 epochs of training, got 200\.",
        ),
        ({"frame_step": 0}, r"frame_step must be a positive integer, got 0\."),
    ],
)
def test_evolution_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        EvolutionConfig(**keywords)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"noise_levels": ()}, r"noise_levels must list at least one noise level\."),
        (
            {"noise_levels": (0.1, -0.2)},
            r"noise must be a non-negative number, got -0\.2\.",
        ),
        ({"models": ()}, r"models must list at least one model\."),
        ({"models": (("tanhh", (8,)),)}, r"Unknown models activation value 'tanhh'"),
        (
            {"models": (("relu", (8, 0)),)},
            r"each of models hidden_layers must be a positive integer, got 0\.",
        ),
    ],
)
def test_noise_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        NoiseConfig(**keywords)


@pytest.mark.parametrize(
    "config",
    [SweepConfig(), RegionsConfig(), EvolutionConfig(), NoiseConfig()],
    ids=["sweep", "regions", "evolution", "noise"],
)
def test_configs_serialise_for_cache_key(config):
    text = Experiment("x", "d", "m:f", config=config).config_json()
    assert json.loads(text) == json.loads(json.dumps(dataclasses.asdict(config)))
    assert " " not in text


def test_configs_frozen():
    config = SweepConfig()
    with pytest.raises(dataclasses.FrozenInstanceError, match="width"):
        config.width = 64
