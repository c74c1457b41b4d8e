"""How draw size relates to the cutoff: effect estimates, a what-if forecaster, and its backtest.

Three questions, three functions:

- :func:`size_effects`: by how much does the cutoff move when a round of a
  program is twice as large? Regression of the cutoff on ``log2``
  (invitations), within each program, with robustness fits.
- :func:`predict_cutoff`: if IRCC invites ``N`` people in a round of program
  ``P`` on a date, what cutoff should we expect, and how sure are we?
- :func:`backtest`: how good is that forecaster, out of sample, against the
  naive "same cutoff as last time" and a linear trend?
  :func:`backtest_periods` runs it over a validation and a test period, and
  :func:`select_combination` scores the combination settings on validation.

Read the slopes (of :func:`size_effects` and inside the forecaster) as
associations, not causal effects. The cutoff is an order
statistic of the pool (see :mod:`ee_trends.structural`), and IRCC chooses the
size of a round knowing the pool: a large round may be run *because* many
candidates sit just under the last cutoff. The size effect mixes the
mechanical effect (more invitations reach further down) with that choice.
Programs differ in both level and size (PNP rounds are small with cutoffs
above 700, French rounds large with cutoffs near 400), so a slope pooled
across programs without program effects would be dominated by that
confounding; every estimate here is within program.

The forecaster (:func:`predict_cutoff`) combines six candidate forecasts
(:data:`CANDIDATES`): the first design's model (a smoothed, size-adjusted
level, with the structural pool-based estimate for general and CEC rounds and
CEC's restart from the latest all-program round after a pause) and five
simple ones (the last cutoff, the mean of the last 3, and three forecasts
moved along an OLS size slope fitted on the program's last 20 rounds). Per
program and per origin, each candidate is scored by its out-of-sample
absolute errors on the program's last :data:`COMBINATION_WINDOW` rounds
(each forecast from the rounds before it) and the combination follows
:data:`WEIGHTING`. The 90% interval is conformal, from the combined
forecast's own past out-of-sample errors.

Evaluation protocol. The backtest (:func:`backtest_periods`) reports two
periods, every round forecast from the rounds (and pool distributions)
published before its date:

- **validation**, 2022-07-06 (all-program rounds restarted) to 2023-12-31,
  and for PNP, which had only 5 rounds then, 2019-01-01 to 2023-12-31
  (:data:`VALIDATION_SINCE`): 90 rounds, 30 all-program, 53 PNP, none CEC;
- **test**, 2024-01-01 on: the period of issue #4.

The first design (slope, smoothing, pause rules, interval) was built while
looking at the test period, so its test figures are optimistic. Every choice
made since is selected on the validation period only (or per origin on the
history before it), and the test figures are reported once, whatever they
are: the structural component for the programs drawn from the whole pool
(:data:`STRUCTURAL_PROGRAMS`, :data:`STRUCTURAL_WEIGHT`,
:data:`STRUCTURAL_RESIDUALS`, chosen on the 30 validation all-program
rounds; CEC, without validation rounds, borrows them), the decision not to
shrink the forecast toward the naive one, and the combination window and
weighting (:func:`select_combination`: windows 8, 12, 20 rounds, inverse-MAE
or best-only weights, lowest overall validation MAE). The candidate set
itself was prototyped while looking at the test period. The validation
differences between combination settings are small and rest largely on the
5 French validation rounds; nothing program-specific is selected on the few
French (5) and healthcare (2) validation rounds.

Which rounds an estimate rests on: the simple candidates and the weights
use only the program's own rounds since its last pause of more than
:data:`PAUSE_DAYS` days (with none, the model alone is used); the model uses
up to :data:`SLOPE_WINDOW` of them and the slope pooled over the main
programs; the interval, the last :data:`CALIBRATION_WINDOW` main-program
forecast errors. :attr:`Prediction.based_on` states them for one forecast.

statsmodels is imported inside the functions that need it, never by
``import ee_trends``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ee_trends.events import regime_of

MAIN_PROGRAMS: tuple[str, ...] = ("general", "cec", "pnp", "french", "healthcare")
"""The programs with enough rounds for a per-program model."""

OUTLIER_ROUNDS: tuple[str, ...] = ("176",)
"""Rounds named as influential a priori: #176, 2021-02-13, 27,332 CEC invitations at CRS 75."""

