"""The report's "When a score is invited" section, as content (:mod:`ee_trends.output.content`).

The next-round timing of each program with a round in the last 12 months,
the chance of an invitation by score and window for each main program, and
how well those chances did in their backtest (a reliability figure and the
Brier scores against the trailing year's frequency).
"""

from __future__ import annotations

import warnings

import pandas as pd

from ee_trends.analysis import aggregate
from ee_trends.analysis.age import data_age
from ee_trends.errors import StaleDataWarning, TooFewRoundsError
from ee_trends.models.calibration import chances_backtest, chances_evaluation
from ee_trends.models.forecast import regime_rounds
from ee_trends.models.invitation import CHANCES_WEEKS, LEFT_OUT, chances_by_score
from ee_trends.models.settings import MAX_HORIZON_DAYS, MIN_REGIME_ROUNDS, PATHS
from ee_trends.models.timing import TIMING_WEEKS, next_rounds, simulation_start
from ee_trends.output.content import Figure, Section, Table, Text
from ee_trends.programs import program_label

TITLE = "When a score is invited"

SCORES: dict[str, range] = {
    "cec": range(450, 561, 10),
    "french": range(450, 561, 10),
    "healthcare": range(450, 561, 10),
    "pnp": range(700, 801, 10),
    "general": range(450, 561, 10),
}
"""The main programs of the chances table and the scores shown for each (a Provincial
Nominee cutoff includes the 600 points of a nomination)."""


def _recent_programs(draws: pd.DataFrame) -> list[str]:
    """The programs with a round in the 12 months to the newest round, the largest first."""
    recent = aggregate.recent_invitations(draws, months=12)
    return [str(p) for p in recent["program"]]


def timing_table(draws: pd.DataFrame, on: pd.Timestamp) -> tuple[pd.DataFrame, str]:
    """:func:`next_rounds` of each program with a round in the last 12 months, one row each,
    and a line naming the programs with too few rounds since their last pause to time."""
    rows, skipped = [], []
    for program in _recent_programs(draws):
        try:
            result = next_rounds(draws, program, on=on, weeks=TIMING_WEEKS)
        except TooFewRoundsError:
            count = regime_rounds(draws, program, simulation_start(draws, on))
            skipped.append(f"{program_label(program)} ({count})")
            continue
        row = {"program": program, "program_label": program_label(program)}
        for weeks, chance in zip(result.table["weeks"], result.table["probability"], strict=True):
            row[f"weeks_{weeks}"] = chance
        row.update(
            usual_gap=result.usual_gap,
            last_date=result.last_date,
            next_median=result.next_median,
            no_round=result.no_round,
        )
        rows.append(row)
    note = (
        f"Too few rounds since their last pause to time (at least {MIN_REGIME_ROUNDS}): "
        + ", ".join(skipped)
        + "."
        if skipped
        else ""
    )
    return pd.DataFrame(rows), note


def chances_table(
    draws: pd.DataFrame, pool: pd.DataFrame | None, on: pd.Timestamp, timed: set[str]
) -> pd.DataFrame:
    """The chance of an invitation by program, score and window (:data:`SCORES`), for each
    main program of ``timed``, those :func:`timing_table` could time (all-program rounds
    always count).

    Columns: ``program``, ``score``, then ``weeks_<w>`` for each of :data:`CHANCES_WEEKS`.
    """
    parts = [
        chances_by_score(
            scores, draws, pool, programs=(program,), weeks=CHANCES_WEEKS, on=on
        ).assign(program=program)
        for program, scores in SCORES.items()
        if program in timed
    ]
    if not parts:
        return pd.DataFrame(columns=["program", "score"])
    table = pd.concat(parts, ignore_index=True)
    return table[["program", *(c for c in table.columns if c != "program")]]


