"""The atlas experiments, declared as data for :mod:`nonlinear.experiments`.

Captions and alt text take computed numbers from each experiment's metrics
through ``str.format`` fields; settings fixed here are written in directly.
"""

from __future__ import annotations

from nonlinear.atlas.config import (
    CollapseConfig,
    EvolutionConfig,
    NoiseConfig,
    RegionsConfig,
    SweepConfig,
)
from nonlinear.config import ExperimentConfig, ModelConfig
from nonlinear.specs import Experiment, FigureSpec

_SWEEP = SweepConfig()
_REGIONS = RegionsConfig()
_EVOLUTION = EvolutionConfig()
_NOISE = NoiseConfig()


def _join(values) -> str:
    """Join values as English: "1, 2 and 3"."""
    values = [str(value) for value in values]
    return (
        values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]
    )


_SWEEP_FIGURES = (
    FigureSpec(
        name="atlas-sweep-accuracy",
        caption=(
            "Mean test accuracy over {n_seeds} seeds of each activation on each data "
            f"set, one panel each for {_join(_SWEEP.depths)} hidden layers of "
            "{width} units."
        ),
        alt=(
            f"{len(_SWEEP.depths)} heatmaps side by side, activations as rows and "
            "data sets as columns, each cell labelled with its mean test accuracy; "
            "the colour runs from dark blue at 50% to yellow at 100%."
        ),
    ),
    FigureSpec(
        name="atlas-sweep-decision-regions",
        caption=(
            "Decision regions of each activation (rows) on each data set (columns), "
            "for networks of {table_depth} hidden layers of {width} units trained "
            "for {epochs} epochs with seed {first_seed}. The number in a panel is "
            "that network's test accuracy."
        ),
        alt=(
            f"A grid of {len(_SWEEP.activations) * len(_SWEEP.datasets)} small panels, "
            "one row per activation and one column per data set, each shading the "
            "regions that one network assigns to the two classes under the test "
            "samples. In the linear row every boundary is a single straight line; "
            "in the other rows boundaries bend around the moons, circles, XOR "
            "quadrants and spirals wherever training succeeded."
        ),
    ),
)

_COLLAPSE_FIGURES = (
    FigureSpec(
        name="atlas-collapse-boundaries",
        caption=(
            "The linear network's decision regions on the {n_test} test samples, "
            "with the boundary of the single affine map its layers multiply out to "
            "(solid) and the boundary of scikit-learn's logistic regression "
            "(dashed). The two lines differ in direction by "
            "{boundary_angle_degrees:.1f} degrees; test accuracy "
            "{network_test_accuracy:.1%} for the network and "
            "{logistic_test_accuracy:.1%} for logistic regression."
        ),
        alt=(
            "Two-moons test samples over two shaded half-planes. A solid black "
            "straight line, the collapsed network's boundary, separates the "
            "half-planes, and a dashed orange-red straight line, the logistic "
            "regression boundary, runs close to it; both cut through the tips of "
            "the moons."
        ),
    ),
)

_REGIONS_FIGURES = (
    FigureSpec(
        name="atlas-linear-regions-map",
        caption=(
            "The input plane coloured by the activation pattern of a ReLU network "
            "with {map_depth} hidden layers of {map_width} units, trained on "
            "{dataset_label}: each patch is one linear region, where the network "
            "computes a single affine function. {map_regions} patterns appear on "
            "the grid over the data's box; the black line is the decision boundary."
        ),
        alt=(
            "A mosaic of {map_regions} coloured patches with straight edges, many "
            "of them thin slivers meeting near the centre, covering the plane under "
            "the test samples. A thick black decision boundary made of straight "
            "segments bends where it crosses from one patch into the next."
        ),
    ),
    FigureSpec(
        name="atlas-linear-regions-growth",
        caption=(
            "Linear regions counted on a {grid_size} by {grid_size} grid over the "
            "data's box, against the number of hidden layers, for "
            f"{_join(_REGIONS.widths)} units per layer: after training (solid, mean "
            "and standard deviation over {n_seeds} seeds) and before training "
            "(dotted)."
        ),
        alt=(
            f"Line chart with a logarithmic y axis: {len(_REGIONS.widths) * 2} lines "
            "of region counts against 1 to "
            f"{max(_REGIONS.depths)} hidden layers, a solid and a dotted line per "
            "width, wider networks higher up."
        ),
    ),
)

