"""The report's "Draw size and cutoff" section, as content (:mod:`ee_trends.output.content`)."""

from __future__ import annotations

import pandas as pd

from ee_trends.models.backtest import backtest, backtest_summary, evaluation
from ee_trends.models.effects import size_effects
from ee_trends.models.forecast import predict_curve, predict_cutoff, regime_rounds
from ee_trends.models.settings import MIN_REGIME_ROUNDS
from ee_trends.models.text import CAVEAT, effects_text, evaluation_text, robustness_text
from ee_trends.output.content import Figure, Heading, Section, Table, Text
from ee_trends.programs import program_label

FORECASTERS = {
    "forecaster": "size-aware forecaster",
    "benchmark": "simple shrinkage benchmark",
}


def _names(programs: pd.Series) -> pd.Series:
    return programs.map(lambda p: "all main programs" if p == "all" else program_label(p))


def test_record(results: pd.DataFrame, program: str) -> str:
    """How the forecaster did on ``program``'s test rounds against the previous cutoff, in
    words, when it did worse (a ratio of mean errors above 1); else ``""``."""
    if results.empty:
        return ""
    summary = backtest_summary(results)
    rows = summary[(summary["period"] == "test") & (summary["program"] == program)]
    if rows.empty or not rows["ratio"].iloc[0] > 1:
        return ""
    row = rows.iloc[0]
    return (
        f"Read this what-if as a rough guide: on the {int(row['rounds'])} test rounds of "
        f"{program_label(program)} the forecaster missed by {row['mae']:.1f} points on average, "
        f"worse than simply taking the previous cutoff ({row['naive_mae']:.1f} points; a ratio "
        f"of {row['ratio']:.2f})."
    )


def report_section(draws: pd.DataFrame, pool: pd.DataFrame | None) -> Section:
    """The "Draw size and cutoff" section: the size effects, a what-if, the forecaster's record."""
    from ee_trends.output.model_plots import plot_size_effects, plot_what_if

    pool = None if pool is None or pool.empty else pool
    effects = size_effects(draws, pool)
    results = backtest(draws, pool=pool)
    blocks: list = [Text(effects_text(effects)), Text(CAVEAT)]
    shown = effects.assign(
        program_name=_names(effects["program"]),
        firm=effects["qualifies"]
        .map({True: "yes", False: "no"})
        .where(effects["role"] == "headline", "robustness check")
        .where(effects["estimate"] != "pool_implied", "not a fit to rounds"),
    )
    blocks.append(
        Figure(
            "size_effects",
            plot_size_effects(effects).figure,
            alt="Dots with horizontal bars: the change in cutoff per doubling of the round, "
            "per program, headline estimates filled and robustness checks hollow.",
            caption="Headline estimates and robustness checks, per program.",
        )
    )
    on = draws["draw_date"].max() + pd.Timedelta(days=1)
    if regime_rounds(draws, "cec", on) >= MIN_REGIME_ROUNDS:
        last = int(draws.loc[draws["program"].astype(str) == "cec", "invitations"].iloc[-1])
        prediction = predict_cutoff(draws, program="cec", invitations=last, on=on, pool=pool)
        blocks.append(Text(prediction.to_text()))
        record = test_record(results, "cec")
        if record:
            blocks.append(Text(record))
        curve = predict_curve(draws, program="cec", on=on, pool=pool)
        blocks.append(
            Figure(
                "what_if_cec",
                plot_what_if(curve, history=draws, program="cec").figure,
                alt="A falling line with shaded bands: the expected cutoff of the next Canadian "
                "Experience Class round against its size, with its recent rounds as points.",
                caption=f"The next CEC round after {draws['draw_date'].max():%Y-%m-%d}: "
                "expected cutoff and its 50% and 90% intervals by size.",
            )
        )
    # plain words above; the methods and their numbers below
    blocks.append(Heading("How this is computed"))
    blocks.append(
        Table(
            "size_effects_headline",
            shown[shown["role"] == "headline"],
            {
                "program_name": ("Program", "text"),
                "label": ("Estimate", "text"),
                "effect_per_doubling": ("Per doubling", "points"),
                "ci_low": ("Interval low", "points"),
                "ci_high": ("Interval high", "points"),
                "n": ("Rounds", "count"),
                "first_date": ("From", "date"),
                "last_date": ("To", "date"),
                "influential_round": ("Most influential round", "text"),
                "without_influential": ("Without it", "points"),
                "firm": ("Survives dropping any round", "text"),
            },
            caption="Change in the cutoff when a round is twice as large: the headline rows (the "
            "robustness rows are below, in the chart and in size_effects.csv). Intervals: 95% "
            "Newey-West (HAC) for the regressions; for the pool-implied effect, its range over "
            "the program's recent sizes and the last three published distributions.",
        )
    )
    blocks.append(Text(robustness_text(effects)))
    if not results.empty:
        table = evaluation(results)
        blocks.append(Text(evaluation_text(table)))
        blocks.append(
            Table(
                "forecast_evaluation",
                table.assign(name=table["forecaster"].map(FORECASTERS)),
                {
                    "period": ("Period", "text"),
                    "name": ("Forecaster", "text"),
                    "rounds": ("Rounds", "count"),
                    "mae": ("Mean abs. error", "decimal"),
                    "naive_mae": ("Previous cutoff", "decimal"),
                    "ratio": ("Ratio", "ratio"),
                    "ratio_low": ("Ratio 90% low", "ratio"),
                    "ratio_high": ("Ratio 90% high", "ratio"),
                    "dm_stat": ("Diebold-Mariano z", "ratio"),
                    "coverage50": ("Inside 50% interval", "percent"),
                    "coverage": ("Inside 90% interval", "percent"),
                },
                caption="Every round forecast from the rounds before it. The settings were "
                "chosen on the validation period only.",
            )
        )
        summary = backtest_summary(results)
        blocks.append(
            Table(
                "forecast_by_program",
                summary.assign(
                    program_name=_names(summary["program"]).where(
                        summary["program"] != "overall", "every program"
                    )
                ),
                {
                    "period": ("Period", "text"),
                    "program_name": ("Program", "text"),
                    "rounds": ("Rounds", "count"),
                    "mae": ("Forecaster", "decimal"),
                    "benchmark_mae": ("Benchmark", "decimal"),
                    "naive_mae": ("Previous cutoff", "decimal"),
                    "ratio": ("Ratio", "ratio"),
                    "coverage": ("Inside 90% interval", "percent"),
                },
                caption="Mean absolute errors in CRS points, by program.",
            )
        )
    return Section(
        key="models",
        title="Draw size and cutoff",
        blocks=blocks,
        data={"size_effects": shown, "backtest": results},
    )
