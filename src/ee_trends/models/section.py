"""The report's "Draw size and cutoff" section, as content (:mod:`ee_trends.content`)."""

from __future__ import annotations

import pandas as pd

from ee_trends.content import Figure, Section, Table, Text
from ee_trends.models.backtest import backtest_periods, backtest_summary, backtest_text
from ee_trends.models.effects import size_effects

# --------------------------------------------------------------------------- report


def report_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """The report's "Draw size and cutoff" section (see :mod:`ee_trends.report`)."""
    from ee_trends import model_plots
    from ee_trends.programs import program_label
    from ee_trends.structural import structural_accuracy, structural_check

    effects = size_effects(draws)
    results = backtest_periods(draws, pool)
    summary = backtest_summary(results)
    check = structural_check(draws, pool) if not pool.empty else pd.DataFrame()
    accuracy = structural_accuracy(check) if not check.empty else pd.DataFrame()
    text = backtest_text(summary) + (
        " Slopes are associations: IRCC chooses the size of a round knowing the pool."
    )
    main = effects[effects["specification"].isin(["ols_hac", "ols_hac_program_effects"])]
    main = main.assign(program_label=main["program"].map(program_label))
    blocks: list = [
        Text(text),
        Table(
            "size_effects_main",
            main,
            {
                "program_label": ("Program", "text"),
                "effect_per_doubling": ("Cutoff change per doubling of size", "points"),
                "ci_low": ("95% interval from", "points"),
                "ci_high": ("95% interval to", "points"),
                "n": ("Rounds", "count"),
            },
        ),
        Figure(
            "size_effects",
            model_plots.plot_size_effects(effects).figure,
            alt="Forest plot of the change in cutoff per doubling of draw size, with 95% "
            "intervals, for each program and model.",
            caption="Size effects within program (associations).",
        ),
    ]
    if not results.empty:
        blocks.append(
            Table(
                "backtest_summary",
                summary,
                {
                    "period": ("Period", "text"),
                    "program": ("Program", "text"),
                    "rounds": ("Rounds", "count"),
                    "mae": ("Mean error (points)", "ratio"),
                    "naive_mae": ("Naive mean error", "ratio"),
                    "gain_vs_naive": ("Gain over naive", "percent"),
                    "coverage": ("Interval coverage", "percent"),
                    "first_date": ("From", "date"),
                    "last_date": ("To", "date"),
                },
            )
        )
    if (draws["program"] == "cec").any():
        on = draws["draw_date"].max() + pd.Timedelta(days=1)
        blocks.append(
            Figure(
                "what_if_cec",
                model_plots.plot_what_if_panels(draws, ["cec"], on=on, pool=pool),
                alt="Expected CRS cutoff of the next Canadian Experience Class round against "
                "its number of invitations, with a 90% interval and the rounds of the last "
                "two years as points.",
                caption="What if: the next Canadian Experience Class round.",
            )
        )
    data = {"size_effects": effects, "backtest": results}
    if not accuracy.empty:
        data["structural_accuracy"] = accuracy
    return Section("models", "Draw size and cutoff", blocks, data=data)
