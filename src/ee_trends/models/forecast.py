"""The what-if forecaster: a combination of candidate forecasts with a conformal interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ee_trends.models.effects import model_frame
from ee_trends.models.settings import (
    CALIBRATION_WINDOW,
    CANDIDATES,
    COMBINATION_WINDOW,
    LEVEL,
    MAIN_PROGRAMS,
    PAUSE_DAYS,
    PROXIES,
    REGRESSION_WINDOW,
    SCALE_WINDOW,
    SLOPE_HALF_LIFE_DAYS,
    SLOPE_PRIOR_ROUNDS,
    SLOPE_WINDOW,
    SMOOTHING_GRID,
    SMOOTHING_WINDOW,
    STRUCTURAL_PROGRAMS,
    STRUCTURAL_RESIDUALS,
    STRUCTURAL_WEIGHT,
    WEIGHTING,
)

# --------------------------------------------------------------------------- forecaster


@dataclass(frozen=True)
class Prediction:
    """A what-if forecast of the cutoff of one round.

    ``estimate`` is the expected cutoff, ``low``-``high`` a ``level``
    prediction interval (calibrated on the forecaster's own past
    out-of-sample errors). ``based_on`` says which rounds it rests on;
    ``components`` holds each candidate's forecast and weight and the
    model's parts (last cutoff, size slope, smoothing weight, structural
    estimate when a pool was given).
    """

    program: str
    invitations: int
    on: pd.Timestamp
    estimate: float
    low: float
    high: float
    level: float = LEVEL
    based_on: str = ""
    components: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return (
            f"{self.program} round of {self.invitations:,} on {self.on:%Y-%m-%d}: "
            f"expected cutoff {self.estimate:.0f} "
            f"({self.level:.0%} interval {self.low:.0f} to {self.high:.0f})"
        )


@dataclass
class _Series:
    """One program's rounds as arrays, oldest first."""

    dates: np.ndarray
    size: np.ndarray  # log2 invitations
    cutoff: np.ndarray


def _series(frame: pd.DataFrame) -> dict[str, _Series]:
    out = {}
    for program, part in frame.groupby("program", sort=False):
        out[str(program)] = _Series(
            part["draw_date"].to_numpy(),
            part["log2_invitations"].to_numpy(float),
            part["cutoff"].to_numpy(float),
        )
    return out


def _slope_stats(s: _Series, upto: int, now: np.datetime64) -> tuple[float, float]:
    """Huber-weighted sums for the slope of cutoff changes on size changes: (sxy, sxx).

    A few IRLS steps of Huber's M-estimator (k = 1.345, MAD scale) so that
    one extraordinary round (27,332 invitations at CRS 75) does not set the
    slope for years after it.
    """
    lo = max(0, upto - SLOPE_WINDOW)
    dx = np.diff(s.size[lo:upto])
    dy = np.diff(s.cutoff[lo:upto])
    keep = np.diff(s.dates[lo:upto]) <= np.timedelta64(PAUSE_DAYS, "D")
    age = (now - s.dates[lo + 1 : upto]) / np.timedelta64(1, "D")
    recency = 0.5 ** (age[keep] / SLOPE_HALF_LIFE_DAYS)
    dx, dy = dx[keep], dy[keep]
    if len(dx) == 0:
        return 0.0, 0.0
    weights = np.ones_like(dx)
    slope = 0.0
    for _ in range(4):
        residual = dy - slope * dx
        scale = 1.4826 * np.median(np.abs(residual - np.median(residual)))
        scale = max(scale, 1.0)
        weights = recency * np.minimum(1.0, 1.345 * scale / np.maximum(np.abs(residual), 1e-9))
        sxx = float((weights * dx * dx).sum())
        slope = float((weights * dx * dy).sum()) / sxx if sxx > 0 else 0.0
    return float((weights * dx * dy).sum()), float((weights * dx * dx).sum())


def _smooth(adjusted: np.ndarray, alpha: float) -> tuple[float, np.ndarray]:
    """Exponentially weighted level of ``adjusted``: final level and one-step forecasts."""
    level = adjusted[0]
    forecasts = np.empty(len(adjusted))
    forecasts[0] = np.nan
    for i in range(1, len(adjusted)):
        forecasts[i] = level
        level = alpha * adjusted[i] + (1 - alpha) * level
    return level, forecasts


