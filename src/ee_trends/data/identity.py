"""The identity of a round: its canonical id, and whether two captures speak of the same rounds.

IRCC names a round by ``drawNumber``: ``"384"``, ``"91a"``. The same round
written ``"0384"``, ``" 384 "`` or ``"91A"`` is the same round, so every
comparison by id (merging captures, a duplicate in one capture, the new
rounds of a fetch) goes through :func:`canonical_id`.

A capture whose rounds mostly do not match the rounds of the capture before
it (IRCC renumbered, or the file is another feed) is not merged: merging it
would put every round twice in the table (:func:`check_overlap`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ee_trends.errors import FeedError

_ID_RE = re.compile(r"0*(\d+)([a-z]?)", re.IGNORECASE)

MIN_OVERLAP = 0.5
"""Least share of rounds two captures must share by id, of the smaller of the two, to be merged."""


@lru_cache(maxsize=65536)
def canonical_id(text: str) -> str:
    """The canonical id of a round: ``"0384"`` is ``"384"``, ``"91A"`` is ``"91a"``.

    An id of another form (``"436-A"``) is only stripped of spaces; the
    round number check (:func:`ee_trends.data.parsers.parse_draw_number`)
    flags it.

    >>> canonical_id(" 0384 "), canonical_id("91A"), canonical_id("0")
    ('384', '91a', '0')
    """
    value = text.strip()
    match = _ID_RE.fullmatch(value)
    if match is None or not match.group(1).isascii():
        return value
    return f"{int(match.group(1))}{match.group(2).lower()}"


def round_name(draw_id: object) -> str:
    r"""A round's id as a message names it: as is (``384``, ``91a``, ``436-A``), or quoted
    when it is empty or holds spaces or unprintable characters, so that a message stays one
    line and the id can be told apart from the words around it.

    >>> round_name("384"), round_name("0\n0")
    ('384', "'0\\n0'")
    """
    text = str(draw_id)
    plain = text.isprintable() and text and not any(c.isspace() for c in text)
    return text if plain else repr(text)


def check_overlap(
    ids: Iterable[str], previous: Iterable[str], *, origin: str, previous_name: str
) -> None:
    """Raise a :class:`FeedError` when ``ids`` and ``previous`` (canonical ids) share under
    half of the rounds of the smaller of the two: mostly other rounds.

    A feed that grew (436 rounds after 435) or shrank (kept with ``--force``)
    shares all of the smaller one. The message names both captures and how
    many rounds they share.
    """
    ids, previous = set(ids), set(previous)
    if not previous or not ids:
        return
    shared = len(previous & ids)
    if shared < MIN_OVERLAP * min(len(ids), len(previous)):
        raise FeedError(
            f"{origin}: only {shared} of the {len(previous)} rounds of {previous_name} are in "
            "it by round number (drawNumber): not the same rounds (if IRCC renumbered its "
            "rounds, move the older captures out of raw/)"
        )
