"""Check that two builds from two clean clones give byte-identical files.

``python -m nonlinear check-reproducible`` clones the repository's committed state
twice, builds each clone's site from scratch (experiments, notebooks and pages,
with ``SOURCE_DATE_EPOCH`` set to the commit time), and lists every file that
differs between the two ``site/`` folders or exists in only one. Uncommitted
changes are not part of the check.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def commit_epoch(repository: Path) -> str:
    """Return the committer time of ``HEAD`` in seconds since the epoch."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=repository,
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


def build_clone(repository: Path, folder: Path, epoch: str) -> float:
    """Clone ``repository`` into ``folder`` and build its site there.

    The clone's own ``src/`` comes first on ``PYTHONPATH``, so the build runs the
    clone's code with the current interpreter's packages.

    Returns:
        The seconds the build took.

    Raises:
        RuntimeError: If cloning or building fails; the message has the output.
    """
    subprocess.run(["git", "clone", "--quiet", str(repository), str(folder)], check=True)
    environment = {
        **os.environ,
        "PYTHONPATH": str(folder / "src"),
        "SOURCE_DATE_EPOCH": epoch,
        "NO_MKDOCS_2_WARNING": "1",
    }
    environment.pop("NONLINEAR_BUILD_DIR", None)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=folder, env=environment, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"The build in {folder} failed:\n{result.stderr[-4000:]}")
    return time.perf_counter() - started


def compare_trees(first: Path, second: Path) -> list[str]:
    """Return one line per file that differs or exists on one side only."""
    differences = []
    first_files = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    second_files = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    for name in sorted(first_files - second_files):
        differences.append(f"only in the first build: {name}")
    for name in sorted(second_files - first_files):
        differences.append(f"only in the second build: {name}")
    for name in sorted(first_files & second_files):
        if not filecmp.cmp(first / name, second / name, shallow=False):
            differences.append(f"differs: {name}")
    return differences


def check(repository: Path, keep: Path | None = None) -> list[str]:
    """Build two clean clones and return the differences between their sites.

    Args:
        repository: A git repository; its ``HEAD`` is cloned.
        keep: Folder to build in and keep afterwards; a temporary one by default.
    """
    epoch = commit_epoch(repository)
    with tempfile.TemporaryDirectory(prefix="reproducibility-") as temporary:
        root = Path(keep) if keep else Path(temporary)
        root.mkdir(parents=True, exist_ok=True)
        for label in ("first", "second"):
            seconds = build_clone(repository, root / label, epoch)
            print(f"{label} build: {seconds:.1f} s", file=sys.stderr)
        return compare_trees(root / "first" / "site", root / "second" / "site")


def main(repository: Path, keep: Path | None = None) -> int:
    """Run the check, print the differences and return the exit code."""
    differences = check(repository, keep)
    for line in differences:
        print(line)
    print(f"{len(differences)} differing files", file=sys.stderr)
    return 1 if differences else 0
