"""Rolling-origin backtests of the forecaster against the naive forecast and a trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ee_trends.models.effects import model_frame
from ee_trends.models.forecast import _combine, _Combined, _Table, _table
from ee_trends.models.settings import (
    COMBINATION_WINDOW,
    LEVEL,
    MAIN_PROGRAMS,
    TEST_SINCE,
    VALIDATION,
    VALIDATION_SINCE,
    WEIGHTING,
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
