"""The what-if forecaster: a size-adjusted level with a predictive distribution.

For a round of ``N`` invitations of program ``P`` on a date, from the rounds
before it:

1. **Size slope** ``b`` (points per doubling, never above 0): by default the
   within-program slope pooled over the main programs, a Huber-weighted
   regression of each program's cutoff changes on its log2 size changes
   (program levels cancel); see :class:`ForecastSettings` for the others.
2. **Level**: the program's size-adjusted cutoffs ``cutoff - b log2 N`` since
   its last pause, ``w`` x the last one + ``(1 - w)`` x the mean of the last ``k``.
3. **Expected cutoff** ``level + b log2 N``: more invitations never raise it.
4. **Distribution**: the forecaster's own past out-of-sample errors on the
   main programs (the last :data:`CALIBRATION_WINDOW`), each divided by its
   program's error scale and widening at the time, rescaled to this forecast:
   quantiles and ``prob_at_most``. It widens outside the sizes the program has
   seen and with the time since its last round.

The past forecasts are computed once per history (:func:`forecast_history`),
cached on its content, and shared by the backtest and every what-if.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ee_trends.errors import (
    DateError,
    HorizonError,
    InvitationsError,
    TooFewRoundsError,
    UnknownProgramError,
)
from ee_trends.formatting import plural
from ee_trends.models.age import DataAge, data_age, default_date, warn_if_stale
from ee_trends.models.effects import model_frame
from ee_trends.models.memo import cached, content_key
from ee_trends.models.settings import (
    CALIBRATION_WINDOW,
    CHOSEN,
    INTERVAL_SCALES,
    LEVEL,
    MAIN_PROGRAMS,
    MAX_HORIZON_DAYS,
    MAX_INVITATIONS,
    MAX_TIME_WIDENING,
    MIN_CALIBRATION,
    MIN_REGIME_ROUNDS,
    PAUSE_DAYS,
    QUANTILES,
    SCALE_WINDOW,
    SIZE_WIDENING,
    SLOPE_HALF_LIFE_DAYS,
    SLOPE_PRIOR_ROUNDS,
    SLOPE_WINDOW,
    ForecastSettings,
)

SLOPE_SOURCES: dict[str, str] = {
    "pooled": "the within-program slope pooled over the main programs",
    "own": "the program's own slope, shrunk toward the pooled within-program slope",
    "pool": "the latest published pool distribution",
}
"""Where a forecast's size slope comes from, in plain words."""

_NORMAL = None  # standard normal quantiles, made on first use


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


def _segment_start(dates: np.ndarray, n: int) -> int:
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


def _slopes(series, counts, program: str, pool_slope: float, memo: dict | None = None) -> _Slopes:
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
    start = _segment_start(s.dates, n)
    own_part = _Series(s.dates[start:n], s.size[start:n], s.cutoff[start:n])
    own = _slope_sums(own_part, n - start)
    prior = SLOPE_PRIOR_ROUNDS * (own.xx / max(n - start - 1, 1) if own.xx > 0 else 1.0)
    return _Slopes(pooled, (own.xy + prior * pooled) / (own.xx + prior), pool_slope)


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
    return (1 + SIZE_WIDENING * outside) * float(time_widening(gap, _usual_gap(s, n)))


def _usual_gap(s: _Series, n: int) -> float:
    """The median of the program's last :data:`SCALE_WINDOW` gaps in days (at least 7; 30
    without a gap)."""
    gaps = np.diff(s.dates[max(0, n - SCALE_WINDOW - 1) : n]) / np.timedelta64(1, "D")
    return max(float(np.median(gaps)), 7.0) if len(gaps) else 30.0


def time_widening(gap_days: float | np.ndarray, usual_days: float) -> np.ndarray:
    """How much wider a forecast ``gap_days`` after the program's last round is:
    ``sqrt(gap / usual gap)``, at least 1 and at most :data:`MAX_TIME_WIDENING`."""
    ratio = np.maximum(1.0, np.asarray(gap_days, dtype=float) / usual_days)
    return np.minimum(np.sqrt(ratio), MAX_TIME_WIDENING)


