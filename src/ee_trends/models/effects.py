"""Size effects: the change in cutoff per doubling of draw size, program by program."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ee_trends.events import regime_of
from ee_trends.models.settings import MAIN_PROGRAMS, OUTLIER_ROUNDS

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