def _segment_start(dates: np.ndarray, n: int) -> int:
    """Index of the first round after the program's last long pause (among its first ``n``)."""
    pauses = np.flatnonzero(np.diff(dates[:n]) > np.timedelta64(PAUSE_DAYS, "D"))
    return int(pauses[-1]) + 1 if len(pauses) else 0


def _point(
    series: dict[str, _Series],
    counts: dict[str, int],
    program: str,
    size: float,
    on,
    structural: float = np.nan,
) -> dict:
    """Point forecast for ``program`` on ``on`` from the first ``counts[p]`` rounds of each.

    ``structural`` is the corrected structural estimate (:func:`_structural`);
    when given, it takes :data:`STRUCTURAL_WEIGHT` of the forecast.
    """
    s = series[program]
    n = counts[program]
    on = np.datetime64(on, "ns")
    # within-program slope on changes (program levels cancel), shrunk toward the pooled one
    sxy = sxx = 0.0
    for key in MAIN_PROGRAMS:
        if key in series and counts.get(key, 0) > 2:
            a, b = _slope_stats(series[key], counts[key], on)
            sxy, sxx = sxy + a, sxx + b
    pooled = sxy / sxx if sxx > 0 else 0.0
    start = _segment_start(s.dates, n)
    own_xy, own_xx = _slope_stats(
        _Series(*(x[start:n] for x in (s.dates, s.size, s.cutoff))), n - start, on
    )
    prior = SLOPE_PRIOR_ROUNDS * (own_xx / max(n - start - 1, 1) if own_xx > 0 else 1.0)
    slope = (own_xy + prior * pooled) / (own_xx + prior)
    slope = min(slope, 0.0)  # a priori: a larger round never raises the cutoff
    source = program
    proxy = PROXIES.get(program)
    stale = on - s.dates[n - 1] > np.timedelta64(PAUSE_DAYS, "D")
    if stale and proxy in series and counts.get(proxy, 0) > 0:
        p = series[proxy]
        if p.dates[counts[proxy] - 1] > s.dates[n - 1]:
            # back after a long pause: start from the latest all-program round
            s, n, start, source = p, counts[proxy], counts[proxy] - 1, proxy
    adjusted = s.cutoff[start:n] - slope * s.size[start:n]
    recent = adjusted[-SMOOTHING_WINDOW - 1 :]
    best_alpha, best_error = 1.0, np.inf
    if len(recent) >= 4:
        for alpha in SMOOTHING_GRID:
            _, forecasts = _smooth(recent, alpha)
            error = np.nanmean(np.abs(forecasts[1:] - recent[1:]))
            if error < best_error - 1e-9:
                best_alpha, best_error = alpha, error
    level, _ = _smooth(adjusted[-4 * SMOOTHING_WINDOW :], best_alpha)
    changes = np.abs(np.diff(s.cutoff[max(start, n - SCALE_WINDOW - 1) : n]))
    fallback_scale = max(float(np.mean(changes)) if len(changes) else 10.0, 2.0)
    model = float(level + slope * size)
    if not np.isnan(structural):
        estimate = STRUCTURAL_WEIGHT * structural + (1 - STRUCTURAL_WEIGHT) * model
    else:
        estimate = model
    return {
        "estimate": float(estimate),
        "model_estimate": model,
        "structural_corrected": float(structural),
        "slope_per_doubling": float(slope),
        "pooled_slope_per_doubling": float(pooled),
        "smoothing": best_alpha,
        "level_from": source,
        "last_cutoff": float(series[program].cutoff[counts[program] - 1]),
        "fallback_scale": fallback_scale,
    }