def _scale(errors: np.ndarray, fallback: float) -> float:
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
                _point(
                    self.series, self.counts[i], programs[i], sizes[i], dates[i], slopes, settings
                )
            )
        return out

    def run(self, settings: ForecastSettings) -> Run:
        """Forecasts, errors and error scales of every row under ``settings`` (cached)."""
        if settings not in self.runs:
            self.runs[settings] = _run(self, settings)
        return self.runs[settings]


def _point(series, counts, program, size, on, slopes: _Slopes, settings) -> _Point:
    s, n = series[program], counts[program]
    slope, source = slopes.get(settings.slope)
    start = _segment_start(s.dates, n)  # after a pause, the rounds since it; else all
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
        scale[i] = _scale(np.asarray(errors.setdefault(programs[i], [])), point.scale)
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
        slopes.append(_slopes(series, own, programs[i], pool_slopes[i], memo))
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


# --------------------------------------------------------------------------- the distribution


def calibration_errors(run: Run, history: History, on) -> np.ndarray:
    """The standardised errors of the main-program forecasts dated before ``on`` (the last
    :data:`CALIBRATION_WINDOW`), sorted; a normal sample when there are too few."""
    before = int(np.searchsorted(history.frame["draw_date"].to_numpy(), np.datetime64(on, "ns")))
    main = history.frame["program"].isin(MAIN_PROGRAMS).to_numpy()[:before]
    values = run.standard_error[:before][main]
    values = values[np.isfinite(values)][-CALIBRATION_WINDOW:]
    if len(values) < MIN_CALIBRATION:
        return _normal_errors()
    return np.sort(values)


