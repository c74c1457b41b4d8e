"""The forecaster's past: every main-program round forecast from the rounds before it.

The pieces of one forecast (size slopes, the size-adjusted level, the
widening outside the seen sizes and after a gap, the error scale) and the
:class:`History` that computes them once per history, cached on its content,
shared by the backtest and every what-if (:mod:`.forecast`). The method is
described in :mod:`.forecast`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ee_trends.models.effects import model_frame
from ee_trends.models.memo import cached, content_key
from ee_trends.models.settings import (
    MAIN_PROGRAMS,
    MAX_TIME_WIDENING,
    PAUSE_DAYS,
    SCALE_WINDOW,
    SIZE_WIDENING,
    SLOPE_HALF_LIFE_DAYS,
    SLOPE_PRIOR_ROUNDS,
    SLOPE_WINDOW,
    ForecastSettings,
)

# --------------------------------------------------------------------------- slopes


@dataclass(frozen=True)
class _Series:
    """One program's rounds as arrays, oldest first."""

    dates: np.ndarray
    size: np.ndarray  # log2 invitations
    cutoff: np.ndarray


_EPOCH = np.datetime64("2015-01-01", "ns")


@dataclass(frozen=True)
class _Sums:
    """Weighted sums of cutoff changes on size changes: ``xy`` and ``xx``."""

    xy: float
    xx: float


def _slope_sums(s: _Series, upto: int) -> _Sums:
    """Huber-weighted sums ``(sxy, sxx)`` of cutoff changes on size changes of the first ``upto``.

    A few IRLS steps of Huber's M-estimator (k = 1.345, MAD scale), changes
    across a pause left out, each change weighted by its recency (the weight
    doubles every :data:`SLOPE_HALF_LIFE_DAYS` of date, so an older change
    counts half as much per half-life of age), over the last
    :data:`SLOPE_WINDOW` rounds. The weights are relative to a fixed date:
    a common factor, which no slope made of these sums depends on, so the
    sums of a program's first ``upto`` rounds are the same whenever asked.
    """
    lo = max(0, upto - SLOPE_WINDOW)
    dx = np.diff(s.size[lo:upto])
    dy = np.diff(s.cutoff[lo:upto])
    keep = np.diff(s.dates[lo:upto]) <= np.timedelta64(PAUSE_DAYS, "D")
    since = (s.dates[lo + 1 : upto][keep] - _EPOCH) / np.timedelta64(1, "D")
    recency = 2.0 ** (since / SLOPE_HALF_LIFE_DAYS)
    dx, dy = dx[keep], dy[keep]
    if len(dx) == 0:
        return _Sums(0.0, 0.0)
    weights, slope = recency, 0.0
    for _ in range(4):
        residual = dy - slope * dx
        scale = max(1.4826 * _median(np.abs(residual - _median(residual))), 1.0)
        weights = recency * np.minimum(1.0, 1.345 * scale / np.maximum(np.abs(residual), 1e-9))
        sxx = float((weights * dx * dx).sum())
        slope = float((weights * dx * dy).sum()) / sxx if sxx > 0 else 0.0
    return _Sums(float((weights * dx * dy).sum()), float((weights * dx * dx).sum()))


