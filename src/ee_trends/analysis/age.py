"""How old the data behind an answer is: the newest round, and the days to the date asked.

Every time-dependent answer (where a score stands, a forecast, the timing of
rounds, the chance of an invitation) carries a :class:`DataAge`; past
:data:`STALE_DAYS` it warns (:class:`ee_trends.errors.StaleDataWarning`)
that later rounds are unknown.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.errors import StaleDataWarning

STALE_DAYS = 21
"""An answer for a date more than this many days after the newest round warns that later
rounds are unknown; while the data is fresh the default date is the day after it."""


@dataclass(frozen=True)
class DataAge:
    """The newest round of a history and how many days before the date asked it was.

    ``days`` is negative when the date asked is before the newest round (a
    forecast of the past); ``stale`` is true past :data:`STALE_DAYS`.
    """

    newest_round: str
    newest_date: pd.Timestamp
    on: pd.Timestamp
    days: int

    @property
    def stale(self) -> bool:
        return self.days > STALE_DAYS

    def to_text(self, *, answer: bool = True) -> str:
        """``newest round #434 of 2026-08-07, 117 days before 2026-12-02``, and when stale
        that rounds held since are unknown (and, for an ``answer``, that it starts from that
        round)."""
        text = self._dated()
        if self.stale:
            text += ": rounds held since are unknown (`ee-trends fetch` brings them)"
            if answer:
                text += "; this answer starts from that round"
        return text

    def _dated(self) -> str:
        days = abs(self.days)
        return (
            f"newest round #{self.newest_round} of {self.newest_date:%Y-%m-%d}, "
            f"{days} day{'' if days == 1 else 's'} {'after' if self.days < 0 else 'before'} "
            f"{self.on:%Y-%m-%d}"
        )

    def warning(self) -> str:
        """The one-line warning of stale data (empty while the data is fresh)."""
        return f"Stale data: {self.to_text()}." if self.stale else ""

    def to_dict(self) -> dict:
        return {
            "newest_round": self.newest_round,
            "newest_date": f"{self.newest_date:%Y-%m-%d}",
            "on": f"{self.on:%Y-%m-%d}",
            "days": self.days,
            "stale": self.stale,
        }

    def __repr__(self) -> str:
        return f"DataAge({self._dated()})"


def data_age(draws: pd.DataFrame, on: str | pd.Timestamp | None = None) -> DataAge:
    """The :class:`DataAge` of ``draws`` on the date ``on`` (its newest round, any program);
    ``on`` defaults to :func:`default_date`."""
    dates = draws["draw_date"]
    newest = np.flatnonzero((dates == dates.max()).to_numpy())[-1]  # the last of that day
    on = default_date(draws) if on is None else pd.Timestamp(on).normalize()
    date = pd.Timestamp(dates.iloc[newest])
    return DataAge(str(draws["draw_id"].iloc[newest]), date, on, int((on - date).days))


TODAY_VARIABLE = "EE_TRENDS_TODAY"
"""An ISO date in this environment variable stands in for today's date, so that a
report, a notebook or a test gives the same answers on every day it is run."""


def today() -> pd.Timestamp:
    """Today's date, or the date in :data:`TODAY_VARIABLE` (the one place answers read the
    clock)."""
    given = os.environ.get(TODAY_VARIABLE, "")
    if not given:
        return pd.Timestamp.today().normalize()
    try:
        return pd.Timestamp(given).normalize()
    except ValueError:
        message = f"{TODAY_VARIABLE}={given!r} is not a date: give one as YYYY-MM-DD"
        raise ValueError(message) from None


def default_date(draws: pd.DataFrame) -> pd.Timestamp:
    """The date an answer is for when none is given.

    The day after the newest round while the data is fresh (that round at most
    :data:`STALE_DAYS` before today), otherwise today.
    """
    newest = pd.Timestamp(draws["draw_date"].max())
    now = today()
    return newest + pd.Timedelta(days=1) if (now - newest).days <= STALE_DAYS else now


def warn_if_stale(age: DataAge) -> None:
    """Warn (:class:`StaleDataWarning`) when ``age`` is stale."""
    if age.stale:
        warnings.warn(age.warning(), StaleDataWarning, stacklevel=3)
