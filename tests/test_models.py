"""Tests of the Keras models: layers, output shape, compilation, no warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nonlinear.config import ExperimentConfig, ModelConfig, TrainConfig
from nonlinear.experiments import EXPERIMENTS

# Every test here imports TensorFlow, which takes about 5 s the first time.
pytestmark = pytest.mark.slow

# The experiments that build Keras models; the atlas trains its own batched networks.
TRAINING_EXPERIMENTS = [
    experiment for experiment in EXPERIMENTS.values()
    if isinstance(experiment.config, ExperimentConfig)
]


def test_training_experiments_exist():
    names = [experiment.name for experiment in TRAINING_EXPERIMENTS]
    assert {"linear", "relu", "original-linear", "original-relu"} <= set(names)


@pytest.mark.parametrize(
    "experiment", TRAINING_EXPERIMENTS, ids=[e.name for e in TRAINING_EXPERIMENTS]
)
def test_build_model_no_warnings(keras_module, experiment):
    from nonlinear.models import build_model, compile_model

    config = experiment.config
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = build_model(config.model)
        compile_model(model, config.model.head, config.train)
        model(np.zeros((2, 2), dtype=np.float32))
    assert [str(warning.message) for warning in caught] == []


@pytest.mark.parametrize(
    "experiment", TRAINING_EXPERIMENTS, ids=[e.name for e in TRAINING_EXPERIMENTS]
)
def test_build_model_starts_with_input(keras_module, experiment):
    from nonlinear.models import build_model

    model = build_model(experiment.config.model)
    # A Sequential model built from keras.Input is built at once, with a known input.
    assert model.built
    assert tuple(model.inputs[0].shape) == (None, 2)


@pytest.mark.parametrize(
    "experiment", TRAINING_EXPERIMENTS, ids=[e.name for e in TRAINING_EXPERIMENTS]
)
def test_build_model_layer_widths(keras_module, experiment):
    from nonlinear.models import build_model

    config = experiment.config.model
    model = build_model(config)
    widths = [layer.units for layer in model.layers]
    assert widths == [*config.hidden_layers, 1]


def test_build_model_layer_settings(keras_module):
    from nonlinear.models import build_model

    config = ModelConfig(hidden_layers=(4, 3), activation="linear")
    model = build_model(config)
    hidden = model.layers[:-1]
    assert [layer.name for layer in model.layers] == ["hidden_1", "hidden_2", "output"]
    assert all(layer.activation.__name__ == "linear" for layer in hidden)
    assert model.layers[-1].activation.__name__ == "sigmoid"
    assert all(
        type(layer.kernel_initializer).__name__ == "HeUniform" for layer in hidden
    )
    assert model.name == "mlp_linear"


def test_build_model_output_in_unit_interval(keras_module):
    from nonlinear.models import build_model

    keras_module.utils.set_random_seed(0)
    model = build_model(ModelConfig(hidden_layers=(5,)))
    X = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32) * 10
    outputs = model(X).numpy()
    assert outputs.shape == (7, 1)
    assert np.all((outputs > 0) & (outputs < 1))


def test_build_model_n_features(keras_module):
    from nonlinear.models import build_model

    model = build_model(ModelConfig(hidden_layers=(5,)), n_features=3)
    assert tuple(model.inputs[0].shape) == (None, 3)
    assert model.count_params() == 3 * 5 + 5 + 5 + 1


@pytest.mark.parametrize(
    ("head", "loss"),
    [
        ("sigmoid_bce", "binary_crossentropy"),
        ("sigmoid_squared_hinge", "squared_hinge"),
    ],
)
def test_compile_model_loss(keras_module, head, loss):
    from nonlinear.models import build_model, compile_model

    model = build_model(ModelConfig(hidden_layers=(2,), head=head))
    compiled = compile_model(model, head, TrainConfig(learning_rate=0.005))
    assert compiled is model
    assert model.loss == loss
    assert float(model.optimizer.learning_rate) == pytest.approx(0.005)
    assert type(model.optimizer).__name__ == "Adam"
