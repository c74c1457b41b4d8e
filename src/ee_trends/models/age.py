"""Where a simulation starts, said after its answer; the age of the data itself is
:mod:`ee_trends.analysis.age`."""

from __future__ import annotations

import pandas as pd


def start_note(start: pd.Timestamp, on: pd.Timestamp) -> str:
    """The end of a simulation's text: where it starts when that is before the date asked."""
    if start >= on:
        return "."
    return (
        f"; the simulation starts on {start:%Y-%m-%d}, the day after it, and counts "
        f"the rounds from {on:%Y-%m-%d}."
    )
