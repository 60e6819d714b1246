"""Tests of the benchmark's bookkeeping: targets, memory sampling, the machine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nonlinear import benchmark


def _results(**changes) -> dict:
    results = {
        "noop_ratio": 1.1,
        "relu_training": {"speedup": 6.0},
        "article_site_seconds": 30.0,
        "original_script_seconds": 45.0,
        "cold_build_seconds": 90.0,
        "cold_build_peak_memory_bytes": int(1.5 * 1024 ** 3),
    }
    results.update(changes)
    return results


def test_every_target_met():
    assert all(met for _, met, _ in benchmark.targets(_results()))


@pytest.mark.parametrize(
    ("changes", "failing"),
    [
        ({"noop_ratio": 1.6}, "no-op rebuild"),
        ({"relu_training": {"speedup": 4.9}}, "ReLU training"),
        ({"article_site_seconds": 46.0}, "the article and the site"),
        ({"cold_build_seconds": 181.0}, "cold build of the whole site"),
        ({"cold_build_peak_memory_bytes": 2 * 1024 ** 3}, "peak memory"),
    ],
)
def test_each_target_fails_on_its_own(changes, failing):
    failed = [name for name, met, _ in benchmark.targets(_results(**changes)) if not met]
    assert len(failed) == 1
    assert failed[0].startswith(failing)


def test_peak_memory_counts_child_processes():
    # Only the child allocates memory (300 MB), so the sampler must include it.
    script = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "\"import time; block = bytearray(300 * 1024 * 1024); time.sleep(1.5)\"], check=True)"
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    with benchmark.PeakMemory(process.pid) as memory:
        process.wait()
    assert process.returncode == 0
    assert memory.peak > 250 * 1024 * 1024


def test_machine_description_fields():
    machine = benchmark.machine()
    assert machine["cores"] >= 1
    assert machine["memory_bytes"] > 0
    assert machine["python"].startswith("3.")
    assert machine["processor"]
