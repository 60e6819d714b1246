"""Keras models of the article: multilayer perceptrons with one output unit.

Models start from ``keras.Input`` (Keras 3 warns about ``input_shape=`` on the
first layer) and are compiled the way the original article compiles them: Adam,
the head's loss, and Keras' own ``"accuracy"`` metric, kept only so that the
pipeline can report what Keras would have printed.
"""

from __future__ import annotations

import keras

from nonlinear.config import ModelConfig, TrainConfig

#: Output activation and Keras loss name of each head.
_HEAD_LAYERS = {
    "sigmoid_bce": ("sigmoid", "binary_crossentropy"),
    "sigmoid_squared_hinge": ("sigmoid", "squared_hinge"),
}


def build_model(config: ModelConfig, n_features: int = 2) -> keras.Model:
    """Build an uncompiled multilayer perceptron.

    Args:
        config: Hidden-layer widths, their activation, the output head and the
            kernel initialiser.
        n_features: Number of input features.

    Returns:
        A ``keras.Sequential`` model mapping (batch, n_features) to (batch, 1).
    """
    output_activation, _ = _HEAD_LAYERS[config.head]
    layers = [keras.Input(shape=(n_features,))]
    for index, width in enumerate(config.hidden_layers):
        layers.append(
            keras.layers.Dense(
                width,
                activation=config.activation,
                kernel_initializer=config.kernel_initializer,
                name=f"hidden_{index + 1}",
            )
        )
    layers.append(keras.layers.Dense(1, activation=output_activation, name="output"))
    return keras.Sequential(layers, name=f"mlp_{config.activation}")


def compile_model(model: keras.Model, head: str, train: TrainConfig) -> keras.Model:
    """Compile a model with Adam, the head's loss and Keras' ``"accuracy"`` metric.

    Returns:
        The same model, compiled.
    """
    _, loss = _HEAD_LAYERS[head]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=train.learning_rate),
        loss=loss,
        metrics=["accuracy"],
    )
    return model