_EVOLUTION_FIGURES = (
    FigureSpec(
        name="atlas-training-epochs",
        caption=(
            "Decision regions of a {activation_label} network on {dataset_label} "
            f"before training and after epochs {_join(_EVOLUTION.panel_epochs[1:])}, "
            "with the test accuracy above each panel; it ends at {test_accuracy:.1%}."
        ),
        alt=(
            f"{len(_EVOLUTION.panel_epochs)} panels of the same two-spirals test "
            "samples over the network's class regions: before training the regions "
            "are straight-edged wedges around the centre, then the boundary is "
            "nearly straight, and epoch by epoch it winds further along the spiral "
            "arms."
        ),
    ),
    FigureSpec(
        name="atlas-training-animation",
        caption=(
            "Animation of the decision regions of the same network in "
            "{animation_frames} frames, one every {frame_step} epochs, from before "
            "training to epoch {epochs}, with the test accuracy of each frame."
        ),
        alt=(
            "Animation of the same network's decision regions on the two-spirals "
            "test samples, one frame every {frame_step} epochs: the boundary starts "
            "as straight wedges, straightens into a single curve, and then winds "
            "along the spiral arms until the blue and orange regions follow the two "
            "arms."
        ),
        formats=("gif",),
    ),
)

_NOISE_FIGURES = (
    FigureSpec(
        name="atlas-noise-accuracy",
        caption=(
            "Test accuracy on two moons against the standard deviation of the noise "
            "added to the samples, for the article's linear and ReLU architectures "
            "trained for {epochs} epochs: mean over {n_seeds} seeds (line) and one "
            "standard deviation either side (band)."
        ),
        alt=(
            "Line chart of test accuracy against noise from "
            f"{min(_NOISE.noise_levels)} to {max(_NOISE.noise_levels)}: the ReLU "
            "line starts near 100% and the linear line lower, and both fall as the "
            "noise grows, the gap between them narrowing."
        ),
    ),
)

#: Experiments beyond the original article, in the order the site lists them.
ATLAS_EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        name="atlas-sweep",
        description="Eight activations on five data sets, two depths, five seeds",
        runner="nonlinear.runners.atlas_sweep:run_sweep",
        config=_SWEEP,
        figures=_SWEEP_FIGURES,
        uses_tensorflow=True,
    ),
    Experiment(
        name="atlas-collapse",
        description="The article's linear network multiplied out into one affine map",
        runner="nonlinear.runners.atlas_collapse:run_collapse",
        # The article's ``linear`` experiment; a test checks that they agree.
        config=CollapseConfig(
            network=ExperimentConfig(
                model=ModelConfig(
                    hidden_layers=(50,), activation="linear", head="sigmoid_bce"
                )
            )
        ),
        figures=_COLLAPSE_FIGURES,
        uses_tensorflow=True,
    ),
    Experiment(
        name="atlas-regions",
        description="Linear regions of ReLU networks of several depths and widths",
        runner="nonlinear.runners.atlas_regions:run_regions",
        config=_REGIONS,
        figures=_REGIONS_FIGURES,
        uses_tensorflow=True,
    ),
    Experiment(
        name="atlas-training",
        description="Decision boundary of one network after every epoch, and a GIF",
        runner="nonlinear.runners.atlas_training:run_evolution",
        config=_EVOLUTION,
        figures=_EVOLUTION_FIGURES,
        uses_tensorflow=True,
    ),
    Experiment(
        name="atlas-noise",
        description="Linear and ReLU networks on two moons with growing noise",
        runner="nonlinear.runners.atlas_noise:run_noise",
        config=_NOISE,
        figures=_NOISE_FIGURES,
        uses_tensorflow=True,
    ),
)
