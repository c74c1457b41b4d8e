"""The chance that a score is invited within a few weeks: simulated rounds and cutoffs.

For each program a candidate is eligible for, and for the all-program
("general") rounds, :data:`PATHS` paths of rounds are simulated:

1. **When**: the arrivals of :mod:`.timing` (recent gaps, a chance of a pause).
2. **How large**: each round's size drawn from the program's last
   :data:`GAP_ROUNDS` sizes.
3. **Cutoff**: the first round's from :func:`predict_cutoff`'s predictive
   distribution at that size and date; each later one the same distribution
   at its own size (and, with ``widen``, its own date), its error correlated
   ``reversion`` with the previous round's (a Gaussian copula over the
   forecaster's past errors): the cutoffs revert to the program's
   size-adjusted level instead of wandering off like a random walk. The
   settings, :data:`CHANCES_CHOSEN`, were chosen on origins before 2024.

A candidate is invited in a window when some simulated round of an eligible
program (or an all-program round) in it has a cutoff at or below the score
(a tie at the cutoff counts as invited). Every score, window and program
reads the same paths (seeded per program and start date): a higher score, a
longer window or one more program never lowers the chance.

Left out: the tie-break at the cutoff score, a score that changes while
waiting, category eligibility rules beyond the program named, and policy
changes (a new category, a program stopped) beyond the pauses seen so far.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.analysis.age import DataAge
from ee_trends.analysis.aggregate import in_round_order
from ee_trends.models.forecast import check_program, predict_cutoff
from ee_trends.models.history import time_widening
from ee_trends.models.prediction import error_quantile
from ee_trends.models.settings import CHANCES_CHOSEN, GAP_ROUNDS, PATHS, ChancesSettings
from ee_trends.models.timing import (
    arrivals,
    cadence,
    check_on,
    check_weeks,
    program_rng,
    simulation_start,
    start_note,
    window_summary,
)

CHANCES_WEEKS: tuple[int, ...] = (4, 8, 12, 26)
"""The windows of :func:`chances` by default."""

LEFT_OUT = (
    "Left out: the tie-break at the cutoff score (a tie counts as invited), a score that "
    "changes while waiting, category eligibility rules beyond the program named, and policy "
    "changes beyond the pauses seen so far."
)
"""What the simulation leaves out, in plain words."""


@dataclass(frozen=True)
class ProgramPaths:
    """One program's simulated rounds from ``start``: per path (rows) and round (columns),
    ``times`` in days after ``start`` (``inf``: no round) and ``cutoffs``."""

    program: str
    start: pd.Timestamp
    times: np.ndarray
    cutoffs: np.ndarray


@dataclass(frozen=True)
class PathDraws:
    """What one program's paths from ``start`` draw whatever the settings: the round ``times``
    (days after ``start``, ``inf``: no round), their log2 sizes ``drawn`` and standard normal
    ``noise``, and the forecast they start from (``level``, ``slope``, ``spread``, the
    calibration ``errors``, the ``usual_gap`` and the days ``elapsed`` since the last round)."""

    program: str
    start: pd.Timestamp
    times: np.ndarray
    drawn: np.ndarray
    noise: np.ndarray
    level: float
    slope: float
    spread: float
    errors: np.ndarray
    usual_gap: float
    elapsed: float


def path_draws(
    draws: pd.DataFrame, pool: pd.DataFrame | None, program: str, start: pd.Timestamp, days: float
) -> PathDraws:
    """The :class:`PathDraws` of ``program`` up to ``days`` after ``start``, from the rounds of
    ``draws`` dated before ``start`` (seeded per program and start: the same every call)."""
    c = cadence(draws, program, start)
    rng = program_rng(program, start)
    times = arrivals(c, days, rng)
    own = draws[(draws["draw_date"] < start) & (draws["program"].astype(str) == program)]
    own = in_round_order(own)
    last = int(own["invitations"].iloc[-1])
    first = predict_cutoff(draws, program=program, invitations=last, on=start, pool=pool)
    slope = first.slope_per_doubling
    sizes = np.log2(own["invitations"].tail(GAP_ROUNDS).to_numpy(float))
    drawn = rng.choice(sizes, times.shape)
    noise = rng.standard_normal(times.shape)
    # Each path's rounds come first, then inf: the columns past the last round of every
    # path change nothing and are left out (drawn all the same, so the draws stay as seeded).
    used = max(int(np.isfinite(times).any(axis=0).sum()), 1)
    times, drawn, noise = times[:, :used], drawn[:, :used], noise[:, :used]
    return PathDraws(
        program=program,
        start=start,
        times=times,
        drawn=drawn,
        noise=noise,
        level=first.estimate - slope * math.log2(last),
        slope=slope,
        spread=first.spread / first.widening,
        errors=first.errors,
        usual_gap=first.usual_gap,
        elapsed=c.elapsed,
    )


def paths_of(d: PathDraws, settings: ChancesSettings = CHANCES_CHOSEN) -> ProgramPaths:
    """The :class:`ProgramPaths` the draws ``d`` give under ``settings``: the errors
    correlated ``reversion`` from one round to the next, widened with the time since the
    last round (with ``widen``: each round's own)."""
    from scipy.signal import lfilter
    from scipy.special import ndtr

    innovation = math.sqrt(1 - settings.reversion**2)
    noise = d.noise.copy()
    noise[:, 0] /= innovation  # the first error has the marginal distribution too
    z = lfilter([innovation], [1.0, -settings.reversion], noise, axis=1)
    errors = error_quantile(d.errors, ndtr(z))  # the standard normal distribution function
    since = d.elapsed + np.where(np.isfinite(d.times), d.times, 0.0)
    if not settings.widen:
        since = np.broadcast_to(since[:, :1], since.shape)
    widening = time_widening(since, d.usual_gap)
    cutoffs = d.level + d.slope * d.drawn + d.spread * widening * errors
    return ProgramPaths(
        d.program, d.start, d.times, np.where(np.isfinite(d.times), cutoffs, np.inf)
    )


def program_paths(
    draws: pd.DataFrame,
    pool: pd.DataFrame | None,
    program: str,
    start: pd.Timestamp,
    days: float,
    *,
    settings: ChancesSettings = CHANCES_CHOSEN,
) -> ProgramPaths:
    """The :class:`ProgramPaths` of ``program`` up to ``days`` after ``start``, from the rounds
    of ``draws`` dated before ``start`` (see the module docstring)."""
    return paths_of(path_draws(draws, pool, program, start, days), settings)


def lowest_cutoffs(paths: ProgramPaths, offset: float, weeks: tuple[int, ...]) -> np.ndarray:
    """Per window (rows) and path (columns): the lowest cutoff of the rounds from day
    ``offset`` to ``offset + 7 w`` (``inf`` without a round)."""
    out = np.empty((len(weeks), paths.times.shape[0]))
    for k, w in enumerate(weeks):
        inside = (paths.times >= offset) & (paths.times < offset + 7 * w)
        out[k] = np.where(inside, paths.cutoffs, np.inf).min(axis=1)
    return out


@dataclass(frozen=True)
class Chances:
    """The chance that ``score`` is invited within each window, from :func:`chances`.

    ``table``, one row per window:

    =========================  ==========================================================
    column                     meaning
    =========================  ==========================================================
    ``weeks``                  the window: ``on`` to ``on`` + weeks (not included)
    ``until``                  the last day of the window
    ``probability``            chance of a round of an eligible program (or an all-program
                               round) with a cutoff at or below the score
    ``expected_rounds``        mean number of those rounds in the window
    ``expected_reachable``     mean number of them with a cutoff at or below the score
    =========================  ==========================================================

    ``programs`` are the programs simulated (the eligible ones, then
    ``general`` when the history has all-program rounds to simulate);
    ``start`` the day the simulation starts (the day after the newest round,
    or ``on`` when sooner); ``age`` how old the data is.
    """

    score: int
    programs: tuple[str, ...]
    on: pd.Timestamp
    start: pd.Timestamp
    table: pd.DataFrame
    age: DataAge

    def __repr__(self) -> str:
        return (
            f"Chances({self.score} in {'+'.join(self.programs)} from {self.on:%Y-%m-%d}: "
            f"{window_summary(self.table)}; {self.age!r})"
        )

    def to_text(self) -> str:
        """The chances in plain words, how they are computed and what they leave out."""
        from ee_trends.programs import program_label

        eligible = [program_label(p) for p in self.programs if p != "general"]
        names = " or ".join(eligible) if eligible else "no program but all-program rounds"
        general = "general" in self.programs
        windows = ", ".join(
            f"within {w} week{'s' if w > 1 else ''} {p:.0%}"
            for w, p in zip(self.table["weeks"], self.table["probability"], strict=True)
        )
        text = (
            f"A score of {self.score} eligible for {names}"
            f"{', with all-program rounds' if general and eligible else ''}: invited "
            f"{windows} (from {self.on:%Y-%m-%d}).\n"
            f"{PATHS:,} simulated paths of rounds: when, from the gaps between each program's "
            "recent rounds with a chance of a pause; their cutoffs, the first as the what-if "
            "forecaster predicts it at a size drawn from the program's recent rounds, later ones "
            "reverting to the program's level. "
            + ("" if general else "The history has no all-program rounds to simulate. ")
            + LEFT_OUT
            + f"\nData: {self.age.to_text()}"
        )
        return text + start_note(self.start, self.on)

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "programs": list(self.programs),
            "on": f"{self.on:%Y-%m-%d}",
            "start": f"{self.start:%Y-%m-%d}",
            "windows": [
                {**row, "until": f"{row['until']:%Y-%m-%d}"}
                for row in self.table.to_dict("records")
            ],
            "data_age": self.age.to_dict(),
        }


