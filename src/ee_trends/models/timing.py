"""When a program's next rounds come: simulated arrivals from the gaps between its rounds.

A program's next gap is one of its last :data:`GAP_ROUNDS` gaps (since its
last long pause), stretched or shrunk a little (:data:`GAP_JITTER`), or,
with the chance that a gap of any main program so far was a pause (longer
than :data:`PAUSE_DAYS`), a pause: :data:`PAUSE_DAYS` plus an exponential
wait at the rate at which pauses ended so far (ended pauses over the days
paused beyond :data:`PAUSE_DAYS`, the current ones included). The first gap
is conditioned on the days already passed without a round: a program far
past its usual gaps is most likely paused (no all-program round since
2024-04).

:func:`next_rounds` reads the chance of a round within each window, the
number of rounds and the date of the next one off :data:`PATHS` simulated
paths (seeded: the same answer every call). :func:`timing_backtest` and
:func:`timing_evaluation` score the chance of at least one round against
the trailing-year frequency.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.analysis.age import DataAge, data_age, warn_if_stale
from ee_trends.errors import TooFewRoundsError, WindowError
from ee_trends.models.forecast import check_program
from ee_trends.models.history import segment_start
from ee_trends.models.settings import (
    BACKTEST_EVERY_DAYS,
    BASELINE_WEEKS,
    GAP_JITTER,
    GAP_ROUNDS,
    MAIN_PROGRAMS,
    MAX_HORIZON_DAYS,
    MAX_WEEKS,
    MIN_REGIME_ROUNDS,
    PATHS,
    PAUSE_DAYS,
    SEED,
    TEST_SINCE,
)

TIMING_WEEKS: tuple[int, ...] = (2, 4, 8)
"""The windows of :func:`next_rounds` and of its backtest."""


def check_weeks(weeks) -> tuple[int, ...]:
    """``weeks`` as sorted distinct whole numbers from 1 to :data:`MAX_WEEKS`, or WindowError."""
    values = [weeks] if np.isscalar(weeks) else list(weeks)
    if not values or any(
        isinstance(w, bool) or not float(w).is_integer() or not 1 <= w <= MAX_WEEKS for w in values
    ):
        raise WindowError(f"weeks must be whole numbers from 1 to {MAX_WEEKS}, not {weeks!r}")
    return tuple(sorted({int(w) for w in values}))


@dataclass(frozen=True)
class Cadence:
    """What a program's simulated round timing rests on, from its rounds before ``start``.

    ``gaps``: its last :data:`GAP_ROUNDS` gaps in days since its last long
    pause; ``elapsed``: days from its last round to ``start``;
    ``pause_chance``: the share of the main programs' gaps so far that were
    pauses; ``restart_rate``: pauses ended per day paused beyond
    :data:`PAUSE_DAYS`.
    """

    program: str
    start: pd.Timestamp
    last_date: pd.Timestamp
    elapsed: float
    gaps: np.ndarray
    pause_chance: float
    restart_rate: float

    @property
    def usual_gap(self) -> float:
        """The median of the recent gaps, in days."""
        return float(np.median(self.gaps))


def cadence(draws: pd.DataFrame, program: str, start: pd.Timestamp) -> Cadence:
    """The :class:`Cadence` of ``program`` from the rounds of ``draws`` dated before ``start``.

    Raises TooFewRoundsError with fewer than :data:`MIN_REGIME_ROUNDS` rounds
    since its last pause.
    """
    before = (draws["draw_date"] < start).to_numpy()
    programs = draws["program"].astype(str).to_numpy()[before]
    known = draws["draw_date"].to_numpy()[before]
    dates = np.sort(known[programs == program])
    gaps = np.diff(dates) / np.timedelta64(1, "D")
    recent = gaps[segment_start(dates, len(dates)) :]
    if len(recent) + 1 < MIN_REGIME_ROUNDS:
        raise TooFewRoundsError(
            f"{program} has {len(recent) + 1} round{'s' if len(recent) else ''} since its last "
            f"pause before {start:%Y-%m-%d}; its timing needs at least {MIN_REGIME_ROUNDS}"
        )
    ended = exposure = 0.0
    count = 0
    for key in sorted(set(programs) & set(MAIN_PROGRAMS)):
        mine = np.sort(known[programs == key])
        days = np.diff(mine) / np.timedelta64(1, "D")
        long = days[days > PAUSE_DAYS]
        count += len(days)
        ended += len(long)
        exposure += float((long - PAUSE_DAYS).sum())
        current = (start - pd.Timestamp(mine[-1])).days
        exposure += max(current - PAUSE_DAYS, 0)
    last = pd.Timestamp(dates[-1])
    return Cadence(
        program=program,
        start=start,
        last_date=last,
        elapsed=float((start - last).days),
        gaps=np.maximum(recent[-GAP_ROUNDS:], 1.0),
        pause_chance=ended / count if count else 0.0,
        restart_rate=ended / exposure if exposure > 0 else 0.0,
    )


def start_note(start: pd.Timestamp, on: pd.Timestamp) -> str:
    """The end of a simulation's text: where it starts when that is before the date asked."""
    if start >= on:
        return "."
    return (
        f"; the simulation starts on {start:%Y-%m-%d}, the day after it, and counts "
        f"the rounds from {on:%Y-%m-%d}."
    )


