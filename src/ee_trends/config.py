"""Where data comes from and where it is kept: one resolution rule.

Nothing here reads, writes or downloads anything at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

FEED_URL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"
"""The live Express Entry rounds feed published by IRCC."""

SOURCE_ENV = "EE_TRENDS_SOURCE"
DATA_DIR_ENV = "EE_TRENDS_DATA_DIR"


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data folder (holding ``raw/`` and ``processed/``).

    An explicit ``data_dir`` wins; then ``EE_TRENDS_DATA_DIR``; then the
    ``data/`` folder of the ee_trends checkout that holds the current
    directory; then a per-user cache folder (``$XDG_CACHE_HOME/ee_trends``,
    by default ``~/.cache/ee_trends``). The folder is not created here.
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    checkout = find_checkout(Path.cwd())
    if checkout is not None:
        return checkout / "data"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "ee_trends"


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
    folder's ``raw/``; then the live IRCC feed (:data:`FEED_URL`).
    """
    if source is not None:
        return _classify(str(source), "argument")
    if os.environ.get(SOURCE_ENV):
        return _classify(os.environ[SOURCE_ENV], SOURCE_ENV)
    raw = find_data_dir(data_dir) / "raw"
    from ee_trends.captures import list_captures

    if list_captures(raw):
        return Source("folder", str(raw), "captures in the data folder")
    return Source("url", FEED_URL, "no capture kept yet: the live feed")


def _classify(text: str, why: str) -> Source:
    if is_url(text):
        return Source("url", text, why)
    path = Path(text).expanduser()
    if path.is_dir():
        return Source("folder", str(path), why)
    if not path.is_file():
        raise FileNotFoundError(f"feed source from {why} not found: {path}")
    return Source("file", str(path), why)
