"""Size effects: the change in cutoff per doubling of draw size, program by program.

Every regression row has the same kind of interval: a 95% Newey-West (HAC)
sandwich interval, for OLS as for the median regression and Huber's
M-estimator, so the rows are comparable. Every row names the round that
moves it most when left out, and the estimate without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ee_trends.analysis.aggregate import in_round_order
from ee_trends.events import regime_of
from ee_trends.models.settings import (
    DROP_ONE_LIMIT,
    HEADLINE_ROUNDS,
    MAIN_PROGRAMS,
)

Z95 = 1.959963984540054

ESTIMATES: dict[str, tuple[str, str]] = {
    "within_regime": ("headline", "within the current regime (OLS)"),
    "pool_implied": ("headline", "implied by the latest pool distribution"),
    "full_sample": ("robustness", "all rounds since the program began (OLS)"),
    "median": ("robustness", "all rounds, median regression"),
    "huber": ("robustness", "all rounds, Huber regression"),
    "pooled": ("robustness", "main programs pooled, with program effects (OLS)"),
    "too_few_rounds": ("headline", "too few rounds for a headline"),
}
"""Each kind of estimate of :func:`size_effects`: its role and its label in plain words."""

COLUMNS = [
    "program",
    "estimate",
    "role",
    "label",
    "effect_per_doubling",
    "ci_low",
    "ci_high",
    "interval",
    "n",
    "first_date",
    "last_date",
    "influential_round",
    "influential_date",
    "without_influential",
    "qualifies",
    "note",
]

# --------------------------------------------------------------------------- data


def model_frame(draws: pd.DataFrame) -> pd.DataFrame:
    """The rounds with the model's variables, oldest first.

    Adds ``log2_invitations``, ``days_since_previous`` (days since the
    previous round of the same program; NA for a program's first round),
    ``log_days_since_previous``, ``regime`` (:func:`ee_trends.events.regime_of`)
    and ``cutoff`` (the CRS cutoff as a float).
    """
    frame = in_round_order(draws).reset_index(drop=True)
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


def _design(frame: pd.DataFrame, *, program_effects: bool = False) -> pd.DataFrame:
    """Regressors: constant, log2 size, log days since previous, regime (and program) dummies."""
    columns = {"const": 1.0, "log2_invitations": frame["log2_invitations"]}
    columns["log_days_since_previous"] = frame["log_days_since_previous"]
    design = pd.DataFrame(columns, index=frame.index)
    for name in ("regime", "program") if program_effects else ("regime",):
        dummies = pd.get_dummies(frame[name], prefix=name, dtype=float)
        design = design.join(dummies.iloc[:, 1:])  # first level is the reference
    return design.loc[:, design.std(ddof=0).gt(1e-9) | (design.columns == "const")]


def _usable(draws: pd.DataFrame) -> pd.DataFrame:
    """Rounds with a previous round of their program, in a regime where it had 3 or more."""
    frame = model_frame(draws).dropna(subset=["log_days_since_previous", "cutoff"])
    counts = frame.groupby(["program", "regime"])["draw_id"].transform("size")
    return frame[counts >= 3]


# --------------------------------------------------------------------------- fits


def hac_lags(n: int) -> int:
    """Newey-West lag rule ``floor(4 (n/100)^(2/9))``."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def hac_options(n: int) -> dict:
    """``cov_kwds`` of statsmodels' ``fit(cov_type="HAC")`` for ``n`` observations: Bartlett
    weights to :func:`hac_lags`, no small-sample correction."""
    return {"maxlags": hac_lags(n), "use_correction": False}


def _hac_cov(scores: np.ndarray, bread: np.ndarray) -> np.ndarray:
    """Sandwich ``B^-1 Omega B^-1``, Omega statsmodels' Newey-West (Bartlett) sum of ``scores``
    at :func:`hac_lags` (the OLS rows have it from ``OLS.fit(cov_type="HAC")`` itself)."""
    from statsmodels.stats.sandwich_covariance import S_hac_simple

    inverse = np.linalg.pinv(bread)
    return inverse @ S_hac_simple(scores, nlags=hac_lags(len(scores))) @ inverse


@dataclass(frozen=True)
class Fit:
    """One slope estimate: the coefficient, its HAC interval, and its most influential round.

    ``drop_one`` holds, per round, the slope without that round (exact for
    OLS, the one-step influence approximation for the median and Huber fits).
    """

    slope: float
    ci_low: float
    ci_high: float
    drop_one: np.ndarray


def _fit(y: np.ndarray, x: pd.DataFrame, method: str) -> Fit:
    """Slope on ``log2_invitations`` by ``method`` (``ols``, ``median``, ``huber``)."""
    import statsmodels.api as sm

    at = list(x.columns).index("log2_invitations")
    xm = x.to_numpy(float)
    if method == "ols":
        fit = sm.OLS(y, xm).fit(cov_type="HAC", cov_kwds=hac_options(len(y)))
        slope = float(fit.params[at])
        leverage = fit.get_influence().hat_matrix_diag
        # the exact change of the slope without each round: (X'X)^-1 x_i e_i / (1 - h_i)
        change = (
            (xm @ fit.normalized_cov_params)[:, at] * fit.resid / np.maximum(1 - leverage, 1e-9)
        )
        se = float(fit.bse[at])
        return Fit(slope, slope - Z95 * se, slope + Z95 * se, slope - change)
    if method == "huber":
        fit = sm.RLM(y, xm, M=sm.robust.norms.HuberT()).fit()
        params, scale, k = fit.params, float(fit.scale), sm.robust.norms.HuberT().t
        standard = (y - xm @ params) / scale
        scores = xm * (np.clip(standard, -k, k) * scale)[:, None]
        bread = xm.T @ (xm * (np.abs(standard) <= k)[:, None])
        change = (scores @ np.linalg.pinv(bread))[:, at]
    elif method == "median":
        params = sm.QuantReg(y, xm).fit(q=0.5, max_iter=5000).params
        residual = y - xm @ params
        spread = min(np.std(residual), np.subtract(*np.percentile(residual, [75, 25])) / 1.34)
        width = max(1.06 * spread * len(y) ** -0.2, 1e-6)
        density = float(np.mean(np.exp(-0.5 * (residual / width) ** 2)) / (width * 2.5066))
        scores = xm * (0.5 - (residual < 0))[:, None]
        bread = density * (xm.T @ xm)
        change = (scores @ np.linalg.pinv(bread))[:, at]
    else:
        raise ValueError(f"method must be 'ols', 'median' or 'huber', not {method!r}")
    slope = float(params[at])
    se = math.sqrt(max(_hac_cov(scores, bread)[at, at], 0.0))
    return Fit(slope, slope - Z95 * se, slope + Z95 * se, slope - change)


def _row(program: str, estimate: str, frame: pd.DataFrame, fit: Fit, note: str = "") -> dict:
    moved = np.abs(fit.drop_one - fit.slope)
    top = int(np.nanargmax(moved))
    role, label = ESTIMATES[estimate]
    return {
        "program": program,
        "estimate": estimate,
        "role": role,
        "label": label,
        "effect_per_doubling": fit.slope,
        "ci_low": fit.ci_low,
        "ci_high": fit.ci_high,
        "interval": "95% HAC",
        "n": len(frame),
        "first_date": frame["draw_date"].min(),
        "last_date": frame["draw_date"].max(),
        "influential_round": str(frame["draw_id"].iloc[top]),
        "influential_date": frame["draw_date"].iloc[top],
        "without_influential": float(fit.drop_one[top]),
        "qualifies": bool(moved[top] < DROP_ONE_LIMIT) if role == "headline" else False,
        "note": note,
    }


def headline_window(part: pd.DataFrame) -> pd.DataFrame:
    """A program's rounds in its current regime, extended back to :data:`HEADLINE_ROUNDS`.

    Regimes are added newest first until the window holds
    :data:`HEADLINE_ROUNDS` rounds; the pandemic regime (program-specific
    rounds, mostly CEC and PNP) is never merged with the regimes after it, and
    nothing before it is added once it is left out.
    """
    regimes = list(dict.fromkeys(part["regime"].iloc[::-1]))
    chosen: list[str] = []
    for regime in regimes:
        if chosen and (regime == "pandemic" or "pandemic" in chosen):
            break
        chosen.append(regime)
        if part["regime"].isin(chosen).sum() >= HEADLINE_ROUNDS:
            break
    return part[part["regime"].isin(chosen)]


# --------------------------------------------------------------------------- the pool


def pool_implied_effect(
    draws: pd.DataFrame, pool: pd.DataFrame, program: str, *, distributions: int = 3
) -> dict | None:
    """The effect per doubling read off the latest published distributions: ``c(2N) - c(N)``.

    ``N`` runs over the program's sizes in its last :data:`POOL_SIZE_ROUNDS`
    rounds (from the smallest to half the largest, or the smallest alone);
    the pool is scaled by the program's eligible share
    (:func:`ee_trends.models.structural.eligible_share`, fitted on its rounds
    with a distribution) and, except for PNP rounds, the 601+ block (the
    provincial nominees) is left out. The estimate is the mean over sizes on
    the newest distribution; the range is over sizes and the last
    ``distributions`` distributions; NaN (with a note saying so) where the
    eligible pool holds fewer than twice the round. None without a
    distribution or a round of the program.
    """
    from ee_trends.models.structural import (
        pool_density,
        recent_doubling_effects,
        recent_size_range,
        shares_by_program,
    )

    seen = recent_size_range(draws, program)
    if pool is None or pool.empty or seen is None:
        return None
    lo, hi = seen
    shares = shares_by_program(draws, pool)
    dated = pool.drop_duplicates("draw_id").sort_values("pool_as_of")
    newest = list(dated["draw_id"].tail(distributions))[::-1]
    effects = np.asarray(
        [recent_doubling_effects(pool_density(pool, d), draws, shares, program) for d in newest]
    )
    readable = np.isfinite(effects[0]).any()
    first = dated[dated["draw_id"] == newest[0]]
    return {
        "effect_per_doubling": float(np.nanmean(effects[0])) if readable else np.nan,
        "ci_low": float(np.nanmin(effects)) if readable else np.nan,
        "ci_high": float(np.nanmax(effects)) if readable else np.nan,
        "interval": f"range over sizes, last {len(newest)} distributions",
        "n": pd.NA,
        "first_date": first["pool_as_of"].iloc[0],
        "last_date": first["pool_as_of"].iloc[0],
        "note": f"distribution of {first['pool_as_of'].iloc[0]:%Y-%m-%d} (round #{newest[0]}), "
        f"{lo:,.0f} to {hi:,.0f} invitations"
        + ("" if readable else ": the eligible pool is too small to read a doubling off"),
    }


# --------------------------------------------------------------------------- size effects


def size_effects(
    draws: pd.DataFrame,
    pool: pd.DataFrame | None = None,
    *,
    programs: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The change in cutoff per doubling of draw size, per program: headlines first.

    Regression within one program::

        cutoff = a + b log2(invitations) + g log(days since the previous round
                 of the program) + regime dummies + e

    ``b`` is the change in cutoff points when the round is twice as large,
    other things equal. Per program, two **headline** rows:

    - ``within_regime``: OLS on the program's rounds of its current regime,
      extended back to :data:`HEADLINE_ROUNDS` rounds (:func:`headline_window`);
    - ``pool_implied`` (with ``pool``): ``c(2N) - c(N)`` read off the latest
      published distribution (:func:`pool_implied_effect`);

    and **robustness** rows on all the program's rounds: ``full_sample``
    (OLS), ``median`` (median regression), ``huber`` (Huber's M-estimator),
    and one ``pooled`` row (program ``all``: the main programs with program
    and regime effects, one common within-program slope, never a slope
    across programs).

    Every regression row carries a 95% Newey-West (HAC) interval (lags
    ``4 (n/100)^(2/9)``, counted in rounds), its rounds (``n``,
    ``first_date``, ``last_date``), the round whose removal moves it most
    (``influential_round``, ``influential_date``) and the estimate without it
    (``without_influential``). ``qualifies`` is true for a headline row that
    no single round moves by :data:`DROP_ONE_LIMIT` points or more; the
    pool-implied row's interval is its range over sizes and distributions.

    A program's first round (no previous round to count days from) and the
    rounds of a regime in which the program had fewer than three rounds are
    left out. The slopes are associations conditional on the pool: IRCC
    chooses the size of a round knowing the pool.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per program and estimate
        (:data:`ESTIMATES`); programs default to :data:`MAIN_PROGRAMS` with
        at least :data:`HEADLINE_ROUNDS` usable rounds, and a main program
        with fewer (but at least one round) gets one ``too_few_rounds`` row:
        no estimate, its usable rounds in ``n`` and the reason in ``note``.
    """
    frame = _usable(draws)
    too_few: list[dict] = []
    if programs is None:
        sizes = frame["program"].value_counts()
        programs = tuple(p for p in MAIN_PROGRAMS if sizes.get(p, 0) >= HEADLINE_ROUNDS)
        present = set(draws["program"].astype(str))
        too_few = [
            _too_few_row(p, frame[frame["program"] == p])
            for p in MAIN_PROGRAMS
            if p in present and p not in programs
        ]
    rows = []

    for program in programs:
        part = frame[frame["program"] == program]
        if len(part) < 8:
            raise ValueError(f"program {program!r}: {len(part)} usable rounds, need 8")
        window = headline_window(part)
        rows.append(
            _row(
                program,
                "within_regime",
                window,
                _fit(window["cutoff"].to_numpy(), _design(window), "ols"),
                note="regimes: " + ", ".join(dict.fromkeys(window["regime"])),
            )
        )
        implied = pool_implied_effect(draws, pool, program) if pool is not None else None
        if implied is not None:
            role, label = ESTIMATES["pool_implied"]
            rows.append(
                {
                    "program": program,
                    "estimate": "pool_implied",
                    "role": role,
                    "label": label,
                    **implied,
                    "influential_round": pd.NA,
                    "influential_date": pd.NaT,
                    "without_influential": np.nan,
                    "qualifies": bool(np.isfinite(implied["effect_per_doubling"])),
                }
            )
        y, x = part["cutoff"].to_numpy(), _design(part)
        for method, estimate in (("ols", "full_sample"), ("median", "median"), ("huber", "huber")):
            rows.append(_row(program, estimate, part, _fit(y, x, method)))
    rows.extend(too_few)
    pooled = frame[frame["program"].isin(programs)]
    if pooled["program"].nunique() > 1:
        fit = _fit(pooled["cutoff"].to_numpy(), _design(pooled, program_effects=True), "ols")
        rows.append(
            _row("all", "pooled", pooled, fit, note=f"{pooled['program'].nunique()} programs")
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"n": "Int64", "qualifies": bool, "influential_round": "string"})


def _too_few_row(program: str, part: pd.DataFrame) -> dict:
    """The row of a program with fewer than :data:`HEADLINE_ROUNDS` usable rounds: the reason."""
    role, label = ESTIMATES["too_few_rounds"]
    since = f" since {part['draw_date'].min():%Y-%m-%d}" if len(part) else ""
    return {
        "program": program,
        "estimate": "too_few_rounds",
        "role": role,
        "label": label,
        "effect_per_doubling": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "interval": pd.NA,
        "n": len(part),
        "first_date": part["draw_date"].min() if len(part) else pd.NaT,
        "last_date": part["draw_date"].max() if len(part) else pd.NaT,
        "influential_round": pd.NA,
        "influential_date": pd.NaT,
        "without_influential": np.nan,
        "qualifies": False,
        "note": f"{len(part)} usable rounds{since}; a headline needs {HEADLINE_ROUNDS}",
    }


def size_influence(draws: pd.DataFrame, program: str) -> pd.DataFrame:
    """Each round's influence on the program's within-regime slope (the headline fit).

    Returns ``draw_id``, ``draw_date``, ``invitations``, ``crs_cutoff`` and
    ``slope_without`` (the slope per doubling when the round is left out) and
    ``slope_change`` (``slope_without`` minus the slope), largest change first.
    """
    frame = _usable(draws)
    window = headline_window(frame[frame["program"] == program])
    fit = _fit(window["cutoff"].to_numpy(), _design(window), "ols")
    out = window[["draw_id", "draw_date", "invitations", "crs_cutoff"]].assign(
        slope_without=fit.drop_one, slope_change=fit.drop_one - fit.slope
    )
    order = out["slope_change"].abs().sort_values(ascending=False).index
    return out.loc[order].reset_index(drop=True)
