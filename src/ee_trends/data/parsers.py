"""Parsers for the values of the feed: counts, dates and timestamps as IRCC writes them.

Each takes one string and raises :class:`ValueError` on a value it cannot
read; :mod:`ee_trends.data.clean` turns that into a :class:`~ee_trends.FeedError`
naming the round and the field. All are pure and cached: the same strings
recur in every capture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache

from ee_trends.data.feed import POOL_COUNT_FIELDS
from ee_trends.data.fields import DRAW_FIELDS

_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MAX_COUNT = 2**63 - 1
"""Largest count stored (the ``Int64`` columns); a larger one is an error, not an overflow."""
YEARS = range(1990, 2101)
"""Years a date of the feed may fall in (the rounds start in 2015); others are errors."""

_COUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DMY_DATE_RE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_LONG_DATE_RE = re.compile(r"([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[,.]?\s*(\d{4})")
_TIMESTAMP_RE = re.compile(
    r"""
    (?P<month>[A-Za-z]+)\.?\s*
    (?P<day>\d{1,2})(?:st|nd|rd|th)?
    (?:\s*[,.]?\s*(?P<year>\d{4}))?          # the year, once missing ("October 7 at ...")
    \s*,?\s*(?:at)?\s*
    (?:\d{4}-\d{2}-\d{2}\s+)?                 # "at 2024-08-15 15:11:54": the date again
    (?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})
    \s*(?P<half>[AP]M)?
    \s*(?:UTC)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_count(text: str) -> int:
    """A count such as ``"6,000"`` or ``"779"``.

    >>> parse_count("27,332")
    27332
    """
    value = text.strip()
    if not _COUNT_RE.fullmatch(value):
        raise ValueError(f"not a count: {text!r}")
    digits = value.replace(",", "")
    if len(digits.lstrip("0")) > len(str(MAX_COUNT)) or int(digits) > MAX_COUNT:
        raise ValueError(f"count {text!r} beyond the largest count ({MAX_COUNT:,})")
    return int(digits)


@lru_cache(maxsize=4096)
def parse_draw_date(text: str) -> tuple[date, str | None]:
    """A ``drawDate``: ISO ``"2023-04-12"``, or day-month-year ``"12-04-2023"``.

    Returns the date and a note when it was written day-month-year.
    """
    value = text.strip()
    if match := _ISO_DATE_RE.fullmatch(value):
        year, month, day = map(int, match.groups())
        return _date(year, month, day, text), None
    if match := _DMY_DATE_RE.fullmatch(value):
        day, month, year = map(int, match.groups())
        return _date(year, month, day, text), f"drawDate {text!r} read as day-month-year"
    raise ValueError(f"not a date: {text!r}")


@lru_cache(maxsize=4096)
def parse_long_date(text: str) -> date:
    """A date such as ``"August 7, 2026"`` (``drawDateFull``, ``drawDistributionAsOn``)."""
    match = _LONG_DATE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    month, day, year = match.groups()
    return _date(int(year), _month(month, text), int(day), text)


@lru_cache(maxsize=16384)
def parse_timestamp(text: str, reference: date | None = None) -> tuple[datetime, str | None]:
    """A UTC timestamp in any of the formats IRCC has used.

    ``"July 3rd 2026 at 21:35:13 UTC"``, ``"October 26,2022 13:05:36 UTC"``,
    ``"May 31, 2024 at12:48:30 UTC"``, ``"August 15, 2024 at 2024-08-15
    15:11:54 UTC"``, ``"June 22, 2021 at 20:19:59 PM UTC"``, leading and
    trailing spaces, a missing ``UTC``. A timestamp without its year
    (``"October 7 at 16:38:21 UTC"``) takes the latest year that puts it on
    or before ``reference`` (the draw date), with a note saying so.

    Returns the timestamp (UTC) and a note when a part was inferred.
    """
    match = _TIMESTAMP_RE.fullmatch(" ".join(text.split()))
    if match is None:
        raise ValueError(f"not a timestamp: {text!r}")
    month = _month(match["month"], text)
    day, hour = int(match["day"]), int(match["hour"])
    if match["half"] and hour < 12 and match["half"].upper() == "PM":
        hour += 12
    elif match["half"] and hour == 12 and match["half"].upper() == "AM":
        hour = 0
    clock = (hour, int(match["minute"]), int(match["second"]))
    if match["year"]:
        day_of = _date(int(match["year"]), month, day, text)
        return datetime.combine(day_of, time(*clock), tzinfo=UTC), None
    if reference is None:
        raise ValueError(f"timestamp without a year: {text!r}")
    year = reference.year - ((month, day) > (reference.month, reference.day))
    note = f"year of {text.strip()!r} inferred as {year}"
    return datetime.combine(_date(year, month, day, text), time(*clock), tzinfo=UTC), note


def parse_draw_number(text: str) -> int:
    """The number of a round: ``"384"`` is 384, ``"91a"`` and ``"91A"`` are 91."""
    digits = text.strip().lower().rstrip("abcdefghijklmnopqrstuvwxyz")
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a round number: {text!r}")
    return parse_count(digits)


_ANY_REFERENCE = date(2096, 12, 31)
"""A reference date in a leap year of :data:`YEARS`, so "February 29" without a year reads."""

FIELD_PARSERS: dict[str, Callable[[str], object]] = {
    "drawNumber": parse_draw_number,
    "drawDate": parse_draw_date,
    "drawDateFull": parse_long_date,
    "drawDateTime": lambda text: parse_timestamp(text, _ANY_REFERENCE),
    "drawCutOff": lambda text: parse_timestamp(text, _ANY_REFERENCE),
    "drawSize": parse_count,
    "drawCRS": parse_count,
    "drawDistributionAsOn": parse_long_date,
    **{field: parse_count for field in POOL_COUNT_FIELDS},
}
"""The feed's fields that are parsed, and their parser (a timestamp without
its year is readable here; its year is inferred when it is cleaned)."""


RANGES: dict[str, tuple[int | None, int | None]] = {
    f.raw: (f.least, f.most) for f in DRAW_FIELDS if f.raw is not None
}
"""The bounds of the field table (:mod:`ee_trends.data.fields`) a feed field's value must keep."""


def check_range(field: str, value: object) -> None:
    """Raise a ValueError when a parsed value of ``field`` is outside its :data:`RANGES`."""
    least, most = RANGES.get(field, (None, None))
    if least is not None and value < least:
        raise ValueError(f"{value} is below {least}, the least allowed")
    if most is not None and value > most:
        raise ValueError(f"{value} is above {most}, the most allowed")


@lru_cache(maxsize=65536)
def value_error(field: str, text: str) -> str | None:
    """Why ``text`` breaks the rules of ``field`` (it does not parse, or is outside its
    :data:`RANGES`); None when it keeps them, is blank, or is not parsed."""
    parse = FIELD_PARSERS.get(field)
    if parse is None or not text.strip():
        return None
    try:
        check_range(field, parse(text))
    except ValueError as err:
        return str(err)
    return None


def _date(year: int, month: int, day: int, text: str) -> date:
    """The date, or a ValueError naming ``text`` when it is not a day of :data:`YEARS`."""
    if year not in YEARS:
        raise ValueError(f"year {year} of {text!r} outside {YEARS[0]}-{YEARS[-1]}")
    try:
        return date(year, month, day)
    except ValueError as err:
        raise ValueError(f"{err}: {text!r}") from None


def _month(name: str, text: str) -> int:
    try:
        return _MONTHS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown month {name!r} in {text!r}") from None