def program_rng(program: str, start: pd.Timestamp) -> np.random.Generator:
    """The seeded generator of one program's paths from ``start``: the same paths every call,
    and a program's paths never depend on which other programs are simulated."""
    return np.random.default_rng([SEED, zlib.crc32(program.encode()), start.toordinal()])


def arrivals(c: Cadence, days: float, rng: np.random.Generator) -> np.ndarray:
    """Days after ``c.start`` of each path's rounds up to ``days``: :data:`PATHS` rows, sorted,
    ``inf`` where a path has no more rounds."""

    def active(size) -> np.ndarray:
        jitter = np.exp(GAP_JITTER * rng.standard_normal(size))
        return np.maximum(rng.choice(c.gaps, size) * jitter, 1.0)

    def pause(size, passed: float = 0.0) -> np.ndarray:
        wait = rng.exponential(1 / c.restart_rate, size) if c.restart_rate > 0 else np.inf
        return max(PAUSE_DAYS - passed, 0.0) + wait

    candidates = active(8 * PATHS)
    survivors = candidates[candidates > c.elapsed]
    survive_active = len(survivors) / len(candidates)
    beyond = max(c.elapsed - PAUSE_DAYS, 0.0)
    survive_pause = np.exp(-c.restart_rate * beyond) if beyond > 0 else 1.0
    active_weight = (1 - c.pause_chance) * survive_active
    paused_weight = c.pause_chance * survive_pause
    total = active_weight + paused_weight
    share_active = active_weight / total if total > 0 else 0.0
    first = np.where(
        rng.random(PATHS) < share_active,
        rng.choice(survivors, PATHS) - c.elapsed if len(survivors) else np.inf,
        pause(PATHS, c.elapsed),
    )
    rounds = int(min(np.ceil(days / max(c.gaps.min() * 0.5, 1.0)) + 2, 400))
    later = np.where(
        rng.random((PATHS, rounds - 1)) < c.pause_chance,
        pause((PATHS, rounds - 1)),
        active((PATHS, rounds - 1)),
    )
    times = np.cumsum(np.column_stack([first, later]), axis=1)
    return np.where(times <= days, np.floor(times), np.inf)


def window_summary(table: pd.DataFrame) -> str:
    """``4 weeks 9%, 8 weeks 16%``: the probability of each window of a table with columns
    ``weeks`` and ``probability`` (for one-line reprs)."""
    return ", ".join(
        f"{w} weeks {p:.0%}" for w, p in zip(table["weeks"], table["probability"], strict=True)
    )


