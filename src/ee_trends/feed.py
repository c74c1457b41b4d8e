"""Decode the bytes of a feed and check its structure.

Shared by ``fetch`` (to refuse a bad capture before it is kept) and
``read`` (to load one). A feed is ``{"classes": ..., "rounds": [{...}, ...]}``
with every value a string.
"""

from __future__ import annotations

import gzip
import io
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
    data, _ = gunzip(data, origin=origin)
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


def gunzip(
    data: bytes, *, max_bytes: int | None = None, origin: str = "feed"
) -> tuple[bytes, bool]:
    """Decompress gzip data, never beyond ``max_bytes``; other data as is.

    Returns the bytes and whether they were compressed.
    """
    if data[:2] != b"\x1f\x8b":
        return data, False
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except (OSError, EOFError) as err:
        raise FeedError(f"{origin}: truncated or corrupt gzip data ({err})") from err
    if max_bytes is not None and len(out) > max_bytes:
        raise FeedError(f"{origin}: over the limit of {max_bytes} bytes once decompressed")
    return out, True


def read_feed_file(path: str | Path) -> dict[str, Any]:
    """Read and check a feed file (``.json`` or ``.json.gz``)."""
    path = Path(path)
    return decode_feed(path.read_bytes(), origin=str(path))


def check_feed(feed: Any, *, origin: str = "feed") -> None:
    """Check that ``feed`` has a non-empty ``rounds`` list of complete, distinct rounds.

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
    seen: set[str] = set()
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
        draw_id = record["drawNumber"].strip()
        if draw_id in seen:
            raise FeedError(f"{origin}: round {draw_id}: field 'drawNumber' appears twice")
        seen.add(draw_id)
