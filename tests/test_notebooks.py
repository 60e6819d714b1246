"""Tests of notebook execution and of reading the results a notebook prints."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from nonlinear.notebooks import (
    METRICS_TAG,
    NotebookError,
    code_sources,
    colab_url,
    execute_notebook,
    export_script,
    read_metrics,
)


def _executed(outputs_by_cell: list[list[dict]], tagged: int | None = 0):
    """Return an in-memory notebook whose code cells carry the given outputs."""
    notebook = nbformat.v4.new_notebook()
    for index, outputs in enumerate(outputs_by_cell):
        metadata = {"tags": [METRICS_TAG]} if index == tagged else {}
        cell = nbformat.v4.new_code_cell("pass", metadata=metadata)
        cell.outputs = [nbformat.from_dict(output) for output in outputs]
        notebook.cells.append(cell)
    return notebook


def _stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_code_sources_skips_magics_and_markdown(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("import not_code"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\n!pip list"),
        nbformat.v4.new_code_cell("  %time x = 1\nfrom sklearn import svm"),
    ]
    path = tmp_path / "demo.ipynb"
    nbformat.write(notebook, path)
    assert code_sources(path) == ["import numpy as np", "from sklearn import svm"]


def test_code_sources_list_source(tmp_path):
    path = tmp_path / "raw.ipynb"
    cells = [{"cell_type": "code", "source": ["import json\n", "x = 1\n"]}]
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert code_sources(path) == ["import json\nx = 1"]


def test_read_metrics_last_line(tmp_path):
    notebook = _executed([[_stdout("training...\n"), _stdout('{"relu": {"a": 1}}\n')]])
    assert read_metrics(notebook, tmp_path / "n.ipynb") == {"relu": {"a": 1}}


def test_read_metrics_ignores_stderr(tmp_path):
    stderr = {"output_type": "stream", "name": "stderr", "text": "warning\n"}
    notebook = _executed([[_stdout('{"a": 1}\n'), stderr]])
    assert read_metrics(notebook, tmp_path / "n.ipynb") == {"a": 1}


def test_read_metrics_tagged_cell_only(tmp_path):
    outputs = [[_stdout('{"wrong": 1}\n')], [_stdout('{"right": 1}\n')]]
    notebook = _executed(outputs, tagged=1)
    assert read_metrics(notebook, tmp_path / "n.ipynb") == {"right": 1}


def test_read_metrics_no_tag(tmp_path):
    notebook = _executed([[_stdout('{"a": 1}\n')]], tagged=None)
    with pytest.raises(
        NotebookError,
        match=r"n\.ipynb has no code cell tagged 'metrics' that prints its results",
    ):
        read_metrics(notebook, tmp_path / "n.ipynb")


@pytest.mark.parametrize(
    ("outputs", "shown"),
    [([], r"got ''"), ([_stdout("accuracy 0.9\n")], r"got 'accuracy 0\.9'")],
    ids=["no-output", "not-json"],
)
def test_read_metrics_not_json(tmp_path, outputs, shown):
    notebook = _executed([outputs])
    message = rf"must print its results as one line of JSON, {shown}"
    with pytest.raises(NotebookError, match=message):
        read_metrics(notebook, tmp_path / "n.ipynb")


@pytest.mark.parametrize(
    "repository",
    [
        "https://github.com/owner/site",
        "https://github.com/owner/site.git",
        "https://github.com/owner/site/",
    ],
    ids=["plain", "git-suffix", "trailing-slash"],
)
def test_colab_url(repository):
    url = colab_url(repository, "/docs/examples/moons.ipynb")
    expected = (
        "https://colab.research.google.com/github/owner/site/blob/main/"
        "docs/examples/moons.ipynb"
    )
    assert url == expected


def test_colab_url_branch():
    url = colab_url("https://github.com/o/r", "a.ipynb", branch="dev")
    assert url.endswith("/o/r/blob/dev/a.ipynb")


@pytest.mark.parametrize(
    "repository",
    [
        "https://gitlab.com/owner/site",
        "github.com/owner/site",
        "https://github.com/owner",
    ],
    ids=["other-host", "no-scheme", "no-name"],
)
def test_colab_url_invalid(repository):
    message = re.escape(f"got {repository!r}; fix extra.repository in mkdocs.yml.")
    with pytest.raises(ValueError, match=message):
        colab_url(repository, "docs/examples/moons.ipynb")


def test_export_script_percent_cells(tmp_path, write_notebook):
    source = write_notebook(tmp_path / "demo.ipynb", ["x = 1", "print(x)"])
    destination = export_script(source, tmp_path / "scripts" / "demo.py")
    text = destination.read_text(encoding="utf-8")
    assert destination == tmp_path / "scripts" / "demo.py"
    assert text.count("# %%") == 2
    assert "print(x)" in text
    # The metadata filter leaves out jupytext's header with the kernel spec.
    assert "jupyter:" not in text


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    """Execute a notebook that reads a file next to it and prints to both streams.

    Returns the source path, the executed copy's path and the returned metrics.
    """
    folder = tmp_path_factory.mktemp("good-notebook")
    (folder / "data.txt").write_text("41")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import json, sys\nvalue = int(open('data.txt').read())"
        ),
        nbformat.v4.new_code_cell(
            "print('log line', file=sys.stderr)\n"
            "print('training done')\n"
            "print(json.dumps({'linear': {'value': value + 1}}))",
            metadata={"tags": [METRICS_TAG]},
        ),
    ]
    source = folder / "good.ipynb"
    nbformat.write(notebook, source)
    destination = folder / "out" / "good.ipynb"
    with pytest.MonkeyPatch.context() as patch:
        # execute_notebook sets the TensorFlow log level only if it is unset.
        patch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
        metrics = execute_notebook(source, destination)
    return source, destination, metrics


@pytest.mark.slow
def test_execute_notebook_returns_printed_json(good_run):
    _, _, metrics = good_run
    # The cell runs in the notebook's folder, where data.txt contains 41.
    assert metrics == {"linear": {"value": 42}}


@pytest.mark.slow
def test_execute_notebook_drops_stderr(good_run):
    _, destination, _ = good_run
    outputs = nbformat.read(destination, as_version=4).cells[1].outputs
    assert [output["name"] for output in outputs] == ["stdout"]
    assert "training done" in outputs[0]["text"]


@pytest.mark.slow
def test_execute_notebook_leaves_source_unchanged(good_run):
    source, _, _ = good_run
    cells = nbformat.read(source, as_version=4).cells
    assert [cell.outputs for cell in cells] == [[], []]


@pytest.mark.slow
def test_execute_notebook_cell_error(tmp_path, write_notebook, quiet_kernel_env):
    source = write_notebook(tmp_path / "broken.ipynb", ["x = 1", "1/0"])
    message = f"Notebook {source} failed: ZeroDivisionError: division by zero"
    with pytest.raises(NotebookError, match=re.escape(message)):
        execute_notebook(source, tmp_path / "out" / "broken.ipynb")
    assert not (tmp_path / "out" / "broken.ipynb").exists()


@pytest.mark.slow
def test_execute_notebook_without_metrics_cell(
    tmp_path, write_notebook, quiet_kernel_env
):
    source = write_notebook(tmp_path / "silent.ipynb", ["print('{\"a\": 1}')"])
    message = f"Notebook {source} has no code cell tagged 'metrics'"
    with pytest.raises(NotebookError, match=re.escape(message)):
        execute_notebook(source, tmp_path / "out" / "silent.ipynb")
