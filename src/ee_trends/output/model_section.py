"""The report's "Draw size and cutoff" section, as content (:mod:`ee_trends.output.content`)."""

from __future__ import annotations

import pandas as pd

from ee_trends.models.backtest import backtest, backtest_summary, evaluation
from ee_trends.models.effects import size_effects
from ee_trends.models.forecast import predict_curve, predict_cutoff, regime_rounds
from ee_trends.models.settings import MIN_REGIME_ROUNDS, TEST_SINCE
from ee_trends.models.text import (
    CAVEAT,
    PARAGRAPH,
    effects_method_text,
    effects_text,
    evaluation_text,
    forecaster_text,
    record_text,
    robustness_text,
)
from ee_trends.output.content import Figure, Heading, Section, Table, Text
from ee_trends.programs import program_label

FORECASTERS = {
    "forecaster": "size-aware forecaster",
    "benchmark": "simple shrinkage benchmark",
}

HEADLINE_COLUMNS = {
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
}
EVALUATION_COLUMNS = {
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
}
BY_PROGRAM_COLUMNS = {
    "period": ("Period", "text"),
    "program_name": ("Program", "text"),
    "rounds": ("Rounds", "count"),
    "mae": ("Forecaster", "decimal"),
    "benchmark_mae": ("Benchmark", "decimal"),
    "naive_mae": ("Previous cutoff", "decimal"),
    "ratio": ("Ratio", "ratio"),
    "coverage": ("Inside 90% interval", "percent"),
}
"""The columns shown of the headline effects, the evaluation and its rows by program."""


def _names(programs: pd.Series) -> pd.Series:
    return programs.map(lambda p: "all main programs" if p == "all" else program_label(p))


def weaker_record(summary: pd.DataFrame | None, program: str) -> str:
    """How the forecaster did on ``program``'s test rounds against the previous cutoff, in
    plain words, when it did worse (a ratio of mean errors above 1); else ``""``.
    ``summary``: the backtest's :func:`~ee_trends.models.backtest.backtest_summary` (None
    without a backtest)."""
    if summary is None:
        return ""
    rows = summary[(summary["period"] == "test") & (summary["program"] == program)]
    if rows.empty or not rows["ratio"].iloc[0] > 1:
        return ""
    row = rows.iloc[0]
    return (
        f"Read this what-if as a rough guide: on the {int(row['rounds'])} "
        f"{program_label(program)} rounds since {TEST_SINCE} the forecaster missed by "
        f"{row['mae']:.1f} points on average, worse than simply taking the previous cutoff "
        f"({row['naive_mae']:.1f} points)."
    )


def report_section(draws: pd.DataFrame, pool: pd.DataFrame | None) -> Section:
    """The "Draw size and cutoff" section: in plain words first (what a larger round does to
    the cutoff, how well the forecaster does, a what-if), then "How this is computed" (the
    methods, their figures and their tables)."""
    pool = None if pool is None or pool.empty else pool
    effects = size_effects(draws, pool)
    results = backtest(draws, pool=pool)
    table = None if results.empty else evaluation(results)
    summary = None if results.empty else backtest_summary(results)
    shown = _shown_effects(effects)
    blocks = [
        *_paragraphs(effects_text(effects)),
        Text(CAVEAT),
        *([] if table is None else _paragraphs(record_text(table))),
        *_what_if(draws, pool, summary),
        Heading("How this is computed"),
        *_effects_methods(effects, shown),
        *_forecaster_methods(summary, table),
    ]
    return Section(
        key="models",
        title="Draw size and cutoff",
        blocks=blocks,
        data={"size_effects": shown, "backtest": results},
    )


def _paragraphs(text: str) -> list[Text]:
    """A text of :mod:`ee_trends.models.text` as its paragraphs."""
    return [Text(part) for part in text.split(PARAGRAPH) if part]


def _shown_effects(effects: pd.DataFrame) -> pd.DataFrame:
    """The size effects with the program's name and whether the row is firm, in words."""
    return effects.assign(
        program_name=_names(effects["program"]),
        firm=effects["qualifies"]
        .map({True: "yes", False: "no"})
        .where(effects["role"] == "headline", "robustness check")
        .where(effects["estimate"] != "pool_implied", "not a fit to rounds"),
    )


def _what_if(draws: pd.DataFrame, pool: pd.DataFrame | None, summary: pd.DataFrame | None) -> list:
    """The next CEC round at the size of its latest, its record, and its curve by size; none
    when CEC has too few rounds since its last pause."""
    from ee_trends.output.model_plots import plot_what_if

    on = draws["draw_date"].max() + pd.Timedelta(days=1)
    if regime_rounds(draws, "cec", on) < MIN_REGIME_ROUNDS:
        return []
    last = int(draws.loc[draws["program"].astype(str) == "cec", "invitations"].iloc[-1])
    prediction = predict_cutoff(draws, program="cec", invitations=last, on=on, pool=pool)
    record = weaker_record(summary, "cec")
    curve = predict_curve(draws, program="cec", on=on, pool=pool)
    return [
        Text(prediction.to_text()),
        *([Text(record)] if record else []),
        Figure(
            "what_if_cec",
            plot_what_if(curve, history=draws, program="cec").figure,
            alt="A falling line with shaded bands: the expected cutoff of the next Canadian "
            "Experience Class round against its size, with its recent rounds as points.",
            caption=f"The next CEC round after {draws['draw_date'].max():%Y-%m-%d}: "
            "expected cutoff and its 50% and 90% ranges by size.",
        ),
    ]


def _effects_methods(effects: pd.DataFrame, shown: pd.DataFrame) -> list:
    """The size effects' table, methods, chart of every estimate, and robustness checks."""
    from ee_trends.output.model_plots import plot_size_effects

    return [
        Table(
            "size_effects_headline",
            shown[shown["role"] == "headline"],
            HEADLINE_COLUMNS,
            caption="Change in the cutoff when a round is twice as large: the headline rows (the "
            "robustness rows are below, in the chart and in size_effects.csv). Intervals: 95% "
            "Newey-West (HAC) for the regressions; for the pool-implied effect, its range over "
            "the program's recent sizes and the last three published distributions.",
        ),
        *_paragraphs(effects_method_text()),
        Figure(
            "size_effects",
            plot_size_effects(effects).figure,
            alt="Dots with horizontal bars: the change in cutoff per doubling of the round, "
            "per program, headline estimates filled and robustness checks hollow.",
            caption="Headline estimates and robustness checks, per program.",
        ),
        *_paragraphs(robustness_text(effects)),
    ]


def _forecaster_methods(summary: pd.DataFrame | None, table: pd.DataFrame | None) -> list:
    """The forecaster's method, its evaluation in figures, and its tables (``summary`` and
    ``table``: the backtest's summary by program and evaluation); none without a backtest."""
    if summary is None or table is None:
        return []
    by_program = summary.assign(
        program_name=_names(summary["program"]).where(
            summary["program"] != "overall", "every program"
        )
    )
    return [
        *_paragraphs(forecaster_text()),
        *_paragraphs(evaluation_text(table)),
        Table(
            "forecast_evaluation",
            table.assign(name=table["forecaster"].map(FORECASTERS)),
            EVALUATION_COLUMNS,
            caption="Every round forecast from the rounds before it. The settings were "
            "chosen on the validation period only.",
        ),
        Table(
            "forecast_by_program",
            by_program,
            BY_PROGRAM_COLUMNS,
            caption="Mean absolute errors in CRS points, by program.",
        ),
    ]
