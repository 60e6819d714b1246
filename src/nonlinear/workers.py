"""Worker processes that run stale tasks and write their cache entries.

Workers are started with ``spawn``: TensorFlow is not safe to fork, and a fresh
interpreter imports only what its task needs. Each worker sends progress events
through a queue that the parent drains while it waits.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import queue
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from nonlinear import cache
from nonlinear.atomic import fault_point, replace_directory

_events = None


class TaskError(RuntimeError):
    """A task raised; the message names the original error and the task's log."""


#: Seconds between a worker's checks that the build that started it still runs.
PARENT_CHECK_SECONDS = 1.0


def _initialise(events) -> None:
    global _events
    _events = events
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("MPLBACKEND", "Agg")
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True,
                     name="parent-watch").start()


def _exit_with_parent(parent: int) -> None:
    """Exit the worker once its parent has died, as after SIGKILL or SIGTERM.

    The executor would otherwise leave the worker waiting for work forever. A task
    that is cut short leaves only a staging folder, which the next build removes.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _progress(name: str):
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        # At most ten events a second reach the parent.
        if done == total or now - last[0] >= 0.1:
            last[0] = now
            _events.put({"type": "progress", "name": name, "done": done, "total": total})

    return report


@contextlib.contextmanager
def _stderr_to(path: Path):
    """Send file descriptor 2 to a log file, for this process and its children.

    TensorFlow and the notebook kernel print start-up messages straight to the
    descriptor, past Python's logging, so only a redirect keeps them out of the
    progress display. A failure message points to the log.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "wb") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def execute(
    name: str, key: str, entry: str, notebook: str | None, log: str
) -> tuple[dict, float]:
    """Run one task into a staging folder, then move it to its cache entry.

    Everything the task writes to standard error goes to the file ``log``.

    Returns:
        The entry's manifest and the seconds the task took.
    """
    with _stderr_to(Path(log)):
        try:
            return _execute(name, key, entry, notebook)
        except Exception as error:
            raise TaskError(f"{type(error).__name__}: {error} (log: {log})") from error


def _execute(name: str, key: str, entry: str, notebook: str | None) -> tuple[dict, float]:
    started = time.perf_counter()
    if _events is not None:
        _events.put({"type": "start", "name": name})
    entry_path = Path(entry)
    entry_path.parent.mkdir(parents=True, exist_ok=True)
    staging = entry_path.with_name(f".staging-{os.getpid()}-{key[:12]}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    if notebook is not None:
        from nonlinear.notebooks import execute_notebook, export_script

        executed = staging / Path(notebook).name
        metrics = execute_notebook(Path(notebook), executed)
        export_script(executed, executed.with_suffix(".py"))
    else:
        from nonlinear.experiments import EXPERIMENTS

        experiment = EXPERIMENTS[name]
        module_name, _, function_name = experiment.runner.partition(":")
        runner = getattr(importlib.import_module(module_name), function_name)
        metrics = runner(experiment, staging, _progress(name) if _events else None)
    seconds = time.perf_counter() - started
    fault_point("task-written")
    manifest = cache.write_manifest(staging, key, {"name": name, "metrics": metrics})
    fault_point("manifest-written")
    replace_directory(staging, entry_path)
    return manifest, seconds


class WorkerPool:
    """A process pool that yields each task's outcome as it finishes."""

    def __init__(self, jobs: int, emit, logs: Path) -> None:
        self.jobs = jobs
        self.emit = emit
        self.logs = logs

    def __enter__(self) -> "WorkerPool":
        context = multiprocessing.get_context("spawn")
        self.events = context.Queue()
        self.executor = ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_initialise,
            initargs=(self.events,),
        )
        return self

    def __exit__(self, *exc_info) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                self.emit(self.events.get_nowait())
            except queue.Empty:
                return
            except (OSError, ValueError):
                return

    def run(self, tasks):
        """Submit the tasks and yield ``(task, (manifest, seconds) or exception)``."""
        pending = {
            self.executor.submit(
                execute, task.name, task.key, str(task.entry),
                str(task.notebook) if task.notebook else None,
                str(self.logs / f"{task.name.replace(':', '-').replace('/', '-')}.log"),
            ): task
            for task in tasks
        }
        while pending:
            done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            self._drain()
            for future in done:
                task = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - reported with the task name
                    self.emit({"type": "failed", "name": task.name, "error": str(error)})
                    yield task, error
                    continue
                self.emit({"type": "done", "name": task.name, "seconds": outcome[1]})
                yield task, outcome
