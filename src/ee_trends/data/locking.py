"""One lock per folder for the processes writing in it (fetch in ``raw/``, the cache), and the
names of their temporary files, so that those of a writer that died are removed."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no lock between processes
    fcntl = None

LOCK_NAME = ".lock"


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike) -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` (created if needed) while the block runs.

    The lock is ``fcntl.flock`` on ``<folder>/.lock``, an empty file readable
    like any other (mode 0644 under the usual umask); it is released when the
    block ends or the process dies. Readers never need it: what writers
    publish appears with one rename.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "ab") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


TEMP_SUFFIX = ".tmp"


def temp_prefix(stem: str) -> str:
    """The start of a temporary name of this process: ``.<stem>.<pid>.`` (then a random part).

    Every writer names its temporary files and folders so, so a later run
    can tell those of a writer that died (:func:`remove_dead_temps`).
    """
    return f".{stem}.{os.getpid()}."


def dead_temps(folder: str | os.PathLike, stem: str, suffix: str = TEMP_SUFFIX) -> list[Path]:
    """The temporary files and folders of ``stem`` in ``folder`` whose writer is dead."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f".{stem}.*{suffix}")):
        pid = path.name[len(stem) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            found.append(path)
    return found


def remove_dead_temps(folder: str | os.PathLike, stem: str) -> None:
    """Remove the temporary files and folders of ``stem`` in ``folder`` whose writer is dead.

    Those of a live process (another run writing now) are left alone.
    """
    for path in dead_temps(folder, stem, TEMP_SUFFIX):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True
