"""How well :func:`ee_trends.models.chances` did: a rolling-origin backtest of its chances.

Origins every two weeks; at each, only the rounds dated before it are used
(the simulation starts at the origin, as :func:`chances` does for a date in
the past). For each program of :data:`BACKTEST_SCORES`, each of its scores and
each window of :data:`CHANCES_WEEKS`: the chance of an invitation
(the program's rounds and the all-program rounds; for ``general``, those
alone) against what happened, a round of those with a cutoff at or below the
score in the window. The baseline: the share of the trailing 52 weeks'
windows of that length in which it happened
(:func:`ee_trends.models.timing.trailing_share`).

:data:`CHANCES_CHOSEN` is chosen on origins before the test period whose windows
end before it (:func:`select_chances_settings`); the test origins, from
:data:`TEST_SINCE`, are reported once (:func:`chances_evaluation`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.errors import TooFewRoundsError
from ee_trends.models.invitation import (
    CHANCES_WEEKS,
    PathDraws,
    lowest_cutoffs,
    path_draws,
    paths_of,
)
from ee_trends.models.memo import cached, content_key
from ee_trends.models.settings import (
    BACKTEST_BLOCK,
    BOOTSTRAP_DRAWS,
    CHANCES_CHOSEN,
    CHANCES_GRID,
    TEST_SINCE,
    VALIDATION,
    ChancesSettings,
)
from ee_trends.models.timing import backtest_origins, brier_table, happened, trailing_share

BACKTEST_SCORES: dict[str, tuple[int, ...]] = {
    "cec": tuple(range(430, 561, 10)),
    "french": tuple(range(430, 561, 10)),
    "healthcare": tuple(range(430, 561, 10)),
    "general": tuple(range(430, 561, 10)),
    "pnp": tuple(range(700, 801, 10)),
}
"""The programs of the backtest and the scores asked for each."""

SKILL_AIM = 0.10
"""The aim: a Brier skill of at least 0.10 over every forecast, its interval above 0."""
RELIABILITY_AIM = 0.07
"""The aim: each decile's mean chance within 0.07 of how often it happened."""


def chances_backtest(
    draws: pd.DataFrame,
    pool: pd.DataFrame | None = None,
    *,
    since: str = TEST_SINCE,
    until: str | None = None,
    settings: ChancesSettings = CHANCES_CHOSEN,
) -> pd.DataFrame:
    """The chances at every origin from ``since`` against what happened (cached per history).

    Origins every two weeks from ``since``; a window is kept when it ends by
    the day after the newest round (and by ``until`` when given).

    =================  ==============================================================
    column             meaning
    =================  ==============================================================
    ``origin``         the date of the forecast
    ``program``        the eligible program (with the all-program rounds)
    ``score``          the CRS score
    ``weeks``          the window: ``origin`` to ``origin`` + weeks (not included)
    ``probability``    the chance of an invitation (:func:`chances` at the origin)
    ``baseline``       the share of the trailing year's windows in which it happened
    ``outcome``        whether it happened
    =================  ==============================================================
    """
    columns = ["draw_id", "draw_date", "program", "invitations", "crs_cutoff"]
    key = (content_key(draws[columns], pool), since, until, settings)
    return cached(
        "chances_backtest", key, lambda: _backtests(draws, pool, since, until, (settings,))[0]
    )


def _backtests(draws, pool, since, until, grid: tuple[ChancesSettings, ...]) -> list[pd.DataFrame]:
    """The backtest of each setting of ``grid``: the paths' draws, which no setting changes,
    are made once per origin and program and shared by the settings."""
    end = pd.Timestamp(draws["draw_date"].max()) + pd.Timedelta(days=1)
    if until is not None:
        end = min(end, pd.Timestamp(until))
    events = _event_dates(draws.dropna(subset=["crs_cutoff"]))
    weeks = CHANCES_WEEKS
    rows: list[list[dict]] = [[] for _ in grid]
    for origin in backtest_origins(draws, since, min(weeks)):
        kept = tuple(w for w in weeks if origin + pd.Timedelta(weeks=w) <= end)
        if not kept:
            continue
        shared: dict[str, PathDraws] = {}
        for program in BACKTEST_SCORES:
            try:
                shared[program] = path_draws(draws, pool, program, origin, 7 * max(kept))
            except TooFewRoundsError:
                continue
        outcomes = _outcomes(events, origin, kept, shared)
        for settings, out in zip(grid, rows, strict=True):
            lowest = {
                p: lowest_cutoffs(paths_of(d, settings), 0.0, kept) for p, d in shared.items()
            }
            combined = {
                program: np.minimum.reduce([lowest[p] for p in {program, "general"} if p in lowest])
                for program in BACKTEST_SCORES
                if program in lowest
            }
            out += [
                {
                    "origin": origin,
                    "program": program,
                    "score": score,
                    "weeks": kept[k],
                    "probability": float((combined[program][k] < score + 0.5).mean()),
                    "baseline": baseline,
                    "outcome": outcome,
                }
                for program, score, k, baseline, outcome in outcomes
            ]
    return [pd.DataFrame(part) for part in rows]