LEVEL = 0.90
"""Coverage of the prediction intervals."""

# Forecaster settings of the first design (chosen while looking at the test period).
SMOOTHING_GRID: tuple[float, ...] = (0.2, 0.35, 0.5, 0.7, 1.0)
"""Candidate weights of the last round in the level; chosen per program on history only."""
SMOOTHING_WINDOW = 20
"""Last rounds of a program on which the smoothing weight is chosen."""
SLOPE_WINDOW = 40
"""Last rounds of a program whose changes estimate its size slope."""
SLOPE_PRIOR_ROUNDS = 10.0
"""Shrinkage: the pooled within-program slope counts as this many rounds."""
CALIBRATION_WINDOW = 100
"""Last out-of-sample errors (all main programs) that calibrate the intervals."""
SCALE_WINDOW = 12
"""Last forecast errors of a program (else cutoff changes) that set its error scale."""
SLOPE_HALF_LIFE_DAYS = 365.0
"""Weight of a cutoff change in the slope halves with each year of age."""
PAUSE_DAYS = 180
"""A program paused longer than this starts afresh: no change across the pause is used."""
PROXIES: dict[str, str] = {"cec": "general", "fsw": "general", "fst": "general"}
"""After a long pause, a program drawn from the all-program pool restarts from its latest round."""

# Selected on the validation period only (see the module docstring).
STRUCTURAL_PROGRAMS: tuple[str, ...] = ("general", "cec")
"""Programs drawn from the whole pool, whose forecast uses the latest published pool."""
STRUCTURAL_WEIGHT = 0.7
"""Weight of the corrected structural estimate in the forecast (the model has the rest)."""
STRUCTURAL_RESIDUALS = 3
"""Last structural residuals of a program whose median corrects its structural estimate."""

VALIDATION: tuple[str, str] = ("2022-07-06", "2023-12-31")
"""Validation period: design choices made since the first backtest are selected on it."""
VALIDATION_SINCE: dict[str, str] = {"pnp": "2019-01-01"}
"""Programs whose validation period starts earlier: 2022-07 to 2023 holds 5 PNP rounds."""

# The combination of candidate forecasts (see predict_cutoff).
CANDIDATES: tuple[str, ...] = ("model", "naive", "mean3", "reg20", "mean5_sized", "last_sized")
"""The forecasts combined; ``model`` is the smoothed, size-adjusted (and structural) forecast."""
REGRESSION_WINDOW = 20
"""Last rounds of a program on which the simple candidates' size slope is fitted."""
COMBINATION_WINDOW = 8
"""Past forecasts of a program whose errors set the weights (selected on validation)."""
WEIGHTING = "best"
"""``inverse``: weights ``1 / (MAE + 1)``; ``best``: lowest MAE only (selected on validation)."""
GAIN_TARGET = 0.15
"""The aim on the test period: a mean absolute error 15% below the naive forecast's."""
COVERAGE_AIM = (0.85, 0.95)
"""The aim for the share of cutoffs inside the :data:`LEVEL` intervals."""
TEST_SINCE = "2024-01-01"
"""Test period (issue #4): from this date on, reported, never used to select."""


# --------------------------------------------------------------------------- data


def model_frame(draws: pd.DataFrame) -> pd.DataFrame:
    """The rounds with the model's variables, oldest first.

    Adds ``log2_invitations``, ``days_since_previous`` (days since the
    previous round of the same program; NA for a program's first round),
    ``log_days_since_previous`` and ``regime`` (:func:`ee_trends.events.regime_of`).
    """
    frame = draws.sort_values(["draw_date", "draw_number"], kind="stable").reset_index(drop=True)
    frame = frame.assign(program=frame["program"].astype("string"))
    previous = frame.groupby("program")["draw_date"].shift()
    days = (frame["draw_date"] - previous).dt.days
    return frame.assign(
        log2_invitations=np.log2(frame["invitations"].astype(float)),
        days_since_previous=days.astype("Float64"),
        log_days_since_previous=np.log(days.clip(lower=1).astype(float)),
        regime=regime_of(frame["draw_date"]).astype("string"),
        cutoff=frame["crs_cutoff"].astype(float),
    )


