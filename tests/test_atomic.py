"""Tests of atomic file writes, folder replacement and symbolic-link replacement."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nonlinear.atomic import (
    atomic_write_bytes,
    remove_abandoned,
    replace_directory,
    replace_symlink,
)


def _names(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_atomic_write_bytes_new_file(tmp_path):
    atomic_write_bytes(tmp_path / "out.bin", b"\x00data")
    assert (tmp_path / "out.bin").read_bytes() == b"\x00data"


def test_atomic_write_bytes_no_temporary_left(tmp_path):
    atomic_write_bytes(tmp_path / "out.bin", b"data")
    assert _names(tmp_path) == ["out.bin"]


def test_atomic_write_bytes_replaces(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old content that is longer")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert _names(tmp_path) == ["out.bin"]


def test_atomic_write_bytes_creates_parents(tmp_path):
    atomic_write_bytes(tmp_path / "a" / "b" / "out.bin", b"x")
    assert (tmp_path / "a" / "b" / "out.bin").read_bytes() == b"x"


def test_atomic_write_bytes_open_reader(tmp_path):
    # A reader that opened the old file keeps reading the old content.
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with open(target, "rb") as reader:
        atomic_write_bytes(target, b"new")
        assert reader.read() == b"old"
    assert target.read_bytes() == b"new"


def _staging(tmp_path, name: str = "staging", content: str = "new"):
    staging = tmp_path / name
    (staging / "sub").mkdir(parents=True)
    (staging / "sub" / "file.txt").write_text(content)
    return staging


def test_replace_directory_new_target(tmp_path):
    staging = _staging(tmp_path)
    replace_directory(staging, tmp_path / "target")
    assert (tmp_path / "target" / "sub" / "file.txt").read_text() == "new"
    assert _names(tmp_path) == ["target"]


def test_replace_directory_existing_target(tmp_path):
    old = tmp_path / "target"
    old.mkdir()
    (old / "stale.txt").write_text("old")
    replace_directory(_staging(tmp_path), old)
    assert _names(old) == ["sub"]
    assert (old / "sub" / "file.txt").read_text() == "new"


def test_replace_directory_no_leftovers(tmp_path):
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "stale.txt").write_text("old")
    replace_directory(_staging(tmp_path), tmp_path / "target")
    assert _names(tmp_path) == ["target"]


def test_replace_directory_twice(tmp_path):
    replace_directory(_staging(tmp_path, content="first"), tmp_path / "target")
    replace_directory(_staging(tmp_path, content="second"), tmp_path / "target")
    assert (tmp_path / "target" / "sub" / "file.txt").read_text() == "second"
    assert _names(tmp_path) == ["target"]


def test_replace_directory_dangling_symlink(tmp_path):
    os.symlink(tmp_path / "nowhere", tmp_path / "target")
    replace_directory(_staging(tmp_path), tmp_path / "target")
    assert not (tmp_path / "target").is_symlink()
    assert (tmp_path / "target" / "sub" / "file.txt").read_text() == "new"


def test_replace_directory_symlink_no_leftovers(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink("real", tmp_path / "target")
    replace_directory(_staging(tmp_path), tmp_path / "target")
    assert _names(tmp_path) == ["real", "target"]


def test_replace_symlink_new_link(tmp_path):
    (tmp_path / "release-1").mkdir()
    replace_symlink(tmp_path / "outputs", tmp_path / "release-1")
    assert (tmp_path / "outputs").is_symlink()
    assert os.readlink(tmp_path / "outputs") == str(tmp_path / "release-1")


def test_replace_symlink_relative_target(tmp_path):
    (tmp_path / "releases" / "r1").mkdir(parents=True)
    (tmp_path / "releases" / "r1" / "metrics.json").write_text("{}")
    replace_symlink(tmp_path / "outputs", "releases/r1")
    assert os.readlink(tmp_path / "outputs") == "releases/r1"
    assert (tmp_path / "outputs" / "metrics.json").read_text() == "{}"


def test_replace_symlink_existing_link(tmp_path):
    for name in ("r1", "r2"):
        (tmp_path / name).mkdir()
    replace_symlink(tmp_path / "outputs", "r1")
    replace_symlink(tmp_path / "outputs", "r2")
    assert os.readlink(tmp_path / "outputs") == "r2"
    assert _names(tmp_path) == ["outputs", "r1", "r2"]


def test_replace_symlink_dangling_link(tmp_path):
    os.symlink("gone", tmp_path / "outputs")
    (tmp_path / "r1").mkdir()
    replace_symlink(tmp_path / "outputs", "r1")
    assert os.readlink(tmp_path / "outputs") == "r1"


def test_replace_symlink_real_folder(tmp_path):
    real = tmp_path / "outputs"
    (real / "figures").mkdir(parents=True)
    (real / "figures" / "old.png").write_bytes(b"old")
    (tmp_path / "r1").mkdir()
    replace_symlink(real, "r1")
    assert real.is_symlink()
    assert os.readlink(real) == "r1"
    assert _names(tmp_path) == ["outputs", "r1"]


def test_replace_symlink_stale_temporary(tmp_path):
    # A link left by an earlier run of the same process id is replaced.
    os.symlink("old", tmp_path / f".outputs.tmp-{os.getpid()}")
    (tmp_path / "r1").mkdir()
    replace_symlink(tmp_path / "outputs", "r1")
    assert os.readlink(tmp_path / "outputs") == "r1"
    assert _names(tmp_path) == ["outputs", "r1"]


def test_replace_symlink_regular_file(tmp_path):
    (tmp_path / "outputs").write_text("not a link")
    (tmp_path / "r1").mkdir()
    replace_symlink(tmp_path / "outputs", "r1")
    assert os.readlink(tmp_path / "outputs") == "r1"
    assert _names(tmp_path) == ["outputs", "r1"]


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """Return the process id of a child that has exited and been reaped."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_remove_abandoned_dead_writer(tmp_path, dead_pid):
    staging = tmp_path / f".staging-{dead_pid}-0123abcdef01"
    (staging / "sub").mkdir(parents=True)
    trash = tmp_path / "relu" / f".trash-0a1b-{dead_pid}"
    trash.mkdir(parents=True)
    temporary = tmp_path / f".metrics.json.tmp-{dead_pid}"
    temporary.write_text("{")
    removed = remove_abandoned(tmp_path)
    assert sorted(removed) == sorted([staging, trash, temporary])
    assert _names(tmp_path) == ["relu"]
    assert _names(tmp_path / "relu") == []


def test_remove_abandoned_keeps_running_writer(tmp_path):
    staging = tmp_path / f".staging-{os.getpid()}"
    staging.mkdir()
    assert remove_abandoned(tmp_path) == []
    assert staging.is_dir()


def test_remove_abandoned_keeps_outputs(tmp_path, dead_pid):
    (tmp_path / "relu" / "0a1b").mkdir(parents=True)
    (tmp_path / "metrics.json").write_text("{}")
    (tmp_path / f"staging-{dead_pid}").mkdir()
    assert remove_abandoned(tmp_path) == []
    assert _names(tmp_path) == ["metrics.json", "relu", f"staging-{dead_pid}"]


def test_remove_abandoned_symlink_trash(tmp_path, dead_pid):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "keep.txt").write_text("keep")
    os.symlink("real", tmp_path / f".trash-outputs-{dead_pid}")
    remove_abandoned(tmp_path)
    assert _names(tmp_path) == ["real"]
    assert (tmp_path / "real" / "keep.txt").read_text() == "keep"


def test_remove_abandoned_missing_root(tmp_path):
    assert remove_abandoned(tmp_path / "nosuch") == []
