"""Build the site once per test session, for the tests that inspect the output.

The build shares the project's ``build/`` cache, so after ``make site`` it renders
without training; from a clean clone it trains everything once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_sites: dict[str, Path] = {}


def build_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run ``mkdocs build --strict`` into a temporary folder and return the folder.

    Every caller in a session gets the same folder. The build fails the test if
    mkdocs exits with an error or prints a warning.
    """
    if "site" not in _sites:
        site_dir = tmp_path_factory.mktemp("built-site")
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
        command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
        command += ["--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(site_dir)]
        result = subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1800
        )
        assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr[-4000:]}"
        warnings = result.stderr.replace("WARNING: All log messages", "")
        assert "WARNING" not in warnings, warnings[-4000:]
        _sites["site"] = site_dir
    return _sites["site"]