def eligible_programs(draws: pd.DataFrame, programs) -> tuple[str, ...]:
    """The program keys of ``programs`` (each checked), then ``general`` when ``draws`` has
    all-program rounds; UnknownProgramError for a key not in ``draws``."""
    if isinstance(programs, str):
        programs = (programs,)
    keys = list(dict.fromkeys(check_program(draws, p) for p in programs))
    if "general" not in keys and (draws["program"].astype(str) == "general").any():
        keys.append("general")
    return tuple(keys)


def chances(
    score: int,
    draws: pd.DataFrame,
    pool: pd.DataFrame | None,
    *,
    programs: tuple[str, ...] = ("cec",),
    weeks: tuple[int, ...] = CHANCES_WEEKS,
    on: str | pd.Timestamp | None = None,
) -> Chances:
    """The chance that a candidate with ``score``, eligible for ``programs``, is invited within
    each of ``weeks`` weeks from ``on``: a :class:`Chances`.

    All-program rounds always count. Uses the rounds of ``draws`` dated before
    ``on`` (and ``pool`` as :func:`predict_cutoff` does). ``on`` defaults to
    :func:`ee_trends.analysis.age.default_date`; past :data:`STALE_DAYS` after
    the newest round a StaleDataWarning says the rounds since are unknown and
    the simulation starts from the day after the newest round (the rounds it
    simulates before ``on`` move the cutoffs but are not counted). Seeded:
    the same answer on every call. The method and what it leaves out are in
    the module docstring.

    Raises ValueError for a score that is not a whole number from 0 to 1200,
    UnknownProgramError, WindowError, HorizonError (``on`` more than
    :data:`MAX_HORIZON_DAYS` after the newest round) and TooFewRoundsError (an
    eligible program with fewer than :data:`MIN_REGIME_ROUNDS` rounds since
    its last pause).
    """
    from ee_trends.analysis.standing import check_score

    score = check_score(score)
    keys, weeks, on, age, start, offset, every, lowest = _simulate(draws, pool, programs, weeks, on)
    rounds = np.zeros(len(weeks))
    reachable = np.zeros(len(weeks))
    for paths in every:
        for k, w in enumerate(weeks):
            inside = (paths.times >= offset) & (paths.times < offset + 7 * w)
            rounds[k] += inside.sum(axis=1).mean()
            reachable[k] += (inside & (paths.cutoffs < score + 0.5)).sum(axis=1).mean()
    table = pd.DataFrame(
        {
            "weeks": list(weeks),
            "until": [on + pd.Timedelta(days=7 * w - 1) for w in weeks],
            "probability": (lowest < score + 0.5).mean(axis=1),
            "expected_rounds": rounds,
            "expected_reachable": reachable,
        }
    )
    return Chances(score, keys, on, start, table, age)