def _structural(frame: pd.DataFrame, pool: pd.DataFrame | None) -> np.ndarray:
    """Per row of ``frame``: the structural forecast corrected by its program's recent residual.

    The structural forecast (:func:`ee_trends.structural.structural_forecasts`)
    inverts the latest pool published before the round; its level is off by
    the candidates who entered the pool since the snapshot, so the median of
    the program's last :data:`STRUCTURAL_RESIDUALS` residuals (cutoff minus
    structural forecast, on rounds dated before this one) is added. NaN for
    programs outside :data:`STRUCTURAL_PROGRAMS`, without a pool or without
    a past residual.
    """
    out = np.full(len(frame), np.nan)
    if pool is None or pool.empty:
        return out
    from ee_trends.structural import structural_forecasts

    forecasts = structural_forecasts(frame, pool).set_index("draw_id")
    estimate = forecasts["structural_estimate"].reindex(frame["draw_id"]).to_numpy(float)
    residual = frame["crs_cutoff"].astype(float).to_numpy() - estimate
    dates = frame["draw_date"].to_numpy()
    for program in STRUCTURAL_PROGRAMS:
        rows = np.flatnonzero((frame["program"] == program).to_numpy() & ~np.isnan(estimate))
        for k, i in enumerate(rows):
            past = rows[:k][dates[rows[:k]] < dates[i]]
            past = residual[past][~np.isnan(residual[past])][-STRUCTURAL_RESIDUALS:]
            if len(past):
                out[i] = estimate[i] + float(np.median(past))
    return out


def _own_segment(dates: np.ndarray, n: int, on) -> int:
    """First of a program's ``n`` earlier rounds in the segment of a round on ``on``.

    ``n`` (no own round to use) when the round comes after a pause longer than
    :data:`PAUSE_DAYS`; else the first round after the last such pause.
    """
    if n == 0 or np.datetime64(on, "ns") - dates[n - 1] > np.timedelta64(PAUSE_DAYS, "D"):
        return n
    return _segment_start(dates, n)


def _candidates(
    series: dict[str, _Series],
    counts: dict[str, int],
    program: str,
    size: float,
    on,
    structural: float,
) -> tuple[np.ndarray, dict, int]:
    """The :data:`CANDIDATES` forecasts of one round, the model's parts, and its segment start.

    ``model`` is :func:`_point`. The simple candidates use only the program's
    rounds since its last pause (:func:`_own_segment`) and are NaN when there
    is none; the three sized ones need 5 such rounds with different sizes.
    Their slope is OLS of the cutoff on log2 size over the last
    :data:`REGRESSION_WINDOW` of them, capped at 0 like the model's.
    """
    s = series[program]
    n = counts[program]
    point = _point(series, counts, program, size, on, structural)
    start = _own_segment(s.dates, n, on)
    y, x = s.cutoff[start:n], s.size[start:n]
    out = np.full(len(CANDIDATES), np.nan)
    out[0] = point["estimate"]
    if len(y):
        out[1] = y[-1]
        out[2] = y[-3:].mean()
        y_reg, x_reg = y[-REGRESSION_WINDOW:], x[-REGRESSION_WINDOW:]
        if len(y_reg) >= 5 and np.ptp(x_reg) > 0:
            slope = min(float(np.polyfit(x_reg, y_reg, 1)[0]), 0.0)
            out[3] = y_reg.mean() + slope * (size - x_reg.mean())
            out[4] = y[-5:].mean() + slope * (size - x[-5:].mean())
            out[5] = y[-1] + slope * (size - x[-1])
    return out, point, start


@dataclass
class _Table:
    """Candidate forecasts of every round of some programs, each from the rounds before it."""

    program: np.ndarray
    dates: np.ndarray
    cutoff: np.ndarray
    main: np.ndarray  # in MAIN_PROGRAMS: its errors calibrate the intervals
    counts: np.ndarray  # earlier rounds of its own program
    start: np.ndarray  # segment start among them (_own_segment)
    forecasts: np.ndarray  # rows x CANDIDATES, NaN when not available
    fallback: np.ndarray  # error scale before the program has forecast errors
    rows_of: dict  # program -> its rows, oldest first (row k is its round k)
    series: dict


def _table(frame: pd.DataFrame, pool: pd.DataFrame | None, programs) -> _Table:
    """:func:`_candidates` of each round of ``frame`` in :data:`MAIN_PROGRAMS` or ``programs``."""
    keep = frame["program"].isin(set(MAIN_PROGRAMS) | set(programs)).to_numpy()
    structural = _structural(frame, pool)[keep]
    series = _series(frame)
    part = frame[keep]
    program = part["program"].to_numpy(object)
    dates = part["draw_date"].to_numpy()
    size = part["log2_invitations"].to_numpy(float)
    n = len(part)
    counts = np.zeros(n, int)
    start = np.zeros(n, int)
    forecasts = np.full((n, len(CANDIDATES)), np.nan)
    fallback = np.full(n, np.nan)
    for i in range(n):
        own = {key: int(np.searchsorted(s.dates, dates[i])) for key, s in series.items()}
        counts[i] = own[program[i]]
        if counts[i] == 0:
            continue
        forecasts[i], point, start[i] = _candidates(
            series, own, program[i], size[i], dates[i], structural[i]
        )
        fallback[i] = point["fallback_scale"]
    rows_of = {str(p): np.flatnonzero(program == p) for p in pd.unique(program)}
    return _Table(
        program,
        dates,
        part["cutoff"].to_numpy(float),
        np.isin(program, MAIN_PROGRAMS),
        counts,
        start,
        forecasts,
        fallback,
        rows_of,
        series,
    )