def _median(values: np.ndarray) -> float:
    """The median of a short non-empty array (``np.median`` is slow on a few values)."""
    ordered = np.sort(values)
    n = len(ordered)
    return float(ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def segment_start(dates: np.ndarray, n: int) -> int:
    """Index of the first round after the program's last long pause (among its first ``n``)."""
    pauses = np.flatnonzero(np.diff(dates[:n]) > np.timedelta64(PAUSE_DAYS, "D"))
    return int(pauses[-1]) + 1 if len(pauses) else 0


@dataclass(frozen=True)
class _Slopes:
    """The size slopes available for one forecast, by source (NaN when not available)."""

    pooled: float
    own: float
    pool: float

    def get(self, source: str) -> tuple[float, str]:
        """The slope of ``source`` (capped at 0) and the source used: ``pooled`` when missing."""
        value = getattr(self, source)
        if not np.isfinite(value):
            value, source = self.pooled, "pooled"
        return min(float(value), 0.0), source


def slopes_for(
    series, counts, program: str, pool_value: float, memo: dict | None = None
) -> _Slopes:
    """The slopes of a forecast of ``program`` from the first ``counts[key]`` rounds of each.

    ``memo`` keeps each program's sums by its number of rounds, for a caller
    that asks for many forecasts (the sums do not depend on the date).
    """
    memo = {} if memo is None else memo
    sxy = sxx = 0.0
    for key in MAIN_PROGRAMS:
        if key in series and counts.get(key, 0) > 2:
            if (key, counts[key]) not in memo:
                memo[key, counts[key]] = _slope_sums(series[key], counts[key])
            sums = memo[key, counts[key]]
            sxy, sxx = sxy + sums.xy, sxx + sums.xx
    pooled = sxy / sxx if sxx > 0 else 0.0
    s, n = series[program], counts[program]
    start = segment_start(s.dates, n)
    own_part = _Series(s.dates[start:n], s.size[start:n], s.cutoff[start:n])
    own = _slope_sums(own_part, n - start)
    prior = SLOPE_PRIOR_ROUNDS * (own.xx / max(n - start - 1, 1) if own.xx > 0 else 1.0)
    return _Slopes(pooled, (own.xy + prior * pooled) / (own.xx + prior), pool_value)


# --------------------------------------------------------------------------- one forecast


@dataclass(frozen=True)
class _Point:
    """A point forecast and what it rests on."""

    estimate: float
    slope: float
    slope_source: str
    level: float  # size-adjusted level: the expected cutoff at 1 invitation, log2 N = 0
    start: int  # first of the program's rounds the level uses
    widening: float
    scale: float


def _level(s: _Series, start: int, n: int, slope: float, settings: ForecastSettings) -> float:
    adjusted = s.cutoff[start:n] - slope * s.size[start:n]
    recent = adjusted[-settings.rounds :]
    return float(settings.last_weight * adjusted[-1] + (1 - settings.last_weight) * recent.mean())


def _widening(s: _Series, n: int, size: float, on: np.datetime64) -> float:
    """How much wider than usual: outside the seen sizes, and after a long gap."""
    seen = s.size[max(0, n - SLOPE_WINDOW) : n]
    outside = max(seen.min() - size, size - seen.max(), 0.0)
    gap = (on - s.dates[n - 1]) / np.timedelta64(1, "D")
    return (1 + SIZE_WIDENING * outside) * float(time_widening(gap, usual_gap(s, n)))


def usual_gap(s: _Series, n: int) -> float:
    """The median of the program's last :data:`SCALE_WINDOW` gaps in days (at least 7; 30
    without a gap)."""
    gaps = np.diff(s.dates[max(0, n - SCALE_WINDOW - 1) : n]) / np.timedelta64(1, "D")
    return max(float(np.median(gaps)), 7.0) if len(gaps) else 30.0


def time_widening(gap_days: float | np.ndarray, usual_days: float) -> np.ndarray:
    """How much wider a forecast ``gap_days`` after the program's last round is:
    ``sqrt(gap / usual gap)``, at least 1 and at most :data:`MAX_TIME_WIDENING`."""
    ratio = np.maximum(1.0, np.asarray(gap_days, dtype=float) / usual_days)
    return np.minimum(np.sqrt(ratio), MAX_TIME_WIDENING)


def error_scale(errors: np.ndarray, fallback: float) -> float:
    """A program's error scale: the mean absolute value of its last :data:`SCALE_WINDOW`
    forecast errors, at least 2 points; ``fallback`` with fewer than 4."""
    errors = errors[np.isfinite(errors)][-SCALE_WINDOW:]
    return max(float(np.mean(np.abs(errors))), 2.0) if len(errors) >= 4 else fallback


def _fallback_scale(s: _Series, start: int, n: int) -> float:
    changes = np.abs(np.diff(s.cutoff[max(start, n - SCALE_WINDOW - 1) : n]))
    return max(float(np.mean(changes)) if len(changes) else 10.0, 2.0)


# --------------------------------------------------------------------------- the history


@dataclass(frozen=True)
class History:
    """Every main-program round forecast from the rounds before it: computed once per history.

    ``frame`` holds the rounds (model variables, oldest first); per row,
    ``slopes`` are the available size slopes (the pool-implied one NaN
    without a pool) and ``counts`` the earlier rounds of each program.
    :meth:`run` gives the forecasts of one setting.
    """

    frame: pd.DataFrame
    series: dict
    counts: list  # per row: program -> earlier rounds
    slopes: list  # per row: _Slopes (None for a program's first round)
    runs: dict = field(default_factory=dict, repr=False)  # settings -> Run, filled on use

    def points(self, settings: ForecastSettings) -> list[_Point | None]:
        """The point forecast of every row from the rounds before it (None for a first round)."""
        out: list[_Point | None] = []
        programs = self.frame["program"].to_numpy(object)
        sizes = self.frame["log2_invitations"].to_numpy(float)
        dates = self.frame["draw_date"].to_numpy()
        for i, slopes in enumerate(self.slopes):
            if slopes is None:
                out.append(None)
                continue
            out.append(
                point_forecast(
                    self.series, self.counts[i], programs[i], sizes[i], dates[i], slopes, settings
                )
            )
        return out

    def run(self, settings: ForecastSettings) -> Run:
        """Forecasts, errors and error scales of every row under ``settings`` (cached)."""
        if settings not in self.runs:
            self.runs[settings] = _run(self, settings)
        return self.runs[settings]


def point_forecast(series, counts, program, size, on, slopes: _Slopes, settings) -> _Point:
    s, n = series[program], counts[program]
    slope, source = slopes.get(settings.slope)
    start = segment_start(s.dates, n)  # after a pause, the rounds since it; else all
    level = _level(s, start, n, slope, settings)
    return _Point(
        estimate=level + slope * size,
        slope=slope,
        slope_source=source,
        level=level,
        start=start,
        widening=_widening(s, n, size, np.datetime64(on, "ns")),
        scale=_fallback_scale(s, start, n),
    )


@dataclass(frozen=True)
class Run:
    """One setting's forecasts of a :class:`History`: per row, NaN for a program's first round.

    ``scale`` is the program's error scale at the time (mean absolute error of
    its last :data:`SCALE_WINDOW` forecasts, else of its cutoff changes) and
    ``standard_error`` the error over ``scale x widening``: the pieces a later
    forecast's distribution is calibrated on.
    """

    estimate: np.ndarray
    scale: np.ndarray
    widening: np.ndarray
    standard_error: np.ndarray


def _run(history: History, settings: ForecastSettings) -> Run:
    points = history.points(settings)
    n = len(points)
    estimate, scale, widening = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    programs = history.frame["program"].to_numpy(object)
    actual = history.frame["cutoff"].to_numpy(float)
    errors: dict[str, list[float]] = {}
    for i, point in enumerate(points):
        if point is None:
            continue
        estimate[i], widening[i] = point.estimate, point.widening
        scale[i] = error_scale(np.asarray(errors.setdefault(programs[i], [])), point.scale)
        errors[programs[i]].append(actual[i] - point.estimate)
    standard = (actual - estimate) / (scale * widening)
    return Run(estimate, scale, widening, standard)


def forecast_history(draws: pd.DataFrame, pool: pd.DataFrame | None = None) -> History:
    """The :class:`History` of ``draws`` (with ``pool``: pool-implied slopes too), cached.

    Rows: every round with a cutoff, oldest first; the slopes of the rounds of
    the main programs (and of any program, for a what-if) are computed from
    the rounds dated before each.
    """
    columns = ["draw_id", "draw_date", "draw_number", "program", "invitations", "crs_cutoff"]
    key = content_key(draws[columns], pool)
    return cached("forecast_history", key, lambda: _history(draws, pool))


def _history(draws: pd.DataFrame, pool: pd.DataFrame | None) -> History:
    frame = model_frame(draws)
    frame = frame[frame["cutoff"].notna()].reset_index(drop=True)
    series = {
        str(p): _Series(
            part["draw_date"].to_numpy(),
            part["log2_invitations"].to_numpy(float),
            part["cutoff"].to_numpy(float),
        )
        for p, part in frame.groupby("program", sort=False)
    }
    dates = frame["draw_date"].to_numpy()
    programs = frame["program"].to_numpy(object)
    pool_slopes = _pool_slopes(frame, draws, pool)
    counts, slopes, memo = [], [], {}
    for i in range(len(frame)):
        own = {key: int(np.searchsorted(s.dates, dates[i])) for key, s in series.items()}
        counts.append(own)
        if own[programs[i]] == 0 or programs[i] not in MAIN_PROGRAMS:
            slopes.append(None)
            continue
        slopes.append(slopes_for(series, own, programs[i], pool_slopes[i], memo))
    return History(frame, series, counts, slopes)


def _pool_slopes(frame: pd.DataFrame, draws: pd.DataFrame, pool) -> np.ndarray:
    """Per row of ``frame``: :func:`pool_slope` on its date (NaN without a pool)."""
    out = np.full(len(frame), np.nan)
    if pool is None or pool.empty:
        return out
    reader = _PoolReader(draws, pool)
    for i, (program, on) in enumerate(zip(frame["program"], frame["draw_date"], strict=True)):
        if program in MAIN_PROGRAMS:
            out[i] = reader.slope(str(program), on)
    return out


class _PoolReader:
    """The published distributions and eligible shares of one history, read once."""

    def __init__(self, draws: pd.DataFrame, pool: pd.DataFrame) -> None:
        from ee_trends.models.structural import shares_by_program

        self.draws, self.pool = draws, pool
        published = draws.set_index(draws["draw_id"].astype(str))["draw_date"]
        dated = pool.drop_duplicates("draw_id")[["draw_id", "pool_as_of"]]
        self.dated = dated.assign(
            published=dated["draw_id"].astype(str).map(published)
        ).sort_values(["pool_as_of", "published"], kind="stable")
        self.shares = shares_by_program(draws, pool)
        self.densities: dict[str, np.ndarray] = {}

    def slope(self, program: str, on: pd.Timestamp) -> float:
        from ee_trends.models.structural import pool_density, recent_doubling_effects

        before = self.dated[self.dated["published"] < on]
        if before.empty:
            return np.nan
        newest = str(before["draw_id"].iloc[-1])
        if newest not in self.densities:
            self.densities[newest] = pool_density(self.pool, newest)
        effects = recent_doubling_effects(
            self.densities[newest], self.draws, self.shares, program, before=on
        )
        return (
            float(np.mean(effects[np.isfinite(effects)])) if np.isfinite(effects).any() else np.nan
        )


def pool_slope(draws: pd.DataFrame, pool: pd.DataFrame, program: str, on) -> float:
    """The effect per doubling implied by the newest distribution published before ``on``.

    A distribution is known from the date of the round that published it: a
    forecast of a round never reads the distribution published with it.

    ``c(2N) - c(N)`` averaged over the program's sizes in its last
    :data:`POOL_SIZE_ROUNDS` rounds before ``on``, with its eligible share
    measured on its rounds before ``on``
    (:func:`ee_trends.models.structural.doubling_effect`). NaN when nothing
    was published before ``on``, the program has no round, or its eligible
    pool is too small.
    """
    return _PoolReader(draws, pool).slope(program, pd.Timestamp(on))