def report_section(draws: pd.DataFrame, pool: pd.DataFrame | None) -> Section:
    """The "When a score is invited" section (the method is in :mod:`ee_trends.models`)."""
    from ee_trends.output.model_plots import plot_reliability

    if draws.empty:
        return Section("invited", TITLE, [Text("No rounds in the data.")])
    pool = None if pool is None or pool.empty else pool
    age = data_age(draws)
    on = age.on
    if age.days > MAX_HORIZON_DAYS:  # too old to answer: the backtest alone
        timing, skipped = pd.DataFrame(), ""
        table = pd.DataFrame(columns=["program", "score"])
    else:
        with warnings.catch_warnings():  # the section says how old the data is, once
            warnings.simplefilter("ignore", StaleDataWarning)
            timing, skipped = timing_table(draws, on)
            timed = set(timing["program"]) if len(timing) else set()
            table = chances_table(draws, pool, on, timed)
    blocks: list = [
        Text(
            "With a given score, when is a candidate likely to be invited? The answers below "
            f"simulate {PATHS:,} paths of rounds for each program: when they come, from the "
            "gaps between the program's recent rounds with a chance of a pause, and their "
            "cutoffs, from the what-if forecaster (section 'Draw size and cutoff') "
            "at sizes drawn from the program's recent rounds. A candidate is invited in a "
            "window when a round of the program, or an all-program round, has a cutoff at or "
            "below the score."
        ),
        Text(f"Counted from {on:%Y-%m-%d}. Data: {age.to_text()}."),
    ]
    if age.days > MAX_HORIZON_DAYS:
        blocks.append(
            Text(
                f"The data is {age.days} days old: timing and chances reach at most "
                f"{MAX_HORIZON_DAYS} days past the newest round, so none are given here "
                "(`ee-trends fetch` brings the rounds since). The backtest below stands."
            )
        )
    if not timing.empty:
        weeks_columns = {
            f"weeks_{w}": (f"A round within {w} weeks", "percent") for w in TIMING_WEEKS
        }
        blocks.append(
            Table(
                "next_rounds",
                timing,
                {
                    "program_label": ("Program", "text"),
                    **weeks_columns,
                    "usual_gap": ("Usual gap (days)", "decimal"),
                    "last_date": ("Last round", "date"),
                    "next_median": ("Next round, median", "date"),
                    "no_round": ("No round in 26 weeks", "percent"),
                },
                caption="The next rounds of each program with a round in the last 12 months. "
                "Run `ee-trends next --program KEY` for one program.",
            )
        )
    if skipped:
        blocks.append(Text(skipped))
    if len(table) and "general" not in set(table["program"]):
        blocks.append(
            Text(
                "No all-program round in the 12 months to "
                f"{draws['draw_date'].max():%Y-%m-%d}: they have no table of their own, but the "
                "chance of one is in every chance below."
            )
        )
    for program in table["program"].unique() if len(table) else ():
        rows = table[table["program"] == program].reset_index(drop=True)
        blocks.append(
            Table(
                f"chances_{program}",
                rows,
                {
                    "score": ("CRS score", "score"),
                    **{f"weeks_{w}": (f"Within {w} weeks", "percent") for w in CHANCES_WEEKS},
                },
                caption=f"The chance of an invitation for a candidate eligible for "
                f"{program_label(program)} (with all-program rounds), by score."
                + (
                    " The cutoff includes the 600 points of a nomination."
                    if program == "pnp"
                    else ""
                )
                + " Run `ee-trends chances SCORE --program KEY` for any score.",
            )
        )
    results = chances_backtest(draws, pool)
    data = {"chances_by_score": table}
    if not results.empty:
        evaluation = chances_evaluation(results)
        overall = evaluation.overall.iloc[0]
        doubt = (
            " The skill's interval includes 0: on this record the chances are not shown to do "
            "better than the trailing year's frequency."
            if overall["skill_low"] <= 0 <= overall["skill_high"]
            else ""
        )
        blocks.append(Text(evaluation.to_text() + doubt))
        blocks.append(
            Figure(
                "chances_reliability",
                plot_reliability(evaluation.reliability, date=draws["draw_date"].max()).figure,
                alt="Dots near a diagonal line: for each tenth of the chances given in the "
                "backtest, the mean chance against the share of forecasts that were invited.",
                caption="The chances given at origins every two weeks since 2024 against how "
                "often the invitation came, by decile.",
            )
        )
        by_program = evaluation.by_program.assign(
            program_label=evaluation.by_program["program"].map(program_label)
        )
        blocks.append(
            Table(
                "chances_evaluation",
                by_program,
                {
                    "program_label": ("Program", "text"),
                    "weeks": ("Weeks", "count"),
                    "forecasts": ("Forecasts", "count"),
                    "brier": ("Brier", "brier"),
                    "baseline_brier": ("Baseline Brier", "brier"),
                    "skill": ("Skill", "ratio"),
                    "skill_low": ("Skill 90% low", "ratio"),
                    "skill_high": ("Skill 90% high", "ratio"),
                },
                caption="The backtest by program and window: Brier score (lower is better) "
                "against the share of the trailing year's windows in which an invitation came; "
                "skill above 0 beats that baseline.",
            )
        )
        data |= {"chances_reliability": evaluation.reliability, "chances_backtest": results}
    blocks.append(Text(LEFT_OUT))
    return Section(key="invited", title=TITLE, blocks=blocks, data=data)