def _weights(forecasts: np.ndarray, past: np.ndarray, actual: np.ndarray, weighting: str):
    """Combination weights of the candidates from their past forecasts (rows) of the program.

    A candidate counts when it has a forecast now and at least one past
    forecast; with ``"inverse"`` its weight is ``1 / (MAE + 1)``, normalised,
    with ``"best"`` the candidate of lowest MAE takes it all (the first in
    :data:`CANDIDATES` on a tie). With no past forecast the model alone is used.
    """
    errors = np.abs(past - actual[:, None])
    seen = np.isfinite(errors).sum(axis=0)
    mae = np.where(seen > 0, np.nansum(errors, axis=0) / np.maximum(seen, 1), np.nan)
    usable = np.isfinite(forecasts) & np.isfinite(mae)
    weights = np.zeros(len(forecasts))
    if not usable.any():
        weights[0] = 1.0
    elif weighting == "best":
        weights[int(np.argmin(np.where(usable, mae, np.inf)))] = 1.0
    elif weighting == "inverse":
        weights[usable] = 1 / (mae[usable] + 1)
        weights /= weights.sum()
    else:
        raise ValueError(f"weighting must be 'inverse' or 'best', not {weighting!r}")
    return weights


@dataclass
class _Combined:
    """The combined forecast of every row of a :class:`_Table` and its interval."""

    estimate: np.ndarray
    half: np.ndarray  # half-width of the interval
    scaled_error: np.ndarray  # error over the program's error scale at the time


def _combine_one(
    table: _Table,
    combined: _Combined,
    program: str,
    on,
    forecasts: np.ndarray,
    counts: int,
    start: int,
    fallback: float,
    window: int,
    weighting: str,
    level: float,
):
    """Combination and interval of one round from the table rows dated before ``on``.

    Returns ``(estimate, weights, half_width, factor, m, used, scale)``: ``m``
    errors calibrate the interval, ``used`` past forecasts set the weights.
    """
    rows = table.rows_of.get(program, np.array([], int))
    past = rows[start:counts]
    past = past[table.counts[past] > 0][-window:]  # the program's first round has no forecast
    weights = _weights(forecasts, table.forecasts[past], table.cutoff[past], weighting)
    estimate = float(np.sum(weights * np.nan_to_num(forecasts)))
    own_errors = table.cutoff[rows[:counts]] - combined.estimate[rows[:counts]]
    own_errors = own_errors[np.isfinite(own_errors)][-SCALE_WINDOW:]
    scale = max(float(np.abs(own_errors).mean()), 2.0) if len(own_errors) >= 4 else fallback
    before = int(np.searchsorted(table.dates, np.datetime64(on, "ns")))
    scaled = combined.scaled_error[:before][table.main[:before]]
    values = np.abs(scaled[np.isfinite(scaled)])[-CALIBRATION_WINDOW:]
    m = len(values)
    rank = min(math.ceil((m + 1) * level), m)
    factor = float(np.sort(values)[rank - 1]) if m >= 10 else 3.0  # few errors: a wide default
    return estimate, weights, factor * scale, factor, m, len(past), scale


def _combine(table: _Table, window: int, weighting: str, level: float) -> _Combined:
    """:func:`_combine_one` of every row of ``table``, oldest first."""
    n = len(table.dates)
    combined = _Combined(np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan))
    for i in range(n):
        if table.counts[i] == 0:
            continue
        estimate, _, half, _, _, _, scale = _combine_one(
            table,
            combined,
            table.program[i],
            table.dates[i],
            table.forecasts[i],
            table.counts[i],
            table.start[i],
            table.fallback[i],
            window,
            weighting,
            level,
        )
        combined.estimate[i], combined.half[i] = estimate, half
        combined.scaled_error[i] = (table.cutoff[i] - estimate) / scale
    return combined


