"""Tests of cache keys (modules, imports, versions) and of verified cache entries."""

from __future__ import annotations

import importlib.metadata
import json
import logging

import pytest

from nonlinear import cache


def test_module_path_module():
    assert cache.module_path("nonlinear.cache").name == "cache.py"


def test_module_path_package():
    path = cache.module_path("nonlinear.runners")
    assert path.name == "__init__.py"
    assert path.parent.name == "runners"


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("numpy", r"'numpy' is not a module of 'nonlinear'\."),
        ("nonlinearity.cache", r"'nonlinearity\.cache' is not a module of 'nonlinear'"),
        ("nonlinear.nosuch", r"No source file for module 'nonlinear\.nosuch' under "),
    ],
    ids=["third-party", "similar-prefix", "missing"],
)
def test_module_path_invalid(module, message):
    with pytest.raises(ModuleNotFoundError, match=message):
        cache.module_path(module)


def test_project_modules_dataset_runner():
    modules = cache.project_modules("nonlinear.runners.dataset")
    assert "nonlinear.runners.dataset" in modules
    assert "nonlinear.datasets" in modules
    assert "nonlinear.plotting" in modules
    assert "nonlinear.figures" in modules
    assert "nonlinear.config" in modules
    assert "nonlinear.training" not in modules
    assert "nonlinear.models" not in modules


def test_project_modules_parent_packages():
    modules = cache.project_modules("nonlinear.runners.dataset")
    assert "nonlinear" in modules
    assert "nonlinear.runners" in modules


def test_project_modules_function_level_imports():
    # run_training imports nonlinear.models inside the function body.
    modules = cache.project_modules("nonlinear.runners.training")
    assert "nonlinear.models" in modules
    assert "nonlinear.training" in modules


def test_project_modules_paths_and_order():
    modules = cache.project_modules("nonlinear.runners.diagrams")
    assert list(modules) == sorted(modules)
    for name, path in modules.items():
        assert path == cache.module_path(name)


def test_project_modules_diagrams_skip_data():
    modules = cache.project_modules("nonlinear.runners.diagrams")
    assert "nonlinear.diagrams" in modules
    assert "nonlinear.datasets" not in modules


def test_project_modules_activations_skip_diagrams():
    modules = cache.project_modules("nonlinear.runners.activations")
    assert "nonlinear.plotting" in modules
    assert "nonlinear.diagrams" not in modules


def test_third_party_imports_skips_stdlib_and_project():
    source = (
        "import os\n"
        "import json, numpy as np\n"
        "from collections.abc import Iterable\n"
        "from sklearn.datasets import make_moons\n"
        "import matplotlib.pyplot as plt\n"
        "from nonlinear import cache\n"
        "import nonlinear.training\n"
        "from . import sibling\n"
        "from .models import build_model\n"
    )
    assert cache.third_party_imports([source]) == {"numpy", "sklearn", "matplotlib"}


def test_third_party_imports_nested_and_several_sources():
    sources = ["def f():\n    import keras\n", "import scipy.stats\n"]
    assert cache.third_party_imports(sources) == {"keras", "scipy"}


def test_third_party_imports_empty():
    assert cache.third_party_imports(["x = 1\n"]) == set()


def test_distribution_versions_sklearn_requirements():
    versions = cache.distribution_versions({"sklearn"})
    assert "scikit-learn" in versions
    assert "numpy" in versions
    assert "scipy" in versions
    assert versions["scikit-learn"] == importlib.metadata.version("scikit-learn")


def test_distribution_versions_keras_backend():
    versions = cache.distribution_versions({"keras"})
    assert "keras" in versions
    assert {"tensorflow", "tensorflow-cpu"} & set(versions)


def test_distribution_versions_unknown_import():
    assert cache.distribution_versions({"no_such_module_anywhere"}) == {}


def test_distribution_versions_sorted():
    versions = cache.distribution_versions({"sklearn", "matplotlib"})
    assert list(versions) == sorted(versions)


BASE = ('{"a":1}', {"nonlinear.x": "print(1)\n"}, {"numpy": "2.0.0"})


