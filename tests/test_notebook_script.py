"""Tests of the notebook downloads: the ``# %%`` script and the Open in Colab link."""

from __future__ import annotations

import nbformat
import pytest

from nonlinear import notebooks, pipeline
from nonlinear.pipeline import Task


@pytest.fixture
def executed_notebook(tmp_path):
    """Write a notebook with a Markdown cell, a tagged code cell and outputs."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells.append(nbformat.v4.new_markdown_cell("# Title\n\nSome prose."))
    code = nbformat.v4.new_code_cell("x = 6 * 7\nprint(x)", metadata={"tags": ["metrics"]})
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    code.execution_count = 1
    notebook.cells.append(code)
    path = tmp_path / "demo.ipynb"
    nbformat.write(notebook, path)
    return path


def test_export_script_percent_cells(executed_notebook, tmp_path):
    script = notebooks.export_script(executed_notebook, tmp_path / "out" / "demo.py")
    text = script.read_text(encoding="utf-8")
    assert script == tmp_path / "out" / "demo.py"
    assert text.startswith("# %% [markdown]\n# # Title\n#\n# Some prose.\n")
    assert '# %% tags=["metrics"]\nx = 6 * 7\nprint(x)\n' in text


def test_export_script_drops_outputs_and_metadata(executed_notebook, tmp_path):
    text = notebooks.export_script(executed_notebook, tmp_path / "demo.py").read_text(
        encoding="utf-8"
    )
    assert "42" not in text
    assert "kernelspec" not in text
    assert "jupytext" not in text


def test_export_script_runs(executed_notebook, tmp_path):
    script = notebooks.export_script(executed_notebook, tmp_path / "demo.py")
    namespace: dict = {}
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), namespace)
    assert namespace["x"] == 42


def test_export_script_reproducible(executed_notebook, tmp_path):
    first = notebooks.export_script(executed_notebook, tmp_path / "a.py").read_bytes()
    second = notebooks.export_script(executed_notebook, tmp_path / "b.py").read_bytes()
    assert first == second


@pytest.mark.parametrize(
    "repository",
    [
        "https://github.com/owner/repo",
        "https://github.com/owner/repo/",
        "https://github.com/owner/repo.git",
    ],
)
def test_colab_url(repository):
    url = notebooks.colab_url(repository, "docs/examples/moons.ipynb")
    assert url == (
        "https://colab.research.google.com/github/owner/repo/blob/main/"
        "docs/examples/moons.ipynb"
    )


def test_colab_url_branch():
    url = notebooks.colab_url("https://github.com/o/r", "/nb.ipynb", branch="dev")
    assert url == "https://colab.research.google.com/github/o/r/blob/dev/nb.ipynb"


@pytest.mark.parametrize(
    "repository",
    ["", "https://gitlab.com/owner/repo", "https://github.com/owner", "github.com/o/r"],
)
def test_colab_url_rejects_other_hosts(repository):
    message = r"repository must be a URL like https://github\.com/<owner>/<name>"
    with pytest.raises(ValueError, match=message):
        notebooks.colab_url(repository, "docs/examples/moons.ipynb")


def test_release_publishes_script_next_to_notebook(tmp_path):
    task = Task(
        "notebook:examples/demo.ipynb", "n" * 64, tmp_path / "entry", {},
        notebook=tmp_path / "docs" / "examples" / "demo.ipynb",
        manifest={"files": {"demo.ipynb": "", "demo.py": ""}},
    )
    files = pipeline.release_files([task])
    assert files["examples/demo.py"] == tmp_path / "entry" / "demo.py"
    assert files["examples/demo.ipynb"] == tmp_path / "entry" / "demo.ipynb"


def test_plan_notebook_key_covers_script_format(build_paths, write_notebook, monkeypatch):
    write_notebook(build_paths.docs / "examples" / "demo.ipynb", ["print(1)"])
    (before,) = pipeline.plan([], build_paths)
    monkeypatch.setattr(notebooks, "SCRIPT_FORMAT", {**notebooks.SCRIPT_FORMAT,
                                                     "format_name": "light"})
    (after,) = pipeline.plan([], build_paths)
    assert before.key != after.key
    assert "jupytext" in before.versions
