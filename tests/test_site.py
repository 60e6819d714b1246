"""End-to-end: build the whole site into a temporary folder and inspect the HTML.

The build shares the project's ``build/`` cache, so after ``make site`` these tests
render the site without training; from a clean clone they train everything once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nonlinear import experiments

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]

pytestmark = pytest.mark.slow


def _mkdocs_build(site_dir: Path, config: Path = ROOT / "mkdocs.yml", **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3", **env}
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=config.parent, env=environment, capture_output=True, text=True, timeout=1200,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = _mkdocs_build(site_dir)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "WARNING" not in result.stderr.replace("WARNING: All log messages", ""), result.stderr
    return site_dir


@pytest.fixture(scope="session")
def article(site) -> str:
    return (site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def metrics(site) -> dict:
    return json.loads((site / "metrics.json").read_text(encoding="utf-8"))


def _pages(site: Path) -> list[Path]:
    return [path for path in site.rglob("*.html") if path.name != "404.html"]


# The article's own figures; tests/test_atlas_site.py checks the atlas pages' figures.
ARTICLE_FIGURES = sorted(
    spec.name for experiment in experiments.ARTICLE_EXPERIMENTS for spec in experiment.figures
)


@pytest.mark.parametrize("name", ARTICLE_FIGURES)
def test_figure_published_in_every_format(site, article, name):
    for extension in ("png", "svg", "pdf", "webp"):
        path = site / "figures" / f"{name}.{extension}"
        assert path.is_file(), f"missing {path}"
        assert path.stat().st_size > 1000
    assert f'src="figures/{name}.webp"' in article


def test_figures_have_alt_text_and_caption(article):
    images = re.findall(r"<img [^>]*>", article)
    figure_images = [image for image in images if "figures/" in image]
    assert len(figure_images) == len(ARTICLE_FIGURES)
    for image in figure_images:
        alt = re.search(r'alt="([^"]*)"', image)
        assert alt and len(alt.group(1)) > 20, image
    assert article.count("<figcaption>") >= len(figure_images)


def test_metrics_json_schema(metrics):
    for name in ("linear", "relu", "original-linear", "original-relu"):
        values = metrics["experiments"][name]
        assert 0.0 <= values["test_accuracy"] <= 1.0
        assert "test_loss" in values
    provenance = metrics["provenance"]
    assert provenance["seed"] == experiments.SEED
    assert "tensorflow-cpu" in provenance["packages"]
    assert "keras" in provenance["packages"]


def test_accuracies_appear_in_article(article, metrics):
    for name in ("linear", "relu", "original-linear", "original-relu"):
        values = metrics["experiments"][name]
        for key in ("test_accuracy", "reported_test_accuracy"):
            assert f"{values[key] * 100:.1f}%" in article, (name, key)


def test_sample_counts_appear_in_article(article, metrics):
    dataset = metrics["experiments"]["dataset"]
    for key in ("n_samples", "n_train", "n_validation", "n_test"):
        assert re.search(rf"\b{dataset[key]}\b", article), key


def test_linear_model_fails_and_relu_separates(metrics):
    linear = metrics["experiments"]["linear"]["test_accuracy"]
    relu = metrics["experiments"]["relu"]["test_accuracy"]
    assert linear < 0.95
    assert relu > 0.99


def test_original_configuration_shows_pitfall(metrics, article):
    for name in ("original-linear", "original-relu"):
        values = metrics["experiments"][name]
        assert values["test_accuracy"] - values["reported_test_accuracy"] > 0.3
    assert 'class="admonition warning"' in article


def test_no_raw_tex_left(site):
    for page in _pages(site):
        text = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<annotation\b.*?</annotation>", "", text, flags=re.S)
        assert "\\(" not in text, page
        assert "$$" not in text, page
        assert not re.search(r"\$\\[a-zA-Z]", text), page


def test_math_rendered_as_mathml(site, article):
    assert "<math" in article
    notebook = (site / "examples" / "moons" / "index.html").read_text(encoding="utf-8")
    assert "<math" in notebook


def test_no_reference_to_other_hosts(site):
    # Elements that make the browser fetch; canonical links and anchors do not.
    pattern = re.compile(
        r"""<(?:(?:script|img|iframe|source)\b[^>]*\bsrc|"""
        r"""link\b[^>]*rel="(?:stylesheet|preload|modulepreload|icon|preconnect)"[^>]*\bhref)"""
        r"""=["'](?:https?:)?//"""
    )
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{page}: {pattern.search(text).group(0)}"
        assert 'src=""' not in text, page


def test_notebook_page_offers_download(site):
    page = (site / "examples" / "moons" / "index.html").read_text(encoding="utf-8")
    downloaded = site / "examples" / "moons" / "moons.ipynb"
    assert downloaded.is_file()
    notebook = json.loads(downloaded.read_text(encoding="utf-8"))
    outputs = [cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert any(outputs), "the published notebook should be the executed copy"
    assert "moons.ipynb" in page


def test_notebook_agrees_with_pipeline(site, metrics):
    notebook = json.loads((site / "examples" / "moons" / "moons.ipynb").read_text(encoding="utf-8"))
    cell = next(cell for cell in notebook["cells"] if "metrics" in cell["metadata"].get("tags", []))
    text = "".join(cell["outputs"][-1]["text"])
    printed = json.loads(text.strip().splitlines()[-1])
    for name in ("linear", "relu"):
        assert printed[name]["test_accuracy"] == metrics["experiments"][name]["test_accuracy"]


def test_api_reference_lists_public_functions(site):
    import importlib
    import inspect
    import pkgutil

    import nonlinear

    modules = [
        info.name for info in pkgutil.walk_packages(nonlinear.__path__, "nonlinear.")
        if not info.name.endswith("__main__")
    ]
    assert len(modules) >= 15
    for name in modules:
        module = importlib.import_module(name)
        page_name = name.split(".")[1]
        page = site / "reference" / page_name / "index.html"
        assert page.is_file(), f"no reference page for {name}"
        html = page.read_text(encoding="utf-8")
        for member, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == name
            if member.startswith("_") or not defined_here:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                assert f"{name}.{member}" in html, f"{name}.{member} missing from {page}"


def test_failing_notebook_fails_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "src" / "nonlinear").mkdir(parents=True)
    shutil.copy(ROOT / "src" / "nonlinear" / "mkdocs_hooks.py", project / "src" / "nonlinear")
    notebook = json.loads((project / "docs/examples/moons.ipynb").read_text(encoding="utf-8"))
    notebook["cells"].insert(1, {
        "cell_type": "code", "execution_count": None, "id": "boom",
        "metadata": {}, "outputs": [], "source": ["1/0"],
    })
    (project / "docs/examples/moons.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    result = _mkdocs_build(tmp_path / "site", config=project / "mkdocs.yml",
                           NONLINEAR_BUILD_DIR=str(ROOT / "build"))
    assert result.returncode != 0
    assert "moons.ipynb" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert not (tmp_path / "site" / "examples").exists()
