"""The processed cache: the cleaned tables kept in ``<data_dir>/processed/``, right or absent.

Each cache entry is one folder, ``tables-<key>/``, named by a key of the
inputs and the code (:func:`cache_key`) and holding ``draws.parquet``,
``pool.parquet`` and ``manifest.json``. An entry is written whole in a
temporary folder and appears with one rename, under the lock of
``processed/`` (:func:`ee_trends.data.locking.folder_lock`), so a reader sees a
complete entry or none, and two sources loaded into one data folder never
share an entry.

On read the manifest is checked (its shape and types, its key) and so is
each table against the field table (columns in order, dtypes) and the
manifest (row count, SHA-256 of the file). Anything that does not match is
rebuilt with a :class:`~ee_trends.errors.CacheWarning`, never served. The
warnings raised while the tables were built are repeated on a cache hit;
their classes come from an allow-list (:data:`WARNING_CLASSES`), never
imported by name.

Beside the entries, ``versions-<folder>/`` keeps the merged versions of the
rounds of a folder of captures (:class:`~ee_trends.data.merge.Versions`) and
the files (name, SHA-256) they cover: when a new capture is kept, loading
reads only it and merges it onto them (:func:`read_versions`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ee_trends import __version__
from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS, Field
from ee_trends.data.locking import TEMP_SUFFIX, folder_lock, remove_dead_temps, temp_prefix
from ee_trends.data.merge import Versions
from ee_trends.errors import (
    CacheWarning,
    CaptureWarning,
    DroppedRoundWarning,
    PoolCheckWarning,
    UnknownProgramWarning,
    UnreadableValueWarning,
)
from ee_trends.programs import PROGRAM_KEYS

Tables = tuple[pd.DataFrame, pd.DataFrame]

TABLES: dict[str, tuple[Field, ...]] = {"draws": DRAW_FIELDS, "pool": POOL_FIELDS}
"""The cached tables, in the order of ``(draws, pool)``, and their field tables."""

WARNING_CLASSES: dict[str, type[Warning]] = {
    cls.__name__: cls
    for cls in (
        CaptureWarning,
        UnknownProgramWarning,
        PoolCheckWarning,
        DroppedRoundWarning,
        UnreadableValueWarning,
        UserWarning,
        Warning,
    )
}
"""The warning classes a manifest may name; another warning is kept as its nearest one here."""

KEEP_ENTRIES = 4
"""Entries kept in ``processed/`` (the newest written); older ones are removed."""

_ENTRY_PREFIX = "tables-"
_TEMP_STEM = "tables"
_FORMAT = 1


class _Damaged(Exception):
    """A cache entry that is not what its manifest says."""


@dataclass(frozen=True)
class Hit:
    """A cache entry read and checked: the tables and the warnings to repeat."""

    tables: Tables
    warnings: list[tuple[str, type[Warning]]]


CODE: tuple[str, ...] = (
    "data/feed.py",
    "data/identity.py",
    "data/parsers.py",
    "data/merge.py",
    "data/dates.py",
    "data/clean.py",
    "data/fixes.py",
    "data/fields.py",
    "data/schema.py",
    "programs.py",
)
"""The modules (within the package) that make the tables: their source is in the cache key."""


def cache_key(
    files: Sequence[Path], digests: Sequence[Sequence[str]], *, quarantine: bool = False
) -> str:
    """Identify the inputs and the code: each file's path and content (its SHA-256 in
    ``digests``, :func:`file_digests`), whether its values are quarantined, and the source
    of the :data:`CODE` modules.

    A feed file edited in place (same size and modification time) has another key.
    """
    digest = hashlib.sha256(f"{_code_digest()}|{quarantine}".encode())
    for path, (_, content) in zip(files, digests, strict=True):
        digest.update(f"{path.resolve()}|{content}".encode())
    return digest.hexdigest()


def entry_path(processed: Path, key: str) -> Path:
    """The folder of the cache entry of ``key``."""
    return processed / f"{_ENTRY_PREFIX}{key[:32]}"


def read_cache(processed: Path, key: str) -> Hit | None:
    """The checked entry of ``key``; None when absent, or damaged (with a CacheWarning)."""
    folder = entry_path(processed, key)
    if not folder.is_dir():
        return None
    try:
        return _read_entry(folder, key)
    except FileNotFoundError:
        return None  # removed meanwhile by a writer: a miss, not damage
    except (_Damaged, OSError, ValueError) as err:
        warnings.warn(
            f"processed cache {folder} is damaged ({err}): not used, rebuilt",
            CacheWarning,
            stacklevel=3,
        )
        return None


def write_cache(
    processed: Path,
    key: str,
    files: Sequence[Path],
    tables: Tables,
    caught: Sequence[warnings.WarningMessage],
    *,
    strict: bool = False,
) -> list[Path]:
    """Write the entry of ``key`` whole, then publish it with one rename under the lock.

    An entry of ``key`` already published and sound is kept (another process
    built the same tables); a damaged one is replaced. Returns the files of
    the entry; an unwritable folder (a full disk) only skips caching, with a
    CacheWarning, or with ``strict`` (``ee-trends build``) raises an OSError
    naming the folder.
    """
    target = entry_path(processed, key)
    try:
        processed.mkdir(parents=True, exist_ok=True)
        temp = _temp_in(processed)
        try:
            _write_entry(temp, key, files, tables, caught)
            with folder_lock(processed):
                if target.is_dir():
                    if _is_sound(target, key):
                        return _entry_files(target)
                    _remove(target)
                os.rename(temp, target)
                _prune(processed, keep=target)
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
    except OSError as err:
        message = f"processed cache not written to {processed}: {err.strerror or err}"
        if strict:
            raise OSError(message) from err
        warnings.warn(message, CacheWarning, stacklevel=3)
        return []
    return _entry_files(target)


def _write_entry(folder, key, files, tables, caught) -> None:
    folder.mkdir()  # mode from the umask, like every file written here
    described = {}
    for (name, _), table in zip(TABLES.items(), tables, strict=True):
        described[name] = {"rows": len(table), "sha256": _write_parquet(table, folder, name)}
    manifest = {
        "format": _FORMAT,
        "key": key,
        "version": __version__,
        "inputs": [str(path) for path in files],
        "tables": described,
        "warnings": [
            {"category": _allowed_name(w.category), "message": str(w.message)} for w in caught
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))


def _read_entry(folder: Path, key: str) -> Hit:
    manifest = _check_manifest(json.loads((folder / "manifest.json").read_text()), key)
    tables = []
    for name, fields in TABLES.items():
        expected = manifest["tables"][name]
        table = _read_parquet(folder, name, expected["sha256"])
        _check_table(table, name, fields, expected["rows"])
        tables.append(table)
    caught = [(w["message"], WARNING_CLASSES[w["category"]]) for w in manifest["warnings"]]
    return Hit((tables[0], tables[1]), caught)


def _is_sound(folder: Path, key: str) -> bool:
    try:
        _read_entry(folder, key)
    except (_Damaged, OSError, ValueError):
        return False
    return True


def _check_manifest(meta: Any, key: str) -> dict[str, Any]:
    """The manifest if it has the expected shape and types and names ``key``."""
    shape = {
        "format": int,
        "key": str,
        "version": str,
        "inputs": list,
        "tables": dict,
        "warnings": list,
    }
    if not isinstance(meta, dict) or set(meta) != set(shape):
        raise _Damaged("manifest is not an object with the keys " + ", ".join(shape))
    for name, kind in shape.items():
        if not isinstance(meta[name], kind):
            raise _Damaged(f"manifest {name!r} is not a {kind.__name__}")
    if meta["format"] != _FORMAT or meta["key"] != key:
        raise _Damaged("manifest of another format or other inputs")
    if not all(isinstance(path, str) for path in meta["inputs"]):
        raise _Damaged("manifest 'inputs' are not all paths")
    if set(meta["tables"]) != set(TABLES):
        raise _Damaged("manifest 'tables' are not " + ", ".join(TABLES))
    for name, described in meta["tables"].items():
        if not (
            isinstance(described, dict)
            and set(described) == {"rows", "sha256"}
            and type(described["rows"]) is int
            and isinstance(described["sha256"], str)
        ):
            raise _Damaged(f"manifest entry of table {name!r} is malformed")
    for warning in meta["warnings"]:
        if not (
            isinstance(warning, dict)
            and set(warning) == {"category", "message"}
            and isinstance(warning["message"], str)
            and warning["category"] in WARNING_CLASSES
        ):
            raise _Damaged("manifest names a warning that is malformed or not allowed")
    return meta


def _check_table(table: pd.DataFrame, name: str, fields: tuple[Field, ...], rows: int) -> None:
    """The table has the field table's columns in order, their dtypes, and ``rows`` rows."""
    if list(table.columns) != [f.name for f in fields]:
        raise _Damaged(f"{name}.parquet has columns other than the field table's")
    for field in fields:
        dtype = table[field.name].dtype
        if field.dtype == "category":
            good = isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == list(
                PROGRAM_KEYS
            )
        else:
            good = str(dtype) == field.dtype
        if not good:
            raise _Damaged(f"{name}.parquet column {field.name!r} is {dtype}, not {field.dtype}")
    if len(table) != rows:
        raise _Damaged(f"{name}.parquet has {len(table)} rows, its manifest {rows}")