@dataclass(frozen=True)
class NextRounds:
    """When a program's next rounds come, from :func:`next_rounds`.

    ``table``, one row per window:

    ==================  =====================================================
    column              meaning
    ==================  =====================================================
    ``weeks``           the window: ``on`` to ``on`` + weeks (not included)
    ``until``           the last day of the window
    ``probability``     chance of at least one round of the program
    ``expected_rounds`` mean number of rounds
    ``rounds_0`` ...    chance of exactly 0, 1, 2 rounds; ``rounds_3_or_more``
    ==================  =====================================================

    ``next_low``, ``next_median``, ``next_high``: the 10%, 50% and 90%
    quantiles of the date of the next round (NaT where fewer paths have a
    round within :data:`MAX_WEEKS` weeks); ``no_round`` the chance of none
    within :data:`MAX_WEEKS` weeks (a pause); ``usual_gap`` the median of
    its recent gaps in days; ``start`` the day the simulation starts (the
    day after the newest round of the data, or the date asked when sooner).
    """

    program: str
    on: pd.Timestamp
    start: pd.Timestamp
    table: pd.DataFrame
    next_low: pd.Timestamp
    next_median: pd.Timestamp
    next_high: pd.Timestamp
    no_round: float
    usual_gap: float
    last_date: pd.Timestamp
    age: DataAge

    def __repr__(self) -> str:
        chances = window_summary(self.table)
        return f"NextRounds({self.program} from {self.on:%Y-%m-%d}: {chances}; {self.age!r})"

    def to_text(self) -> str:
        """The timing in plain words."""
        from ee_trends.programs import program_label

        windows = ", ".join(
            f"within {w} week{'s' if w > 1 else ''} {p:.0%}"
            for w, p in zip(self.table["weeks"], self.table["probability"], strict=True)
        )
        text = (
            f"{program_label(self.program)}: a round {windows}; rounds recently every "
            f"{self.usual_gap:.0f} days, the last on {self.last_date:%Y-%m-%d}."
        )
        if pd.notna(self.next_median):
            text += f" The next round most likely by {self.next_median:%Y-%m-%d}"
            if pd.notna(self.next_low) and pd.notna(self.next_high):
                text += (
                    f" (80% of the simulations between {self.next_low:%Y-%m-%d} and "
                    f"{self.next_high:%Y-%m-%d})"
                )
            text += "."
        text += f" No round within {MAX_WEEKS} weeks (a pause): {self.no_round:.0%}."
        text += f" Data: {self.age.to_text()}"
        return text + start_note(self.start, self.on)

    def to_dict(self) -> dict:
        def day(value) -> str | None:
            return None if pd.isna(value) else f"{value:%Y-%m-%d}"

        return {
            "program": self.program,
            "on": day(self.on),
            "start": day(self.start),
            "windows": [
                {**row, "until": day(row["until"])} for row in self.table.to_dict("records")
            ],
            "next_round": {
                "low": day(self.next_low),
                "median": day(self.next_median),
                "high": day(self.next_high),
            },
            "no_round": self.no_round,
            "usual_gap": self.usual_gap,
            "last_date": day(self.last_date),
            "data_age": self.age.to_dict(),
        }


def simulation_start(draws: pd.DataFrame, on: pd.Timestamp) -> pd.Timestamp:
    """The day a simulation for ``on`` starts: the day after the newest round, or ``on`` when
    that is sooner (a date in the past: the rounds before it are known)."""
    return min(pd.Timestamp(draws["draw_date"].max()) + pd.Timedelta(days=1), on)


def check_on(draws: pd.DataFrame, on) -> tuple[pd.Timestamp, DataAge]:
    """The date asked (default :func:`~ee_trends.analysis.age.default_date`) and its data
    age; HorizonError past :data:`MAX_HORIZON_DAYS`; a StaleDataWarning past
    :data:`STALE_DAYS`."""
    from ee_trends.errors import HorizonError

    age = data_age(draws, on)
    on = age.on
    if age.days > MAX_HORIZON_DAYS:
        raise HorizonError(
            f"{on:%Y-%m-%d} is {age.days} days after the newest round (#{age.newest_round} of "
            f"{age.newest_date:%Y-%m-%d}): answers reach at most {MAX_HORIZON_DAYS} days "
            "(26 weeks) past it"
        )
    warn_if_stale(age)
    return on, age


