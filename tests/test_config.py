"""Tests of the configuration dataclasses: validation, split sizes, canonical JSON."""

from __future__ import annotations

import json

import pytest

from nonlinear.config import (
    DEFAULT_SEED,
    ConfigError,
    DataConfig,
    ExperimentConfig,
    ModelConfig,
    TrainConfig,
)


def _case(keywords: dict, message: str):
    """Return a table row whose test id shows the invalid keyword arguments."""
    name = ",".join(f"{key}={value!r}" for key, value in keywords.items())
    return pytest.param(keywords, message, id=name)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        _case({"n_samples": 0}, r"n_samples must be a positive integer, got 0\."),
        _case({"n_samples": -5}, r"n_samples must be a positive integer, got -5\."),
        _case(
            {"n_samples": 100.0},
            r"n_samples must be a positive integer, got 100\.0\.",
        ),
        _case({"n_samples": True}, r"n_samples must be a positive integer, got True\."),
        _case({"n_test": 0}, r"n_test must be a positive integer, got 0\."),
        _case({"n_test": False}, r"n_test must be a positive integer, got False\."),
        _case(
            {"n_samples": 100, "n_test": 100},
            r"n_test must be smaller than n_samples .* "
            r"got n_test=100 with n_samples=100",
        ),
        _case(
            {"n_samples": 100, "n_test": 150},
            r"got n_test=150 with n_samples=100",
        ),
        _case(
            {"validation_split": 1.0},
            r"validation_split must be in \[0, 1\), got 1\.0\.",
        ),
        _case(
            {"validation_split": -0.1},
            r"validation_split must be in \[0, 1\), got -0\.1\.",
        ),
        _case({"validation_split": float("nan")}, r"validation_split .* got nan\."),
        _case({"noise": -0.1}, r"noise must be between 0 and 10, got -0\.1; "),
        _case({"noise": float("nan")}, r"noise must be between 0 and 10, got nan; "),
        _case({"seed": -1}, r"seed must be an integer from 0 to 4294967295 \(scikit-learn's limit\), got -1\."),
        _case({"seed": 2**32}, r"seed must be an integer from 0 to 4294967295 .*, got 4294967296\."),
        _case({"noise": float("inf")}, r"noise must be between 0 and 10, got inf; "),
        _case({"noise": 1e300}, r"noise must be between 0 and 10, got 1e\+300; "),
        _case({"seed": True}, r"seed must be an integer from 0 to 4294967295 \(scikit-learn's limit\), got True\."),
        _case({"seed": 1.5}, r"seed must be an integer from 0 to 4294967295 \(scikit-learn's limit\), got 1\.5\."),
    ],
)
def test_data_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        DataConfig(**keywords)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        _case(
            {"hidden_layers": ()},
            r"hidden_layers must list at least one layer width\.",
        ),
        _case(
            {"hidden_layers": (8, 0)},
            r"hidden layer width must be a positive integer, got 0\.",
        ),
        _case({"hidden_layers": (True,)}, r"hidden layer width .* got True\."),
        _case({"hidden_layers": (8.0,)}, r"hidden layer width .* got 8\.0\."),
        _case(
            {"activation": "softmax"},
            r"Unknown activation 'softmax'; choose one of linear, relu",
        ),
        _case({"activation": "ReLU"}, r"Unknown activation 'ReLU'"),
        _case(
            {"head": "softmax"},
            r"Unknown head 'softmax'; "
            r"choose one of sigmoid_bce, sigmoid_squared_hinge\.",
        ),
    ],
)
def test_model_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        ModelConfig(**keywords)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        _case({"epochs": 0}, r"epochs must be a positive integer, got 0\."),
        _case({"epochs": -3}, r"epochs must be a positive integer, got -3\."),
        _case({"epochs": True}, r"epochs must be a positive integer, got True\."),
        _case({"epochs": 2.0}, r"epochs must be a positive integer, got 2\.0\."),
        _case({"batch_size": 0}, r"batch_size must be a positive integer, got 0\."),
        _case(
            {"batch_size": True},
            r"batch_size must be a positive integer, got True\.",
        ),
        _case({"learning_rate": 0.0}, r"learning_rate must be positive, got 0\.0\."),
        _case(
            {"learning_rate": -0.001},
            r"learning_rate must be positive, got -0\.001\.",
        ),
        _case(
            {"learning_rate": float("nan")},
            r"learning_rate must be positive, got nan\.",
        ),
        _case({"seed": -1}, r"seed must be an integer from 0 to 4294967295 \(scikit-learn's limit\), got -1\."),
        _case({"seed": False}, r"seed must be an integer from 0 to 4294967295 \(scikit-learn's limit\), got False\."),
    ],
)
def test_train_config_invalid(keywords, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**keywords)


