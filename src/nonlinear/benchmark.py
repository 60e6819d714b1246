"""Benchmark of the build and of training, measured in one run on one machine.

``python -m nonlinear benchmark`` clones the repository's ``HEAD`` into a temporary
folder and measures, there:

- a cold build of the site (experiments, notebook, pages) and its peak memory,
  summed over the build's whole process tree;
- a cold build of the article and the site in a second clone, where the
  experiments beyond the original article (the atlas) were built beforehand: the
  article's experiments, the notebook and every page, against the original script;
- a rebuild with nothing changed, against a bare ``mkdocs build`` of the same docs
  that skips the cache check (``NONLINEAR_PIPELINE=off``);
- a rebuild after a change to one module (``nonlinear/diagrams.py``);
- the ReLU model's training with :func:`nonlinear.training.fit` against the
  article's plain ``model.fit`` call, in the same process;
- the original article's script, both models, as published (with the decision
  plot made to work, see ``_ORIGINAL_SCRIPT``).

Results are written as JSON (by default ``docs/benchmark.json``), which the
site's benchmark page renders.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from nonlinear.atlas.registry import ATLAS_EXPERIMENTS

#: Repetitions of each short measurement; the median is reported.
REPEATS = 3

#: Experiments that go beyond the original article. They are built before the
#: article's own cold build is timed, so that it does the original script's work.
BEYOND_ARTICLE = tuple(experiment.name for experiment in ATLAS_EXPERIMENTS)

#: Upper bound for a cold build of the whole site, atlas included, in seconds.
COLD_BUILD_LIMIT = 180

#: The original article's code for both models, as one script. Only two changes:
#: ``plt.show()`` saves instead, and mlxtend receives a small wrapper because a bare
#: Keras model raises inside ``plot_decision_regions``; the wrapper keeps Keras'
#: default prediction batch of 32 samples, as the original call would.
_ORIGINAL_SCRIPT = """
import tensorflow.keras
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from mlxtend.plotting import plot_decision_regions

num_samples_total = 1000
training_split = 250
X, targets = make_moons(n_samples=num_samples_total)
targets[np.where(targets == 0)] = -1
X_training = X[training_split:, :]
X_testing = X[:training_split, :]
Targets_training = targets[training_split:]
Targets_testing = targets[:training_split]
plt.scatter(X_training[:, 0], X_training[:, 1])
plt.savefig("data.png")
plt.close()
input_shape = (len(X_training[0]),)

class Labels:
    def __init__(self, model):
        self.model = model
    def predict(self, X):
        return np.where(self.model.predict(X, verbose=0).reshape(-1) > 0.5, 1, -1)

for name, layers in (("linear", [(50, "linear")]),
                     ("relu", [(200, "relu"), (150, "relu"), (100, "relu"), (50, "relu")])):
    model = Sequential()
    for index, (width, activation) in enumerate(layers):
        extra = {"input_shape": input_shape} if index == 0 else {}
        model.add(Dense(width, activation=activation, kernel_initializer="he_uniform", **extra))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="squared_hinge", optimizer="adam", metrics=["accuracy"])
    model.fit(X_training, Targets_training, epochs=50, batch_size=25, verbose=1,
              validation_split=0.2)
    test_results = model.evaluate(X_testing, Targets_testing, verbose=1)
    print(f"Test results - Loss: {test_results[0]} - Accuracy: {test_results[1]*100}%")
    plot_decision_regions(X_testing, Targets_testing, clf=Labels(model), legend=2)
    plt.savefig(f"{name}.png")
    plt.close()
"""

#: Times the ReLU model's training both ways in one process, after importing
#: TensorFlow, and prints the seconds as JSON.
_TRAINING_SCRIPT = """
import json, statistics, sys, time
from nonlinear import datasets, models, training
from nonlinear.experiments import EXPERIMENTS
training.configure_tensorflow(threads=1)
import keras
config = EXPERIMENTS["relu"].config
split = datasets.load_moons(config.data)
head = config.model.head
def fresh():
    keras.utils.set_random_seed(config.train.seed)
    return models.compile_model(models.build_model(config.model), head, config.train)
plain, fast = [], []
for _ in range(int(sys.argv[1])):
    model = fresh()
    started = time.perf_counter()
    model.fit(split.X_fit, datasets.encode_labels(split.y_fit, head), epochs=config.train.epochs,
              batch_size=config.train.batch_size, validation_split=config.data.validation_split,
              verbose=0)
    plain.append(time.perf_counter() - started)
    model = fresh()
    started = time.perf_counter()
    training.fit(model, split.X_train, datasets.encode_labels(split.y_train, head), split.X_val,
                 datasets.encode_labels(split.y_val, head), config.train, datasets.class_values(head))
    fast.append(time.perf_counter() - started)
print(json.dumps({"plain_fit_seconds": statistics.median(plain),
                  "fast_fit_seconds": statistics.median(fast)}))
"""


def _proportional_memory(process: psutil.Process) -> int:
    """Return a process's proportional set size, or its resident size if unknown.

    The workers and the notebook kernel map the same TensorFlow libraries; the
    proportional size charges each shared page once across them, where summing
    resident sizes would count it once per process.
    """
    try:
        return process.memory_full_info().pss
    except AttributeError:
        return process.memory_info().rss


class PeakMemory:
    """Samples the summed memory (proportional set size) of a process tree."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for process in processes:
                try:
                    total += _proportional_memory(process)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


