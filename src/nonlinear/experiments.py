"""The experiments of the site, declared as data.

Each experiment names its configuration, the function that runs it (as a
``"module:function"`` string, so that listing experiments imports neither
TensorFlow nor matplotlib) and the figures it writes, with their captions and alt
text. Captions and alt text may refer to the experiment's metrics with
``str.format`` fields such as ``{test_accuracy:.1%}``; the site fills them in.
"""

from __future__ import annotations

from collections.abc import Iterable

from nonlinear.atlas.registry import ATLAS_EXPERIMENTS
from nonlinear.config import (
    DEFAULT_SEED,
    ConfigError,
    DataConfig,
    ExperimentConfig,
    ModelConfig,
)
from nonlinear.specs import Experiment, FigureSpec


def _training_experiment(
    name: str,
    description: str,
    hidden_layers: tuple[int, ...],
    activation: str,
    head: str,
    label: str,
) -> Experiment:
    config = ExperimentConfig(
        model=ModelConfig(hidden_layers=hidden_layers, activation=activation, head=head)
    )
    shape = " → ".join(str(width) for width in hidden_layers)
    figures = (
        FigureSpec(
            name=f"decision-regions-{name}",
            caption=(
                f"Decision regions of the {label} ({shape} hidden units) on the "
                "{n_test} test samples. Test accuracy {test_accuracy:.1%}."
            ),
            alt=(
                f"Two-moons test samples in blue squares and orange triangles over the "
                f"regions that the {label} assigns to each class; "
                "it classifies {test_accuracy:.1%} of them correctly."
            ),
        ),
        FigureSpec(
            name=f"training-curves-{name}",
            caption=(
                f"Loss and accuracy of the {label} per epoch on the training and the "
                "validation set, over {epochs} epochs."
            ),
            alt=(
                f"Two line charts over {{epochs}} epochs for the {label}: loss falling "
                "to {train_loss:.3g} and accuracy reaching {train_accuracy:.1%} on the "
                "training set, {validation_accuracy:.1%} on the validation set."
            ),
        ),
    )
    return Experiment(
        name=name,
        description=description,
        runner="nonlinear.runners.training:run_training",
        config=config,
        figures=figures,
        uses_tensorflow=True,
    )


ARTICLE_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        name="dataset",
        description="Scatter plot of the two-moons training data",
        runner="nonlinear.runners.dataset:run_dataset",
        config=DataConfig(),
        figures=(
            FigureSpec(
                name="moons-training-data",
                caption=(
                    "The {n_train} training samples of the two-moons data set, "
                    "coloured by class."
                ),
                alt=(
                    "Scatter plot of two interleaving half circles: class 0 in blue "
                    "squares arcs over the top, class 1 in orange triangles arcs "
                    "underneath, and no straight line separates them."
                ),
            ),
        ),
    ),
    Experiment(
        name="activations",
        description="Plots of the linear and the ReLU activation functions",
        runner="nonlinear.runners.activations:run_activations",
        config={"activations": ["linear", "relu"], "range": [-4.0, 4.0]},
        figures=(
            FigureSpec(
                name="activation-linear",
                caption="The linear activation f(z) = z passes its input through.",
                alt="A straight line through the origin with slope one.",
            ),
            FigureSpec(
                name="activation-relu",
                caption="ReLU, f(z) = max(0, z), is zero for negative inputs.",
                alt=(
                    "A line that is flat at zero for negative z and rises with slope "
                    "one for positive z, with a kink at the origin."
                ),
            ),
        ),
    ),
    Experiment(
        name="diagrams",
        description="Diagrams of a network and of a single neuron",
        runner="nonlinear.runners.diagrams:run_diagrams",
        config={"network": [2, 5, 1], "neuron_inputs": 3},
        figures=(
            FigureSpec(
                name="diagram-network",
                caption="A network as a system of layers: input, hidden and output.",
                alt=(
                    "Two yellow input neurons, five blue hidden neurons and one red "
                    "output neuron, each connected to every neuron of the next layer."
                ),
            ),
            FigureSpec(
                name="diagram-neuron",
                caption=(
                    "One neuron: a weighted sum of its inputs plus a bias, passed "
                    "through an activation function."
                ),
                alt=(
                    "Three inputs x1 to x3 with weights w1 to w3 feed a summation "
                    "node that also takes a bias b; its output z goes through the "
                    "activation f to give a = f(z)."
                ),
            ),
        ),
    ),
    _training_experiment(
        "linear",
        "Linear network: one hidden layer, linear activation",
        (50,), "linear", "sigmoid_bce", "linear network",
    ),
    _training_experiment(
        "relu",
        "ReLU network: four hidden layers",
        (200, 150, 100, 50), "relu", "sigmoid_bce", "ReLU network",
    ),
    _training_experiment(
        "original-linear",
        "Linear network as the original article configures it (squared hinge)",
        (50,), "linear", "sigmoid_squared_hinge",
        "linear network in the original configuration",
    ),
    _training_experiment(
        "original-relu",
        "ReLU network as the original article configures it (squared hinge)",
        (200, 150, 100, 50), "relu", "sigmoid_squared_hinge",
        "ReLU network in the original configuration",
    ),
)

#: Every experiment of the site by name, in the order they are listed and run.
EXPERIMENTS: dict[str, Experiment] = {
    experiment.name: experiment for experiment in ARTICLE_EXPERIMENTS + ATLAS_EXPERIMENTS
}

#: Seed shared by every experiment of the site.
SEED = DEFAULT_SEED


def select(names: Iterable[str] | None = None) -> list[Experiment]:
    """Return the experiments with the given names, in registry order.

    Args:
        names: Experiment names; ``None`` selects all of them.

    Raises:
        ConfigError: If a name is not a registered experiment.
    """
    if names is None:
        return list(EXPERIMENTS.values())
    names = list(names)
    unknown = [name for name in names if name not in EXPERIMENTS]
    if unknown:
        raise ConfigError(
            f"Unknown experiment {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(EXPERIMENTS)} (see `python -m nonlinear list`)."
        )
    return [experiment for name, experiment in EXPERIMENTS.items() if name in names]


def figure_specs() -> dict[str, tuple[Experiment, FigureSpec]]:
    """Return every published figure by name, with the experiment that writes it."""
    return {
        spec.name: (experiment, spec)
        for experiment in EXPERIMENTS.values()
        for spec in experiment.figures
    }