def window_counts(times: np.ndarray, offset: float, weeks: tuple[int, ...]) -> np.ndarray:
    """Per window (rows) and path (columns): rounds from day ``offset`` to ``offset + 7 w``."""
    return np.stack([((times >= offset) & (times < offset + 7 * w)).sum(axis=1) for w in weeks])


def next_rounds(
    draws: pd.DataFrame,
    program: str,
    *,
    on: str | pd.Timestamp | None = None,
    weeks: tuple[int, ...] = TIMING_WEEKS,
) -> NextRounds:
    """When the next rounds of ``program`` come, counted from ``on``: a :class:`NextRounds`.

    Uses the rounds of ``draws`` dated before ``on``. ``on`` defaults to
    :func:`ee_trends.analysis.age.default_date`; past :data:`STALE_DAYS` after
    the newest round a StaleDataWarning says the rounds since are unknown,
    and the simulation starts from the day after the newest round (the rounds
    it simulates before ``on`` are not counted). The method is in the module
    docstring.

    Raises UnknownProgramError, WindowError (``weeks`` not whole numbers from
    1 to :data:`MAX_WEEKS`), HorizonError (``on`` more than
    :data:`MAX_HORIZON_DAYS` after the newest round) and TooFewRoundsError.
    """
    program = check_program(draws, program)
    weeks = check_weeks(weeks)
    on, age = check_on(draws, on)
    start = simulation_start(draws, on)
    c = cadence(draws, program, start)
    offset = float((on - start).days)
    times = arrivals(c, offset + 7 * MAX_WEEKS, program_rng(program, start))
    counts = window_counts(times, offset, weeks)
    table = pd.DataFrame(
        {
            "weeks": list(weeks),
            "until": [on + pd.Timedelta(days=7 * w - 1) for w in weeks],
            "probability": (counts > 0).mean(axis=1),
            "expected_rounds": counts.mean(axis=1),
            "rounds_0": (counts == 0).mean(axis=1),
            "rounds_1": (counts == 1).mean(axis=1),
            "rounds_2": (counts == 2).mean(axis=1),
            "rounds_3_or_more": (counts >= 3).mean(axis=1),
        }
    )
    upcoming = np.where(times >= offset, times, np.inf).min(axis=1)

    ordered = np.sort(upcoming)

    def date(q: float) -> pd.Timestamp:
        value = ordered[int(np.ceil(q * len(ordered))) - 1]  # no interpolation across inf
        return start + pd.Timedelta(days=float(value)) if np.isfinite(value) else pd.NaT

    return NextRounds(
        program=program,
        on=on,
        start=start,
        table=table,
        next_low=date(0.1),
        next_median=date(0.5),
        next_high=date(0.9),
        no_round=float(np.mean(~np.isfinite(upcoming))),
        usual_gap=c.usual_gap,
        last_date=c.last_date,
        age=age,
    )


# --------------------------------------------------------------------------- the backtest


def backtest_origins(draws: pd.DataFrame, since: str, weeks: int) -> pd.DatetimeIndex:
    """Every :data:`BACKTEST_EVERY_DAYS` days from ``since`` whose ``weeks`` window ends by
    the day after the newest round (so its outcome is known)."""
    end = pd.Timestamp(draws["draw_date"].max()) + pd.Timedelta(days=1 - 7 * weeks)
    return pd.date_range(since, end, freq=f"{BACKTEST_EVERY_DAYS}D")


def happened(event_dates: np.ndarray, starts: np.ndarray, days: int) -> np.ndarray:
    """For each window start: whether an event (sorted dates) falls in ``[start, start + days)``."""
    first = np.searchsorted(event_dates, starts, side="left")
    end = np.searchsorted(event_dates, starts + np.timedelta64(days, "D"), side="left")
    return end > first


