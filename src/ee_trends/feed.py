"""Decode the bytes of a feed and check its structure.

Shared by ``fetch`` (to refuse a bad capture before it is kept) and
``read`` (to load one). A feed is ``{"classes": ..., "rounds": [{...}, ...]}``
with every value a string.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from ee_trends.errors import FeedError

POOL_COUNT_FIELDS: tuple[str, ...] = tuple(f"dd{i}" for i in range(1, 19))
"""The pool distribution of a round: 17 CRS ranges (two are subtotals) and the total."""

ROUND_FIELDS: tuple[str, ...] = (
    "drawNumber",
    "drawDate",
    "drawDateFull",
    "drawDateTime",
    "drawName",
    "drawSize",
    "drawCRS",
    "drawText2",
    "drawCutOff",
    "drawDistributionAsOn",
    *POOL_COUNT_FIELDS,
)
"""Fields every round must have (the HTML link fields are not needed)."""


def decode_feed(data: bytes, *, origin: str = "feed") -> dict[str, Any]:
    """Decode feed bytes (JSON, gzip-compressed or not) and check structure.

    Raises
    ------
    FeedError
        If the bytes are empty, not JSON (an HTML error page, a truncated
        download, a single newline), or not a feed (see :func:`check_feed`).
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise FeedError(f"{origin}: truncated or corrupt gzip data ({err})") from err
    if not data.strip():
        raise FeedError(f"{origin}: empty response ({len(data)} bytes), not a feed")
    if data.lstrip()[:1] == b"<":
        raise FeedError(f"{origin}: an HTML page, not the JSON feed")
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FeedError(f"{origin}: not valid JSON ({err})") from err
    check_feed(feed, origin=origin)
    return feed


def read_feed_file(path: str | Path) -> dict[str, Any]:
    """Read and check a feed file (``.json`` or ``.json.gz``)."""
    path = Path(path)
    return decode_feed(path.read_bytes(), origin=str(path))


def check_feed(feed: Any, *, origin: str = "feed") -> None:
    """Check that ``feed`` has a non-empty ``rounds`` list of complete rounds.

    Raises
    ------
    FeedError
        Naming the round and the missing or non-string field.
    """
    if not isinstance(feed, dict) or "rounds" not in feed:
        raise FeedError(f"{origin}: no 'rounds' in the feed")
    rounds = feed["rounds"]
    if not isinstance(rounds, list) or not rounds:
        raise FeedError(f"{origin}: 'rounds' is empty or not a list")
    for position, record in enumerate(rounds):
        if not isinstance(record, dict):
            raise FeedError(f"{origin}: round at position {position} is not an object")
        name = record.get("drawNumber", f"at position {position}")
        for field in ROUND_FIELDS:
            if field not in record:
                raise FeedError(f"{origin}: round {name}: field {field!r} is missing")
            if not isinstance(record[field], str):
                raise FeedError(
                    f"{origin}: round {name}: field {field!r} is "
                    f"{type(record[field]).__name__}, expected a string"
                )