def test_compute_key_deterministic():
    assert cache.compute_key(*BASE) == cache.compute_key(*BASE)


def test_compute_key_hex_sha256():
    key = cache.compute_key(*BASE)
    assert len(key) == 64
    assert int(key, 16) >= 0


@pytest.mark.parametrize(
    "changed",
    [
        ('{"a":2}', BASE[1], BASE[2]),
        (BASE[0], {"nonlinear.x": "print(2)\n"}, BASE[2]),
        (BASE[0], {"nonlinear.y": "print(1)\n"}, BASE[2]),
        (BASE[0], {**BASE[1], "nonlinear.z": ""}, BASE[2]),
        (BASE[0], BASE[1], {"numpy": "2.0.1"}),
        (BASE[0], BASE[1], {**BASE[2], "scipy": "1.0"}),
    ],
    ids=["config", "source", "module-name", "extra-module", "version", "extra-package"],
)
def test_compute_key_changes(changed):
    assert cache.compute_key(*changed) != cache.compute_key(*BASE)


def test_compute_key_ignores_source_order():
    sources = {"nonlinear.a": "1", "nonlinear.b": "2"}
    reordered = {"nonlinear.b": "2", "nonlinear.a": "1"}
    expected = cache.compute_key("{}", sources, {})
    assert cache.compute_key("{}", reordered, {}) == expected


def test_compute_key_changes_with_format(monkeypatch):
    before = cache.compute_key(*BASE)
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    assert cache.compute_key(*BASE) != before


KEY = "ab" * 32


@pytest.fixture
def entry(tmp_path):
    """Return an intact entry with two outputs, one in a subfolder."""
    folder = tmp_path / "entry"
    (folder / "figures").mkdir(parents=True)
    (folder / "plot.png").write_bytes(b"\x89PNG fake image")
    (folder / "figures" / "curve.svg").write_text("<svg/>", encoding="utf-8")
    metadata = {"name": "demo", "metrics": {"test_accuracy": 0.5}}
    cache.write_manifest(folder, KEY, metadata)
    return folder


