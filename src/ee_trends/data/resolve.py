"""Where data comes from and where it is kept: one resolution rule.

Nothing here reads, writes or downloads anything at import time.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from ee_trends.data.captures import list_captures
from ee_trends.data.snapshot import shipped_snapshot
from ee_trends.errors import FeedError, SnapshotWarning

FEED_URL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"
"""The live Express Entry rounds feed published by IRCC."""

SOURCE_ENV = "EE_TRENDS_SOURCE"
DATA_DIR_ENV = "EE_TRENDS_DATA_DIR"

OFFLINE_SOURCES = (
    "offline, read a saved feed file or folder of captures: EE_TRENDS_SOURCE=PATH, "
    "--source PATH, or keep it with `ee-trends fetch --from PATH`"
)
"""The offline options, named in every message about a failed live fetch."""

OFFLINE_HINT = (
    f"{OFFLINE_SOURCES}; with no source given and no capture kept, the snapshot shipped "
    "with ee_trends is read"
)
"""The offline options and the last resort, for errors about a failed live fetch."""


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data folder (holding ``raw/`` and ``processed/``).

    An explicit ``data_dir`` wins; then ``EE_TRENDS_DATA_DIR``; then the
    ``data/`` folder of the ee_trends checkout that holds the current
    directory; then a per-user cache folder (``$XDG_CACHE_HOME/ee_trends``,
    by default ``~/.cache/ee_trends``). The folder is not created here.

    Raises
    ------
    NotADirectoryError
        If ``data_dir`` is an empty path, or the folder found, or the
        nearest of its parents that exists, is not a folder (never a silent
        fall-back to another folder).
    """
    if data_dir is not None:
        if not os.fspath(data_dir):
            raise NotADirectoryError("the data folder is an empty path: name a folder")
        folder = Path(data_dir).expanduser()
    elif os.environ.get(DATA_DIR_ENV):
        folder = Path(os.environ[DATA_DIR_ENV]).expanduser()
    elif (checkout := find_checkout(Path.cwd())) is not None:
        folder = checkout / "data"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ee_trends"
    existing = next(path for path in (folder, *folder.absolute().parents) if path.exists())
    if not existing.is_dir():
        where = "" if existing == folder else f" ({existing} is a file)"
        raise NotADirectoryError(f"the data folder {folder} is not a folder{where}")
    return folder


def find_checkout(start: Path) -> Path | None:
    """Return the ee_trends checkout that contains ``start``, if any."""
    for folder in (start, *start.parents):
        project = folder / "pyproject.toml"
        if project.is_file() and (folder / "src" / "ee_trends").is_dir():
            return folder
    return None


@dataclass(frozen=True)
class Source:
    """A resolved place to read the feed from.

    ``kind`` is ``"file"`` (one feed file), ``"folder"`` (a folder of
    captures), or ``"url"`` (to be fetched first); ``why`` says which rule
    of the resolution picked it, for messages and ``ee-trends info``.
    """

    kind: str
    location: str
    why: str
    fallback: bool = False
    """True for the live feed of the resolution's last step: when its fetch
    fails, :func:`ee_trends.data.resolve.source_files` reads the shipped snapshot."""

    @property
    def path(self) -> Path:
        return Path(self.location)


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def resolve_source(
    source: str | os.PathLike | None = None, *, data_dir: str | os.PathLike | None = None
) -> Source:
    """Decide where to read the feed from.

    An explicit ``source`` wins; then ``EE_TRENDS_SOURCE`` (a path or URL of
    a feed, or a folder of captures); then the captures kept in the data
    folder's ``raw/``; then the live IRCC feed (:data:`FEED_URL`), with the
    snapshot shipped with the package (:func:`~ee_trends.data.snapshot.shipped_snapshot`) as the
    fallback when that fetch fails.

    Raises
    ------
    FileNotFoundError
        If an explicit or ``EE_TRENDS_SOURCE`` path does not exist, or an
        explicit ``source`` is an empty path (never the current folder).
    """
    if source is not None:
        if not os.fspath(source).strip():
            raise FileNotFoundError(
                "the source is an empty path: name a feed file, a folder of captures or a URL"
            )
        return _classify(str(source), "argument")
    if os.environ.get(SOURCE_ENV):
        return _classify(os.environ[SOURCE_ENV], SOURCE_ENV)
    raw = find_data_dir(data_dir) / "raw"
    if list_captures(raw):
        return Source("folder", str(raw), "captures in the data folder")
    why = "no capture kept yet: the live feed, else the shipped snapshot"
    return Source("url", FEED_URL, why, fallback=True)


def _classify(text: str, why: str) -> Source:
    if is_url(text):
        return Source("url", text, why)
    path = Path(text).expanduser()
    if path.is_dir():
        return Source("folder", str(path), why)
    if not path.is_file():
        raise FileNotFoundError(f"feed source from {why} not found: {path}")
    return Source("file", str(path), why)


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


def _fetch_or_snapshot(source: Source, *, data_dir: str | os.PathLike | None) -> Path:
    """Fetch a URL source; for the live feed of the resolution's last step, fall back to the
    shipped snapshot (with a :class:`SnapshotWarning`) when the fetch fails."""
    from ee_trends.data.fetch import fetch_feed

    try:
        return fetch_feed(source.location, data_dir=data_dir)
    except FeedError as err:
        if not source.fallback:
            raise FeedError(f"{err}; {OFFLINE_HINT}") from err
        snapshot = shipped_snapshot()
        warnings.warn(  # one short line; the reasons and the ways out are in --help and README
            f"offline: using the shipped snapshot (newest #{snapshot.newest_draw} of "
            f"{snapshot.newest_date}); see `ee-trends --help` to update",
            SnapshotWarning,
            stacklevel=2,
        )
        return snapshot.path
