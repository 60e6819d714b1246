"""Tests of the build pipeline: planning, running, checking and publishing.

Builds here use an empty docs folder, so there are no notebook tasks unless a test
writes one, and most tests fill the cache with hand-written entries instead of
running the experiments.
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

from nonlinear import experiments, pipeline
from nonlinear.config import ConfigError
from nonlinear.figures import FORMATS
from nonlinear.pipeline import BuildError, Paths, Task


def _statuses(tasks) -> dict[str, str]:
    return {task.name: task.status for task in tasks}


@pytest.fixture(scope="module")
def dataset_build(tmp_path_factory):
    """Build only the dataset experiment, once for the module, in worker processes."""
    root = tmp_path_factory.mktemp("dataset-build")
    (root / "docs").mkdir()
    paths = Paths(docs=root / "docs", build=root / "build")
    events = []
    result = pipeline.build(paths, names=["dataset"], jobs=1, on_event=events.append)
    return paths, result, events


def _copy_build(paths: Paths, destination: Path) -> Paths:
    """Copy a build to another folder, so that a test can change it."""
    copy = Paths(docs=destination / "docs", build=destination / "build")
    shutil.copytree(paths.docs, copy.docs)
    shutil.copytree(paths.build, copy.build, symlinks=True)
    return copy


@pytest.mark.slow
def test_build_subset_runs_dataset(dataset_build):
    _, result, _ = dataset_build
    assert _statuses(result.tasks) == {"dataset": "ran"}
    assert result.tasks[0].manifest["metrics"]["n_train"] == 600


@pytest.mark.slow
def test_build_subset_writes_entry(dataset_build):
    _, result, _ = dataset_build
    entry = result.tasks[0].entry
    expected = [f"moons-training-data.{extension}" for extension in FORMATS]
    assert sorted(path.name for path in entry.iterdir()) == sorted(
        ["manifest.json", *expected]
    )


@pytest.mark.slow
def test_build_subset_leaves_no_staging(dataset_build):
    _, result, _ = dataset_build
    siblings = [path.name for path in result.tasks[0].entry.parent.iterdir()]
    assert siblings == [result.tasks[0].entry.name]


@pytest.mark.slow
def test_build_subset_publishes_nothing(dataset_build):
    paths, result, events = dataset_build
    assert result.release is None
    assert not paths.outputs.exists()
    assert {"type": "unpublished", "reason": "some outputs are out of date"} in events


@pytest.mark.slow
def test_build_subset_events(dataset_build):
    _, _, events = dataset_build
    kinds = [event["type"] for event in events]
    assert kinds[0] == "plan"
    assert events[0]["tasks"] == [("dataset", "stale")]
    assert "start" in kinds
    assert "done" in kinds


@pytest.mark.slow
def test_plan_after_build_marks_cached(dataset_build):
    paths, _, _ = dataset_build
    statuses = _statuses(pipeline.plan(experiments.select(None), paths))
    assert statuses.pop("dataset") == "cached"
    assert set(statuses.values()) == {"stale"}


@pytest.mark.slow
def test_plan_corrupted_entry_stale(dataset_build, tmp_path):
    paths = _copy_build(dataset_build[0], tmp_path)
    (task,) = pipeline.plan(experiments.select(["dataset"]), paths)
    assert task.status == "cached"
    png = task.entry / "moons-training-data.png"
    png.write_bytes(png.read_bytes()[:100])
    (task,) = pipeline.plan(experiments.select(["dataset"]), paths)
    assert task.status == "stale"
    assert task.manifest is None


@pytest.mark.slow
def test_build_cached_runs_nothing(dataset_build, tmp_path):
    paths = _copy_build(dataset_build[0], tmp_path)
    events = []
    result = pipeline.build(paths, names=["dataset"], on_event=events.append)
    assert _statuses(result.tasks) == {"dataset": "cached"}
    assert [event["type"] for event in events] == ["plan", "unpublished"]


def test_plan_keys_stable(build_paths):
    first = pipeline.plan(experiments.select(None), build_paths)
    second = pipeline.plan(experiments.select(None), build_paths)
    assert [task.key for task in first] == [task.key for task in second]


def test_plan_entry_under_cache(build_paths):
    for task in pipeline.plan(experiments.select(None), build_paths):
        assert task.entry == build_paths.cache / task.name / task.key[:32]


def test_plan_keys_differ(build_paths):
    keys = [task.key for task in pipeline.plan(experiments.select(None), build_paths)]
    assert len(set(keys)) == len(keys)


def test_plan_imports_no_heavy_package(build_paths):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nonlinear import experiments, pipeline\n"
        f"paths = pipeline.Paths(Path({str(build_paths.docs)!r}), "
        f"Path({str(build_paths.build)!r}))\n"
        "pipeline.plan(experiments.select(None), paths)\n"
        "heavy = {'tensorflow', 'keras', 'matplotlib', 'sklearn'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_plan_notebook_task(build_paths, write_notebook):
    write_notebook(build_paths.docs / "examples" / "demo.ipynb", ["print(1)"])
    tasks = pipeline.plan([], build_paths)
    assert [task.name for task in tasks] == ["notebook:examples/demo.ipynb"]
    assert tasks[0].entry.parent == build_paths.cache / "notebook-examples-demo"
    assert tasks[0].uses_tensorflow


def test_plan_notebook_key_follows_text(build_paths, write_notebook):
    path = build_paths.docs / "examples" / "demo.ipynb"
    write_notebook(path, ["print(1)"])
    (before,) = pipeline.plan([], build_paths)
    write_notebook(path, ["print(2)"])
    (after,) = pipeline.plan([], build_paths)
    assert before.key != after.key


def test_plan_without_notebooks(build_paths, write_notebook):
    write_notebook(build_paths.docs / "examples" / "demo.ipynb", ["print(1)"])
    assert pipeline.plan([], build_paths, include_notebooks=False) == []


def test_build_all_cached_publishes(build_paths, write_fake_entries):
    write_fake_entries(build_paths)
    result = pipeline.build(build_paths, jobs=1)
    assert result.release is not None
    assert set(_statuses(result.tasks).values()) == {"cached"}
    assert os.readlink(build_paths.outputs) == f"releases/{result.release.name}"


def test_build_release_contents(build_paths, write_fake_entries):
    tasks = write_fake_entries(build_paths)
    pipeline.build(build_paths)
    outputs = build_paths.outputs
    figures = sorted(path.name for path in (outputs / "figures").iterdir())
    expected = sorted(f"{name}.png" for name in experiments.figure_specs())
    assert figures == expected
    metrics = json.loads((outputs / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["experiments"] == {task.name: task.metrics for task in tasks}
    assert metrics["provenance"]["seed"] == experiments.SEED


def test_build_subset_rest_cached(build_paths, write_fake_entries):
    write_fake_entries(build_paths)
    result = pipeline.build(build_paths, names=["dataset"])
    assert [task.name for task in result.tasks] == ["dataset"]
    assert result.release is not None


def test_build_removes_abandoned_staging(build_paths, write_fake_entries):
    write_fake_entries(build_paths)
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    abandoned = build_paths.cache / "relu" / f".staging-{process.pid}-0123456789ab"
    abandoned.mkdir()
    pipeline.build(build_paths)
    assert not abandoned.exists()


def test_build_unchanged_same_release(build_paths, write_fake_entries):
    write_fake_entries(build_paths)
    first = pipeline.build(build_paths).release
    second = pipeline.build(build_paths).release
    assert first == second
    assert [path.name for path in build_paths.releases.iterdir()] == [first.name]


@pytest.mark.parametrize("damage", ["changed", "deleted", "added"])
def test_build_repairs_damaged_release(build_paths, write_fake_entries, damage):
    write_fake_entries(build_paths)
    release = pipeline.build(build_paths).release
    before = {path.relative_to(release): path.read_bytes()
              for path in release.rglob("*") if path.is_file()}
    if damage == "changed":
        (release / "metrics.json").write_text("{}", encoding="utf-8")
    elif damage == "deleted":
        (release / "metrics.json").unlink()
    else:
        (release / "figures" / "junk.png").write_bytes(b"junk")

    repaired = pipeline.build(build_paths).release

    assert repaired == release
    after = {path.relative_to(release): path.read_bytes()
             for path in release.rglob("*") if path.is_file()}
    assert after == before


def test_plan_names_unreadable_notebook(build_paths):
    notebook = build_paths.docs / "examples" / "broken.ipynb"
    notebook.parent.mkdir()
    notebook.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Notebook .*broken\.ipynb cannot be read \(JSONDecodeError"):
        pipeline.plan(experiments.select(None), build_paths)


def test_publish_new_release_removes_old(build_paths, write_fake_entries):
    tasks = write_fake_entries(build_paths)
    first = pipeline.publish(tasks, build_paths)
    tasks[0].manifest = {**tasks[0].manifest, "metrics": {"test_accuracy": 0.1}}
    second = pipeline.publish(tasks, build_paths)
    assert second != first
    assert [path.name for path in build_paths.releases.iterdir()] == [second.name]
    assert os.readlink(build_paths.outputs) == f"releases/{second.name}"


def test_release_files_mapping(tmp_path):
    experiment_task = Task(
        "relu", "k" * 64, tmp_path / "relu", {},
        experiment=experiments.EXPERIMENTS["relu"],
        manifest={"files": {"a.png": "", "a.svg": "", "a.pdf": "", "history.json": ""}},
    )
    notebook_task = Task(
        "notebook:examples/demo.ipynb", "n" * 64, tmp_path / "nb", {},
        notebook=tmp_path / "demo.ipynb",
        manifest={"files": {"demo.ipynb": "", "demo.py": ""}},
    )
    files = pipeline.release_files([experiment_task, notebook_task])
    assert files == {
        "examples/demo.ipynb": tmp_path / "nb" / "demo.ipynb",
        "examples/demo.py": tmp_path / "nb" / "demo.py",
        "figures/a.pdf": tmp_path / "relu" / "a.pdf",
        "figures/a.png": tmp_path / "relu" / "a.png",
        "figures/a.svg": tmp_path / "relu" / "a.svg",
    }


def test_release_files_data_folder(tmp_path):
    task = Task(
        "relu", "k", tmp_path, {}, experiment=experiments.EXPERIMENTS["relu"],
        manifest={"files": {"data/grid/values.csv": "", "nested/plot.png": ""}},
    )
    files = pipeline.release_files([task])
    assert files == {"data/grid/values.csv": tmp_path / "data" / "grid" / "values.csv"}


def test_release_files_duplicate(tmp_path):
    tasks = [
        Task(name, "k", tmp_path / name, {}, experiment=experiments.EXPERIMENTS[name],
             manifest={"files": {"shared.png": ""}})
        for name in ("linear", "relu")
    ]
    message = r"relu and another task both write figures/shared\.png"
    with pytest.raises(BuildError, match=message):
        pipeline.release_files(tasks)


def test_provenance_merges_versions(tmp_path):
    tasks = [
        Task("a", "k", tmp_path, {"numpy": "2.0", "scipy": "1.0"}),
        Task("b", "k", tmp_path, {"keras": "3.0"}),
    ]
    provenance = pipeline.provenance(tasks)
    assert provenance["packages"] == {"keras": "3.0", "numpy": "2.0", "scipy": "1.0"}
    assert list(provenance["packages"]) == ["keras", "numpy", "scipy"]
    assert provenance["seed"] == experiments.SEED


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["nosuch"], r"Unknown experiment 'nosuch'"),
        (["dataset", "relu-net"], r"Unknown experiment 'relu-net'"),
    ],
    ids=["one", "with-valid"],
)
def test_build_unknown_experiment(build_paths, names, message):
    with pytest.raises(ConfigError, match=message):
        pipeline.build(build_paths, names=names)
    assert not build_paths.build.exists()


@pytest.mark.parametrize("jobs", [0, -1, True, 1.5, "2"], ids=repr)
def test_build_invalid_jobs(build_paths, jobs):
    message = re.escape(f"jobs must be a positive integer, got {jobs!r}.")
    with pytest.raises(ConfigError, match=message):
        pipeline.build(build_paths, names=["dataset"], jobs=jobs)


def test_build_folder_under_file(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "file").write_text("a regular file")
    paths = Paths(docs=tmp_path / "docs", build=tmp_path / "file" / "build")
    with pytest.raises(ConfigError, match=r"Folder .*/file/build is not writable"):
        pipeline.build(paths, names=["dataset"])


def test_build_folder_is_file(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "build").write_text("a regular file")
    paths = Paths(docs=tmp_path / "docs", build=tmp_path / "build")
    with pytest.raises(ConfigError, match=r"is not writable .*--build-dir"):
        pipeline.build(paths, names=["dataset"])


def _metric_tasks(tmp_path, reported: dict) -> list[Task]:
    experiment = Task(
        "linear", "k", tmp_path, {}, experiment=experiments.EXPERIMENTS["linear"],
        manifest={"metrics": {"test_accuracy": 0.845, "epochs": 50}},
    )
    notebook = Task(
        "notebook:examples/moons.ipynb", "n", tmp_path, {},
        notebook=tmp_path / "moons.ipynb", manifest={"metrics": reported},
    )
    return [experiment, notebook]


def test_check_notebooks_agree(tmp_path):
    tasks = _metric_tasks(tmp_path, {"linear": {"test_accuracy": 0.845}})
    assert pipeline._check_notebooks(tasks) is None


def test_check_notebooks_differ(tmp_path):
    tasks = _metric_tasks(tmp_path, {"linear": {"test_accuracy": 0.84}})
    with pytest.raises(
        BuildError,
        match=r"notebook:examples/moons\.ipynb reached test_accuracy=0\.84 "
        r"for 'linear', "
        r"but the experiment reached 0\.845",
    ):
        pipeline._check_notebooks(tasks)


def test_check_notebooks_missing_metric(tmp_path):
    tasks = _metric_tasks(tmp_path, {"linear": {"val_accuracy": 0.9}})
    with pytest.raises(BuildError, match=r"experiment reached None"):
        pipeline._check_notebooks(tasks)


def test_check_notebooks_unknown_experiment(tmp_path):
    tasks = _metric_tasks(tmp_path, {"lin": {"test_accuracy": 0.845}})
    message = r"results for 'lin', which is not an experiment"
    with pytest.raises(BuildError, match=message):
        pipeline._check_notebooks(tasks)


def test_paths_for_project(tmp_path):
    paths = Paths.for_project(tmp_path)
    assert paths.docs == tmp_path.resolve() / "docs"
    assert paths.cache == tmp_path.resolve() / "build" / "cache"
    assert paths.outputs == tmp_path.resolve() / "build" / "outputs"


@pytest.mark.slow
def test_build_publishes_checked_notebook(
    build_paths, write_fake_entries, write_notebook
):
    tasks = {task.name: task for task in write_fake_entries(build_paths)}
    # The notebook prints exactly what the cache entry of "linear" records.
    reported = {"linear": tasks["linear"].metrics}
    write_notebook(
        build_paths.docs / "examples" / "demo.ipynb",
        ["import json", f"print(json.dumps({reported!r}))"],
        metrics_cell=1,
    )
    result = pipeline.build(build_paths, jobs=1)
    assert _statuses(result.tasks)["notebook:examples/demo.ipynb"] == "ran"
    assert result.release is not None
    assert (build_paths.outputs / "examples" / "demo.ipynb").is_file()
    assert (build_paths.outputs / "examples" / "demo.py").is_file()


@pytest.mark.slow
def test_build_failing_notebook(build_paths, write_fake_entries, write_notebook):
    write_fake_entries(build_paths)
    write_notebook(build_paths.docs / "examples" / "bad.ipynb", ["1/0"])
    events = []
    with pytest.raises(
        BuildError,
        match=r"1 task\(s\) failed, nothing was published\. "
        r"notebook:examples/bad\.ipynb: "
        r"NotebookError: Notebook .*bad\.ipynb failed: ZeroDivisionError",
    ) as raised:
        pipeline.build(build_paths, jobs=1, on_event=events.append)
    log = build_paths.build / "logs" / "notebook-examples-bad.ipynb.log"
    assert f"(log: {log})" in str(raised.value)
    assert log.is_file()
    assert not build_paths.outputs.exists()
    assert "failed" in [event["type"] for event in events]