def predict_cutoff(
    history: pd.DataFrame,
    *,
    program: str,
    invitations: int,
    on: str | pd.Timestamp,
    pool: pd.DataFrame | None = None,
    level: float = LEVEL,
    window: int | None = None,
    weighting: str | None = None,
) -> Prediction:
    """Expected cutoff, with a prediction interval, for a round of ``invitations`` in ``program``.

    Uses only the rounds of ``history`` dated before ``on`` (later rows,
    including rounds on ``on`` itself, are ignored) and, when ``pool`` is
    given, their published distributions.

    Method (settings: the module constants; protocol: the module docstring).
    The estimate combines the forecasts of :data:`CANDIDATES`:

    - ``model``: the smoothed, size-adjusted forecast below, with the
      structural estimate for the programs drawn from the whole pool;
    - ``naive`` (the program's last cutoff) and ``mean3`` (mean of its last 3);
    - ``reg20``: OLS of the cutoff on log2 size over the program's last
      :data:`REGRESSION_WINDOW` rounds, at the planned size;
      ``mean5_sized`` and ``last_sized``: the mean of the last 5 cutoffs and
      the last cutoff, moved by that slope for the size difference.

    The weights are set per program by each candidate's mean absolute error
    on the program's last ``window`` rounds (default
    :data:`COMBINATION_WINDOW`), each forecast out of sample from the rounds
    before it. With ``weighting="best"`` (the default, :data:`WEIGHTING`)
    the single candidate with the lowest recent error is used alone; with
    ``"inverse"`` the weights are ``1 / (MAE + 1)``, normalised. The
    simple candidates and the weights use only the rounds since the
    program's last pause of more than :data:`PAUSE_DAYS` days; with no such
    round (a program's first rounds, a restart), the model alone is used.

    The model:

    1. **Size slope** ``b``: regression through the origin of the program's
       cutoff changes on its log2 size changes over its last
       :data:`SLOPE_WINDOW` rounds, shrunk toward the same slope pooled over
       the main programs (worth :data:`SLOPE_PRIOR_ROUNDS` rounds), capped at 0.
    2. **Level**: the size-adjusted cutoffs ``cutoff - b log2 N`` smoothed
       exponentially, the weight of the last round chosen from
       :data:`SMOOTHING_GRID` on the program's last :data:`SMOOTHING_WINDOW`
       rounds; after a long pause CEC restarts from the latest all-program
       round (:data:`PROXIES`).
    3. **Estimate** ``level + b log2 N``; with ``pool``, for
       :data:`STRUCTURAL_PROGRAMS`, :data:`STRUCTURAL_WEIGHT` of it is the
       structural forecast (the latest distribution published before ``on``,
       less the rounds drawn from it since, inverted at ``invitations``:
       :mod:`ee_trends.structural`) corrected by the program's recent
       structural residual (:func:`_structural`).

    **Interval**: the combined forecast's own out-of-sample errors on the
    last :data:`CALIBRATION_WINDOW` main-program rounds before ``on``, each
    divided by its program's error scale at the time (mean absolute error of
    its last :data:`SCALE_WINDOW` combined forecasts), give a conformal
    quantile; the interval is the estimate plus or minus that quantile times
    the program's current scale.

    ``components`` holds each candidate's forecast (``forecasts``) and
    weight (``weights``), the number of past forecasts the weights rest on
    (``weight_rounds``), and the model's parts.

    Limits: a forecast of a *choice* of IRCC's (the size) is taken as given;
    the slopes are associations; a new category or a policy change (points
    removed, a new regime) breaks the level, and the weights and the
    interval adapt only after errors are seen.
    """
    return _predictions(
        history,
        program=program,
        sizes=[invitations],
        on=on,
        pool=pool,
        level=level,
        window=window,
        weighting=weighting,
    )[0]


