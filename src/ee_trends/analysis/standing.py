"""Where a CRS score stands: the pool above it, and the recent rounds it would have reached.

The module is not called ``standing``: importing a submodule of that name would
bind ``ee_trends.standing`` to the module and shadow the function.

::

    draws, pool = ee_trends.data.load.load_tables()
    print(ee_trends.standing(480, draws, pool).to_text())

Two answers, both from the data only:

- the newest published distribution of the pool: how many candidates score
  at or above the score, and their share of the pool. The distribution
  counts candidates in CRS ranges 10 to 600 points wide (``RANGE_WIDTHS_TEXT``), so for a score
  inside a range the answer is a range (at least, at most), never a
  made-up point value;
- for each program with a round in the last ``months`` months: how many of
  those rounds had a cutoff at or below the score, and the latest of them.
  A Provincial Nominee Program cutoff includes the 600 points of a
  nomination, so it is reached only with one.
"""

from __future__ import annotations

import contextlib
import json
import numbers
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from ee_trends.analysis import aggregate
from ee_trends.analysis.age import DataAge, data_age, warn_if_stale
from ee_trends.data.fields import MAX_SCORE
from ee_trends.errors import StaleDataWarning
from ee_trends.formatting import iso_date
from ee_trends.programs import program_label

SCORES = range(400, 601, 10)
"""The scores of the report's table."""


@dataclass(frozen=True)
class ProgramStanding:
    """One program's rounds of the window against the score."""

    program: str
    label: str
    rounds: int
    """Rounds of the program in the window."""
    reached: int
    """Of those, rounds whose cutoff was at or below the score."""
    latest_draw_id: str | None
    """The latest round reached (None when none was)."""
    latest_date: str | None
    latest_cutoff: int | None