@pytest.mark.parametrize(
    ("factory", "keywords", "message"),
    [
        (TrainConfig, {"learning_rate": "0.01"}, r"learning_rate .* got '0\.01'"),
        (DataConfig, {"validation_split": "0.2"}, r"validation_split .* got '0\.2'"),
        (DataConfig, {"noise": "0.1"}, r"noise .* got '0\.1'"),
    ],
    ids=["learning_rate", "validation_split", "noise"],
)
def test_config_non_numeric_value(factory, keywords, message):
    with pytest.raises(ConfigError, match=message):
        factory(**keywords)


def test_batch_size_above_training_set():
    data = DataConfig(n_samples=100, n_test=20, validation_split=0.25)
    with pytest.raises(
        ConfigError,
        match=r"batch_size=61 is larger than the 60 training samples; "
        r"use a smaller batch\.",
    ):
        ExperimentConfig(data=data, train=TrainConfig(batch_size=61))


def test_batch_size_equal_training_set():
    data = DataConfig(n_samples=100, n_test=20, validation_split=0.25)
    config = ExperimentConfig(data=data, train=TrainConfig(batch_size=60))
    assert config.train.batch_size == config.data.n_train


def test_config_error_is_value_error():
    assert issubclass(ConfigError, ValueError)


@pytest.mark.parametrize(
    ("n_samples", "n_test", "validation_split", "n_validation", "n_train"),
    [
        (1000, 250, 0.2, 150, 600),
        (200, 50, 0.2, 30, 120),
        (10, 3, 0.5, 3, 4),  # int() rounds 3.5 down, as Keras does
        (100, 20, 0.0, 0, 80),
    ],
)
def test_data_config_split_sizes(
    n_samples, n_test, validation_split, n_validation, n_train
):
    config = DataConfig(
        n_samples=n_samples, n_test=n_test, validation_split=validation_split
    )
    assert config.n_validation == n_validation
    assert config.n_train == n_train


def test_defaults_use_default_seed():
    config = ExperimentConfig()
    assert config.data.seed == DEFAULT_SEED
    assert config.train.seed == DEFAULT_SEED


def test_to_json_canonical():
    text = ExperimentConfig().to_json()
    assert " " not in text
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def test_to_json_round_trips_values():
    config = ExperimentConfig(
        data=DataConfig(n_samples=300, n_test=60, noise=0.1, seed=7),
        model=ModelConfig(hidden_layers=(16, 8), activation="linear"),
        train=TrainConfig(epochs=3, batch_size=10, learning_rate=0.01, seed=9),
    )
    value = json.loads(config.to_json())
    assert value["data"] == {
        "n_samples": 300,
        "n_test": 60,
        "validation_split": 0.2,
        "noise": 0.1,
        "seed": 7,
    }
    assert value["model"]["hidden_layers"] == [16, 8]
    assert value["train"]["seed"] == 9


def test_to_json_differs_by_seed():
    first = ExperimentConfig(train=TrainConfig(seed=1)).to_json()
    second = ExperimentConfig(train=TrainConfig(seed=2)).to_json()
    assert first != second


def test_config_frozen():
    config = TrainConfig()
    with pytest.raises(AttributeError, match="epochs"):
        config.epochs = 3