def trailing_share(event_dates: np.ndarray, origin: pd.Timestamp, days: int) -> float:
    """The baseline: the share of the windows of ``days`` starting each week of the trailing
    :data:`BASELINE_WEEKS` weeks, and ending before ``origin``, in which an event happened."""
    first = (origin - pd.Timedelta(weeks=BASELINE_WEEKS)).to_datetime64()
    last = (origin - pd.Timedelta(days=days)).to_datetime64()
    if last < first:
        return np.nan
    week = np.timedelta64(7, "D")
    starts = first + week * np.arange((last - first) // week + 1)
    return float(happened(event_dates, starts, days).mean())


def timing_backtest(
    draws: pd.DataFrame,
    *,
    programs: tuple[str, ...] = MAIN_PROGRAMS,
    weeks: tuple[int, ...] = TIMING_WEEKS,
    since: str = TEST_SINCE,
) -> pd.DataFrame:
    """The chance of at least one round, every two weeks since ``since``, against what happened.

    At each origin only the rounds dated before it are used (the simulation
    starts at the origin). Returns one row per origin, program and window:

    ===============  =============================================================
    column           meaning
    ===============  =============================================================
    ``origin``       the date of the forecast
    ``program``      the program
    ``weeks``        the window: ``origin`` to ``origin`` + weeks (not included)
    ``probability``  the simulated chance of at least one round
    ``baseline``     the trailing-year frequency (:func:`trailing_share`)
    ``outcome``      whether a round of the program came in the window
    ===============  =============================================================

    Programs with too few rounds since their last pause at an origin are
    left out there.
    """
    rows = []
    for origin in backtest_origins(draws, since, max(weeks)):
        for program in programs:
            try:
                c = cadence(draws, program, origin)
            except TooFewRoundsError:
                continue
            times = arrivals(c, 7 * max(weeks), program_rng(program, origin))
            counts = window_counts(times, 0.0, weeks)
            own = draws.loc[draws["program"].astype(str) == program, "draw_date"]
            dates = np.sort(own.to_numpy())
            known = dates[dates < origin.to_datetime64()]
            for k, w in enumerate(weeks):
                outcome = happened(dates, np.asarray([origin.to_datetime64()]), 7 * w)[0]
                rows.append(
                    {
                        "origin": origin,
                        "program": program,
                        "weeks": w,
                        "probability": float((counts[k] > 0).mean()),
                        "baseline": trailing_share(known, origin, 7 * w),
                        "outcome": bool(outcome),
                    }
                )
    return pd.DataFrame(rows)


def brier_table(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Brier scores of ``probability`` and ``baseline`` against ``outcome``, grouped ``by``.

    Columns: ``by``, ``forecasts``, ``brier``, ``baseline_brier``, ``skill``
    (``1 - brier / baseline_brier``: above 0, better than the baseline).
    Rows without a baseline are left out.
    """
    scored = results.dropna(subset=["baseline"])
    outcome = scored["outcome"].astype(float)
    scored = scored.assign(
        model_loss=(scored["probability"] - outcome) ** 2,
        baseline_loss=(scored["baseline"] - outcome) ** 2,
    )
    table = scored.groupby(by, sort=False).agg(
        forecasts=("outcome", "size"),
        brier=("model_loss", "mean"),
        baseline_brier=("baseline_loss", "mean"),
    )
    table["skill"] = 1 - table["brier"] / table["baseline_brier"]
    return table.reset_index()


def timing_evaluation(results: pd.DataFrame) -> pd.DataFrame:
    """The Brier scores of :func:`timing_backtest`, per window and per program and window.

    Columns: ``program`` (``all`` for every program), ``weeks``, then those of
    :func:`brier_table`.
    """
    overall = brier_table(results, ["weeks"]).assign(program="all")
    per_program = brier_table(results, ["program", "weeks"])
    return pd.concat([overall, per_program], ignore_index=True)[
        ["program", "weeks", "forecasts", "brier", "baseline_brier", "skill"]
    ]