def _environment(clone: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(clone / "src"), "NO_MKDOCS_2_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


def _timed(command: list[str], cwd: Path, environment: dict) -> tuple[float, int]:
    """Run a command; return its wall time and the peak memory of its tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with PeakMemory(process.pid) as memory:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode()[-3000:]}")
    return seconds, memory.peak


def _mkdocs(clone: Path, **extra: str) -> tuple[float, int]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"]
    return _timed(command, clone, _environment(clone, **extra))


def _median_mkdocs(clone: Path, **extra: str) -> float:
    return statistics.median(_mkdocs(clone, **extra)[0] for _ in range(REPEATS))


def _stale_tasks(clone: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "nonlinear", "list"], cwd=clone,
                            env=_environment(clone), capture_output=True, text=True, check=True)
    return [line.split()[0] for line in result.stdout.splitlines() if " stale " in line]


def measure(repository: Path) -> dict:
    """Run every measurement in a temporary clone of ``repository`` and return them."""
    with tempfile.TemporaryDirectory(prefix="benchmark-") as temporary:
        article_clone = Path(temporary) / "article"
        subprocess.run(["git", "clone", "--quiet", str(repository), str(article_clone)],
                       check=True)
        _timed([sys.executable, "-m", "nonlinear", "build", *BEYOND_ARTICLE],
               article_clone, _environment(article_clone))
        article_seconds, _ = _mkdocs(article_clone)
        clone = Path(temporary) / "project"
        subprocess.run(["git", "clone", "--quiet", str(repository), str(clone)], check=True)
        cold_seconds, cold_memory = _mkdocs(clone)
        noop_seconds = _median_mkdocs(clone)
        bare_seconds = _median_mkdocs(clone, NONLINEAR_PIPELINE="off")
        module = clone / "src" / "nonlinear" / "diagrams.py"
        module.write_text(module.read_text() + "\n# Edited by the benchmark.\n")
        stale = _stale_tasks(clone)
        change_seconds, _ = _mkdocs(clone)
        training = subprocess.run(
            [sys.executable, "-c", _TRAINING_SCRIPT, str(REPEATS)], cwd=clone,
            env=_environment(clone), capture_output=True, text=True, check=True,
        )
        train = json.loads(training.stdout.strip().splitlines()[-1])
        original_dir = Path(temporary) / "original"
        original_dir.mkdir()
        original_seconds, original_memory = _timed(
            [sys.executable, "-c", _ORIGINAL_SCRIPT], original_dir, _environment(clone))
    return {
        "machine": machine(),
        "cold_build_seconds": cold_seconds,
        "article_site_seconds": article_seconds,
        "cold_build_peak_memory_bytes": cold_memory,
        "noop_build_seconds": noop_seconds,
        "bare_mkdocs_seconds": bare_seconds,
        "noop_ratio": noop_seconds / bare_seconds,
        "module_change": {"module": "nonlinear/diagrams.py", "rerun": stale,
                          "seconds": change_seconds},
        "relu_training": {**train, "speedup": train["plain_fit_seconds"] / train["fast_fit_seconds"]},
        "original_script_seconds": original_seconds,
        "original_script_peak_memory_bytes": original_memory,
        "repeats": REPEATS,
    }


def machine() -> dict:
    """Describe the machine: processor, cores, memory, operating system, Python."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {
        "processor": model,
        "cores": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def targets(results: dict) -> list[tuple[str, bool, str]]:
    """Check the results against the project's targets: (name, met, figures)."""
    gigabyte = 1024 ** 3
    return [
        ("no-op rebuild at most 1.5 x bare mkdocs build", results["noop_ratio"] <= 1.5,
         f"{results['noop_ratio']:.2f} x"),
        ("ReLU training at least 5 x faster than model.fit",
         results["relu_training"]["speedup"] >= 5, f"{results['relu_training']['speedup']:.1f} x"),
        ("the article and the site, cold, faster than the original script",
         results["article_site_seconds"] < results["original_script_seconds"],
         f"{results['article_site_seconds']:.1f} s vs "
         f"{results['original_script_seconds']:.1f} s"),
        ("cold build of the whole site under 3 minutes",
         results["cold_build_seconds"] < COLD_BUILD_LIMIT,
         f"{results['cold_build_seconds']:.1f} s"),
        ("peak memory of a full build under 2 GB",
         results["cold_build_peak_memory_bytes"] < 2 * gigabyte,
         f"{results['cold_build_peak_memory_bytes'] / gigabyte:.2f} GB"),
    ]


def main(repository: Path, output: Path) -> int:
    """Measure, print each figure and target, write the JSON; exit 1 if a target fails."""
    results = measure(repository)
    from nonlinear.atomic import atomic_write_bytes

    atomic_write_bytes(output, (json.dumps(results, indent=2, sort_keys=True) + "\n").encode())
    print(f"cold build            {results['cold_build_seconds']:.1f} s")
    print(f"article and site      {results['article_site_seconds']:.1f} s (cold, atlas built before)")
    print(f"no-op rebuild         {results['noop_build_seconds']:.2f} s "
          f"(bare mkdocs build {results['bare_mkdocs_seconds']:.2f} s)")
    change = results["module_change"]
    print(f"after editing {change['module']}: {change['seconds']:.1f} s, "
          f"reran {', '.join(change['rerun'])}")
    training = results["relu_training"]
    print(f"ReLU training         {training['fast_fit_seconds']:.2f} s vs model.fit "
          f"{training['plain_fit_seconds']:.2f} s")
    print(f"original script       {results['original_script_seconds']:.1f} s")
    failed = 0
    for name, met, figures in targets(results):
        print(f"{'PASS' if met else 'FAIL'}  {name}: {figures}")
        failed += not met
    print(f"results written to {output}")
    return 1 if failed else 0