def _temp_in(folder: Path) -> Path:
    """A new temporary name in ``folder``, holding its writer's pid (see ``temp_prefix``)."""
    return folder / f"{temp_prefix(_TEMP_STEM)}{uuid.uuid4().hex}{TEMP_SUFFIX}"


def _write_parquet(frame: pd.DataFrame, folder: Path, name: str) -> str:
    """Write ``frame`` as ``folder/name.parquet``; the SHA-256 of what was written."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    data = buffer.getvalue()
    (folder / f"{name}.parquet").write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _read_parquet(folder: Path, name: str, sha256: str) -> pd.DataFrame:
    """``folder/name.parquet``, checked against its SHA-256 (else :class:`_Damaged`)."""
    data = (folder / f"{name}.parquet").read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise _Damaged(f"{name}.parquet does not match the checksum in its manifest")
    return pd.read_parquet(io.BytesIO(data))


def _allowed_name(category: type[Warning]) -> str:
    """The nearest class of :data:`WARNING_CLASSES` in ``category``'s ancestry."""
    allowed = set(WARNING_CLASSES.values())
    return next(cls.__name__ for cls in category.__mro__ if cls in allowed)


def _entry_files(folder: Path) -> list[Path]:
    return [folder / f"{name}.parquet" for name in TABLES] + [folder / "manifest.json"]


