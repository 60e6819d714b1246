"""Runner of the ``activations`` experiment: plots of the activation functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nonlinear.figures import save_figure
from nonlinear.plotting import plot_activation

#: Activation functions that the article plots, by their Keras names.
ACTIVATION_FUNCTIONS = {
    "linear": ("Linear", lambda z: z),
    "relu": ("ReLU", lambda z: np.maximum(0.0, z)),
}


def run_activations(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Plot each activation function named in the configuration."""
    for name in experiment.config["activations"]:
        label, function = ACTIVATION_FUNCTIONS[name]
        save_figure(plot_activation(label, function), output_dir, f"activation-{name}")
    return {"activations": list(experiment.config["activations"])}
