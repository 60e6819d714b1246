"""Bring every output of the site up to date, and publish them all at once.

The pipeline plans (computes each task's cache key and checks its entry), runs the
stale tasks in worker processes, and publishes a release: a folder with
``figures/``, ``metrics.json`` and the executed notebooks. ``<build>/outputs`` is a
symbolic link to the current release and is replaced in one atomic rename, so a
build that fails or is killed leaves the previous release in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import platform
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from nonlinear import cache, experiments, notebooks
from nonlinear.atomic import (
    atomic_write_bytes,
    fault_point,
    remove_abandoned,
    replace_directory,
    replace_symlink,
)
from nonlinear.config import ConfigError
from nonlinear.workers import WorkerPool

logger = logging.getLogger(__name__)

#: Callback that receives progress events; see :class:`nonlinear.cli.Progress`.
EventCallback = Callable[[dict], None]

#: Folder of the site's example notebooks, relative to the docs folder.
NOTEBOOK_GLOB = "examples/*.ipynb"


class BuildError(RuntimeError):
    """A task failed, or the outputs disagree; nothing was published."""


@dataclasses.dataclass(frozen=True)
class Paths:
    """Folders that a build reads and writes."""

    docs: Path
    build: Path

    @classmethod
    def for_project(cls, root: Path) -> Paths:
        """Return the default layout: ``docs/`` and ``build/`` under the root."""
        root = Path(root).resolve()
        return cls(docs=root / "docs", build=root / "build")

    @property
    def cache(self) -> Path:
        """Folder of the cache entries."""
        return self.build / "cache"

    @property
    def outputs(self) -> Path:
        """Symbolic link to the published release."""
        return self.build / "outputs"

    @property
    def releases(self) -> Path:
        """Folder of the published releases; only the current one is kept."""
        return self.build / "releases"

    @property
    def logs(self) -> Path:
        """Folder of the workers' logs, one file per task."""
        return self.build / "logs"

    def check_docs(self) -> None:
        """Raise ConfigError unless the docs folder contains the article's ``index.md``.

        A build with another folder would publish a release without the
        notebooks and prune their cache entries.
        """
        if not (self.docs / "index.md").is_file():
            raise ConfigError(
                f"Docs folder {self.docs} has no index.md; run from the project root "
                "or pass --docs-dir with the project's docs folder."
            )


@dataclasses.dataclass
class Task:
    """One experiment or notebook with its cache key and entry folder."""

    name: str
    key: str
    entry: Path
    versions: dict[str, str]
    experiment: experiments.Experiment | None = None
    notebook: Path | None = None
    manifest: dict | None = None
    status: str = "stale"
    seconds: float = 0.0

    @property
    def uses_tensorflow(self) -> bool:
        """Whether running the task imports TensorFlow (notebooks do, in a kernel)."""
        return self.notebook is not None or self.experiment.uses_tensorflow

    @property
    def metrics(self) -> dict:
        """Metrics recorded in the task's cache entry."""
        return (self.manifest or {}).get("metrics", {})


@dataclasses.dataclass
class BuildResult:
    """Tasks of a build, in run order, and the published release (if any)."""

    tasks: list[Task]
    release: Path | None


def plan(
    selected: Iterable[experiments.Experiment],
    paths: Paths,
    include_notebooks: bool = True,
) -> list[Task]:
    """Compute every task's key and mark the tasks whose entry is intact as cached.

    Reads source files and package metadata only; imports no heavy package.
    """
    cache.INDEX_FILE = paths.cache / "installed-packages.json"
    tasks = []
    for experiment in selected:
        modules = cache.project_modules(experiment.runner_module)
        sources = {name: path.read_text(encoding="utf-8") for name, path in modules.items()}
        versions = cache.distribution_versions(cache.third_party_imports(sources.values()))
        key = cache.compute_key(experiment.config_json(), sources, versions)
        entry = paths.cache / experiment.name / key[:32]
        tasks.append(Task(experiment.name, key, entry, versions, experiment=experiment))
    if include_notebooks:
        for notebook in sorted(paths.docs.glob(NOTEBOOK_GLOB)):
            relative = notebook.relative_to(paths.docs).as_posix()
            try:
                text = notebook.read_text(encoding="utf-8")
                imports = cache.third_party_imports(notebooks.code_sources(notebook))
            except (UnicodeDecodeError, ValueError, SyntaxError) as error:
                # json.JSONDecodeError is a ValueError; SyntaxError is a code cell's.
                raise ConfigError(
                    f"Notebook {notebook} cannot be read ({type(error).__name__}: "
                    f"{error}); fix it, or move it out of {paths.docs}."
                ) from error
            versions = cache.distribution_versions(imports | {"ipykernel", "jupytext"})
            settings = json.dumps({"notebook": relative, "script": notebooks.SCRIPT_FORMAT})
            key = cache.compute_key(settings, {relative: text}, versions)
            folder = "notebook-" + relative.removesuffix(".ipynb").replace("/", "-")
            entry = paths.cache / folder / key[:32]
            tasks.append(Task(f"notebook:{relative}", key, entry, versions, notebook=notebook))
    for task in tasks:
        task.manifest = cache.read_entry(task.entry, task.key)
        if task.manifest is not None:
            task.status = "cached"
    return tasks


