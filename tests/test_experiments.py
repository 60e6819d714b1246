"""Tests of the experiment registry: names, figures, captions, runners, selection."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import subprocess
import sys

import pytest

from nonlinear import cache
from nonlinear.config import DEFAULT_SEED, ConfigError, DataConfig, ExperimentConfig
from nonlinear.experiments import (
    ARTICLE_EXPERIMENTS,
    EXPERIMENTS,
    SEED,
    Experiment,
    FigureSpec,
    figure_specs,
    select,
)

ALL = list(EXPERIMENTS.values())
IDS = [experiment.name for experiment in ALL]
FIGURES = [(experiment, spec) for experiment in ALL for spec in experiment.figures]
FIGURE_IDS = [spec.name for _, spec in FIGURES]
# Captions of the atlas are checked against real runner metrics in test_atlas_runners.
ARTICLE_FIGURES = [
    (experiment, spec) for experiment in ARTICLE_EXPERIMENTS for spec in experiment.figures
]


def test_registry_keys_are_names():
    for name, experiment in EXPERIMENTS.items():
        assert experiment.name == name


def test_registry_article_experiments_first():
    assert list(EXPERIMENTS)[:7] == [
        "dataset", "activations", "diagrams",
        "linear", "relu", "original-linear", "original-relu",
    ]


@pytest.mark.parametrize("name", IDS)
def test_experiment_name_pattern(name):
    assert re.fullmatch(r"[a-z0-9-]+", name)


def test_figure_names_unique():
    names = [spec.name for _, spec in FIGURES]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert duplicates == []


@pytest.mark.parametrize("name", FIGURE_IDS)
def test_figure_name_pattern(name):
    assert re.fullmatch(r"[a-z0-9-]+", name)


def test_figure_specs_cover_every_figure():
    specs = figure_specs()
    assert sorted(specs) == sorted(FIGURE_IDS)
    for name, (experiment, spec) in specs.items():
        assert spec in experiment.figures, name


@pytest.mark.parametrize(
    ("experiment", "spec"), ARTICLE_FIGURES, ids=[spec.name for _, spec in ARTICLE_FIGURES]
)
def test_caption_formats_with_runner_metrics(
    experiment, spec, training_metrics, runner_metrics
):
    if experiment.uses_tensorflow:
        metrics = training_metrics
    else:
        metrics = runner_metrics[experiment.name]
    caption = spec.caption.format(**metrics)
    alt = spec.alt.format(**metrics)
    assert "{" not in caption
    assert "{" not in alt


@pytest.mark.parametrize(("experiment", "spec"), FIGURES, ids=FIGURE_IDS)
def test_caption_and_alt_not_empty(experiment, spec):
    assert spec.caption.strip()
    assert spec.alt.strip()


def test_training_caption_values(training_metrics):
    spec = figure_specs()["decision-regions-linear"][1]
    caption = spec.caption.format(**training_metrics)
    assert "on the 250 test samples" in caption
    assert "Test accuracy 88.0%." in caption


def test_training_curves_alt_values(training_metrics):
    spec = figure_specs()["training-curves-relu"][1]
    alt = spec.alt.format(**training_metrics)
    assert "over 50 epochs" in alt
    assert "87.0% on the validation set" in alt


def test_decision_regions_caption_shows_widths():
    spec = figure_specs()["decision-regions-relu"][1]
    assert "200 → 150 → 100 → 50 hidden units" in spec.caption


@pytest.mark.parametrize("experiment", ALL, ids=IDS)
def test_runner_function_defined(experiment):
    module_name, _, function_name = experiment.runner.partition(":")
    assert experiment.runner_module == module_name
    tree = ast.parse(cache.module_path(module_name).read_text(encoding="utf-8"))
    functions = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef)
    }
    assert function_name in functions


@pytest.mark.parametrize("experiment", ALL, ids=IDS)
def test_uses_tensorflow_flag_truthful(experiment):
    modules = cache.project_modules(experiment.runner_module)
    sources = [path.read_text(encoding="utf-8") for path in modules.values()]
    imports = cache.third_party_imports(sources)
    assert bool(imports & {"tensorflow", "keras"}) == experiment.uses_tensorflow


def test_training_experiments_seeded():
    for experiment in ALL:
        if isinstance(experiment.config, ExperimentConfig):
            assert experiment.config.train.seed == SEED, experiment.name
            assert experiment.config.data.seed == SEED, experiment.name
    assert SEED == DEFAULT_SEED


def test_import_loads_no_heavy_package():
    code = (
        "import sys, nonlinear.experiments\n"
        "heavy = {'tensorflow', 'keras', 'matplotlib', 'sklearn'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_select_all_in_registry_order():
    assert select(None) == ALL


def test_select_keeps_registry_order():
    selected = select(["relu", "dataset"])
    assert [experiment.name for experiment in selected] == ["dataset", "relu"]


def test_select_duplicates_once():
    assert [experiment.name for experiment in select(["relu", "relu"])] == ["relu"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["nosuch"], r"Unknown experiment 'nosuch'; choose from dataset, activations"),
        (["relu", "nosuch", "other"], r"Unknown experiment 'nosuch', 'other';"),
        (["Relu"], r"Unknown experiment 'Relu'"),
    ],
    ids=["one", "two", "case"],
)
def test_select_unknown(names, message):
    with pytest.raises(ConfigError, match=message):
        select(names)


def test_select_unknown_points_to_list():
    with pytest.raises(ConfigError, match=r"see `python -m nonlinear list`"):
        select(["nosuch"])


def test_config_json_experiment_config():
    experiment = EXPERIMENTS["relu"]
    assert experiment.config_json() == experiment.config.to_json()


def test_config_json_dict_canonical():
    experiment = Experiment("x", "d", "m:f", config={"b": [1, 2], "a": 1})
    assert experiment.config_json() == '{"a":1,"b":[1,2]}'


def test_config_json_plain_dataclass():
    config = DataConfig(n_samples=10, n_test=2)
    experiment = Experiment("x", "d", "m:f", config=config)
    value = dataclasses.asdict(config)
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"))
    assert experiment.config_json() == expected


def test_config_json_differs_between_experiments():
    texts = [experiment.config_json() for experiment in ALL]
    assert len(set(texts)) == len(texts)


def test_figure_spec_frozen():
    spec = FigureSpec("name", "caption", "alt")
    with pytest.raises(dataclasses.FrozenInstanceError, match="name"):
        spec.name = "other"
