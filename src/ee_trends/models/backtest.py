"""Rolling-origin backtests of the forecaster: point accuracy, calibration, and how sure we are.

Every round is forecast from the rounds (and, for a pool-based setting, the
distributions) published before its date, exactly as :func:`predict_cutoff`
would with the history cut there (the forecasts are computed once per
history, :func:`ee_trends.models.history.forecast_history`). Compared with:

- **naive**: the program's previous cutoff, its distribution the naive
  forecast's own past errors (the last :data:`CALIBRATION_WINDOW` on the main
  programs, unscaled): "naive with empirical errors";
- **benchmark**: the simple shrinkage forecaster of issue #8
  (:data:`BENCHMARK`: 0.3 x last + 0.7 x mean of the last 8 size-adjusted
  cutoffs, pooled within-program slope).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.models.effects import hac_options
from ee_trends.models.history import forecast_history
from ee_trends.models.prediction import calibration_errors, error_quantile
from ee_trends.models.settings import (
    BENCHMARK,
    BOOTSTRAP_BLOCK,
    BOOTSTRAP_DRAWS,
    CALIBRATION_WINDOW,
    CHOSEN,
    INTERVAL_SCALES,
    MAIN_PROGRAMS,
    MIN_SCALE_ROUNDS,
    QUANTILES,
    SCALE_GRID,
    SCALE_SINCE,
    SETTINGS_GRID,
    TEST_SINCE,
    VALIDATION,
    VALIDATION_SINCE,
    ForecastSettings,
)

_TAUS = np.asarray(QUANTILES)


def _pinball(quantiles: np.ndarray, actual: float) -> float:
    """Mean pinball loss of the quantiles at :data:`QUANTILES` (a discrete CRPS / 2)."""
    diff = actual - quantiles
    return float(np.mean(np.maximum(_TAUS * diff, (_TAUS - 1) * diff)))


def _period(frame: pd.DataFrame) -> pd.Series:
    """``validation``, ``test`` or NA for each round (program, draw_date) of ``frame``."""
    dates = frame["draw_date"]
    starts = pd.to_datetime(
        frame["program"].astype(str).map(VALIDATION_SINCE).fillna(VALIDATION[0])
    )
    validation = (dates >= starts) & (dates <= pd.Timestamp(VALIDATION[1]))
    test = dates >= pd.Timestamp(TEST_SINCE)
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    out[validation] = "validation"
    out[test] = "test"
    return out


def backtest(
    draws: pd.DataFrame,
    *,
    pool: pd.DataFrame | None = None,
    programs: tuple[str, ...] = MAIN_PROGRAMS,
    settings: ForecastSettings = CHOSEN,
    periods: bool = True,
    scales: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Each round of ``programs`` in the validation and test periods, forecast out of sample.

    With ``periods=False``, every round that can be forecast (not only the
    two periods). Its size is taken as known (a what-if). ``scales`` are the
    per-program interval scales (default :data:`INTERVAL_SCALES`; ``{}``:
    none), as :func:`predict_cutoff` applies them.

    Returns
    -------
    pandas.DataFrame
        One row per round: ``period``, ``draw_id``, ``draw_date``, ``program``,
        ``invitations``, ``crs_cutoff``; the forecaster's ``estimate``, its
        50% (``q25``-``q75``) and 90% (``low``-``high``) intervals, ``covered50``,
        ``covered``, ``pinball``; ``naive`` and ``naive_pinball``;
        ``benchmark``; and ``error``, ``naive_error``, ``benchmark_error``
        (forecast minus cutoff).
    """
    scales = INTERVAL_SCALES if scales is None else scales
    history = forecast_history(draws, pool if settings.slope == "pool" else None)
    bench_history = forecast_history(draws, None)
    run, bench = history.run(settings), bench_history.run(BENCHMARK)
    frame = history.frame
    period = _period(frame)
    actual = frame["cutoff"].to_numpy(float)
    programs_of = frame["program"].to_numpy(object)
    dates = frame["draw_date"].to_numpy()
    naive = np.full(len(frame), np.nan)
    last: dict[str, float] = {}
    for i, program in enumerate(programs_of):
        naive[i] = last.get(program, np.nan)
        last[program] = actual[i]
    naive_errors = actual - naive
    main = np.isin(programs_of, MAIN_PROGRAMS)
    chosen = np.isin(programs_of, programs) & np.isfinite(run.estimate) & np.isfinite(naive)
    if periods:
        chosen &= period.notna().to_numpy()
    rows = []
    for i in np.flatnonzero(chosen):
        errors = calibration_errors(run, history, dates[i])
        spread = run.scale[i] * run.widening[i] * scales.get(programs_of[i], 1.0)
        quantiles = run.estimate[i] + spread * error_quantile(errors, _TAUS)
        past = naive_errors[:i][main[:i] & np.isfinite(naive_errors[:i])][-CALIBRATION_WINDOW:]
        naive_q = naive[i] + (error_quantile(np.sort(past), _TAUS) if len(past) else 0.0)
        q = dict(zip(QUANTILES, quantiles, strict=True))
        rows.append(
            {
                "period": period.iloc[i],
                "draw_id": frame["draw_id"].iloc[i],
                "draw_date": frame["draw_date"].iloc[i],
                "program": programs_of[i],
                "invitations": int(frame["invitations"].iloc[i]),
                "crs_cutoff": int(actual[i]),
                "estimate": run.estimate[i],
                "q25": q[0.25],
                "q75": q[0.75],
                "low": q[0.05],
                "high": q[0.95],
                "pinball": _pinball(quantiles, actual[i]),
                "naive": naive[i],
                "naive_pinball": _pinball(naive_q, actual[i]),
                "benchmark": bench.estimate[i],
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    cutoff = out["crs_cutoff"].astype(float)
    return out.assign(
        error=out["estimate"] - cutoff,
        naive_error=out["naive"] - cutoff,
        benchmark_error=out["benchmark"] - cutoff,
        covered50=(out["q25"] <= cutoff) & (cutoff <= out["q75"]),
        covered=(out["low"] <= cutoff) & (cutoff <= out["high"]),
    )


def backtest_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per period, program and overall: rounds, MAE (forecaster, naive, benchmark), calibration.

    Columns: ``period``, ``program``, ``rounds``, ``first_date``,
    ``last_date``, ``mae``, ``naive_mae``, ``benchmark_mae``, ``ratio``
    (``mae / naive_mae``), ``benchmark_ratio``, ``coverage50``, ``coverage``
    (90%), ``pinball``, ``naive_pinball``.
    """

    def summary(frame: pd.DataFrame) -> dict:
        mae = frame["error"].abs().mean()
        naive = frame["naive_error"].abs().mean()
        benchmark = frame["benchmark_error"].abs().mean()
        return {
            "rounds": len(frame),
            "first_date": frame["draw_date"].min(),
            "last_date": frame["draw_date"].max(),
            "mae": mae,
            "naive_mae": naive,
            "benchmark_mae": benchmark,
            "ratio": mae / naive if naive > 0 else np.nan,
            "benchmark_ratio": benchmark / naive if naive > 0 else np.nan,
            "coverage50": frame["covered50"].mean(),
            "coverage": frame["covered"].mean(),
            "pinball": frame["pinball"].mean(),
            "naive_pinball": frame["naive_pinball"].mean(),
        }

    rows = []
    for period in ("validation", "test"):
        part = results[results["period"] == period]
        if part.empty:
            continue
        for program, own in part.groupby("program", sort=False):
            rows.append({"period": period, "program": program, **summary(own)})
        rows.append({"period": period, "program": "overall", **summary(part)})
    return pd.DataFrame(rows)


def _block_bootstrap_ratio(model: np.ndarray, naive: np.ndarray, seed: int = 8) -> np.ndarray:
    """MAE ratios over moving-block resamples (blocks of :data:`BOOTSTRAP_BLOCK` rounds)."""
    n = len(model)
    block = min(BOOTSTRAP_BLOCK, n)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - block + 1, size=(BOOTSTRAP_DRAWS, math.ceil(n / block)))
    index = (starts[:, :, None] + np.arange(block)).reshape(BOOTSTRAP_DRAWS, -1)[:, :n]
    return model[index].sum(axis=1) / np.maximum(naive[index].sum(axis=1), 1e-9)


@dataclass(frozen=True)
class DieboldMariano:
    """A Diebold-Mariano test: ``stat`` (negative: the first forecast is better), ``p_value``."""

    stat: float
    p_value: float


def diebold_mariano(model: np.ndarray, naive: np.ndarray) -> DieboldMariano:
    """Diebold-Mariano test of absolute-error differences, Newey-West variance (two-sided):
    the mean difference over its HAC standard error, from an intercept-only OLS with
    statsmodels' HAC covariance (:func:`~ee_trends.models.effects.hac_options`).

    NaN when the difference of the errors does not vary (identical forecasts).
    """
    import statsmodels.api as sm

    d = np.asarray(model, float) - np.asarray(naive, float)
    n = len(d)
    if n < 2 or float(np.ptp(d)) < 1e-9:
        return DieboldMariano(np.nan, np.nan)
    fit = sm.OLS(d, np.ones(n)).fit(cov_type="HAC", cov_kwds=hac_options(n))
    return DieboldMariano(float(fit.tvalues[0]), float(fit.pvalues[0]))


def evaluation(results: pd.DataFrame) -> pd.DataFrame:
    """How sure the comparison with the naive forecast is, per period (all programs).

    One row per period and forecaster (``forecaster``: the chosen one, and the
    ``benchmark``): ``rounds``, ``mae``, ``naive_mae``, ``ratio`` with its
    block-bootstrap 90% interval (``ratio_low``, ``ratio_high``; rounds in
    date order, blocks of :data:`BOOTSTRAP_BLOCK`), and the Diebold-Mariano
    statistic of the absolute errors against naive (``dm_stat``, negative:
    better than naive; ``dm_p_value``, two-sided), ``coverage50``,
    ``coverage``, ``pinball`` and ``naive_pinball``; then the scale-free
    aggregate ``geometric_ratio`` (the geometric mean of the per-program
    ratios, every program counting once however many rounds it had) and, per
    main program ``p``, ``rounds_p`` and ``ratio_p`` (NaN without a round:
    the validation period holds no CEC round).
    """
    rows = []
    for period in ("validation", "test"):
        part = results[results["period"] == period].sort_values("draw_date", kind="stable")
        if part.empty:
            continue
        naive = part["naive_error"].abs().to_numpy()
        for name, column in (("forecaster", "error"), ("benchmark", "benchmark_error")):
            model = part[column].abs().to_numpy()
            ratios = _block_bootstrap_ratio(model, naive)
            test = diebold_mariano(model, naive)
            rows.append(
                {
                    "period": period,
                    "forecaster": name,
                    "rounds": len(part),
                    "mae": model.mean(),
                    "naive_mae": naive.mean(),
                    "ratio": model.mean() / naive.mean(),
                    "ratio_low": float(np.quantile(ratios, 0.05)),
                    "ratio_high": float(np.quantile(ratios, 0.95)),
                    "dm_stat": test.stat,
                    "dm_p_value": test.p_value,
                    "coverage50": part["covered50"].mean() if name == "forecaster" else np.nan,
                    "coverage": part["covered"].mean() if name == "forecaster" else np.nan,
                    "pinball": part["pinball"].mean() if name == "forecaster" else np.nan,
                    "naive_pinball": part["naive_pinball"].mean(),
                    **_program_ratios(part, column),
                }
            )
    return pd.DataFrame(rows)


def _program_ratios(part: pd.DataFrame, column: str) -> dict:
    """``geometric_ratio`` and, per main program, ``rounds_<p>`` and ``ratio_<p>``."""
    out: dict = {}
    ratios = []
    for program in MAIN_PROGRAMS:
        own = part[part["program"] == program]
        naive = own["naive_error"].abs().mean()
        ratio = own[column].abs().mean() / naive if len(own) and naive > 0 else np.nan
        out[f"rounds_{program}"] = len(own)
        out[f"ratio_{program}"] = ratio
        if np.isfinite(ratio) and ratio > 0:
            ratios.append(ratio)
    out["geometric_ratio"] = float(np.exp(np.mean(np.log(ratios)))) if ratios else np.nan
    return dict(sorted(out.items(), key=lambda item: item[0] != "geometric_ratio"))


def _scaled_coverage(rounds: pd.DataFrame, low: str, high: str, grid: np.ndarray) -> np.ndarray:
    """Per scale of ``grid``: the share of ``rounds`` inside the interval ``low``-``high``
    stretched by that scale around the estimate."""
    cutoff = rounds["crs_cutoff"].to_numpy(float)[:, None]
    estimate = rounds["estimate"].to_numpy(float)[:, None]
    lo = estimate + grid * (rounds[low].to_numpy(float)[:, None] - estimate)
    hi = estimate + grid * (rounds[high].to_numpy(float)[:, None] - estimate)
    return ((lo <= cutoff) & (cutoff <= hi)).mean(axis=0)


def select_interval_scales(draws: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per main program, the interval scale of :data:`SCALE_GRID` whose 50% and 90% intervals
    come closest to 50% and 90% on its rounds before the test period: how
    :data:`INTERVAL_SCALES` was chosen.

    The rounds: each program's forecast rounds from :data:`SCALE_SINCE` to the
    end of the validation period; a program with fewer than
    :data:`MIN_SCALE_ROUNDS` keeps 1. Closest: the least ``|coverage50 - 0.5|
    + |coverage - 0.9|``, ties to the scale nearest 1. The test period is not
    read. Columns: ``program``, ``rounds``, ``scale``, ``coverage50`` and
    ``coverage`` (unscaled), ``scaled_coverage50``, ``scaled_coverage``.
    """
    results = backtest(draws, pool=pool, periods=False, scales={})
    chosen = results[
        (results["draw_date"] >= pd.Timestamp(SCALE_SINCE))
        & (results["draw_date"] <= pd.Timestamp(VALIDATION[1]))
    ]
    grid = np.asarray(SCALE_GRID)
    rows = []
    for program in MAIN_PROGRAMS:
        own = chosen[chosen["program"] == program]
        c50, c90 = (
            _scaled_coverage(own, "q25", "q75", grid),
            _scaled_coverage(own, "low", "high", grid),
        )
        scale = 1.0
        if len(own) >= MIN_SCALE_ROUNDS:
            loss = np.abs(c50 - 0.5) + np.abs(c90 - 0.9)
            best = np.flatnonzero(loss <= loss.min() + 1e-12)
            scale = float(grid[best[np.argmin(np.abs(grid[best] - 1.0))]])
        at = np.flatnonzero(np.isclose(grid, scale))
        rows.append(
            {
                "program": program,
                "rounds": len(own),
                "scale": scale,
                "coverage50": own["covered50"].mean(),
                "coverage": own["covered"].mean(),
                "scaled_coverage50": c50[at[0]] if len(own) else np.nan,
                "scaled_coverage": c90[at[0]] if len(own) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def select_settings(draws: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """Validation MAE of every setting of :data:`SETTINGS_GRID`: how :data:`CHOSEN` was chosen.

    The test period is not computed into the choice. Columns: ``last_weight``,
    ``rounds``, ``slope``, ``validation_rounds``, ``validation_mae``, sorted,
    lowest first; pool-based settings need ``pool``.
    """
    rows = []
    for settings in SETTINGS_GRID:
        if settings.slope == "pool" and pool is None:
            continue
        history = forecast_history(draws, pool if settings.slope == "pool" else None)
        run = history.run(settings)
        validation = _period(history.frame).eq("validation").fillna(False).to_numpy(bool)
        validation &= np.isfinite(run.estimate)
        validation &= history.frame["program"].isin(MAIN_PROGRAMS).to_numpy()
        errors = np.abs(run.estimate - history.frame["cutoff"].to_numpy(float))[validation]
        rows.append(
            {
                "last_weight": settings.last_weight,
                "rounds": settings.rounds,
                "slope": settings.slope,
                "validation_rounds": int(validation.sum()),
                "validation_mae": float(errors.mean()),
            }
        )
    return pd.DataFrame(rows).sort_values("validation_mae", ignore_index=True, kind="stable")