def build(
    paths: Paths,
    names: Iterable[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    on_event: EventCallback | None = None,
) -> BuildResult:
    """Run what is stale and publish a release of all outputs.

    Args:
        paths: Docs and build folders.
        names: Experiments to bring up to date; ``None`` means all of them and the
            notebooks. A release is published only when every output is current.
        jobs: Worker processes for stale tasks; defaults to the number of CPUs.
        force: Rerun the selected tasks even if their cache entries are intact.
        on_event: Receives progress events.

    Returns:
        The tasks and the published release, or ``None`` for the release when only
        some experiments were selected and others are out of date.

    Raises:
        ConfigError: For an unknown experiment, a non-positive ``jobs`` or a build
            folder that cannot be written.
        BuildError: If a task fails or a notebook disagrees with the experiments.
    """
    emit = on_event or (lambda event: None)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"jobs must be a positive integer, got {jobs!r}.")
    selected = experiments.select(names)
    check_writable(paths.build)
    for path in remove_abandoned(paths.cache) + remove_abandoned(paths.releases):
        logger.info("Removed %s, left by an interrupted build", path)
    every_task = plan(experiments.select(None), paths)
    wanted = {experiment.name for experiment in selected}
    run_all = names is None
    tasks = [task for task in every_task if run_all or task.name in wanted]
    if force:
        for task in tasks:
            task.manifest, task.status = None, "stale"
    emit({"type": "plan", "tasks": [(task.name, task.status) for task in tasks]})

    stale = [task for task in tasks if task.status == "stale"]
    if stale:
        _run(stale, paths, jobs or os.cpu_count() or 1, emit)

    if any(task.manifest is None for task in every_task):
        emit({"type": "unpublished", "reason": "some outputs are out of date"})
        return BuildResult(tasks, None)
    _check_notebooks(every_task)
    release = publish(every_task, paths)
    prune_cache(every_task, paths)
    emit({"type": "published", "release": str(release)})
    return BuildResult(tasks, release)