def _simulate(draws, pool, programs, weeks, on):
    """The checked programs, windows, date and age, where the simulation starts, each
    program's :class:`ProgramPaths` and per window (rows) and path the lowest cutoff."""
    keys = eligible_programs(draws, programs)
    weeks = check_weeks(weeks)
    on, age = check_on(draws, on)
    start = simulation_start(draws, on)
    offset = float((on - start).days)
    days = offset + 7 * max(weeks)
    every = [program_paths(draws, pool, key, start, days) for key in keys]
    lowest = np.full((len(weeks), PATHS), np.inf)
    for paths in every:
        lowest = np.minimum(lowest, lowest_cutoffs(paths, offset, weeks))
    return keys, weeks, on, age, start, offset, every, lowest


def chances_by_score(
    scores,
    draws: pd.DataFrame,
    pool: pd.DataFrame | None,
    *,
    programs: tuple[str, ...] = ("cec",),
    weeks: tuple[int, ...] = CHANCES_WEEKS,
    on: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """:func:`chances` of each of ``scores`` from one set of simulated paths (the same
    probabilities as one call per score, at the cost of one).

    Columns: ``score``, then ``weeks_<w>`` (the chance of an invitation within ``w`` weeks)
    for each window. The same errors as :func:`chances`.
    """
    from ee_trends.analysis.standing import check_score

    checked = [check_score(score) for score in scores]
    _, weeks, _, _, _, _, _, lowest = _simulate(draws, pool, programs, weeks, on)
    table = {"score": checked}
    for k, w in enumerate(weeks):
        table[f"weeks_{w}"] = [float((lowest[k] < score + 0.5).mean()) for score in checked]
    return pd.DataFrame(table)
