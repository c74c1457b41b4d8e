"""Report content as data: what analysis modules hand to the report.

Analysis modules (``context``, ``findings``, ``models``, ``standing``) never
write HTML. A part of the report is a :class:`Section`: a key (the HTML
anchor), a heading and an ordered list of blocks, each a :class:`Text`
paragraph, a :class:`Table` whose every column carries a format, or a
:class:`Figure`. Only :mod:`ee_trends.output.report` turns them into HTML, CSV and
image files.

A section builder is any function ``build(draws, pool) -> Section``.

Formats are chosen per column, never guessed from a value
(:data:`FORMATS`, :func:`format_value`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _score(value: Any) -> str:
    return f"{round(float(value)):d}"


def _points(value: Any) -> str:
    return f"{float(value):+.1f}".replace("-", "−")


def _change(value: Any) -> str:
    return f"{int(value):+d}".replace("-", "−")


def _decimal(value: Any) -> str:
    return f"{float(value):.1f}"


def _percent(value: Any) -> str:
    return f"{100 * float(value):.1f}%"


def _ratio(value: Any) -> str:
    return f"{float(value):.2f}"


def _brier(value: Any) -> str:
    return f"{float(value):.3f}"


def _date(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _datetime_utc(value: Any) -> str:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


FORMATS: Mapping[str, Callable[[Any], str]] = {
    "text": str,
    "count": _count,  # a number of rounds, invitations or candidates: 1,234
    "score": _score,  # a CRS score: 481
    "points": _points,  # a signed CRS difference or slope: +2.5, −9.7
    "change": _change,  # a signed whole-number difference of CRS scores: +40, −8
    "decimal": _decimal,  # an unsigned quantity with one decimal, e.g. a mean error: 19.8
    "percent": _percent,  # a share in [0, 1]: 12.3%
    "ratio": _ratio,  # a unitless ratio: 0.87
    "brier": _brier,  # a Brier score (mean squared error of a probability): 0.112
    "date": _date,  # 2026-08-07
    "datetime_utc": _datetime_utc,  # 2026-08-07 14:05:36 UTC
}
"""Format name -> function of one non-missing value to its text."""

NUMERIC_FORMATS: frozenset[str] = frozenset(FORMATS) - {"text", "date", "datetime_utc"}
"""The formats of numbers (a report right-aligns them)."""

MISSING = "–"
"""How a missing value is shown."""


def format_value(value: Any, kind: str) -> str:
    """``value`` as text in format ``kind`` (a key of :data:`FORMATS`); missing is ``–``."""
    try:
        formatter = FORMATS[kind]
    except KeyError:
        raise ValueError(f"unknown format {kind!r}; one of {', '.join(FORMATS)}") from None
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value):
        return MISSING
    return formatter(value)


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (the report escapes it)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table to show and to save as ``tables/{name}.csv``.

    ``frame`` keeps its machine column names (written to the CSV); ``columns``
    maps each column to show to ``(header, format)``, in display order. Columns
    not listed are saved but not shown.
    """

    name: str
    frame: pd.DataFrame
    columns: Mapping[str, tuple[str, str]]
    caption: str = ""

    def __post_init__(self) -> None:
        missing = [c for c in self.columns if c not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.name!r}: no column {', '.join(map(repr, missing))}")
        headers = [header for header, _ in self.columns.values()]
        if len(set(headers)) != len(headers):
            raise ValueError(f"table {self.name!r}: headers must differ, not {headers}")
        bad = [kind for _, kind in self.columns.values() if kind not in FORMATS]
        if bad:
            raise ValueError(f"table {self.name!r}: unknown format {', '.join(map(repr, bad))}")

    def formatted(self) -> pd.DataFrame:
        """The shown columns as text, with their headers."""
        return pd.DataFrame(
            {
                header: [format_value(v, kind) for v in self.frame[column]]
                for column, (header, kind) in self.columns.items()
            },
            index=self.frame.index,
        )


@dataclass(frozen=True)
class Figure:
    """A matplotlib figure to save as ``figures/{name}.png`` and ``.svg``.

    ``alt`` says what the figure shows, for a reader who cannot see it;
    ``caption`` is shown under it.
    """

    name: str
    figure: Any
    alt: str
    caption: str = ""
    hover: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Optional hover details for the page: the ``gid`` of a scatter of the figure ->
    one text per point, in the order of its points. A figure with hover details is
    put in the page as SVG, each point with its text as a tooltip (no script)."""


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section (for example "How this is computed")."""

    text: str


Block = Text | Heading | Table | Figure


@dataclass(frozen=True)
class Section:
    """One part of the report: anchor, heading, blocks in order.

    ``data`` holds extra tables saved as CSV but not shown (name -> frame).
    """

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    data: Mapping[str, pd.DataFrame] = field(default_factory=dict)
