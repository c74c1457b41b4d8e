"""Read a series of feed files, oldest first: each decoded as the one before it plus the
rounds whose text changed.

Captures kept over years are nearly all alike: a new capture usually adds a
round or two and edits a label. Decoding each in full costs several
milliseconds a capture, most of it building the same rounds again. Here a
capture whose text differs from the one before it only inside the
``rounds`` array is read as that capture's rounds with the changed stretch
decoded anew:

- the text before and after the change is the same as before, so it is valid
  JSON with the same top-level keys;
- the changed stretch must decode as whole rounds separated by commas, ending
  exactly where the unchanged text resumes, within
  :data:`~ee_trends.data.feed.MAX_NESTING`.

Anything else (the first file, a change outside the rounds, a stretch that
does not decode so) is decoded in full by :func:`~ee_trends.data.feed.decode_feed`,
with its errors. Either way each feed is then checked by
:func:`~ee_trends.data.feed.check_feed`: the result is the same as reading
every file on its own.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from ee_trends.data import feed as feeds
from ee_trends.data.feed import MAX_NESTING, check_feed, decode_feed, draw_number, max_depth
from ee_trends.data.identity import canonical_id
from ee_trends.errors import FeedError

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_ROUNDS_DEPTH = 2
"""The depth of a round in the feed: inside the top-level object and its ``rounds`` array."""


def read_files(files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """Read and check feed files, each labelled with its file name."""
    return list(iter_files(files))


def iter_files(files: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Read and check feed files one at a time, each labelled with its file name.

    Each file gives what :func:`~ee_trends.data.feed.read_feed_file` gives it,
    and raises what it raises.
    """
    previous: _Decoded | None = None
    unplaced: tuple[str, dict[str, Any]] | None = None  # decoded in full, rounds not placed
    for path in files:
        limit = feeds.MAX_DECODED_BYTES  # read now: the one limit of every decode
        data, _ = feeds.gunzip(feeds.read_limited(path, limit), max_bytes=limit, origin=str(path))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if unplaced is not None and text is not None:  # placed only when a file follows
            previous = _Decoded.scan(*unplaced)
        decoded = None if previous is None or text is None else previous.patched(text)
        if decoded is None:
            feed = decode_feed(data, origin=str(path))
            previous, unplaced = None, None if text is None else (text, feed)
        else:
            feed = decoded.feed
            previous, unplaced = decoded, None
        yield path.name, feed


@dataclass(frozen=True)
class _Decoded:
    """A feed's text, the feed checked (:func:`~ee_trends.data.feed.check_feed`), and
    where each round is in the text, with its canonical id."""

    text: str
    feed: dict[str, Any]
    starts: list[int]
    ends: list[int]
    ids: list[str]

    @classmethod
    def scan(cls, text: str, feed: dict[str, Any]) -> _Decoded | None:
        """The rounds' places in ``text``, a feed decoded and checked as ``feed``; None when
        the rounds cannot be placed (not where the top-level object has them)."""
        try:
            found = _rounds_array(text)
        except (ValueError, RecursionError):
            return None
        if found is None or not found[1]:
            return None
        rounds, starts, ends = found
        if len(rounds) != len(feed["rounds"]):
            return None
        ids = [canonical_id(record["drawNumber"]) for record in feed["rounds"]]
        return cls(text, feed, starts, ends, ids)

    def patched(self, text: str) -> _Decoded | None:
        """``text`` decoded as this feed with the rounds that changed decoded and checked
        anew; None when that cannot be vouched for, or the check fails (decode it in full:
        its error names the round by its place in the whole feed)."""
        if text == self.text:
            return self
        old, starts, ends = self.text, self.starts, self.ends
        shift = len(text) - len(old)
        start = _common_prefix(old, text)
        stop = len(old) - min(_common_suffix(old, text), min(len(old), len(text)) - start)
        if start < starts[0] or stop > ends[-1]:
            return None  # a change outside the rounds
        first = bisect_right(starts, start) - 1
        last = first if stop == start else bisect_right(starts, stop - 1) - 1
        tail = last == len(starts) - 1
        end = ends[-1] if tail else starts[last + 1]
        try:
            found = _rounds_between(text, starts[first], end + shift, tail=tail)
        except (ValueError, RecursionError):
            return None
        if found is None:
            return None
        values, new_starts, new_ends = found
        try:
            rounds = check_feed({"rounds": values})["rounds"] if values else []
        except FeedError:
            return None
        kept = self.feed["rounds"]
        rounds = [*kept[:first], *rounds, *kept[last + 1 :]]
        ids = [
            *self.ids[:first],
            *map(canonical_id, map(draw_number, rounds[first : first + len(values)])),
            *self.ids[last + 1 :],
        ]
        if not rounds or len(set(ids)) != len(ids):
            return None
        return _Decoded(
            text,
            {**self.feed, "rounds": rounds},
            [*starts[:first], *new_starts, *(at + shift for at in starts[last + 1 :])],
            [*ends[:first], *new_ends, *(at + shift for at in ends[last + 1 :])],
            ids,
        )