def _predictions(
    history: pd.DataFrame,
    *,
    program: str,
    sizes: list[int],
    on: str | pd.Timestamp,
    pool: pd.DataFrame | None = None,
    level: float = LEVEL,
    window: int | None = None,
    weighting: str | None = None,
) -> list[Prediction]:
    """:func:`predict_cutoff` at each of ``sizes``, the history's forecasts computed once."""
    window = COMBINATION_WINDOW if window is None else window
    weighting = WEIGHTING if weighting is None else weighting
    on = pd.Timestamp(on)
    frame = model_frame(history)
    frame = frame[(frame["draw_date"] < on) & frame["cutoff"].notna()].reset_index(drop=True)
    own = frame[frame["program"] == program]
    if own.empty:
        raise ValueError(f"no {program!r} round before {on:%Y-%m-%d} to forecast from")
    if pool is not None:
        pool = pool[pool["draw_id"].isin(frame["draw_id"]) & (pool["pool_as_of"] < on)]
    # one what-if round per size, all on `on`: none of them sees the others
    targets = pd.DataFrame(
        {
            "draw_id": [f"what-if-{k}" for k in range(len(sizes))],
            "draw_number": frame["draw_number"].max() + 1,
            "draw_date": on,
            "program": program,
            "invitations": sizes,
            "pool_as_of": pd.NaT,
        }
    )
    structurals = _structural(pd.concat([frame, targets], ignore_index=True), pool)[-len(sizes) :]
    table = _table(frame, pool, (program,))
    combined = _combine(table, window, weighting, level)
    counts = {key: len(s.dates) for key, s in table.series.items()}
    predictions = []
    for invitations, structural in zip(sizes, structurals, strict=True):
        forecasts, point, start = _candidates(
            table.series, counts, program, math.log2(invitations), on.to_datetime64(), structural
        )
        estimate, weights, half, factor, m, used, _ = _combine_one(
            table,
            combined,
            program,
            on.to_datetime64(),
            forecasts,
            counts[program],
            start,
            point["fallback_scale"],
            window,
            weighting,
            level,
        )
        components = {
            "forecasts": dict(zip(CANDIDATES, forecasts.tolist(), strict=True)),
            "weights": dict(zip(CANDIDATES, weights.tolist(), strict=True)),
            "weight_rounds": used,
            **{key: value for key, value in point.items() if key != "estimate"},
            "interval_factor": factor,
            "calibration_errors": m,
        }
        based_on = (
            f"{len(own)} {program} rounds {own['draw_date'].min():%Y-%m-%d} to "
            f"{own['draw_date'].max():%Y-%m-%d} (last: #{own['draw_id'].iloc[-1]}, "
            f"{int(own['invitations'].iloc[-1]):,} at {int(own['crs_cutoff'].iloc[-1])}); "
            f"weights from its last {used} out-of-sample forecasts; "
            f"interval from {m} past out-of-sample errors"
        )
        predictions.append(
            Prediction(
                program=program,
                invitations=int(invitations),
                on=on,
                estimate=estimate,
                low=estimate - half,
                high=estimate + half,
                level=level,
                based_on=based_on,
                components=components,
            )
        )
    return predictions


def predict_curve(
    history: pd.DataFrame,
    *,
    program: str,
    on: str | pd.Timestamp,
    invitations: list[int] | np.ndarray | None = None,
    pool: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`predict_cutoff` over a range of draw sizes: the what-if curve.

    ``pool`` is passed on (as ``ee-trends predict`` does), so the curve is
    the command line's forecaster. Returns ``invitations``, ``estimate``,
    ``low``, ``high``, ``model`` (the size-adjusted model candidate, which
    responds to size even when the combination relies on a size-blind
    candidate) and ``leading`` (the candidate of largest weight); by default
    15 sizes spread (log scale) over the program's range of sizes in ``history``.
    """
    on = pd.Timestamp(on)
    own = history[(history["program"] == program) & (history["draw_date"] < on)]
    if invitations is None:
        lo, hi = own["invitations"].min(), own["invitations"].max()
        invitations = np.unique(np.geomspace(lo, hi, 15).round().astype(int))
    sizes = [int(n) for n in invitations]
    predictions = _predictions(history, program=program, sizes=sizes, on=on, pool=pool)
    return pd.DataFrame(
        {
            "invitations": sizes,
            "estimate": [p.estimate for p in predictions],
            "low": [p.low for p in predictions],
            "high": [p.high for p in predictions],
            "model": [p.components["forecasts"]["model"] for p in predictions],
            "leading": [
                max(p.components["weights"], key=p.components["weights"].get) for p in predictions
            ],
        }
    )
