"""Runner of the ``diagrams`` experiment: the network and the neuron diagrams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nonlinear.diagrams import plot_network_diagram, plot_neuron_diagram
from nonlinear.figures import save_figure


def run_diagrams(experiment: Any, output_dir: Path, progress: Any = None) -> dict:
    """Draw the network and the neuron diagrams."""
    config = experiment.config
    save_figure(plot_network_diagram(config["network"]), output_dir, "diagram-network")
    save_figure(
        plot_neuron_diagram(config["neuron_inputs"]), output_dir, "diagram-neuron"
    )
    return {"network": list(config["network"]), "neuron_inputs": config["neuron_inputs"]}
