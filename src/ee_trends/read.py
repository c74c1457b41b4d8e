"""Read a source into feeds, and a feed into a raw frame of strings."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ee_trends.captures import list_captures
from ee_trends.config import (
    OFFLINE_HINT,
    OFFLINE_SOURCES,
    Source,
    resolve_source,
    shipped_snapshot,
)
from ee_trends.errors import FeedError
from ee_trends.feed import ROUND_FIELDS, check_feed, read_feed_file

FeedLike = str | os.PathLike | Mapping[str, Any] | None


def read_feeds(
    source: FeedLike = None, *, data_dir: str | os.PathLike | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The feeds a source stands for, oldest capture first, each with a label.

    ``source`` is a parsed feed (a dict), a feed file (``.json`` or
    ``.json.gz``), a folder of captures, a URL (fetched into the data folder
    first), or None for the resolution rule of :func:`ee_trends.config.resolve_source`.
    """
    if isinstance(source, Mapping):
        check_feed(source, origin="feed dict")
        return [("feed dict", dict(source))]
    return read_files(source_files(resolve_source(source, data_dir=data_dir), data_dir=data_dir))


def read_files(files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """Read and check feed files, each labelled with its file name."""
    return [(path.name, read_feed_file(path)) for path in files]


def source_files(source: Source, *, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The capture files behind a resolved source (a URL is fetched first).

    When the live feed of the resolution's last step cannot be fetched, the
    snapshot shipped with the package is read instead, with a
    :class:`SnapshotWarning` naming its newest round and how to update it; a
    URL given explicitly that cannot be fetched raises a :class:`FeedError`
    naming the offline options.
    """
    if source.kind == "file":
        return [source.path]
    if source.kind == "folder":
        files = list_captures(source.path, warn=True)
        if not files:
            raise FileNotFoundError(
                f"no captures (ee_rounds_123_en_<YYYYmmddTHHMMSSZ>.json.gz) in {source.path}"
            )
        return files
    return [_fetch_or_snapshot(source, data_dir=data_dir)]


class SnapshotWarning(UserWarning):
    """The live feed could not be fetched: the snapshot shipped with the package is read."""


def _fetch_or_snapshot(source: Source, *, data_dir: str | os.PathLike | None) -> Path:
    """Fetch a URL source; for the live feed of the resolution's last step, fall back to the
    shipped snapshot (with a :class:`SnapshotWarning`) when the fetch fails."""
    from ee_trends.fetch import fetch_feed

    try:
        return fetch_feed(source.location, data_dir=data_dir)
    except FeedError as err:
        if not source.fallback:
            raise FeedError(f"{err}; {OFFLINE_HINT}") from err
        snapshot = shipped_snapshot()
        warnings.warn(
            f"{err}; using {snapshot.describe()}: `ee-trends fetch` updates it when online; "
            f"{OFFLINE_SOURCES}",
            SnapshotWarning,
            stacklevel=2,
        )
        return snapshot.path


def rounds_frame(feed: Mapping[str, Any], *, origin: str = "feed") -> pd.DataFrame:
    """The rounds of a feed checked by :func:`~ee_trends.feed.check_feed` as a frame of strings.

    One row per round, as published, with the columns :data:`~ee_trends.feed.ROUND_FIELDS`.
    """
    return pd.DataFrame.from_records(feed["rounds"], columns=list(ROUND_FIELDS)).astype("string")
