"""Tests of the command line: parsing, exit codes, messages, list, build, run."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from nonlinear import cli, experiments
from nonlinear.pipeline import Task

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def folders(build_paths) -> list[str]:
    """Return the options that point the CLI at empty tmp_path folders."""
    return ["--docs-dir", str(build_paths.docs), "--build-dir", str(build_paths.build)]


def _exit_code(argv: list[str]) -> int:
    """Run the CLI in-process and return its exit code, also when argparse exits."""
    try:
        return cli.main(argv)
    except SystemExit as exit_:
        return exit_.code


def test_help_exits_zero(capsys):
    assert _exit_code(["--help"]) == 0
    output = capsys.readouterr().out
    for word in ("build", "list", "clean", "--docs-dir", "--build-dir", "--verbose"):
        assert word in output, word


def test_build_help_mentions_options(capsys):
    assert _exit_code(["build", "--help"]) == 0
    output = capsys.readouterr().out
    for word in ("--jobs", "--force", "--quiet", "EXPERIMENT"):
        assert word in output, word


def test_module_help_subprocess():
    completed = subprocess.run(
        [sys.executable, "-m", "nonlinear", "--help"], capture_output=True, text=True
    )
    assert completed.returncode == 0
    assert "usage: python -m nonlinear" in completed.stdout


def test_no_command_is_usage_error(capsys):
    assert _exit_code([]) == cli.EXIT_USAGE
    assert "the following arguments are required" in capsys.readouterr().err


def test_build_unknown_experiment(capsys, folders):
    assert _exit_code([*folders, "build", "nosuch"]) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert "error: Unknown experiment 'nosuch'" in error
    assert "choose from dataset" in error


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "got 0"), ("-2", "got -2"), ("abc", "got 'abc'"), ("1.5", "got '1.5'")],
)
def test_build_invalid_jobs(capsys, folders, value, message):
    assert _exit_code([*folders, "build", "--jobs", value]) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert f"argument -j/--jobs: must be a positive integer, {message}" in error


def test_build_missing_docs(capsys, tmp_path):
    docs, build = tmp_path / "nodocs", tmp_path / "b"
    argv = ["--docs-dir", str(docs), "--build-dir", str(build), "build"]
    assert _exit_code(argv) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert f"Docs folder {tmp_path / 'nodocs'} has no index.md" in error
    assert "--docs-dir" in error


def test_build_unwritable_folder(capsys, build_paths):
    blocker = build_paths.docs.parent / "file"
    blocker.write_text("a regular file")
    argv = [
        "--docs-dir", str(build_paths.docs), "--build-dir", str(blocker / "b"), "build"
    ]
    assert _exit_code(argv) == cli.EXIT_USAGE
    assert "is not writable (Not a directory)" in capsys.readouterr().err


def test_list_prints_every_experiment(capsys, folders):
    assert _exit_code([*folders, "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == list(experiments.EXPERIMENTS)
    for line in lines:
        assert line.split()[1] == "stale", line


def test_list_shows_descriptions(capsys, folders):
    _exit_code([*folders, "list"])
    output = capsys.readouterr().out
    for experiment in experiments.EXPERIMENTS.values():
        assert experiment.description in output, experiment.name


def test_list_cached(capsys, build_paths, folders, write_fake_entries):
    write_fake_entries(build_paths)
    assert _exit_code([*folders, "list"]) == 0
    states = {line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert states == {"cached"}


def test_build_all_cached_publishes(capsys, build_paths, folders, write_fake_entries):
    write_fake_entries(build_paths)
    assert _exit_code([*folders, "build", "-j", "1"]) == 0
    assert (build_paths.outputs / "metrics.json").is_file()
    count = len(experiments.EXPERIMENTS)
    summary = f"{count} tasks, 0 ran, {count} from the cache"
    assert summary in capsys.readouterr().err


def test_build_progress_follows_redirected_stderr(
    capsys, build_paths, folders, write_fake_entries
):
    write_fake_entries(build_paths)
    assert _exit_code([*folders, "build"]) == 0
    count = len(experiments.EXPERIMENTS)
    assert f"0 to run, {count} from the cache" in capsys.readouterr().err


def test_build_quiet_prints_nothing(capsys, build_paths, folders, write_fake_entries):
    write_fake_entries(build_paths)
    assert _exit_code([*folders, "build", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_clean_removes_build(capsys, build_paths, folders, write_fake_entries):
    write_fake_entries(build_paths)
    assert _exit_code([*folders, "clean"]) == 0
    assert not build_paths.build.exists()
    assert f"removed cache from {build_paths.build}" in capsys.readouterr().out


def test_clean_keeps_other_files(capsys, build_paths, folders, write_fake_entries):
    write_fake_entries(build_paths)
    notes = build_paths.build / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    assert _exit_code([*folders, "clean"]) == 0
    assert notes.read_text(encoding="utf-8") == "mine"
    assert not build_paths.cache.exists()
    capsys.readouterr()


def test_clean_project_root_deletes_nothing(capsys, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("readme", encoding="utf-8")
    assert _exit_code(["--build-dir", str(tmp_path), "clean"]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["README.md", "docs"]
    assert "nothing to remove" in capsys.readouterr().out


def test_run_rejects_existing_folder(capsys, tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert _exit_code(["run", "--output", str(tmp_path), *RUN_OPTIONS]) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert f"--output {tmp_path} already exists" in error
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_run_rejects_existing_file(capsys, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert _exit_code(["run", "--output", str(target), *RUN_OPTIONS]) == cli.EXIT_USAGE
    assert "already exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine"


def test_list_needs_article_docs(capsys, tmp_path):
    (tmp_path / "docs").mkdir()
    argv = ["--docs-dir", str(tmp_path / "docs"), "--build-dir", str(tmp_path / "b"), "list"]
    assert _exit_code(argv) == cli.EXIT_USAGE
    assert "has no index.md" in capsys.readouterr().err


RUN_OPTIONS = [
    "--samples", "200", "--test-size", "50", "--epochs", "2", "--hidden", "4",
]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--hidden", "8,x"],
            "--hidden must be comma-separated integers such as 200,150, got '8,x'.",
        ),
        (["--epochs", "0"], "epochs must be a positive integer, got 0."),
        (["--activation", "nosuch"], "Unknown activation 'nosuch'"),
        (["--head", "hinge"], "Unknown head 'hinge'"),
        (["--test-size", "200"], "got n_test=200 with n_samples=200"),
        (
            ["--batch-size", "500"],
            "batch_size=500 is larger than the 120 training samples",
        ),
        (["--seed", "-1"], "seed must be an integer from 0 to 4294967295 (scikit-learn's limit), got -1."),
    ],
    ids=["hidden", "epochs", "activation", "head", "test-size", "batch-size", "seed"],
)
def test_run_invalid_option(capsys, tmp_path, options, message):
    argv = ["run", "--output", str(tmp_path / "out"), *RUN_OPTIONS, *options]
    assert _exit_code(argv) == cli.EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_run_output_under_file(capsys, tmp_path):
    (tmp_path / "file").write_text("a regular file")
    argv = ["run", "--output", str(tmp_path / "file" / "out"), *RUN_OPTIONS]
    assert _exit_code(argv) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert "is not writable" in error
    assert "--output" in error


@pytest.mark.slow
def test_run_writes_metrics(capsys, tmp_path, keras_module):
    output = tmp_path / "out"
    assert _exit_code(["run", "--output", str(output), *RUN_OPTIONS]) == 0
    document = json.loads((output / "metrics.json").read_text(encoding="utf-8"))
    assert document["config"]["model"]["hidden_layers"] == [4]
    assert document["metrics"]["epochs"] == 2
    assert (output / "decision-regions-run.png").is_file()
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def _task(name: str, status: str, seconds: float = 0.0) -> Task:
    return Task(name, "k", None, {}, status=status, seconds=seconds)


def test_format_summary_table():
    tasks = [_task("dataset", "cached"), _task("relu", "ran", 12.34)]
    lines = cli.format_summary(tasks, 15.0).splitlines()
    assert lines[0].split() == ["task", "source", "time"]
    assert lines[1].split() == ["dataset", "cache", "-"]
    assert lines[2].split() == ["relu", "ran", "12.3", "s"]
    assert lines[3] == "2 tasks, 1 ran, 1 from the cache, 15.0 s in all"


def test_progress_lines_without_terminal():
    stream = io.StringIO()
    progress = cli.Progress(stream=stream)
    progress({"type": "plan", "tasks": [("dataset", "stale"), ("relu", "cached")]})
    progress({"type": "start", "name": "dataset"})
    progress({"type": "progress", "name": "dataset", "done": 1, "total": 5})
    progress({"type": "done", "name": "dataset", "seconds": 2.0})
    progress({"type": "failed", "name": "relu", "error": "boom"})
    progress({"type": "unpublished", "reason": "some outputs are out of date"})
    assert stream.getvalue().splitlines() == [
        "1 to run, 1 from the cache",
        "[1/1] dataset done (2.0 s)",
        "[2/1] relu FAILED: boom (0.0 s)",
        "outputs not published: some outputs are out of date",
    ]


def test_progress_quiet():
    stream = io.StringIO()
    progress = cli.Progress(stream=stream, quiet=True)
    progress({"type": "plan", "tasks": [("dataset", "stale")]})
    progress({"type": "done", "name": "dataset", "seconds": 1.0})
    assert stream.getvalue() == ""


def test_check_reproducible_rejects_non_repository(capsys, tmp_path):
    argv = ["check-reproducible", "--repository", str(tmp_path)]
    assert _exit_code(argv) == cli.EXIT_USAGE
    assert f"--repository {tmp_path} is not a git repository" in capsys.readouterr().err


@pytest.mark.slow
def test_workers_exit_when_build_is_killed(tmp_path):
    # Only the parent is killed, as an out-of-memory kill would; its workers must
    # notice and exit instead of waiting for work forever.
    command = [sys.executable, "-m", "nonlinear", "--build-dir", str(tmp_path / "build"),
               "build", "--quiet", "--jobs", "2", "relu", "linear"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    workers = []
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
        workers = [child for child in parent.children(recursive=True)
                   if "spawn_main" in " ".join(child.cmdline())]
    assert len(workers) == 2, "the build did not start two workers"
    process.kill()
    process.wait()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"workers still running after their parent died: {alive}"