@dataclass(frozen=True)
class Standing:
    """Where ``score`` stands (:func:`standing`)."""

    score: int
    as_of: str | None
    """Date of the newest round: the window ends here."""
    window_start: str | None
    """First day of the window of the program part."""
    pool_as_of: str | None
    """Date of the distribution used; None when none was published."""
    pool_total: int | None
    """Candidates in that distribution."""
    at_or_above_min: int | None
    """Candidates certainly at or above the score."""
    at_or_above_max: int | None
    """Candidates possibly at or above it (equal to the minimum when exact)."""
    programs: list[ProgramStanding] = field(default_factory=list)
    age: DataAge | None = None
    """The newest round and how many days before the date asked it was (None without rounds)."""

    @property
    def share_min(self) -> float | None:
        """``at_or_above_min`` as a share of the pool."""
        return _share(self.at_or_above_min, self.pool_total)

    @property
    def share_max(self) -> float | None:
        return _share(self.at_or_above_max, self.pool_total)

    def __repr__(self) -> str:
        count = aggregate.CountRange(self.at_or_above_min, self.at_or_above_max).to_text()
        reached = sum(1 for p in self.programs if p.reached)
        return (
            f"<Standing CRS {self.score}: {count} candidates at or above "
            f"(pool of {self.pool_as_of}); reached recent rounds of {reached} of "
            f"{len(self.programs)} programs>"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (with both shares)."""
        out = asdict(self)
        out["share_min"], out["share_max"] = self.share_min, self.share_max
        out["age"] = None if self.age is None else self.age.to_dict()
        return out

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def to_text(self) -> str:
        """A few readable lines."""
        lines = []
        if self.pool_as_of is None:
            lines.append("No pool distribution was published in this data.")
        else:
            count = aggregate.CountRange(self.at_or_above_min, self.at_or_above_max)
            share = ""
            if self.share_min is not None:
                share = (
                    f" ({self.share_min:.1%} of the pool)"
                    if count.exact
                    else f" ({self.share_min:.1%} to {self.share_max:.1%} of the pool)"
                )
            total = "an unknown number of" if self.pool_total is None else f"{self.pool_total:,}"
            lines.append(
                f"Pool on {self.pool_as_of}: {count.to_text()} of {total} candidates "
                f"scored {self.score} or more{share}."
            )
            if not count.exact and count.low is not None:
                lines.append("  (a range: the published CRS ranges do not split at this score)")
        if self.as_of is not None:
            lines.append(f"Rounds from {self.window_start} to {self.as_of}, by program:")
        for p in self.programs:
            if p.reached:
                cutoff = "not published" if p.latest_cutoff is None else p.latest_cutoff
                latest = f"latest #{p.latest_draw_id} on {p.latest_date}, cutoff {cutoff}"
            else:
                latest = "none"
            lines.append(
                f"  {p.label}: {p.reached} of {p.rounds} rounds had a cutoff at or below "
                f"{self.score} ({latest})"
            )
        if any(p.program == "pnp" for p in self.programs):
            lines.append("  (a Provincial Nominee cutoff includes the 600 points of a nomination)")
        if self.age is not None:
            lines.append(f"Data: {self.age.to_text(answer=False)}.")
        return "\n".join(lines)


def check_score(score: Any) -> int:
    """``score`` as an int, or a ValueError saying what a CRS score is."""
    if isinstance(score, str):
        with contextlib.suppress(ValueError):
            score = int(score.strip())
    if isinstance(score, bool) or not isinstance(score, numbers.Integral):
        raise ValueError(
            f"the CRS score must be a whole number from 0 to {MAX_SCORE}, not {score!r}"
        )
    if not 0 <= int(score) <= MAX_SCORE:
        raise ValueError(f"the CRS score must be from 0 to {MAX_SCORE}, not {score}")
    return int(score)


def standing(
    score: int,
    draws: pd.DataFrame,
    pool: pd.DataFrame,
    *,
    months: int = 12,
    on: str | pd.Timestamp | None = None,
) -> Standing:
    """Where the CRS ``score`` stands in the newest pool and in the last ``months`` of rounds.

    Parameters
    ----------
    score
        A CRS score, a whole number from 0 to 1200 (a ValueError otherwise).
    draws, pool
        The tables of :func:`ee_trends.load_draws` and :func:`ee_trends.load_pool`,
        from the same source (``ee_trends.data.load.load_tables`` gives both).
    months
        The window of the program part, ending on the newest round.
    on
        The date asked (default :func:`ee_trends.analysis.age.default_date`): the result's
        ``age`` says how many days before it the newest round was, and past
        :data:`~ee_trends.analysis.age.STALE_DAYS` a StaleDataWarning says that rounds
        held since are unknown.
    """
    score = check_score(score)
    leaves = aggregate.latest_distribution(pool)
    if leaves.empty:
        pool_as_of = total = None
        count = aggregate.CountRange(None, None)
    else:
        pool_as_of = iso_date(leaves["pool_as_of"].iloc[0])
        candidates = leaves["candidates"]
        total = None if candidates.isna().any() else int(candidates.sum())
        count = aggregate.candidates_at_or_above(leaves, score)
    as_of = aggregate.data_date(draws)
    if as_of is None:
        return Standing(score, None, None, pool_as_of, total, count.low, count.high)
    age = data_age(draws, on)
    warn_if_stale(age)
    start = aggregate.months_start(as_of, months)
    window = aggregate.in_round_order(draws[draws["draw_date"] >= start])
    programs = []
    for key in aggregate.used_programs(window):
        rounds = window[window["program"] == key]
        reached = rounds[rounds["crs_cutoff"].astype("float64") <= score]
        latest = reached.iloc[-1] if len(reached) else None
        programs.append(
            ProgramStanding(
                program=str(key),
                label=program_label(str(key)),
                rounds=len(rounds),
                reached=len(reached),
                latest_draw_id=None if latest is None else str(latest["draw_id"]),
                latest_date=None if latest is None else iso_date(latest["draw_date"]),
                latest_cutoff=None if latest is None else int(latest["crs_cutoff"]),
            )
        )
    return Standing(
        score=score,
        as_of=iso_date(as_of),
        window_start=iso_date(start),
        pool_as_of=pool_as_of,
        pool_total=total,
        at_or_above_min=count.low,
        at_or_above_max=count.high,
        programs=programs,
        age=age,
    )


def standing_table(
    draws: pd.DataFrame, pool: pd.DataFrame, scores: Iterable[int] = SCORES, *, months: int = 12
) -> pd.DataFrame:
    """:func:`standing` of each score as a table, one row per score.

    Columns: ``score``, ``at_or_above_min``, ``at_or_above_max``,
    ``share_min``, ``share_max``, then for each program of the window
    ``reached_<key>`` (its rounds reached) and ``rounds_<key>``.
    """
    rows = []
    for score in scores:
        with warnings.catch_warnings():  # a table of scores, no date asked: no age to warn of
            warnings.simplefilter("ignore", StaleDataWarning)
            result = standing(score, draws, pool, months=months)
        row: dict[str, Any] = {
            "score": result.score,
            "at_or_above_min": result.at_or_above_min,
            "at_or_above_max": result.at_or_above_max,
            "share_min": result.share_min,
            "share_max": result.share_max,
        }
        for p in result.programs:
            row[f"reached_{p.program}"] = p.reached
            row[f"rounds_{p.program}"] = p.rounds
        rows.append(row)
    frame = pd.DataFrame(rows)
    counts = [c for c in frame.columns if c.startswith(("at_or_above", "reached_", "rounds_"))]
    return frame.astype(dict.fromkeys(counts, "Int64"))


def _share(count: int | None, total: int | None) -> float | None:
    return None if count is None or not total else count / total
