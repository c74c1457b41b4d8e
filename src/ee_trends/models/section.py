"""The report's "Draw size and cutoff" section."""

from __future__ import annotations

import pandas as pd

from ee_trends.models.backtest import backtest_periods, backtest_summary, backtest_text
from ee_trends.models.effects import size_effects
from ee_trends.models.settings import MAIN_PROGRAMS

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