def test_write_manifest_round_trip(entry):
    manifest = cache.read_entry(entry, KEY)
    assert manifest == json.loads((entry / cache.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["metrics"] == {"test_accuracy": 0.5}
    assert manifest["name"] == "demo"


def test_write_manifest_lists_files(entry):
    manifest = cache.read_entry(entry, KEY)
    assert sorted(manifest["files"]) == ["figures/curve.svg", "plot.png"]
    assert manifest["files"]["plot.png"] == cache.file_sha256(entry / "plot.png")
    assert manifest["format"] == cache.CACHE_FORMAT
    assert manifest["key"] == KEY


def test_write_manifest_returns_written(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    written = cache.write_manifest(tmp_path, KEY, {})
    stored = json.loads((tmp_path / cache.MANIFEST).read_text(encoding="utf-8"))
    assert written == stored


def test_write_manifest_skips_old_manifest(entry):
    manifest = cache.write_manifest(entry, KEY, {})
    assert cache.MANIFEST not in manifest["files"]


def test_read_entry_missing_manifest(tmp_path):
    assert cache.read_entry(tmp_path, KEY) is None


def test_read_entry_missing_folder(tmp_path):
    assert cache.read_entry(tmp_path / "nosuch", KEY) is None


def test_read_entry_other_key(entry, caplog):
    with caplog.at_level(logging.WARNING, logger="nonlinear.cache"):
        assert cache.read_entry(entry, "cd" * 32) is None
    assert "key does not match" in caplog.text


def test_read_entry_other_format(entry, caplog):
    manifest = json.loads((entry / cache.MANIFEST).read_text(encoding="utf-8"))
    manifest["format"] = cache.CACHE_FORMAT + 1
    (entry / cache.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="nonlinear.cache"):
        assert cache.read_entry(entry, KEY) is None
    assert "another cache format" in caplog.text


@pytest.mark.parametrize(
    "text",
    ["{not json", "", "[1, 2]", '"manifest"', "null"],
    ids=["invalid-json", "empty", "list", "string", "null"],
)
def test_read_entry_unusable_manifest(entry, text):
    (entry / cache.MANIFEST).write_text(text, encoding="utf-8")
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_truncated_manifest(entry):
    path = entry / cache.MANIFEST
    path.write_bytes(path.read_bytes()[:40])
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_invalid_utf8_manifest(entry):
    (entry / cache.MANIFEST).write_bytes(b"\xff\xfe{")
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_truncated_output(entry, caplog):
    path = entry / "plot.png"
    path.write_bytes(path.read_bytes()[:4])
    with caplog.at_level(logging.WARNING, logger="nonlinear.cache"):
        assert cache.read_entry(entry, KEY) is None
    assert "plot.png is missing or corrupt" in caplog.text


def test_read_entry_changed_output_same_size(entry):
    (entry / "figures" / "curve.svg").write_text("<svG/>", encoding="utf-8")
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_missing_output(entry):
    (entry / "figures" / "curve.svg").unlink()
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_output_replaced_by_folder(entry):
    (entry / "plot.png").unlink()
    (entry / "plot.png").mkdir()
    assert cache.read_entry(entry, KEY) is None


def test_read_entry_extra_file_ignored(entry):
    (entry / "notes.txt").write_text("added later")
    assert cache.read_entry(entry, KEY) is not None


def test_file_sha256_known_value(tmp_path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert cache.file_sha256(path) == expected


@pytest.fixture
def index_file(tmp_path, monkeypatch):
    """Point the package index at a fresh file and drop the in-process copy."""
    path = tmp_path / "index" / "installed-packages.json"
    monkeypatch.setattr(cache, "INDEX_FILE", path)
    cache.installed_index.cache_clear()
    yield path
    cache.installed_index.cache_clear()


def _stored_index(fingerprint: str) -> dict:
    return {
        "format": cache.CACHE_FORMAT,
        "fingerprint": fingerprint,
        "imports": {"numpy": ["numpy"]},
        "versions": {"numpy": "0.0.stored"},
        "requires": {"numpy": []},
    }


def test_installed_index_writes_file(index_file):
    index = cache.installed_index()
    assert json.loads(index_file.read_text(encoding="utf-8")) == index
    assert index["versions"]["numpy"] == importlib.metadata.version("numpy")


def test_installed_index_reuses_stored(index_file):
    index_file.parent.mkdir()
    stored = _stored_index(cache._environment_fingerprint())
    index_file.write_text(json.dumps(stored), encoding="utf-8")
    assert cache.distribution_versions({"numpy"}) == {"numpy": "0.0.stored"}


def test_installed_index_other_fingerprint_rescanned(index_file):
    index_file.parent.mkdir()
    index_file.write_text(json.dumps(_stored_index("0" * 64)), encoding="utf-8")
    versions = cache.distribution_versions({"numpy"})
    assert versions == {"numpy": importlib.metadata.version("numpy")}
    stored = json.loads(index_file.read_text(encoding="utf-8"))
    assert stored["fingerprint"] == cache._environment_fingerprint()


def test_installed_index_invalid_json_rescanned(index_file):
    index_file.parent.mkdir()
    index_file.write_text("{truncated", encoding="utf-8")
    assert "numpy" in cache.installed_index()["versions"]


def test_installed_index_list_rescanned(index_file):
    index_file.parent.mkdir()
    index_file.write_text("[]", encoding="utf-8")
    assert "numpy" in cache.installed_index()["versions"]


def test_installed_index_unwritable_file(tmp_path, monkeypatch, caplog):
    (tmp_path / "file").write_text("a regular file")
    monkeypatch.setattr(cache, "INDEX_FILE", tmp_path / "file" / "index.json")
    cache.installed_index.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="nonlinear.cache"):
            index = cache.installed_index()
    finally:
        cache.installed_index.cache_clear()
    assert "numpy" in index["versions"]
    assert "Could not store the package index" in caplog.text


def test_fingerprint_stable():
    assert cache._environment_fingerprint() == cache._environment_fingerprint()
