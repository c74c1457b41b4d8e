"""The public loaders, ``load_draws`` and ``load_pool`` (cached by :mod:`ee_trends.data.cache`)."""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ee_trends.data.cache import (
    cache_key,
    file_digests,
    read_cache,
    read_versions,
    write_cache,
    write_versions,
)
from ee_trends.data.captures import FilesRead
from ee_trends.data.clean import clean_rounds
from ee_trends.data.feed import check_feed, rounds_frame
from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS, column_table
from ee_trends.data.merge import Versions, distinct_versions, merge_versions
from ee_trends.data.resolve import find_data_dir, resolve_source, source_files
from ee_trends.data.series import iter_files, read_files
from ee_trends.data.snapshot import SNAPSHOT_DIR, shipped_snapshot
from ee_trends.errors import CaptureWarning

FeedLike = str | os.PathLike | Mapping[str, Any] | None


def read_feeds(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The feeds a source stands for, oldest capture first, each with a label.

    ``source`` is a parsed feed (a dict), a feed file (``.json`` or
    ``.json.gz``), a folder of captures, a URL (fetched into the data folder
    first), or None for the resolution rule of :func:`ee_trends.data.resolve.resolve_source`.
    """
    if isinstance(source, Mapping):
        return [("feed dict", check_feed(dict(source), origin="feed dict"))]
    return read_files(source_files(resolve_source(source, data_dir=data_dir), data_dir=data_dir))


def load_draws(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None, cache: bool = True
) -> pd.DataFrame:
    """Load the rounds of invitations: one row per round, oldest first.

    Parameters
    ----------
    source
        A feed file (``.json`` or ``.json.gz``), a folder of captures (merged:
        the newest published value of each field wins), a URL, or a parsed
        feed (dict). None follows the resolution rule: ``EE_TRENDS_SOURCE``,
        else the captures in the data folder, else the live feed (kept as
        the first capture), else, when that fetch fails, the snapshot
        shipped with the package (with a warning naming its date).
    data_dir
        The data folder (``raw/`` and ``processed/``); default from
        ``EE_TRENDS_DATA_DIR``, the checkout's ``data/``, or a user cache.
    cache
        Reuse the tables cached in ``processed/`` when the inputs and the
        package are unchanged (a dict source is never cached).

    Returns
    -------
    pandas.DataFrame
        Columns:

        {columns}

    Raises
    ------
    ee_trends.FeedError
        A file that cannot be read or decoded (over 64 MB once decompressed,
        gzip inside gzip, JSON nested too deep, not a feed), or a value that
        cannot be read (a count beyond int64, a date outside 1990-2100),
        naming the file, the round and the field. In a folder of captures
        only a value that parses in no capture is an error.

    Warns
    -----
    UnknownProgramWarning
        A label no pattern of ``ee_trends.PROGRAMS`` matches (kept as ``other``).
    PoolCheckWarning
        A distribution whose ranges do not add up to its subtotals or total.
    UnreadableValueWarning
        In a folder of captures, a value that does not parse in a capture,
        taken from the newest earlier capture where it did (named).
    CaptureWarning
        A capture dated in the future, left out.
    CacheWarning
        A damaged cache entry, rebuilt (never served), or a cache not written.
    """
    return load_all(source, data_dir=data_dir, cache=cache).draws


def load_pool(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None, cache: bool = True
) -> pd.DataFrame:
    """Load the published CRS distributions of the pool, long and tidy.

    One row per round with a published distribution and CRS range: the 15
    leaf ranges (601-1200 down to 0-300); the two subtotals and the total are
    checked against them, not repeated. Rounds without a published
    distribution have no rows. Parameters as for :func:`load_draws`.

    Returns
    -------
    pandas.DataFrame
        Columns:

        {columns}
    """
    return load_all(source, data_dir=data_dir, cache=cache).pool


def _document(function: Any, fields) -> None:
    table = "\n        ".join(column_table(fields).splitlines())
    function.__doc__ = function.__doc__.replace("{columns}", table)


_document(load_draws, DRAW_FIELDS)
_document(load_pool, POOL_FIELDS)


def load_tables(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None, cache: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables, ``(draws, pool)``, from one read of the source."""
    loaded = load_all(source, data_dir=data_dir, cache=cache)
    return loaded.draws, loaded.pool


@dataclass(frozen=True)
class Loaded:
    """Both tables and the feed files they were read from."""

    draws: pd.DataFrame
    pool: pd.DataFrame
    read: FilesRead
    """The files read, by name and date (for messages and the report's page)."""


def load_all(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None, cache: bool = True
) -> Loaded:
    """Both tables from one read of the source, and which files that was."""
    if isinstance(source, Mapping):
        return Loaded(*build_tables(read_feeds(source)), FilesRead.of([]))
    files, quarantine, processed = _inputs(source, data_dir)
    read = FilesRead.of(files)
    if files[0].parent.resolve() == SNAPSHOT_DIR.resolve():  # the live feed could not be fetched
        read = FilesRead(shipped_snapshot().to_text(), None)
    if not cache:
        return Loaded(*build_tables(iter_files(files), quarantine=quarantine), read)
    digests = file_digests(files)
    key = cache_key(files, digests, quarantine=quarantine)
    hit = read_cache(processed, key)
    if hit is None:
        return Loaded(*_build_and_cache(files, digests, processed, key, quarantine)[0], read)
    for message, category in hit.warnings:
        warnings.warn(message, category, stacklevel=3)
    return Loaded(*hit.tables, read)


def _inputs(source: FeedLike, data_dir: str | os.PathLike | None) -> tuple[list[Path], bool, Path]:
    """The feed files ``source`` stands for, whether their values are quarantined (the
    captures kept: never bricked by one value) and the ``processed`` folder; the data folder
    resolved once, so that the source, the captures and the cache agree."""
    data_dir = find_data_dir(data_dir)
    resolved = resolve_source(source, data_dir=data_dir)
    files = source_files(resolved, data_dir=data_dir)
    return files, resolved.kind != "file", data_dir / "processed"


def build_tables(
    feeds: Iterable[tuple[str, dict[str, Any]]],
    *,
    quarantine: bool = False,
    versions: Versions | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean and check the tables from feeds (oldest first).

    Several feeds, or the captures of a folder (``quarantine``), are merged:
    a value breaking the rules is quarantined (:mod:`ee_trends.data.merge`).
    A single feed file is read strictly: such a value is a FeedError. With
    ``versions`` (all the captures, merged) ``feeds`` are not read.
    """
    from ee_trends.data.schema import validate

    if versions is None:
        feeds = iter(feeds)
        first = next(feeds)
        second = next(feeds, None)
        if second is None and not quarantine:
            label, feed = first
            raw = rounds_frame(feed, origin=label)
        else:
            rest = itertools.chain([first], [] if second is None else [second], feeds)
            versions = distinct_versions(rest)
    if versions is not None:
        label = versions.labels[0] if len(versions.labels) == 1 else None
        label = label or f"{len(versions.labels)} captures"
        raw = merge_versions(versions)
    draws, pool = clean_rounds(raw, origin=label)
    validate(draws, pool, origin=label)
    return draws, pool


def build_cache(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None
) -> list[Path]:
    """Build the processed cache now; return its files (a sound entry of the inputs is kept).

    A cache that cannot be written (a full disk, no permission) is an OSError.
    """
    files, quarantine, processed = _inputs(source, data_dir)
    digests = file_digests(files)
    key = cache_key(files, digests, quarantine=quarantine)
    return _build_and_cache(files, digests, processed, key, quarantine, strict=True)[1]


def _merged_versions(files: list[Path], digests: list[list[str]], processed: Path) -> Versions:
    """The versions of the rounds of the captures ``files`` (their :func:`file_digests`
    ``digests``): those seen before read from ``processed``, the new captures merged onto
    them, and the result kept there."""
    start, done = read_versions(processed, files[0].parent, digests)
    if start is not None:
        for message in start.warnings:
            warnings.warn(message, CaptureWarning, stacklevel=4)
        if done == len(files):
            return start
    versions = distinct_versions(iter_files(files[done:]), start=start)
    write_versions(processed, files[0].parent, digests, versions)
    return versions


def _build_and_cache(
    files: list[Path],
    digests: list[list[str]],
    processed: Path,
    key: str,
    quarantine: bool,
    *,
    strict: bool = False,
) -> tuple[tuple[pd.DataFrame, pd.DataFrame], list[Path]]:
    """Build the tables, cache them under ``key`` (taken before the build) with the warnings
    raised, and raise those warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if quarantine:
            tables = build_tables([], versions=_merged_versions(files, digests, processed))
        else:
            tables = build_tables(iter_files(files))
    written = write_cache(processed, key, files, tables, caught, strict=strict)
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return tables, written
