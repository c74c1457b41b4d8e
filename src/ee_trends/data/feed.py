"""Decode the bytes of a feed and check its structure.

Shared by ``fetch`` (to refuse a bad capture before it is kept) and
``read`` (to load one). A feed is ``{"classes": ..., "rounds": [{...}, ...]}``
with every value a string.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import operator
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ee_trends.data.identity import canonical_id, round_name
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

REQUIRED_FIELDS: tuple[str, ...] = ("drawNumber", "drawDate", "drawSize", "drawCRS")
"""Fields a round needs a value in: blank in every capture, the value is missing and flagged
(``quarantined``); a blank distribution range makes the distribution missing."""


MAX_DECODED_BYTES = 64 * 1024 * 1024
"""Largest feed accepted, in bytes once decompressed (the feed is about 1 MB in 2026).

The one limit of every decode: ``fetch``, a feed file given to
:func:`ee_trends.load_draws` and the captures kept in ``raw/``.
"""

MAX_NESTING = 32
"""Deepest JSON nesting accepted (a feed is 3 deep: object, ``rounds`` list, round)."""

_GZIP_MAGIC = b"\x1f\x8b"


def decode_feed(
    data: bytes, *, origin: str = "feed", max_bytes: int = MAX_DECODED_BYTES
) -> dict[str, Any]:
    """Decode feed bytes (JSON, gzip-compressed once or not) and check structure.

    Raises
    ------
    FeedError
        If the bytes are over ``max_bytes`` once decompressed, gzip inside
        gzip, empty, not JSON (an HTML error page, a truncated download, a
        single newline), nested deeper than :data:`MAX_NESTING`, or not a
        feed (see :func:`check_feed`).
    """
    data, _ = gunzip(data, max_bytes=max_bytes, origin=origin)
    if not data.strip():
        raise FeedError(f"{origin}: empty response ({len(data)} bytes), not a feed")
    if data.lstrip()[:1] == b"<":
        raise FeedError(f"{origin}: an HTML page, not the JSON feed")
    _check_nesting(data, origin)
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FeedError(f"{origin}: not valid JSON ({err})") from err
    return check_feed(feed, origin=origin)


def gunzip(
    data: bytes, *, max_bytes: int = MAX_DECODED_BYTES, origin: str = "feed"
) -> tuple[bytes, bool]:
    """Decompress gzip data, never beyond ``max_bytes``; other data as is.

    Returns the bytes and whether they were compressed.

    Raises
    ------
    FeedError
        Over ``max_bytes`` (before or after decompression), corrupt gzip
        data, or gzip data inside gzip data (never a feed).
    """
    if len(data) > max_bytes:
        raise FeedError(f"{origin}: over the limit of {max_bytes} bytes")
    if data[:2] != _GZIP_MAGIC:
        return data, False
    out = bytearray()
    rest = data
    while rest:  # one member after another, as gzip allows; zero padding after them
        stream = zlib.decompressobj(wbits=31)
        try:
            out += stream.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as err:
            raise FeedError(f"{origin}: truncated or corrupt gzip data ({err})") from err
        if len(out) > max_bytes:
            raise FeedError(f"{origin}: over the limit of {max_bytes} bytes once decompressed")
        if not stream.eof:
            raise FeedError(f"{origin}: truncated or corrupt gzip data (it ends too soon)")
        rest = stream.unused_data.lstrip(b"\x00")
    if out[:2] == _GZIP_MAGIC:
        raise FeedError(f"{origin}: gzip data inside gzip data, not a feed")
    return bytes(out), True


def _check_nesting(data: bytes, origin: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_NESTING`, before it is parsed."""
    if max_depth(data) > MAX_NESTING:
        raise FeedError(f"{origin}: JSON nested deeper than {MAX_NESTING} levels, not a feed")


