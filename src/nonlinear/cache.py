"""Cache keys and verified cache entries.

An experiment's key is a SHA-256 over everything its outputs depend on: the cache
format, the configuration (which contains the seed), the source of every project
module that its runner imports directly or indirectly, the versions of the
third-party distributions those modules import together with everything they
require, and the Python version. Computing a key reads files and package metadata
only; it never imports the modules it hashes.

An entry is a folder ``<cache>/<experiment>/<key>/`` with the outputs and a
``manifest.json`` listing each file's SHA-256. An entry whose manifest is missing,
unreadable, from another format or key, or whose files do not match their hashes
is treated as absent and rebuilt.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

logger = logging.getLogger(__name__)

#: Version of the entry layout; changing it invalidates every entry.
CACHE_FORMAT = 1

#: Name of the file that lists an entry's outputs and their hashes.
MANIFEST = "manifest.json"

#: Distributions that Keras loads at run time without an import statement.
_RUNTIME_BACKENDS = {"keras": ("tensorflow-cpu", "tensorflow")}

_PACKAGE = "nonlinear"
_PACKAGE_ROOT = Path(__file__).resolve().parent


def module_path(module: str) -> Path:
    """Return the source file of a project module, without importing it.

    Raises:
        ModuleNotFoundError: If the module is not part of the project.
    """
    parts = module.split(".")
    if parts[0] != _PACKAGE:
        raise ModuleNotFoundError(f"{module!r} is not a module of {_PACKAGE!r}.")
    base = _PACKAGE_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise ModuleNotFoundError(f"No source file for module {module!r} under {base}.")


def _imports(source: str, module: str) -> set[str]:
    """Return the absolute names that a module's source imports."""
    names = set()
    package = module if module_path(module).name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            # ``from nonlinear import training`` imports a module, not a name.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def project_modules(module: str) -> dict[str, Path]:
    """Return every project module that ``module`` imports, itself included.

    Parent packages count as imported, since Python runs their ``__init__``.
    """
    found: dict[str, Path] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found[name] = module_path(name)
        source = found[name].read_text(encoding="utf-8")
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        for imported in sorted(_imports(source, name)) + parents:
            if imported.split(".")[0] != _PACKAGE or imported in found:
                continue
            try:
                module_path(imported)
            except ModuleNotFoundError:
                continue  # a name imported from a module, not a module itself
            pending.append(imported)
    return dict(sorted(found.items()))


def third_party_imports(sources: Iterable[str]) -> set[str]:
    """Return the top-level names of non-project, non-standard-library imports."""
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return {
        name for name in names
        if name != _PACKAGE and name not in sys.stdlib_module_names
    }


#: Where :func:`installed_index` keeps its result between processes; ``None``
#: disables the file (the pipeline sets it to a file in the cache folder).
INDEX_FILE: Path | None = None


def _environment_fingerprint() -> str:
    """Hash the names of all installed ``*.dist-info`` folders.

    Those names carry each distribution's version, so installing, removing or
    upgrading any package changes the fingerprint. Listing folders is fast, unlike
    reading every package's metadata.
    """
    names = []
    for entry in sys.path:
        try:
            names.extend(name for name in os.listdir(entry or ".") if name.endswith(".dist-info"))
        except OSError:
            continue
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def _scan_installed() -> dict:
    imports = {name: sorted(set(dists)) for name, dists in importlib.metadata.packages_distributions().items()}
    versions, requires = {}, {}
    for distribution in importlib.metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"] or "")
        if not name or name in versions:
            continue
        versions[name] = distribution.version
        requires[name] = _runtime_requirements(distribution.requires or [])
    return {"imports": imports, "versions": versions, "requires": requires}


def _runtime_requirements(lines: list[str]) -> list[str]:
    """Return the names of the requirements that apply here, leaving out extras."""
    names = []
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        marker = requirement.marker
        if marker is not None and "extra" in str(marker):
            continue
        if marker is None or marker.evaluate():
            names.append(canonicalize_name(requirement.name))
    return names


@functools.lru_cache(maxsize=1)
def installed_index() -> dict:
    """Return which distributions provide each import, their versions and requirements.

    Reading the metadata of a few hundred packages takes about half a second, so
    the result is stored in :data:`INDEX_FILE` under the environment's fingerprint
    and reused while no package changes.
    """
    fingerprint = _environment_fingerprint()
    if INDEX_FILE is not None:
        try:
            stored = json.loads(INDEX_FILE.read_text(encoding="utf-8"))
            if (
                isinstance(stored, dict)
                and stored.get("fingerprint") == fingerprint
                and stored.get("format") == CACHE_FORMAT
            ):
                return stored
        except (OSError, ValueError):
            pass
    index = {"format": CACHE_FORMAT, "fingerprint": fingerprint, **_scan_installed()}
    if INDEX_FILE is not None:
        from nonlinear.atomic import atomic_write_bytes

        try:
            atomic_write_bytes(INDEX_FILE, json.dumps(index, sort_keys=True).encode("utf-8"))
        except OSError as error:
            logger.warning("Could not store the package index in %s: %s", INDEX_FILE, error)
    return index


def distribution_versions(import_names: Iterable[str]) -> dict[str, str]:
    """Return the installed version of each distribution that the imports need.

    Includes the distributions' own requirements, recursively, so that an upgrade
    of a dependency (say SciPy under scikit-learn) changes the key too.
    """
    index = installed_index()
    pending = []
    for name in import_names:
        pending.extend(index["imports"].get(name, []))
        pending.extend(_RUNTIME_BACKENDS.get(name, ()))
    versions: dict[str, str] = {}
    while pending:
        distribution = canonicalize_name(pending.pop())
        if distribution in versions or distribution not in index["versions"]:
            continue
        versions[distribution] = index["versions"][distribution]
        pending.extend(index["requires"].get(distribution, []))
    return dict(sorted(versions.items()))


def compute_key(config_json: str, sources: dict[str, str], versions: dict[str, str]) -> str:
    """Hash a configuration, module sources and package versions into a key."""
    digest = hashlib.sha256()
    payload = {
        "format": CACHE_FORMAT,
        "python": platform.python_version(),
        "config": config_json,
        "sources": {
            name: hashlib.sha256(text.encode("utf-8")).hexdigest()
            for name, text in sorted(sources.items())
        },
        "versions": versions,
    }
    digest.update(json.dumps(payload, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_entry(entry: Path, key: str) -> dict | None:
    """Return an entry's manifest if the entry is complete and intact, else None."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("Ignoring unreadable cache manifest in %s: %s", entry, error)
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        logger.warning("Ignoring cache entry %s from another cache format", entry)
        return None
    if manifest.get("key") != key:
        logger.warning("Ignoring cache entry %s whose key does not match", entry)
        return None
    for name, expected in manifest.get("files", {}).items():
        path = entry / name
        if not path.is_file() or file_sha256(path) != expected:
            logger.warning("Ignoring cache entry %s: %s is missing or corrupt", entry, name)
            return None
    return manifest


def write_manifest(entry: Path, key: str, metadata: dict) -> dict:
    """Hash every file in ``entry`` and write the manifest last.

    Returns:
        The manifest that was written.
    """
    files = {
        path.relative_to(entry).as_posix(): file_sha256(path)
        for path in sorted(entry.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {"format": CACHE_FORMAT, "key": key, "files": files, **metadata}
    (entry / MANIFEST).write_text(
        json.dumps(manifest, sort_keys=True, indent=1), encoding="utf-8"
    )
    return manifest
