"""End-to-end: the atlas pages, figures, animation and explorer data of a built site.

The site is built once per session (see ``built_site.py``); after ``make site`` it
renders from the cache without training.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nonlinear.atlas import explorer
from nonlinear.atlas.registry import ATLAS_EXPERIMENTS

pytestmark = pytest.mark.slow

#: The page that shows each atlas experiment's figures.
PAGES = {
    "atlas-sweep": "atlas/sweep/index.html",
    "atlas-collapse": "atlas/collapse/index.html",
    "atlas-regions": "atlas/linear-regions/index.html",
    "atlas-training": "atlas/training/index.html",
    "atlas-noise": "atlas/noise/index.html",
}

FIGURES = [
    (experiment.name, spec)
    for experiment in ATLAS_EXPERIMENTS
    for spec in experiment.figures
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from built_site import build_site

    return build_site(tmp_path_factory)


@pytest.fixture(scope="module")
def metrics(site) -> dict:
    return json.loads((site / "metrics.json").read_text(encoding="utf-8"))[
        "experiments"
    ]


def test_overview_page_links_every_page(site):
    page = (site / "atlas" / "index.html").read_text(encoding="utf-8")
    for path in PAGES.values():
        folder = path.removeprefix("atlas/").removesuffix("index.html")
        assert f'href="{folder}"' in page, folder


@pytest.mark.parametrize(
    ("experiment", "spec"), FIGURES, ids=[spec.name for _, spec in FIGURES]
)
def test_figure_on_its_page(site, experiment, spec):
    for extension in spec.formats:
        assert (site / "figures" / f"{spec.name}.{extension}").is_file(), extension
    page = (site / PAGES[experiment]).read_text(encoding="utf-8")
    assert f'id="figure-{spec.name}"' in page
    # Pages show a still figure's WebP copy, and an animation as it is.
    page_format = "webp" if "webp" in spec.formats else spec.formats[0]
    assert f'src="../../figures/{spec.name}.{page_format}"' in page


def test_animation_published_and_small(site, metrics):
    run = metrics["atlas-training"]
    gif = site / "figures" / run["animation"]
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert gif.stat().st_size == run["animation_bytes"]
    assert gif.stat().st_size < 1_000_000
    page = (site / PAGES["atlas-training"]).read_text(encoding="utf-8")
    assert f'src="../../figures/{run["animation"]}"' in page


def test_explorer_index_and_runs(site, metrics):
    folder = site / "data" / "explorer"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    sweep = metrics["atlas-sweep"]
    assert index["format"] == explorer.FORMAT
    assert [entry["name"] for entry in index["datasets"]] == sweep["datasets"]
    assert [entry["name"] for entry in index["activations"]] == sweep["activations"]
    assert index["depths"] == sweep["depths"]
    assert 1 in index["depths"]
    assert 3 in index["depths"]
    files = list(folder.rglob("*.json"))
    assert len(files) == sweep["explorer_files"]
    assert sum(path.stat().st_size for path in files) < 5_000_000
    for dataset in index["datasets"]:
        document = folder / index["dataset_path"].format(dataset=dataset["name"])
        assert document.is_file(), document
    run = json.loads(
        explorer.run_path(folder, "moons", "relu", 3, index["seeds"][0]).read_text()
    )
    assert run["epochs"] == index["epochs"]
    assert len(explorer.decode_bits(run["grid"][-1], index["grid_size"] ** 2)) == 4096


def test_sweep_accuracies_sensible(metrics):
    deep = metrics["atlas-sweep"]["accuracy"][
        str(metrics["atlas-sweep"]["table_depth"])
    ]
    assert 0.84 <= deep["linear"]["moons"]["mean"] <= 0.92
    assert deep["relu"]["moons"]["mean"] >= 0.99
    for dataset in ("circles", "xor"):
        assert deep["linear"][dataset]["mean"] < 0.6, dataset
        assert deep["relu"][dataset]["mean"] > 0.95, dataset
    assert deep["linear"]["separable"]["mean"] >= 0.99
    assert max(deep[name]["spirals"]["mean"] for name in deep) >= 0.98


def test_collapse_numbers_on_page(site, metrics):
    collapse = metrics["atlas-collapse"]
    assert collapse["max_abs_difference"] < 1e-5
    assert collapse["network_test_accuracy"] == metrics["linear"]["test_accuracy"]
    page = (site / PAGES["atlas-collapse"]).read_text(encoding="utf-8")
    assert f"{collapse['logistic_test_accuracy'] * 100:.1f}%" in page
    assert f"{collapse['boundary_angle_degrees']:.1f}" in page


def test_sweep_table_on_page(site, metrics):
    sweep = metrics["atlas-sweep"]
    page = (site / PAGES["atlas-sweep"]).read_text(encoding="utf-8")
    cell = sweep["accuracy"]["1"]["tanh"]["xor"]
    assert f"{cell['mean'] * 100:.1f}% ± {cell['std'] * 100:.1f}" in page
    assert page.count("<table>") >= 4
