"""Running the example notebooks, reading their results, exporting them as scripts.

Notebooks are executed by the pipeline, not by mkdocs-jupyter, so that a failing
cell stops the build with the notebook's name and the cause, and so that their
cache key covers the versions of the packages they import, not only their text.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

#: Tag of the code cell whose last output line is a JSON object of results.
METRICS_TAG = "metrics"

#: Seconds a single cell may run before the notebook counts as failed.
CELL_TIMEOUT = 600

#: jupytext format of the script published next to each notebook: ``# %%`` code
#: cells and ``# %% [markdown]`` comment cells, without the notebook's metadata
#: header, so that the script depends on the cells alone.
SCRIPT_FORMAT = {
    "extension": ".py",
    "format_name": "percent",
    "notebook_metadata_filter": "-all",
}


class NotebookError(RuntimeError):
    """A notebook failed to execute or did not print its results."""


def code_sources(path: Path) -> list[str]:
    """Return the source of every code cell, for finding the notebook's imports."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            # IPython magics and shell escapes are not Python; skip those lines.
            sources.append(
                "\n".join(
                    line for line in text.splitlines()
                    if not line.lstrip().startswith(("%", "!"))
                )
            )
    return sources


def execute_notebook(source: Path, destination: Path) -> dict:
    """Execute a notebook in a fresh kernel and write the executed copy.

    Output streams written to stderr (TensorFlow's start-up logs, warnings) are
    dropped from the published copy, because they carry timestamps and process
    ids that would make every build differ.

    Args:
        source: The notebook to run.
        destination: Where to write the executed notebook.

    Returns:
        The JSON object printed by the cell tagged ``metrics``.

    Raises:
        NotebookError: If a cell raises, times out, or the results are missing.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    notebook = nbformat.read(source, as_version=4)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(Path(source).parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        reason = (error.ename or "error") + (f": {error.evalue}" if error.evalue else "")
        raise NotebookError(f"Notebook {source} failed: {reason}") from error
    except CellTimeoutError as error:
        raise NotebookError(
            f"Notebook {source} timed out: a cell ran longer than {CELL_TIMEOUT} s."
        ) from error
    _drop_stderr(notebook)
    destination.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, destination)
    return read_metrics(notebook, source)


def export_script(notebook_path: Path, destination: Path) -> Path:
    """Write a notebook as a Python script of ``# %%`` cells, without outputs.

    Editors such as VS Code, Spyder and PyCharm run each ``# %%`` cell on its own,
    and ``python script.py`` runs them all.

    Returns:
        ``destination``.
    """
    import jupytext
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(jupytext.writes(notebook, fmt=SCRIPT_FORMAT), encoding="utf-8")
    return destination


def colab_url(repository: str, path: str, branch: str = "main") -> str:
    """Return the URL that opens a notebook of a GitHub repository in Google Colab.

    Args:
        repository: The repository's URL, ``https://github.com/<owner>/<name>``.
        path: The notebook's path in the repository, such as
            ``docs/examples/moons.ipynb``.
        branch: The branch to open.

    Raises:
        ValueError: If ``repository`` is not a github.com repository URL.
    """
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", repository)
    if match is None:
        raise ValueError(
            "repository must be a URL like https://github.com/<owner>/<name> for an "
            f"Open in Colab link, got {repository!r}; fix extra.repository in mkdocs.yml."
        )
    owner, name = match.groups()
    return (
        f"https://colab.research.google.com/github/{owner}/{name}/blob/{branch}/"
        + path.lstrip("/")
    )


def _drop_stderr(notebook) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                output for output in cell.outputs
                if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
            ]


def read_metrics(notebook, source: Path) -> dict:
    """Return the JSON object that the notebook's ``metrics`` cell printed.

    Raises:
        NotebookError: If no cell carries the tag or its output is not JSON.
    """
    for cell in notebook.cells:
        if METRICS_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        text = "".join(
            output.get("text", "") for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" and output.get("name") == "stdout"
        )
        lines = text.strip().splitlines()
        try:
            return json.loads(lines[-1])
        except (IndexError, ValueError) as error:
            raise NotebookError(
                f"Notebook {source}: the cell tagged {METRICS_TAG!r} must print its "
                f"results as one line of JSON, got {text.strip()[:200]!r}."
            ) from error
    raise NotebookError(
        f"Notebook {source} has no code cell tagged {METRICS_TAG!r} that prints its "
        "results; add the tag to the cell that prints them."
    )