# --------------------------------------------------------------------------- size effects


def _design(frame: pd.DataFrame, *, program_effects: bool = False) -> pd.DataFrame:
    """Regressors: constant, log2 size, log days since previous, regime (and program) dummies."""
    columns = {"const": 1.0, "log2_invitations": frame["log2_invitations"]}
    columns["log_days_since_previous"] = frame["log_days_since_previous"]
    design = pd.DataFrame(columns, index=frame.index)
    for name in ("regime", "program") if program_effects else ("regime",):
        dummies = pd.get_dummies(frame[name], prefix=name, dtype=float)
        design = design.join(dummies.iloc[:, 1:])  # first level is the reference
    return design.loc[:, design.std(ddof=0).gt(1e-9) | (design.columns == "const")]


def _hac_lags(n: int) -> int:
    """Newey-West lag rule ``floor(4 (n/100)^(2/9))``."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def _fit_rows(frame: pd.DataFrame, program: str, *, program_effects: bool = False) -> list[dict]:
    import statsmodels.api as sm

    y = frame["cutoff"]
    x = _design(frame, program_effects=program_effects)
    n = len(frame)
    base = {
        "program": program,
        "n": n,
        "first_date": frame["draw_date"].min(),
        "last_date": frame["draw_date"].max(),
    }
    rows = []

    def add(spec: str, estimate, low, high, p_value, note: str = "", n_used: int = n) -> None:
        rows.append(
            {
                **base,
                "n": n_used,
                "specification": spec,
                "effect_per_doubling": float(estimate),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": float(p_value),
                "note": note,
            }
        )

    ols = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": _hac_lags(n)})
    ci = ols.conf_int().loc["log2_invitations"]
    spec = "ols_hac_program_effects" if program_effects else "ols_hac"
    add(spec, ols.params["log2_invitations"], ci[0], ci[1], ols.pvalues["log2_invitations"])
    if program_effects:
        return rows

    influence = sm.OLS(y, x).fit().get_influence()
    cooks = pd.Series(influence.cooks_distance[0], index=frame.index)
    flagged = cooks > 4 / n
    flagged |= frame["draw_id"].isin(OUTLIER_ROUNDS)
    dropped = frame.loc[flagged]
    most = frame.loc[cooks.idxmax()]
    most_note = (
        f"most influential round #{most['draw_id']} ({most['draw_date']:%Y-%m-%d}, "
        f"{int(most['invitations']):,} at {int(most['crs_cutoff'])}, Cook's D {cooks.max():.2f})"
    )
    rows[-1]["note"] = most_note

    try:
        median = sm.QuantReg(y, x).fit(q=0.5, max_iter=5000)
        ci = median.conf_int().loc["log2_invitations"]
        add(
            "quantreg_median",
            median.params["log2_invitations"],
            ci[0],
            ci[1],
            median.pvalues["log2_invitations"],
        )
    except (ValueError, np.linalg.LinAlgError) as err:  # singular design: shown, not hidden
        add("quantreg_median", np.nan, np.nan, np.nan, np.nan, note=f"not estimable: {err}")

    huber = sm.RLM(y, x, M=sm.robust.norms.HuberT()).fit()
    ci = huber.conf_int().loc["log2_invitations"]
    add(
        "huber_rlm",
        huber.params["log2_invitations"],
        ci[0],
        ci[1],
        huber.pvalues["log2_invitations"],
    )

    kept = frame.loc[~flagged]
    if flagged.any() and len(kept) > x.shape[1] + 2:
        xk = _design(kept)
        trimmed = sm.OLS(kept["cutoff"], xk).fit(
            cov_type="HAC", cov_kwds={"maxlags": _hac_lags(len(kept))}
        )
        ci = trimmed.conf_int().loc["log2_invitations"]
        listed = ", ".join(f"#{i}" for i in dropped["draw_id"].head(8))
        more = f" and {len(dropped) - 8} more" if len(dropped) > 8 else ""
        add(
            "ols_hac_without_influential",
            trimmed.params["log2_invitations"],
            ci[0],
            ci[1],
            trimmed.pvalues["log2_invitations"],
            note=f"dropped {len(dropped)} rounds with Cook's D > 4/n or named: {listed}{more}",
            n_used=len(kept),
        )
    return rows


def size_effects(
    draws: pd.DataFrame,
    *,
    programs: tuple[str, ...] | None = None,
    min_rounds: int = 10,
    since: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The change in cutoff per doubling of draw size, per program, with robustness fits.

    Main specification (``ols_hac``), within one program::

        cutoff = a + b log2(invitations) + g log(days since the previous round
                 of the program) + regime dummies + e

    by OLS with Newey-West (HAC) standard errors (lags ``4 (n/100)^(2/9)``;
    rounds are irregularly spaced, so the lags count rounds, not days). ``b``
    is the change in cutoff points when the round is twice as large, other
    things equal. Robustness rows: the median regression (``quantreg_median``),
    Huber's M-estimator (``huber_rlm``), and OLS without the influential
    rounds (``ols_hac_without_influential``: Cook's distance above 4/n, and
    the rounds of :data:`OUTLIER_ROUNDS` such as the 27,332-invitation CEC
    round of 2021-02-13 at CRS 75), whose note names the rounds dropped; the
    main row's note names the most influential round. A last row, program
    ``all``, pools the programs with program and regime effects
    (``ols_hac_program_effects``): one common within-program slope, never a
    slope across programs.

    A program's first round (no previous round to count days from) and the
    rounds of a regime in which the program had fewer than three rounds are
    left out (a dummy would absorb them anyway).

    Parameters
    ----------
    draws
        Rounds as from :func:`ee_trends.load_draws`.
    programs
        Programs to fit; default every program with ``min_rounds`` usable rounds
        (at least :data:`MAIN_PROGRAMS` on the full feed).
    since
        Only rounds on or after this date.

    Returns
    -------
    pandas.DataFrame
        One row per program and specification: ``program``, ``specification``,
        ``effect_per_doubling``, ``ci_low``, ``ci_high`` (95%), ``p_value``,
        ``n``, ``first_date``, ``last_date`` (the rounds the estimate rests on),
        ``note``. The slopes are associations: IRCC sets the size of a round
        knowing the pool.
    """
    frame = model_frame(draws).dropna(subset=["log_days_since_previous", "cutoff"])
    if since is not None:
        frame = frame[frame["draw_date"] >= pd.Timestamp(since)]
    counts = frame.groupby(["program", "regime"]).transform("size")
    frame = frame[counts >= 3]
    if programs is None:
        sizes = frame["program"].value_counts()
        programs = tuple(p for p in sizes.index if sizes[p] >= min_rounds)
        programs = tuple(sorted(programs, key=lambda p: (p not in MAIN_PROGRAMS, -sizes[p])))
    rows = []
    for program in programs:
        part = frame[frame["program"] == program]
        if len(part) < 5:
            continue
        rows.extend(_fit_rows(part, program))
    pooled = frame[frame["program"].isin(programs)]
    if pooled["program"].nunique() > 1:
        rows.extend(_fit_rows(pooled, "all", program_effects=True))
        rows[-1]["note"] = (
            f"{pooled['program'].nunique()} programs pooled with program and regime effects"
        )
    columns = [
        "program",
        "specification",
        "effect_per_doubling",
        "ci_low",
        "ci_high",
        "p_value",
        "n",
        "first_date",
        "last_date",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def size_influence(draws: pd.DataFrame, program: str) -> pd.DataFrame:
    """Each round's influence on the size slope of ``program`` (main specification).

    Returns ``draw_id``, ``draw_date``, ``invitations``, ``crs_cutoff``,
    ``cooks_distance`` and ``slope_change`` (how much the slope per doubling
    moves when the round is left out: DFBETA), most influential first.
    """
    import statsmodels.api as sm

    frame = model_frame(draws).dropna(subset=["log_days_since_previous", "cutoff"])
    frame = frame[frame["program"] == program]
    frame = frame[frame.groupby("regime")["draw_id"].transform("size") >= 3]
    x = _design(frame)
    influence = sm.OLS(frame["cutoff"], x).fit().get_influence()
    slope_at = list(x.columns).index("log2_invitations")
    out = frame[["draw_id", "draw_date", "invitations", "crs_cutoff"]].assign(
        cooks_distance=influence.cooks_distance[0],
        slope_change=-influence.dfbeta[:, slope_at],
    )
    return out.sort_values("cooks_distance", ascending=False, ignore_index=True)


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


# --------------------------------------------------------------------------- backtest


def _trend(dates: np.ndarray, cutoffs: np.ndarray, on: np.datetime64, last: int = 8) -> float:
    """Linear trend of the last ``last`` cutoffs against time, extrapolated to ``on``."""
    d = dates[-last:].astype("datetime64[D]").astype(float)
    y = cutoffs[-last:]
    if len(y) < 3 or np.ptp(d) == 0:
        return float(y[-1])
    slope, intercept = np.polyfit(d, y, 1)
    return float(intercept + slope * np.datetime64(on, "D").astype(float))


def _results(table: _Table, combined: _Combined, frame: pd.DataFrame, rows: np.ndarray):
    """The backtest table of the given rows of ``table`` (``frame``: the same rows)."""
    out = []
    for i, (_, row) in zip(rows, frame.iterrows(), strict=True):
        s, n = table.series[table.program[i]], table.counts[i]
        estimate = combined.estimate[i]
        out.append(
            {
                "draw_id": row["draw_id"],
                "draw_date": row["draw_date"],
                "program": row["program"],
                "invitations": int(row["invitations"]),
                "crs_cutoff": int(row["crs_cutoff"]),
                "estimate": estimate,
                "low": estimate - combined.half[i],
                "high": estimate + combined.half[i],
                "naive": float(s.cutoff[n - 1]),
                "trend": _trend(s.dates[:n], s.cutoff[:n], table.dates[i]),
            }
        )
    columns = ["draw_id", "draw_date", "program", "invitations", "crs_cutoff", "estimate"]
    columns += ["low", "high", "naive", "trend"]
    out = pd.DataFrame(out, columns=columns)
    actual = out["crs_cutoff"].astype(float)
    return out.assign(
        error=out["estimate"] - actual,
        naive_error=out["naive"] - actual,
        trend_error=out["trend"] - actual,
        covered=(out["low"] <= actual) & (actual <= out["high"]),
    )


def _backtest_table(draws: pd.DataFrame, pool, programs) -> tuple[pd.DataFrame, _Table]:
    frame = model_frame(draws)
    frame = frame[frame["cutoff"].notna()].reset_index(drop=True)
    table = _table(frame, pool, programs)
    keep = frame["program"].isin(set(MAIN_PROGRAMS) | set(programs))
    return frame[keep].reset_index(drop=True), table


def backtest(
    draws: pd.DataFrame,
    *,
    pool: pd.DataFrame | None = None,
    programs: tuple[str, ...] = MAIN_PROGRAMS,
    since: str | pd.Timestamp = TEST_SINCE,
    until: str | pd.Timestamp | None = None,
    level: float = LEVEL,
    window: int | None = None,
    weighting: str | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest: each round of ``programs`` from ``since`` to ``until``.

    For each round the forecaster of :func:`predict_cutoff` (with the same
    ``window`` and ``weighting``) is given only the rounds dated before it,
    and with ``pool`` the distributions published with them (its size is
    taken as known: a what-if), and compared with the naive forecast (the
    program's previous cutoff) and a linear trend of the program's last 8
    cutoffs. Equivalent to calling :func:`predict_cutoff` with
    ``history[history.draw_date < on]`` round by round, but computed in one
    pass. ``until`` (inclusive) defaults to the newest round.

    Returns
    -------
    pandas.DataFrame
        One row per round: ``draw_id``, ``draw_date``, ``program``,
        ``invitations``, ``crs_cutoff``, ``estimate``, ``low``, ``high``,
        ``naive``, ``trend``, ``error``, ``naive_error``, ``trend_error``,
        ``covered``; no rows when no round can be forecast. Summarise with
        :func:`backtest_summary`.
    """
    window = COMBINATION_WINDOW if window is None else window
    weighting = WEIGHTING if weighting is None else weighting
    frame, table = _backtest_table(draws, pool, programs)
    combined = _combine(table, window, weighting, level)
    in_period = frame["draw_date"] >= pd.Timestamp(since)
    if until is not None:
        in_period &= frame["draw_date"] <= pd.Timestamp(until)
    chosen = frame["program"].isin(programs) & in_period & (table.counts > 0)
    rows = np.flatnonzero(chosen.to_numpy())
    return _results(table, combined, frame.iloc[rows], rows)


def _periods(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``results`` in the validation or the test period, with a ``period`` column."""
    dates = results["draw_date"]
    starts = results["program"].map(VALIDATION_SINCE).fillna(VALIDATION[0])
    validation = (dates >= pd.to_datetime(starts)) & (dates <= pd.Timestamp(VALIDATION[1]))
    test = dates >= pd.Timestamp(TEST_SINCE)
    out = results[validation | test].reset_index(drop=True)
    return out.assign(period=np.where(test[validation | test], "test", "validation"))


def backtest_periods(draws: pd.DataFrame, pool: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`backtest` over the validation and the test periods, with a ``period`` column.

    ``validation``: the rounds of :data:`VALIDATION` (all-program rounds
    restarted 2022-07-06), from an earlier start for the programs of
    :data:`VALIDATION_SINCE` (PNP: 2019); ``test``: the rounds from
    :data:`TEST_SINCE` on.
    """
    since = min([VALIDATION[0], *VALIDATION_SINCE.values()])
    return _periods(backtest(draws, pool=pool, since=since))


def select_combination(
    draws: pd.DataFrame,
    pool: pd.DataFrame | None = None,
    *,
    windows: tuple[int, ...] = (8, 12, 20),
    weightings: tuple[str, ...] = ("inverse", "best"),
) -> pd.DataFrame:
    """The validation-period scores of each combination setting: how the settings were chosen.

    For each ``window`` (past forecasts the weights rest on) and
    ``weighting``, :func:`backtest_summary` of the validation rounds of
    :func:`backtest_periods` only (the test period is not computed into the
    choice), with ``window`` and ``weighting`` columns. The chosen setting,
    :data:`COMBINATION_WINDOW` and :data:`WEIGHTING`, is the one of lowest
    overall validation MAE.
    """
    frame, table = _backtest_table(draws, pool, MAIN_PROGRAMS)
    rows = np.flatnonzero((frame["draw_date"] <= pd.Timestamp(VALIDATION[1])).to_numpy())
    rows = rows[table.counts[rows] > 0]
    tables = []
    for window in windows:
        for weighting in weightings:
            combined = _combine(table, window, weighting, LEVEL)
            results = _periods(_results(table, combined, frame.iloc[rows], rows))
            summary = backtest_summary(results.drop(columns="period"))
            tables.append(summary.assign(window=window, weighting=weighting))
    table = pd.concat(tables, ignore_index=True)
    return table[["window", "weighting", *table.columns[:-2]]]


def combination_scores(selection: pd.DataFrame) -> pd.DataFrame:
    """:func:`select_combination` with one row per setting (``window``, ``weighting``).

    Columns: the validation MAE of each program and ``overall``, then the
    overall ``rounds``, ``gain_vs_naive`` and ``coverage``.
    """
    mae = selection.pivot_table(index=["window", "weighting"], columns="program", values="mae")
    overall = selection[selection["program"] == "overall"].set_index(["window", "weighting"])
    return mae.join(overall[["rounds", "gain_vs_naive", "coverage"]])


def backtest_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per program and overall: rounds, MAE of the model, naive and trend, gain, coverage.

    ``gain_vs_naive`` is ``1 - mae / naive_mae`` (0.15 = 15% below naive).
    With a ``period`` column (:func:`backtest_periods`), one such table per
    period, stacked, with the period as first column.
    """
    if "period" in results:
        tables = [
            backtest_summary(part.drop(columns="period")).assign(period=period)
            for period, part in list(results.groupby("period", sort=False)) or [(None, results)]
        ]
        table = pd.concat(tables, ignore_index=True)
        return table[["period", *table.columns[:-1]]]

    def summary(frame: pd.DataFrame) -> pd.Series:
        mae = frame["error"].abs().mean()
        naive = frame["naive_error"].abs().mean()
        trend = frame["trend_error"].abs().mean()
        return pd.Series(
            {
                "rounds": len(frame),
                "first_date": frame["draw_date"].min(),
                "last_date": frame["draw_date"].max(),
                "mae": mae,
                "naive_mae": naive,
                "trend_mae": trend,
                "gain_vs_naive": 1 - mae / naive if naive > 0 else np.nan,
                "gain_vs_trend": 1 - mae / trend if trend > 0 else np.nan,
                "coverage": frame["covered"].mean(),
                "mean_interval_width": (frame["high"] - frame["low"]).mean(),
            }
        )

    rows = {program: summary(part) for program, part in results.groupby("program", sort=False)}
    rows["overall"] = summary(results)
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("program").reset_index()


# --------------------------------------------------------------------------- report


def report_section(data):
    """The report's "Draw size and cutoff" section (see :mod:`ee_trends.report`)."""
    from ee_trends import model_plots, plots
    from ee_trends.report import SectionResult, escape, table_html
    from ee_trends.structural import structural_accuracy, structural_check

    draws, pool = data.draws, data.pool
    effects = size_effects(draws)
    results = backtest_periods(draws, pool)
    summary = backtest_summary(results)
    check = structural_check(draws, pool) if not pool.empty else pd.DataFrame()
    accuracy = structural_accuracy(check) if not check.empty else pd.DataFrame()
    figures = {
        "size_scatter": plots.plot_size_vs_cutoff(draws, programs=MAIN_PROGRAMS).figure,
        "size_effects": model_plots.plot_size_effects(effects).figure,
    }
    if (draws["program"] == "cec").any():
        on = draws["draw_date"].max() + pd.Timedelta(days=1)
        figures["what_if_cec"] = model_plots.plot_what_if_panels(draws, ["cec"], on=on, pool=pool)
    text = backtest_text(summary) + (
        " Slopes are associations: IRCC chooses the size of a round knowing the pool."
    )
    main = effects[effects["specification"].isin(["ols_hac", "ols_hac_program_effects"])]
    columns = {
        "program": "program",
        "effect_per_doubling": "per doubling",
        "ci_low": "95% low",
        "ci_high": "95% high",
        "n": "rounds",
    }
    html = "<p>" + escape(text) + "</p>" + table_html(main, columns=columns)
    if not results.empty:
        html += table_html(summary.round(dict.fromkeys(summary.select_dtypes("number"), 3)))
    tables = {"size_effects": effects, "backtest": results, "backtest_summary": summary}
    if not accuracy.empty:
        tables["structural_accuracy"] = accuracy
    return SectionResult(figures=figures, tables=tables, html=html)


def backtest_text(summary: pd.DataFrame) -> str:
    """A sentence per period of :func:`backtest_periods`: MAE against naive and trend, coverage."""
    overall = summary[summary["program"] == "overall"].set_index("period")
    sentences = []
    for period, label in (
        ("validation", "In the validation period (2022-07-06 to 2023-12-31; PNP from 2019)"),
        ("test", "In the test period (since 2024)"),
    ):
        if period not in overall.index or not overall.loc[period, "rounds"]:
            sentences.append(f"{label} no round could be forecast.")
            continue
        row = overall.loc[period]
        gain = "n/a" if pd.isna(row["gain_vs_naive"]) else f"{row['gain_vs_naive']:.0%} lower"
        sentences.append(
            f"{label}, over {int(row['rounds'])} rounds, the forecaster's mean absolute error "
            f"is {row['mae']:.1f} CRS points against {row['naive_mae']:.1f} for the previous "
            f"cutoff ({gain}) and {row['trend_mae']:.1f} for a trend "
            f"of the last 8 rounds; its {LEVEL:.0%} intervals covered {row['coverage']:.0%} "
            "of the cutoffs."
        )
    return " ".join(sentences) + (
        " The forecaster's later design choices, among them the combination of candidate "
        "forecasts, were selected on the validation period only."
    )
