"""Fault injection: kill builds with SIGKILL and check that nothing half-written shows.

Each test starts ``python -m nonlinear build`` in its own process group, kills the
whole group (workers and notebook kernels included) at a named step or after a
delay, and then checks that ``build/outputs`` still holds the previous release,
byte for byte, and that the next build publishes what a clean build publishes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nonlinear import pipeline

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _command(build: Path, docs: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "nonlinear", "--docs-dir", str(docs),
            "--build-dir", str(build), "build", "--quiet", *arguments]


def _environment(**extra) -> dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


def _run(build: Path, docs: Path, *arguments: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(_command(build, docs, *arguments), env=_environment(**extra),
                          capture_output=True, text=True, timeout=900)


def _kill_after(build: Path, docs: Path, seconds: float, *arguments: str) -> None:
    process = subprocess.Popen(_command(build, docs, *arguments), env=_environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(seconds)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def reference() -> dict[str, str]:
    """The outputs of a complete build of the project, warming its cache."""
    paths = pipeline.Paths.for_project(ROOT)
    result = pipeline.build(paths)
    return _tree_hashes(result.release)


@pytest.fixture()
def project(tmp_path) -> tuple[Path, Path, Path]:
    """A build folder with a warm cache, the real docs and docs without notebooks."""
    build = tmp_path / "build"
    shutil.copytree(ROOT / "build" / "cache", build / "cache")
    bare_docs = tmp_path / "docs-without-notebooks"
    bare_docs.mkdir()
    (bare_docs / "index.md").write_text("# Article\n", encoding="utf-8")
    return build, ROOT / "docs", bare_docs


def _previous_release(build: Path, bare_docs: Path) -> dict[str, str]:
    result = _run(build, bare_docs)
    assert result.returncode == 0, result.stderr
    return _tree_hashes(build / "outputs")


@pytest.mark.parametrize("point", ["release-staged", "release-moved", "release-linked"])
def test_kill_while_publishing(project, reference, point):
    build, docs, bare_docs = project
    previous = _previous_release(build, bare_docs)
    killed = _run(build, docs, NONLINEAR_FAULT=point)
    assert killed.returncode == -signal.SIGKILL
    outputs = _tree_hashes(build / "outputs")
    if point == "release-linked":
        assert outputs == reference
    else:
        assert outputs == previous
    finished = _run(build, docs)
    assert finished.returncode == 0, finished.stderr
    assert _tree_hashes(build / "outputs") == reference


def _tasks(build: Path, docs: Path) -> list:
    return pipeline.plan(pipeline.experiments.select(None), pipeline.Paths(docs=docs, build=build))


def _plan(build: Path, docs: Path) -> dict[str, str]:
    """Return each task's status (cached or stale) as the next build would see it."""
    return {task.name: task.status for task in _tasks(build, docs)}


def _entry(build: Path, docs: Path, name: str) -> Path:
    """Return the cache folder of one task."""
    return next(task.entry for task in _tasks(build, docs) if task.name == name)


@pytest.mark.parametrize("point", ["task-written", "manifest-written"])
def test_kill_while_writing_cache_entry(project, reference, point):
    build, docs, bare_docs = project
    _run(build, docs)
    killed = _run(build, docs, "--force", "dataset", NONLINEAR_FAULT=point)
    assert killed.returncode != 0
    assert _tree_hashes(build / "outputs") == reference
    assert set(_plan(build, docs).values()) == {"cached"}
    finished = _run(build, docs)
    assert finished.returncode == 0, finished.stderr
    assert _tree_hashes(build / "outputs") == reference
    leftovers = [path for path in (build / "cache").rglob(".staging-*")]
    assert leftovers == []


@pytest.mark.parametrize("seconds", [1.0, 4.0, 9.0])
def test_kill_forced_rebuild_at_random_moment(project, reference, seconds):
    build, docs, bare_docs = project
    previous = _previous_release(build, bare_docs)
    _kill_after(build, docs, seconds, "--force")
    assert _tree_hashes(build / "outputs") == previous
    finished = _run(build, docs)
    assert finished.returncode == 0, finished.stderr
    assert _tree_hashes(build / "outputs") == reference


def test_corrupt_cache_entry_is_rebuilt(project, reference):
    build, docs, _ = project
    figure = _entry(build, docs, "dataset") / "moons-training-data.png"
    figure.write_bytes(figure.read_bytes()[:100])
    assert _plan(build, docs)["dataset"] == "stale"
    finished = _run(build, docs)
    assert finished.returncode == 0, finished.stderr
    assert _tree_hashes(build / "outputs") == reference


def test_manifest_from_other_format_is_rebuilt(project, reference):
    build, docs, _ = project
    manifest = _entry(build, docs, "diagrams") / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format": 1', '"format": 0'))
    assert _plan(build, docs)["diagrams"] == "stale"
    finished = _run(build, docs)
    assert finished.returncode == 0, finished.stderr
    assert _tree_hashes(build / "outputs") == reference