def error_quantile(errors: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """The ``p`` quantile of sorted ``errors``, each at plotting position ``(k + 0.5) / m``:
    the inverse of :meth:`Prediction.prob_at_most`."""
    m = len(errors)
    return np.interp(p, (np.arange(m) + 0.5) / m, errors)


def _normal_errors() -> np.ndarray:
    """A normal sample of mean absolute value 1 (the unit of the error scale), as quantiles."""
    global _NORMAL
    if _NORMAL is None:
        from scipy.stats import norm

        _NORMAL = norm.ppf((np.arange(200) + 0.5) / 200) * math.sqrt(math.pi / 2)
    return _NORMAL


@dataclass(frozen=True)
class Prediction:
    """A what-if forecast of the cutoff of one round, with its predictive distribution.

    ``estimate`` is the expected cutoff; ``low``-``high`` the central
    ``level`` interval; :meth:`quantile` and :meth:`prob_at_most` read the
    distribution (``estimate + spread x e`` over the past standardised
    errors ``e``, ``spread = scale x widening``). ``slope_per_doubling`` is
    the size slope used and ``slope_source`` where it comes from, in plain
    words; ``sizes_seen`` the smallest and largest of the program's recent
    rounds; ``last_round``, ``last_date``, ``last_invitations`` and
    ``last_cutoff`` its latest round; ``start_cutoff`` the size-adjusted
    level the forecast started from, as the expected cutoff at the last
    round's size; ``widening`` how much wider than usual the distribution is
    (outside the seen sizes, after a long gap); ``interval_scale`` the
    program's scale of the distribution (:data:`INTERVAL_SCALES`), included
    in ``spread``; ``usual_gap`` the median of its recent gaps in days;
    ``age`` how old the data is (:class:`~ee_trends.models.age.DataAge`).
    """

    program: str
    invitations: int
    on: pd.Timestamp
    estimate: float
    low: float
    high: float
    level: float
    slope_per_doubling: float
    slope_source: str
    sizes_seen: tuple[int, int]
    rounds_used: int
    last_round: str
    last_date: pd.Timestamp
    last_invitations: int
    last_cutoff: int
    start_cutoff: float
    widening: float
    spread: float
    errors: np.ndarray = field(repr=False)
    interval_scale: float = 1.0
    usual_gap: float = 30.0
    age: DataAge | None = None

    def __repr__(self) -> str:
        return (
            f"Prediction({self.program}, {self.invitations:,} invitations on {self.on:%Y-%m-%d}: "
            f"{self.estimate:.0f}, {self.level:.0%} interval {self.low:.0f} to {self.high:.0f}; "
            f"{self.age!r})"
        )

    def to_dict(self) -> dict:
        """The forecast as plain values (the CLI's ``--json``): dates as ``YYYY-MM-DD``."""
        return {
            "program": self.program,
            "invitations": self.invitations,
            "on": f"{self.on:%Y-%m-%d}",
            "expected_cutoff": round(self.estimate, 1),
            "level": self.level,
            "interval": [round(self.low, 1), round(self.high, 1)],
            "quantiles": {f"{p:.2f}": round(q, 1) for p, q in self.quantiles.items()},
            "slope_per_doubling": round(self.slope_per_doubling, 2),
            "slope_source": self.slope_source,
            "sizes_seen": list(self.sizes_seen),
            "rounds_used": self.rounds_used,
            "last_round": self.last_round,
            "last_date": f"{self.last_date:%Y-%m-%d}",
            "last_invitations": self.last_invitations,
            "last_cutoff": self.last_cutoff,
            "start_cutoff": round(self.start_cutoff, 1),
            "widening": round(self.widening, 2),
            "interval_scale": self.interval_scale,
            "spread": round(self.spread, 2),
            "data_age": self.age.to_dict() if self.age is not None else None,
        }

    def quantile(self, p: float) -> float:
        """The ``p`` quantile of the cutoff (``0 < p < 1``)."""
        if not 0 < p < 1:
            raise ValueError(f"quantile p must be between 0 and 1, not {p}")
        return float(self.estimate + self.spread * error_quantile(self.errors, p))

    @property
    def quantiles(self) -> dict[float, float]:
        """The quantiles of :data:`QUANTILES`, by probability."""
        return {p: self.quantile(p) for p in QUANTILES}

    def prob_at_most(self, score: float) -> float:
        """Probability that the cutoff is at or below ``score``: that ``score`` would be invited.

        Tie-breaks aside; the cutoff is a whole score, so this is the
        probability of a cutoff below ``score + 0.5``.
        """
        z = (float(score) + 0.5 - self.estimate) / self.spread
        m = len(self.errors)
        positions = (np.arange(m) + 0.5) / m
        return float(np.interp(z, self.errors, positions, left=0.0, right=1.0))

    def describe(self, score: float | None = None) -> str:
        """The forecast in plain words (with ``score``: the chance it is invited)."""
        lo, hi = self.sizes_seen
        inside = lo <= self.invitations <= hi
        text = (
            f"{_label(self.program)}, a round of {self.invitations:,} invitations on "
            f"{self.on:%Y-%m-%d}: expected cutoff {self.estimate:.0f} "
            f"({self.level:.0%} interval {self.low:.0f} to {self.high:.0f}).\n"
            f"It starts from the latest round, #{self.last_round} on {self.last_date:%Y-%m-%d} "
            f"({self.last_invitations:,} invitations, cutoff {self.last_cutoff}), and the "
            f"size-adjusted level of its last {plural(self.rounds_used, 'round')}, which puts a "
            "round of "
            f"{self.last_invitations:,} at {self.start_cutoff:.0f}.\n"
            f"Each doubling of the round moves the cutoff by {self.slope_per_doubling:+.1f} "
            f"points ({self.slope_source}).\n"
            f"Its recent rounds had {lo:,} to {hi:,} invitations (this size is "
            f"{'inside' if inside else 'outside'} that range) and its latest round was "
            f"{plural((self.on - self.last_date).days, 'day')} before"
            + (
                f": the interval is {self.widening:.1f} times its usual width."
                if self.widening > 1.005
                else "."
            )
        )
        if score is not None:
            text += (
                f"\nChance that the cutoff is {score:.0f} or lower (a candidate with "
                f"{score:.0f} points invited, tie-breaks aside): {self.prob_at_most(score):.0%}."
            )
        if self.age is not None:
            text += f"\nData: {self.age.to_text()}"
        return text

    def __str__(self) -> str:
        return self.describe()


def _label(program: str) -> str:
    from ee_trends.programs import program_label

    return program_label(program)


def check_program(draws: pd.DataFrame, program: str) -> str:
    """The program key of ``draws`` matching ``program`` (ignoring case), or
    :class:`UnknownProgramError` listing the keys."""
    keys = sorted(draws["program"].astype(str).unique())
    match = [k for k in keys if k.lower() == str(program).strip().lower()]
    if not match:
        raise UnknownProgramError(f"unknown program {program!r}; one of: {', '.join(keys)}")
    return match[0]


def regime_rounds(draws: pd.DataFrame, program: str, on) -> int:
    """The rounds of ``program`` dated before ``on`` since its last long pause (0 without any)."""
    own = draws.loc[draws["program"].astype(str) == program, "draw_date"]
    dates = np.sort(own[own < pd.Timestamp(on)].to_numpy())
    return len(dates) - _segment_start(dates, len(dates)) if len(dates) else 0


def predict_cutoff(
    draws: pd.DataFrame,
    *,
    program: str,
    invitations: int,
    on: str | pd.Timestamp | None = None,
    pool: pd.DataFrame | None = None,
    level: float = LEVEL,
    settings: ForecastSettings = CHOSEN,
) -> Prediction:
    """Expected cutoff and predictive distribution of a round of ``invitations`` in ``program``.

    Uses only the rounds of ``draws`` dated before ``on`` (later rows,
    including rounds on ``on`` itself, are ignored) and, with ``pool``,
    the distributions published before ``on``. The method is in the
    module docstring; the settings (:data:`CHOSEN`) were selected on the
    validation period. More invitations never raise the expected cutoff.

    ``on`` defaults to :func:`ee_trends.models.age.default_date`. The result
    names the newest round and its age (``age``); past :data:`STALE_DAYS` it
    warns (:class:`ee_trends.errors.StaleDataWarning`).

    Two forecasts are refused rather than given a wide interval: a date more
    than :data:`MAX_HORIZON_DAYS` after the newest round (policy and the pool
    change over half a year; nothing in the rounds says how), and a program
    with fewer than :data:`MIN_REGIME_ROUNDS` rounds since its last long
    pause (its level and error scale would rest on one or two cutoffs, so
    any interval would look more certain than it is).

    Raises
    ------
    UnknownProgramError
        ``program`` is not a program key of ``draws`` (matched ignoring case).
    InvitationsError
        ``invitations`` is not a whole number from 1 to :data:`MAX_INVITATIONS`.
    DateError
        ``on`` is not after the program's first round.
    HorizonError
        ``on`` is more than :data:`MAX_HORIZON_DAYS` after the newest round.
    TooFewRoundsError
        the program has fewer than :data:`MIN_REGIME_ROUNDS` rounds since its last pause.
    """
    program = check_program(draws, program)
    if isinstance(invitations, bool) or not float(invitations).is_integer():
        raise InvitationsError(f"invitations must be a whole number, not {invitations!r}")
    if not 1 <= invitations <= MAX_INVITATIONS:
        raise InvitationsError(
            f"invitations must be from 1 to {MAX_INVITATIONS:,} (the largest round so far "
            f"invited {int(draws['invitations'].max()):,}), not {invitations:,}"
        )
    on = default_date(draws) if on is None else pd.Timestamp(on)
    age = data_age(draws, on)
    if age.days > MAX_HORIZON_DAYS:
        raise HorizonError(
            f"{on:%Y-%m-%d} is {age.days} days after the newest round (#{age.newest_round} of "
            f"{age.newest_date:%Y-%m-%d}): forecasts reach at most {MAX_HORIZON_DAYS} days "
            "(26 weeks) past it"
        )
    history = forecast_history(draws, pool if settings.slope == "pool" else None)
    series = history.series[program]
    n = int(np.searchsorted(series.dates, on.to_datetime64()))
    if n == 0:
        raise DateError(
            f"no {program} round before {on:%Y-%m-%d}: its rounds start "
            f"{pd.Timestamp(series.dates[0]):%Y-%m-%d}"
        )
    count = regime_rounds(draws, program, on)
    if count < MIN_REGIME_ROUNDS:
        raise TooFewRoundsError(
            f"{program} has {plural(count, 'round')} since its last pause before "
            f"{on:%Y-%m-%d}; a forecast needs at least {MIN_REGIME_ROUNDS}"
        )
    warn_if_stale(age)
    counts = {
        key: int(np.searchsorted(s.dates, on.to_datetime64())) for key, s in history.series.items()
    }
    pool_value = np.nan
    if settings.slope == "pool" and pool is not None:
        pool_value = pool_slope(draws, pool, program, on)
    slopes = _slopes(history.series, counts, program, pool_value)
    size = math.log2(invitations)
    point = _point(history.series, counts, program, size, on.to_datetime64(), slopes, settings)
    run = history.run(settings)
    own_rows = np.flatnonzero((history.frame["program"] == program).to_numpy())[:n]
    own_errors = history.frame["cutoff"].to_numpy()[own_rows] - run.estimate[own_rows]
    interval_scale = INTERVAL_SCALES.get(program, 1.0)
    scale = _scale(own_errors, point.scale) * interval_scale
    errors = calibration_errors(run, history, on)
    spread = scale * point.widening
    tail = (1 - level) / 2
    seen = 2 ** series.size[max(0, n - SLOPE_WINDOW) : n]
    last_size = float(series.size[n - 1])
    last_row = history.frame.iloc[own_rows[-1]]
    return Prediction(
        program=program,
        invitations=int(invitations),
        on=on,
        estimate=point.estimate,
        low=float(point.estimate + spread * error_quantile(errors, tail)),
        high=float(point.estimate + spread * error_quantile(errors, 1 - tail)),
        level=level,
        slope_per_doubling=point.slope,
        slope_source=SLOPE_SOURCES[point.slope_source],
        sizes_seen=(int(round(seen.min())), int(round(seen.max()))),
        rounds_used=min(settings.rounds, n - point.start),
        last_round=str(last_row["draw_id"]),
        last_date=pd.Timestamp(last_row["draw_date"]),
        last_invitations=int(last_row["invitations"]),
        last_cutoff=int(last_row["crs_cutoff"]),
        start_cutoff=point.level + point.slope * last_size,
        widening=point.widening,
        spread=spread,
        errors=errors,
        interval_scale=interval_scale,
        usual_gap=_usual_gap(series, n),
        age=age,
    )


def predict_curve(
    draws: pd.DataFrame,
    *,
    program: str,
    on: str | pd.Timestamp,
    invitations: list[int] | np.ndarray | None = None,
    pool: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`predict_cutoff` over a range of sizes: the what-if curve.

    By default 25 sizes spread (log scale) from half the smallest to twice
    the largest of the sizes the program has seen. Returns ``invitations``,
    ``estimate``, ``low``, ``high`` (the 90% interval), ``q25``, ``q75`` and
    ``seen_low``, ``seen_high`` (the sizes seen).
    """
    first = predict_cutoff(draws, program=program, invitations=1000, on=on, pool=pool)
    if invitations is None:
        lo, hi = first.sizes_seen
        invitations = np.unique(
            np.geomspace(max(lo / 2, 1), min(hi * 2, MAX_INVITATIONS), 25).round()
        )
    predictions = [
        predict_cutoff(draws, program=program, invitations=int(n), on=on, pool=pool)
        for n in invitations
    ]
    return pd.DataFrame(
        {
            "invitations": [p.invitations for p in predictions],
            "estimate": [p.estimate for p in predictions],
            "low": [p.low for p in predictions],
            "high": [p.high for p in predictions],
            "q25": [p.quantile(0.25) for p in predictions],
            "q75": [p.quantile(0.75) for p in predictions],
            "seen_low": first.sizes_seen[0],
            "seen_high": first.sizes_seen[1],
        }
    )
