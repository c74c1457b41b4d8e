"""Parsers for the values of the feed: counts, dates and timestamps as IRCC writes them.

Each takes one string and raises :class:`ValueError` on a value it cannot
read; :mod:`ee_trends.clean` turns that into a :class:`~ee_trends.FeedError`
naming the round and the field. All are pure and cached: the same strings
recur in every capture.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

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
    return int(value.replace(",", ""))


@lru_cache(maxsize=4096)
def parse_draw_date(text: str) -> tuple[date, str | None]:
    """A ``drawDate``: ISO ``"2023-04-12"``, or day-month-year ``"12-04-2023"``.

    Returns the date and a note when it was written day-month-year.
    """
    value = text.strip()
    if match := _ISO_DATE_RE.fullmatch(value):
        year, month, day = map(int, match.groups())
        return date(year, month, day), None
    if match := _DMY_DATE_RE.fullmatch(value):
        day, month, year = map(int, match.groups())
        return date(year, month, day), f"drawDate {text!r} read as day-month-year"
    raise ValueError(f"not a date: {text!r}")


@lru_cache(maxsize=4096)
def parse_long_date(text: str) -> date:
    """A date such as ``"August 7, 2026"`` (``drawDateFull``, ``drawDistributionAsOn``)."""
    match = _LONG_DATE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    month, day, year = match.groups()
    return date(int(year), _month(month, text), int(day))


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
        return datetime(int(match["year"]), month, day, *clock, tzinfo=UTC), None
    if reference is None:
        raise ValueError(f"timestamp without a year: {text!r}")
    year = reference.year - ((month, day) > (reference.month, reference.day))
    note = f"year of {text.strip()!r} inferred as {year}"
    return datetime(year, month, day, *clock, tzinfo=UTC), note


def _month(name: str, text: str) -> int:
    try:
        return _MONTHS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown month {name!r} in {text!r}") from None