def max_depth(data: bytes) -> int:
    """Deepest nesting of ``[`` and ``{`` outside JSON strings, in linear time.

    Escaped backslashes and quotes are taken out first, then everything but
    quotes and brackets; what is left is read in blocks (bounded memory),
    carrying the depth and whether a string is open.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(None, _NOT_MARKS)
    depth = deepest = 0
    inside = False
    for start in range(0, len(marks), _BLOCK):
        codes = np.frombuffer(marks, np.uint8, count=min(_BLOCK, len(marks) - start), offset=start)
        within = np.bitwise_xor.accumulate(codes == _QUOTE) ^ inside
        steps = _STEPS[codes]
        steps[within] = 0
        levels = depth + np.cumsum(steps, dtype=np.int64)
        deepest = max(deepest, int(levels.max()))
        depth, inside = int(levels[-1]), bool(within[-1])
    return deepest


_BLOCK = 1 << 22
_QUOTE = ord('"')
_NOT_MARKS = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_STEPS = np.zeros(256, dtype=np.int8)
_STEPS[list(b"[{")] = 1
_STEPS[list(b"]}")] = -1


def read_feed_file(path: str | Path, *, max_bytes: int | None = None) -> dict[str, Any]:
    """Read and check a feed file (``.json`` or ``.json.gz``), within ``max_bytes``.

    ``max_bytes`` defaults to :data:`MAX_DECODED_BYTES`, before and after decompression.
    """
    max_bytes = MAX_DECODED_BYTES if max_bytes is None else max_bytes
    return decode_feed(read_limited(path, max_bytes), origin=str(path), max_bytes=max_bytes)


def read_limited(path: str | Path, max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    """The bytes of a file, refused with a :class:`FeedError` when over ``max_bytes``.

    A file that cannot be read (permissions, a folder, a device) is a
    :class:`FeedError` naming it; a missing file is a :class:`FileNotFoundError`.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        raise FeedError(
            f"{path} is not a regular file: give a feed file (.json or .json.gz) or a URL"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FileNotFoundError(f"feed file not found: {path}") from None
    except OSError as err:
        raise FeedError(
            f"{path}: cannot be read ({err.strerror or err}): check the file and its permissions"
        ) from err
    if len(data) > max_bytes:
        raise FeedError(f"{path}: over the limit of {max_bytes} bytes")
    return data


def check_feed(feed: Any, *, origin: str = "feed") -> dict[str, Any]:
    """Check that ``feed`` has a non-empty ``rounds`` list of complete, distinct rounds.

    Returns the feed with every value a string: a whole number given as a
    JSON number (``"drawSize": 6000``) means the same as ``"6000"`` and is
    read as that string (the rounds holding one are copied, never changed in
    place). Extra fields and extra top-level keys are kept as they are.

    Raises
    ------
    FeedError
        Naming the round and the missing field, or the field holding
        something other than a string or a whole number.
    """
    if not isinstance(feed, dict) or "rounds" not in feed:
        raise FeedError(f"{origin}: no 'rounds' in the feed")
    rounds = feed["rounds"]
    if not isinstance(rounds, list) or not rounds:
        raise FeedError(f"{origin}: 'rounds' is empty or not a list")
    if _all_plain(rounds):  # the usual feed, checked in C; else named below
        ids = list(map(canonical_id, map(draw_number, rounds)))
        if len(set(ids)) == len(ids):
            return feed
    seen: set[str] = set()
    checked = []
    for position, record in enumerate(rounds):
        if not isinstance(record, dict):
            raise FeedError(f"{origin}: round at position {position} is not an object")
        name = (
            round_name(record["drawNumber"])
            if "drawNumber" in record
            else f"at position {position}"
        )
        numbers = {}
        for field in ROUND_FIELDS:
            if field not in record:
                raise FeedError(f"{origin}: round {name}: field {field!r} is missing")
            value = record[field]
            if not isinstance(value, str):
                if not whole_number(value):
                    raise FeedError(
                        f"{origin}: round {name}: field {field!r} is "
                        f"{type(value).__name__} {value!r}, expected a string or a whole number"
                    )
                numbers[field] = str(int(value))
        record = {**record, **numbers} if numbers else record
        draw_id = canonical_id(record["drawNumber"])
        if draw_id in seen:
            raise FeedError(
                f"{origin}: round {round_name(draw_id)}: field 'drawNumber' appears twice"
            )
        seen.add(draw_id)
        checked.append(record)
    return {**feed, "rounds": checked}


round_values = operator.itemgetter(*ROUND_FIELDS)
"""The values of :data:`ROUND_FIELDS` of a round, as a tuple."""
draw_number = operator.itemgetter("drawNumber")
"""The ``drawNumber`` of a round."""
_STRINGS = {str}


def _all_plain(rounds: list[Any]) -> bool:
    """Every round a dict with every field of :data:`ROUND_FIELDS`, all strings (one
    pass in C over all the values)."""
    if set(map(type, rounds)) != {dict}:
        return False
    try:
        values = itertools.chain.from_iterable(map(round_values, rounds))
        return set(map(type, values)) == _STRINGS
    except KeyError:
        return False


def whole_number(value: Any) -> bool:
    """Whether ``value`` is a whole number: an int, or a finite float with no fraction (a
    JSON number ``6000`` or ``6000.0``, a numpy integer); not a bool, not 1.5, not a string."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return False
    return math.isfinite(value) and float(value).is_integer()


def rounds_frame(feed: Mapping[str, Any], *, origin: str = "feed") -> pd.DataFrame:
    """The rounds of a feed checked by :func:`check_feed` as a frame of strings.

    One row per round, as published, with the columns :data:`ROUND_FIELDS`.
    """
    return pd.DataFrame.from_records(feed["rounds"], columns=list(ROUND_FIELDS)).astype("string")
