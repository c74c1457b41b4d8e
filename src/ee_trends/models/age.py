"""Where a simulation starts; the age of the data itself is :mod:`ee_trends.analysis.age`.

The models import :class:`DataAge`, :func:`data_age`, :func:`default_date`
and :func:`warn_if_stale` from here, beside :func:`start_note`.
"""

from __future__ import annotations

import pandas as pd

from ee_trends.analysis.age import DataAge, data_age, default_date, warn_if_stale

__all__ = ["DataAge", "data_age", "default_date", "start_note", "warn_if_stale"]


def start_note(start: pd.Timestamp, on: pd.Timestamp) -> str:
    """The end of a simulation's text: where it starts when that is before the date asked."""
    if start >= on:
        return "."
    return (
        f"; the simulation starts on {start:%Y-%m-%d}, the day after it, and counts "
        f"the rounds from {on:%Y-%m-%d}."
    )
