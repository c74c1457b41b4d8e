"""Small helpers that put counts and dates into words, shared by every layer."""

from __future__ import annotations

import pandas as pd


def plural(count: int, noun: str) -> str:
    """``1 round``, ``2 rounds``."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def iso_date(value: object) -> str:
    """A date as ``YYYY-MM-DD`` (for JSON-able results)."""
    return pd.Timestamp(value).date().isoformat()