def _event_dates(rounds: pd.DataFrame) -> dict[tuple[str, int], np.ndarray]:
    """Per program of :data:`BACKTEST_SCORES` and score: the dates (sorted) of the rounds
    that would have invited it (the program's and the all-program rounds)."""
    out = {}
    for program, scores in BACKTEST_SCORES.items():
        mine = rounds[rounds["program"].astype(str).isin({program, "general"})]
        dates = mine["draw_date"].to_numpy()
        cutoffs = mine["crs_cutoff"].to_numpy(dtype=float)
        for score in scores:
            out[program, score] = np.sort(dates[cutoffs <= score])
    return out


def _outcomes(events, origin: pd.Timestamp, kept: tuple[int, ...], simulated) -> list[tuple]:
    """Per program simulated, score and window of one origin: ``(program, score, window
    index, baseline, outcome)``, what happened and the trailing year's share (no setting
    changes them)."""
    out = []
    start = np.asarray([origin.to_datetime64()])
    for program, scores in BACKTEST_SCORES.items():
        if program not in simulated:
            continue
        for score in scores:
            dates = events[program, score]
            known = dates[dates < start[0]]
            for k, w in enumerate(kept):
                baseline = trailing_share(known, origin, 7 * w)
                outcome = bool(happened(dates, start, 7 * w)[0])
                out.append((program, score, k, baseline, outcome))
    return out


def _skill_interval(frame: pd.DataFrame, seed: int = 15) -> tuple[float, float]:
    """90% moving-block bootstrap interval of the Brier skill, blocks of
    :data:`BACKTEST_BLOCK` consecutive origins."""
    outcome = frame["outcome"].astype(float)
    losses = (
        frame.assign(
            model=(frame["probability"] - outcome) ** 2, base=(frame["baseline"] - outcome) ** 2
        )
        .groupby("origin")[["model", "base"]]
        .sum()
    )
    model, base = losses["model"].to_numpy(), losses["base"].to_numpy()
    n = len(model)
    if n < 2:
        return np.nan, np.nan
    block = min(BACKTEST_BLOCK, n)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - block + 1, size=(BOOTSTRAP_DRAWS, math.ceil(n / block)))
    index = (starts[:, :, None] + np.arange(block)).reshape(BOOTSTRAP_DRAWS, -1)[:, :n]
    skills = 1 - model[index].sum(axis=1) / np.maximum(base[index].sum(axis=1), 1e-12)
    return float(np.quantile(skills, 0.05)), float(np.quantile(skills, 0.95))


