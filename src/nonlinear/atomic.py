"""File-system updates that a crash cannot leave half done.

Each function writes to a temporary name in the destination's folder and renames
it into place, which POSIX guarantees to be atomic on one file system.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path


def _remove(path: Path) -> None:
    """Delete a folder tree, a file or a link, ignoring one that is already gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def replace_directory(staging: Path, target: Path) -> None:
    """Move a fully written folder to ``target``, replacing what is there.

    An existing ``target`` is first renamed aside and then deleted, so at every
    moment ``target`` is either absent, the old folder or the new one.
    """
    staging, target = Path(staging), Path(target)
    if target.exists() or target.is_symlink():
        trash = target.with_name(f".trash-{target.name}-{os.getpid()}")
        os.replace(target, trash)
        _remove(trash)
    os.replace(staging, target)


def replace_symlink(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` in one rename.

    A real folder at ``link`` (not a link) is renamed aside and deleted first.
    """
    link = Path(link)
    if link.exists() and not link.is_symlink():
        trash = link.with_name(f".trash-{link.name}-{os.getpid()}")
        os.replace(link, trash)
        _remove(trash)
    temporary = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, link)


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL when ``NONLINEAR_FAULT`` equals ``name``.

    The fault-injection tests use this to stop a build at an exact step; with the
    variable unset it does nothing.
    """
    if os.environ.get("NONLINEAR_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned(root: Path) -> list[Path]:
    """Delete staging folders, trash and temporary files left by killed processes.

    Names carry the writer's process id (``.staging-<pid>-...``, ``.trash-...-<pid>``,
    ``.<name>.tmp-<pid>``); entries whose process is still running are kept.

    Returns:
        The removed paths.
    """
    removed = []
    patterns = (".staging-*", "*/.staging-*", ".trash-*", "*/.trash-*", ".*.tmp-*", "*/.*.tmp-*")
    for pattern in patterns:
        for path in Path(root).glob(pattern):
            digits = [part for part in path.name.replace(".", "-").split("-") if part.isdigit()]
            if digits and _pid_alive(int(digits[0])):
                continue
            _remove(path)
            removed.append(path)
    return removed
