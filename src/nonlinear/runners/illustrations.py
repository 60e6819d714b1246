"""Runners of the figures that need no data: activation plots and diagrams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nonlinear.diagrams import plot_network_diagram, plot_neuron_diagram
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


def run_diagrams(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Draw the network and the neuron diagrams."""
    config = experiment.config
    save_figure(plot_network_diagram(config["network"]), output_dir, "diagram-network")
    save_figure(
        plot_neuron_diagram(config["neuron_inputs"]), output_dir, "diagram-neuron"
    )
    return {"network": list(config["network"]), "neuron_inputs": config["neuron_inputs"]}
