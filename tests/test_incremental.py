"""Incremental builds: what a change reruns, and what a no-op rebuild imports."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nonlinear import pipeline

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

_PLAN = """
import json, sys
from nonlinear import experiments, pipeline
paths = pipeline.Paths(docs=__import__("pathlib").Path(sys.argv[1]),
                       build=__import__("pathlib").Path(sys.argv[2]))
tasks = pipeline.plan(experiments.select(None), paths)
print(json.dumps({task.name: task.key for task in tasks}))
"""


@pytest.fixture(scope="module")
def warm_cache() -> Path:
    """The project's cache after a complete build."""
    pipeline.build(pipeline.Paths.for_project(ROOT))
    return ROOT / "build" / "cache"


@pytest.fixture()
def copy(tmp_path, warm_cache) -> Path:
    """A copy of the project's sources, docs and warm cache, run from its own src/."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", project / "docs")
    for name in ("mkdocs.yml", "CITATION.cff"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, project / name)
    shutil.copytree(warm_cache, project / "build" / "cache")
    return project


def _environment(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src"), "TF_CPP_MIN_LOG_LEVEL": "3",
            "NO_MKDOCS_2_WARNING": "1"}


def _keys(project: Path) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", _PLAN, str(project / "docs"), str(project / "build")],
        env=_environment(project), capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


def _append_comment(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# Edited by a test.\n",
                    encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("diagrams.py", {"diagrams"}),
        ("datasets.py", {"dataset", "linear", "relu", "original-linear", "original-relu"}),
        ("models.py", {"linear", "relu", "original-linear", "original-relu"}),
    ],
)
def test_module_edit_reruns_only_its_users(copy, module, expected):
    before = _keys(copy)
    _append_comment(copy / "src" / "nonlinear" / module)
    after = _keys(copy)
    changed = {name for name in before if before[name] != after[name]}
    assert expected <= changed
    article_experiments = {"dataset", "activations", "diagrams", "linear", "relu",
                           "original-linear", "original-relu"}
    assert changed & article_experiments == expected
    assert not any(name.startswith("notebook:") for name in changed)


def test_article_prose_edit_reruns_nothing(copy):
    before = _keys(copy)
    _append_comment(copy / "docs" / "index.md")
    assert _keys(copy) == before


def test_noop_rebuild_does_not_import_tensorflow(copy):
    script = (
        "import sys\n"
        "from nonlinear import pipeline\n"
        f"result = pipeline.build(pipeline.Paths(docs=__import__('pathlib').Path({str(copy / 'docs')!r}),"
        f" build=__import__('pathlib').Path({str(copy / 'build')!r})))\n"
        "assert all(task.status == 'cached' for task in result.tasks), result.tasks\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in "
        "('tensorflow', 'keras', 'matplotlib', 'sklearn')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=_environment(copy),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_regenerates_after_module_edit(copy):
    port = _free_port()
    log = copy / "serve.log"
    with open(log, "w") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}",
             "--config-file", str(copy / "mkdocs.yml")],
            cwd=copy, env=_environment(copy), stdout=stream, stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(log, "Serving on", server, timeout=180)
        entries_before = set((copy / "build" / "cache" / "diagrams").iterdir())
        _append_comment(copy / "src" / "nonlinear" / "diagrams.py")
        _wait_for(log, "diagrams done", server, timeout=180)
        entries_after = set((copy / "build" / "cache" / "diagrams").iterdir())
        assert entries_after - entries_before, "no new cache entry for diagrams"
        assert "relu done" not in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(log: Path, text: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if server.poll() is not None:
            break
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not in the log after {timeout} s:\n{log.read_text()[-3000:]}")