def _rounds_between(
    text: str, start: int, stop: int, *, tail: bool
) -> tuple[list[Any], list[int], list[int]] | None:
    """The rounds in ``text[start:stop]``: values separated by commas, each followed by a
    comma unless ``tail`` (the stretch ends with the last round); None if it is not so."""
    if max_depth(text[start:stop].encode()) + _ROUNDS_DEPTH > MAX_NESTING:
        return None
    rounds: list[Any] = []
    starts: list[int] = []
    ends: list[int] = []
    at = start
    while at < stop or (tail and not rounds):
        starts.append(at)
        value, at = _DECODER.raw_decode(text, at)
        rounds.append(value)
        ends.append(at)
        if tail and at == stop:
            return rounds, starts, ends
        at = _SPACE.match(text, at).end()
        if at >= stop or text[at] != ",":
            return None
        at = _SPACE.match(text, at + 1).end()
    return (rounds, starts, ends) if at == stop and not tail else None


def _rounds_array(text: str) -> tuple[list[Any], list[int], list[int]] | None:
    """The values of the top-level ``rounds`` array of a JSON text (the last such key, as
    :func:`json.loads` keeps), with where each starts and ends; None if there is none."""
    at = _SPACE.match(text).end()
    if text[at : at + 1] != "{":
        return None
    at = _SPACE.match(text, at + 1).end()
    found = None
    while text[at : at + 1] == '"':
        key, at = scanstring(text, at + 1)
        at = _SPACE.match(text, at).end()
        if text[at : at + 1] != ":":
            return None
        at = _SPACE.match(text, at + 1).end()
        if key == "rounds" and text[at : at + 1] == "[":
            found, at = _array(text, at)
        else:
            found = None if key == "rounds" else found
            _, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, at).end()
        if text[at : at + 1] != ",":
            break
        at = _SPACE.match(text, at + 1).end()
    return found


def _array(text: str, at: int) -> tuple[tuple[list[Any], list[int], list[int]], int]:
    """The values of the JSON array opening at ``text[at]``, where each starts and ends,
    and where the array ends."""
    values: list[Any] = []
    starts: list[int] = []
    ends: list[int] = []
    at = _SPACE.match(text, at + 1).end()
    if text[at : at + 1] == "]":
        return (values, starts, ends), at + 1
    while True:
        starts.append(at)
        value, at = _DECODER.raw_decode(text, at)
        values.append(value)
        ends.append(at)
        at = _SPACE.match(text, at).end()
        if text[at : at + 1] == "]":
            return (values, starts, ends), at + 1
        if text[at : at + 1] != ",":
            raise ValueError("not an array")
        at = _SPACE.match(text, at + 1).end()


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b`` (a binary search of
    comparisons in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if b.startswith(a[low:middle], low):
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    """The length of the longest common suffix of ``a`` and ``b``."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if b.endswith(a[len(a) - middle : len(a) - low], 0, len(b) - low):
            low = middle
        else:
            high = middle - 1
    return low