def _remove(folder: Path) -> None:
    """Take an entry away with one rename, then delete it (readers of it see a miss)."""
    trash = _temp_in(folder.parent)
    os.rename(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def _prune(processed: Path, *, keep: Path) -> None:
    """Remove all but the :data:`KEEP_ENTRIES` newest entries (never ``keep``).

    Temporary folders left by a process that died while writing go too.
    """
    remove_dead_temps(processed, _TEMP_STEM)
    entries = sorted(
        (p for p in processed.glob(f"{_ENTRY_PREFIX}*") if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in entries[KEEP_ENTRIES - 1 :]:
        with contextlib.suppress(OSError):
            _remove(old)


# ---------------------------------------------------------------- the merge of years of captures

_VERSIONS_PREFIX = "versions-"


def file_digests(files: Sequence[Path]) -> list[list[str]]:
    """``[name, sha256 of the content]`` of each file, in order."""
    return [[path.name, hashlib.sha256(path.read_bytes()).hexdigest()] for path in files]


@functools.cache
def _code_digest() -> str:
    """The package version, the entry format and the source of the :data:`CODE` modules,
    hashed (once per process: the modules loaded do not change)."""
    digest = hashlib.sha256(f"{__version__}|{_FORMAT}".encode())
    package = Path(__file__).parents[1]
    for module in CODE:
        digest.update((package / module).read_bytes())
    return digest.hexdigest()


def _versions_path(processed: Path, folder: Path) -> Path:
    name = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return processed / f"{_VERSIONS_PREFIX}{name}"


def read_versions(
    processed: Path, folder: Path, digests: list[list[str]]
) -> tuple[Versions | None, int]:
    """The merged versions of the captures of ``folder`` seen before, and how many files
    they cover: the longest kept run of ``digests`` from the first (None, 0 when none).

    A damaged or stale state is a miss (a state is a speed-up, never the truth).
    """
    path = _versions_path(processed, folder)
    try:
        manifest = json.loads((path / "manifest.json").read_text())
        seen = manifest["files"]
        if manifest["code"] != _code_digest() or seen != digests[: len(seen)]:
            return None, 0
        frame = _read_parquet(path, "versions", manifest["sha256"])
        return Versions(list(manifest["labels"]), frame, list(manifest["warnings"])), len(seen)
    except (_Damaged, OSError, ValueError, KeyError, TypeError):
        return None, 0


def write_versions(
    processed: Path, folder: Path, digests: list[list[str]], versions: Versions
) -> None:
    """Keep the merged versions of ``digests``' files whole (a temporary folder, one rename);
    a folder that cannot be written only skips it."""
    target = _versions_path(processed, folder)
    temp = _temp_in(processed)
    try:
        processed.mkdir(parents=True, exist_ok=True)
        temp.mkdir()
        sha256 = _write_parquet(versions.frame, temp, "versions")
        manifest = {
            "code": _code_digest(),
            "files": digests,
            "labels": versions.labels,
            "warnings": versions.warnings,
            "sha256": sha256,
        }
        (temp / "manifest.json").write_text(json.dumps(manifest))
        with folder_lock(processed):
            if target.is_dir():
                _remove(target)
            os.rename(temp, target)
    except OSError:
        pass
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