def _with_intervals(results: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    table = brier_table(results, by) if by else brier_table(results.assign(all="all"), ["all"])
    scored = results.dropna(subset=["baseline"])
    bounds = []
    for _, row in table.iterrows():
        part = scored
        for column in by:
            part = part[part[column] == row[column]]
        bounds.append(_skill_interval(part))
    low, high = zip(*bounds, strict=True) if bounds else ((), ())
    return table.assign(skill_low=list(low), skill_high=list(high))


def reliability(results: pd.DataFrame) -> pd.DataFrame:
    """The chances by decile (0-10%, ..., 90-100%) against how often it happened.

    Columns: ``decile`` (its lower edge), ``forecasts``, ``probability`` (mean
    chance), ``observed`` (share that happened), ``gap`` (``probability -
    observed``).
    """
    decile = np.minimum(np.floor(results["probability"] * 10), 9) / 10
    table = results.assign(decile=decile, happened=results["outcome"].astype(float))
    table = table.groupby("decile").agg(
        forecasts=("happened", "size"),
        probability=("probability", "mean"),
        observed=("happened", "mean"),
    )
    return table.assign(gap=table["probability"] - table["observed"]).reset_index()


@dataclass(frozen=True)
class ChancesEvaluation:
    """The backtest of the chances scored, from :func:`chances_evaluation`.

    ``overall``: one row, every forecast; ``by_program``: per program and
    window; ``by_weeks``: per window. Each with ``forecasts``, ``brier``,
    ``baseline_brier``, ``skill`` (``1 - brier / baseline_brier``) and its
    90% block-bootstrap interval over origins (``skill_low``,
    ``skill_high``). ``reliability``: :func:`reliability`.
    """

    overall: pd.DataFrame
    by_program: pd.DataFrame
    by_weeks: pd.DataFrame
    reliability: pd.DataFrame

    def __repr__(self) -> str:
        row = self.overall.iloc[0]
        return (
            f"ChancesEvaluation(skill {row['skill']:.2f} [{row['skill_low']:.2f}, "
            f"{row['skill_high']:.2f}] over {int(row['forecasts']):,} forecasts)"
        )

    def to_text(self) -> str:
        """The figures in plain words, against the aims."""
        from ee_trends.programs import program_label

        row = self.overall.iloc[0]
        worst = self.by_program.sort_values("skill").iloc[0]
        worse = self.by_program[self.by_program["skill"] < 0]
        gap = float(self.reliability["gap"].abs().max())
        met = row["skill"] >= SKILL_AIM and row["skill_low"] > 0
        return (
            f"Over {int(row['forecasts']):,} forecasts, the chances score a Brier of "
            f"{row['brier']:.3f} against {row['baseline_brier']:.3f} for the trailing year's "
            f"frequency: a skill of {row['skill']:.2f} (90% interval {row['skill_low']:.2f} to "
            f"{row['skill_high']:.2f}; the aim, {SKILL_AIM:.2f} with the interval above 0, is "
            f"{'met' if met else 'missed'}). "
            + (
                f"{len(worse)} of {len(self.by_program)} program and window pairs do worse than "
                f"the baseline, the worst {program_label(worst['program'])} at "
                f"{int(worst['weeks'])} weeks (skill {worst['skill']:.2f}). "
                if len(worse)
                else "No program and window does worse than the baseline. "
            )
            + f"By decile, the chances are at most {gap:.2f} from how often it happened "
            f"(aim {RELIABILITY_AIM:.2f}: {'met' if gap <= RELIABILITY_AIM else 'missed'})."
        )

    def to_dict(self) -> dict:
        return {
            "overall": self.overall.to_dict("records"),
            "by_program": self.by_program.to_dict("records"),
            "by_weeks": self.by_weeks.to_dict("records"),
            "reliability": self.reliability.to_dict("records"),
        }


def chances_evaluation(results: pd.DataFrame) -> ChancesEvaluation:
    """The Brier scores of :func:`chances_backtest` against its baseline, and its reliability."""
    scored = results.dropna(subset=["baseline"])
    return ChancesEvaluation(
        overall=_with_intervals(scored, []).drop(columns="all"),
        by_program=_with_intervals(scored, ["program", "weeks"]),
        by_weeks=_with_intervals(scored, ["weeks"]),
        reliability=reliability(scored),
    )


def select_chances_settings(draws: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """The Brier score of each setting of :data:`CHANCES_GRID` on origins from the start of the
    validation period whose windows end before the test period: how :data:`CHANCES_CHOSEN`
    was chosen. Columns: ``reversion``, ``widen``, ``forecasts``, ``brier``,
    ``baseline_brier``, ``skill``; lowest Brier first."""
    rows = []
    backtests = _backtests(draws, pool, VALIDATION[0], TEST_SINCE, CHANCES_GRID)
    for settings, results in zip(CHANCES_GRID, backtests, strict=True):
        table = brier_table(results.assign(all="all"), ["all"]).drop(columns="all")
        rows.append(
            {"reversion": settings.reversion, "widen": settings.widen, **table.iloc[0].to_dict()}
        )
    return pd.DataFrame(rows).sort_values("brier", ignore_index=True, kind="stable")
