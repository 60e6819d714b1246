"""Tests of the atlas registry: names, figures, texts and the collapse configuration."""

from __future__ import annotations

import re
import string

import pytest

from nonlinear.atlas.registry import ATLAS_EXPERIMENTS
from nonlinear.experiments import ARTICLE_EXPERIMENTS, EXPERIMENTS

FIGURES = [
    (experiment, spec)
    for experiment in ATLAS_EXPERIMENTS
    for spec in experiment.figures
]


def test_atlas_experiments_follow_article():
    names = list(EXPERIMENTS)
    assert names[: len(ARTICLE_EXPERIMENTS)] == [e.name for e in ARTICLE_EXPERIMENTS]
    assert names[len(ARTICLE_EXPERIMENTS) :] == [e.name for e in ATLAS_EXPERIMENTS]


def test_atlas_names():
    assert [experiment.name for experiment in ATLAS_EXPERIMENTS] == [
        "atlas-sweep",
        "atlas-collapse",
        "atlas-regions",
        "atlas-training",
        "atlas-noise",
    ]


@pytest.mark.parametrize(
    "spec", [spec for _, spec in FIGURES], ids=lambda spec: spec.name
)
def test_figure_names_prefixed(spec):
    assert re.fullmatch(r"atlas(-[a-z]+)+", spec.name)


def test_each_runner_in_own_module():
    modules = [experiment.runner_module for experiment in ATLAS_EXPERIMENTS]
    assert len(set(modules)) == len(modules)
    assert all(module.startswith("nonlinear.runners.atlas_") for module in modules)


def test_collapse_retrains_article_linear_network():
    collapse = EXPERIMENTS["atlas-collapse"].config
    assert collapse.network == EXPERIMENTS["linear"].config


@pytest.mark.parametrize(
    ("experiment", "spec"), FIGURES, ids=[s.name for _, s in FIGURES]
)
def test_texts_are_valid_templates(experiment, spec):
    for text in (spec.caption, spec.alt):
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field]
        for field in fields:
            assert re.fullmatch(r"[a-z_]+", field), (spec.name, field)
        assert len(text) > 60, spec.name