def check_writable(folder: Path, option: str = "--build-dir") -> None:
    """Create ``folder`` if needed and check that files can be written in it.

    Args:
        folder: The folder to check.
        option: Command-line option that sets the folder, named in the error.

    Raises:
        ConfigError: If the folder cannot be created or written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ConfigError(
            f"Folder {folder} is not writable ({error.strerror}); "
            f"choose another folder with {option} or fix its permissions."
        ) from error


def _run(stale: list[Task], paths: Paths, jobs: int, emit: EventCallback) -> None:
    """Run stale tasks: experiments first, then notebooks, which need their results."""
    failures = []
    phases = (
        [task for task in stale if task.experiment is not None],
        [task for task in stale if task.notebook is not None],
    )
    for phase in phases:
        if not phase:
            continue
        # Heavy tasks first, so that the light ones fill the gaps at the end.
        phase.sort(key=lambda task: not task.uses_tensorflow)
        with WorkerPool(min(jobs, len(phase)), emit, paths.logs) as pool:
            for task, outcome in pool.run(phase):
                if isinstance(outcome, BaseException):
                    failures.append((task, outcome))
                    continue
                task.manifest, task.seconds = outcome
                task.status = "ran"
        if failures:
            break
    if failures:
        details = "; ".join(f"{task.name}: {error}" for task, error in failures)
        raise BuildError(f"{len(failures)} task(s) failed, nothing was published. {details}")


def _check_notebooks(tasks: list[Task]) -> None:
    """Fail if a notebook's printed results differ from the experiments' metrics."""
    by_name = {task.name: task for task in tasks}
    for task in tasks:
        if task.notebook is None:
            continue
        for name, values in task.metrics.items():
            if name not in by_name:
                raise BuildError(
                    f"{task.name} reports results for {name!r}, which is not an "
                    "experiment; use an experiment name as the key."
                )
            for metric, value in values.items():
                expected = by_name[name].metrics.get(metric)
                if expected != value:
                    raise BuildError(
                        f"{task.name} reached {metric}={value!r} for {name!r}, but the "
                        f"experiment reached {expected!r}; the notebook must train "
                        "exactly as the pipeline does."
                    )


#: Cache entries kept per task besides the current one, newest first, so that
#: switching an experiment back and forth between two versions stays fast.
OLD_ENTRIES_KEPT = 2


def prune_cache(tasks: list[Task], paths: Paths) -> None:
    """Delete all but the newest old entries of each task, and folders of removed tasks."""
    current = {task.entry.parent: task.entry for task in tasks}
    for folder in paths.cache.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        if folder not in current:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        old = [entry for entry in folder.iterdir()
               if entry != current[folder] and not entry.name.startswith(".")]
        old.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
        for entry in old[OLD_ENTRIES_KEPT:]:
            shutil.rmtree(entry, ignore_errors=True)


def provenance(tasks: list[Task]) -> dict:
    """Return the seed, Python and package versions behind the outputs."""
    packages: dict[str, str] = {}
    for task in tasks:
        packages.update(task.versions)
    return {
        "seed": experiments.SEED,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "packages": dict(sorted(packages.items())),
    }


#: Extensions of figure files, published as ``figures/<name>.<ext>``.
FIGURE_EXTENSIONS = ("png", "svg", "pdf", "gif", "webp")


def release_files(tasks: list[Task]) -> dict[str, Path]:
    """Map each published path to the cache file it comes from.

    Figures at the top of an entry are published under ``figures/``, files in an
    entry's ``data/`` folder under ``data/`` with the same relative path, and an
    executed notebook at its place in the docs folder, with its ``# %%`` script
    beside it.

    Raises:
        BuildError: If two tasks publish the same path.
    """
    files: dict[str, Path] = {}
    for task in tasks:
        for name in task.manifest["files"]:
            source = task.entry / name
            if task.notebook is not None and name.endswith(".ipynb"):
                published = task.name.removeprefix("notebook:")
            elif task.notebook is not None and name.endswith(".py"):
                published = task.name.removeprefix("notebook:").removesuffix(".ipynb") + ".py"
            elif name.startswith("data/"):
                published = name
            elif "/" not in name and name.rsplit(".", 1)[-1] in FIGURE_EXTENSIONS:
                published = f"figures/{name}"
            else:
                continue
            if published in files:
                raise BuildError(
                    f"{task.name} and another task both write {published}; "
                    "give each output a unique name."
                )
            files[published] = source
    return dict(sorted(files.items()))


def metrics_document(tasks: list[Task]) -> bytes:
    """Return ``metrics.json``: every experiment's metrics and the provenance."""
    document = {
        "experiments": {
            task.name: task.metrics for task in tasks if task.experiment is not None
        },
        "provenance": provenance(tasks),
    }
    return (json.dumps(document, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _release_intact(release: Path, expected: dict[str, str]) -> bool:
    """Return whether a release contains exactly the expected files, unchanged."""
    if not (release / ".complete").is_file():
        return False
    found = {
        path.relative_to(release).as_posix(): path
        for path in release.rglob("*")
        if path.is_file() and path.name != ".complete"
    }
    if found.keys() != expected.keys():
        logger.warning("release %s lacks or adds files; publishing it again", release.name)
        return False
    for name, path in found.items():
        if cache.file_sha256(path) != expected[name]:
            logger.warning("release file %s was changed; publishing it again", name)
            return False
    return True


def publish(tasks: list[Task], paths: Paths) -> Path:
    """Assemble a release from the cache entries and point ``outputs`` at it.

    A release's folder name is a hash of its content, so publishing unchanged
    outputs writes nothing. A release whose files were changed, added or deleted
    since is written again.
    """
    files = release_files(tasks)
    metrics = metrics_document(tasks)
    expected = {name: cache.file_sha256(source) for name, source in files.items()}
    expected["metrics.json"] = hashlib.sha256(metrics).hexdigest()
    digest = hashlib.sha256(metrics)
    for name, source in files.items():
        digest.update(f"{name}\0{expected[name]}\0".encode())
    release = paths.releases / digest.hexdigest()[:20]
    if not _release_intact(release, expected):
        staging = paths.releases / f".staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        for name, source in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        atomic_write_bytes(staging / "metrics.json", metrics)
        (staging / ".complete").write_bytes(b"")
        fault_point("release-staged")
        replace_directory(staging, release)
    fault_point("release-moved")
    replace_symlink(paths.outputs, Path("releases") / release.name)
    fault_point("release-linked")
    for old in paths.releases.iterdir():
        if old != release and not old.name.startswith(".staging"):
            shutil.rmtree(old, ignore_errors=True)
    return release
