"""Writing output folders safely: formula-safe CSV, and a folder replaced whole or not at all.

Both the report and the export write a folder this way: into a temporary
folder beside ``out``, put in place only when complete, so a failed run
leaves the previous one. A folder is replaced only when it holds the
writer's marker file; an empty folder (``.`` too) is filled; a symbolic link
or a file as ``out`` is refused. Temporary folders are named by their
writer's process (:func:`~ee_trends.data.locking.temp_prefix`), so the next
run removes those of a writer that died, and puts back a previous folder left
aside by a run killed between the two renames of the swap (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ee_trends.data.locking import TEMP_SUFFIX, dead_temps, remove_dead_temps, temp_prefix
from ee_trends.errors import ReportError

OLD_SUFFIX = ".old"
"""The previous folder, moved aside while the new one is put in place."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV text cell starting with one of these is prefixed with ``'``."""


def safe_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula prefixed by ``'``.

    Only text cells change: numbers (a negative CRS change) stay numbers.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue
        out[column] = values.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
        )
    return out


def recover(out: Path, marker: str) -> Path | None:
    """Clean up after a writer of ``out`` killed while writing: remove its temporary folders,
    and put back the previous folder (with the user's files) from a leftover ``.old`` when
    ``out`` is missing; a ``.old`` beside a complete ``out`` is removed. Returns the ``.old``
    folder put back, if one was."""
    remove_dead_temps(out.parent, out.name)
    restored = None
    for old in dead_temps(out.parent, out.name, OLD_SUFFIX):
        if not out.exists() and (old / marker).is_file():
            os.replace(old, out)
            restored = old
        else:
            shutil.rmtree(old, ignore_errors=True)
    return restored


def check_replaceable(out: Path, marker: str, command: str) -> None:
    """Refuse ``out`` unless it is absent, empty, or a folder ``command`` wrote (has ``marker``)."""
    if out.is_symlink():
        raise ReportError(f"{out} is a symbolic link; give the real folder")
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / marker).is_file():
        raise ReportError(
            f"{out} is not empty and was not written by {command}; give an empty or new folder"
        )


def temp_beside(out: Path) -> Path:
    """A new, shareable temporary folder beside ``out`` (same file system, for the swap)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name), suffix=TEMP_SUFFIX, dir=out.parent))
    temp.chmod(0o755)  # mkdtemp makes it private; the output is meant to be shared
    return temp


@contextlib.contextmanager
def replacing(out: Path, marker: str, command: str) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into: when the block ends, it takes the
    place of ``out`` (:func:`finish`); when the block fails, it is removed."""
    temp = temp_beside(out)
    try:
        yield temp
        finish(temp, out, marker, command)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def finish(temp: Path, out: Path, marker: str, command: str) -> None:
    """Mark the finished folder ``temp`` as ``command``'s, carry over the files of ``out`` that
    ``command`` did not write (ones the user added), and put ``temp`` in place of ``out``."""
    files = sorted(p.relative_to(temp).as_posix() for p in temp.rglob("*") if p.is_file())
    (temp / marker).write_text(
        f"# written by {command}: these files are replaced on rerun, "
        "any other file here is kept\n" + "".join(f"{name}\n" for name in files)
    )
    _keep_user_files(out, temp, marker, command)
    swap(temp, out, marker)


def _written_before(out: Path, marker: str) -> set[str]:
    """The files the earlier run listed in its marker.

    A marker of the first version lists nothing (its one line says the whole
    folder is replaced on rerun): every file in the folder is the writer's.
    """
    lines = (out / marker).read_text(encoding="utf-8").splitlines()
    if lines and not lines[0].startswith("#"):
        return {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    return {line for line in lines if line and not line.startswith("#")}


def _keep_user_files(out: Path, temp: Path, marker: str, command: str) -> None:
    """Copy into ``temp`` every file of ``out`` the earlier run did not write."""
    if not (out / marker).is_file():  # absent, or an empty folder: nothing to carry over
        return
    ours = _written_before(out, marker) | {marker}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if name in ours or path.is_dir():
            continue
        target = temp / name
        if target.exists():
            raise ReportError(
                f"{out / name} was not written by {command} but the new output "
                "has a file of that name; move it away first"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        else:
            shutil.copy2(path, target)


def swap(temp: Path, out: Path, marker: str) -> None:
    """Put the finished folder ``temp`` in place of ``out`` (near-atomically: two renames).

    Killed between the two, the previous folder waits in ``.<out>.<pid>.<random>.old``
    and the next run puts it back (:func:`recover`). An empty folder (``.`` too)
    is filled in place instead: the marker first, so a rerun after a kill
    replaces what was written.
    """
    if not out.exists():
        os.replace(temp, out)
        return
    if not any(out.iterdir()):
        for entry in sorted(temp.iterdir(), key=lambda path: path.name != marker):
            os.replace(entry, out / entry.name)
        temp.rmdir()
        return
    old = Path(tempfile.mkdtemp(prefix=temp_prefix(out.name), suffix=OLD_SUFFIX, dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(temp, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
