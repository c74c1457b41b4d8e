"""The report's sections: each a builder ``build(draws, pool) ->`` :class:`Section`.

A builder hands back text, tables with a format per column and figures (see
:mod:`ee_trends.output.content`); :mod:`ee_trends.output.report` saves them and
:mod:`ee_trends.output.html` renders the page. Adding a section: write a
builder and append it to :data:`SECTIONS`::

    def my_section(draws, pool):
        return Section("mine", "My part", [Text("..."), Table("mine", frame, columns)])

Figure and table names must be unique (they are file names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from ee_trends.analysis import aggregate
from ee_trends.data.fields import RANGE_WIDTHS_TEXT
from ee_trends.output.content import Figure, Section, Table, Text

Builder = Callable[[pd.DataFrame, pd.DataFrame], Section]
"""A section builder: the draws and the pool in, one :class:`Section` out."""


def now_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """What is being invited now: the newest rounds, what changed, the recent cutoffs."""
    from ee_trends.output import plots
    from ee_trends.programs import program_label

    if draws.empty:
        return Section("now", "Now", [Text("No rounds in the data.")])
    changes = aggregate.latest_changes(draws, days=7)
    blocks: list[Any] = []
    newest = changes.iloc[0]
    blocks.append(
        Text(
            f"Latest round: #{newest['draw_id']} on {newest['draw_date']:%Y-%m-%d}, "
            f"{program_label(newest['program'])}: {int(newest['invitations']):,} invitations, "
            f"CRS cutoff {int(newest['crs_cutoff'])}."
        )
    )
    changes["program_label"] = changes["program"].map(program_label)
    blocks.append(
        Table(
            "latest_changes",
            changes,
            {
                "draw_id": ("Round", "text"),
                "draw_date": ("Date", "date"),
                "program_label": ("Program", "text"),
                "crs_cutoff": ("CRS cutoff", "score"),
                "cutoff_change": ("Change", "change"),
                "previous_draw_id": ("Previous round of the program", "text"),
                "previous_date": ("On", "date"),
                "previous_cutoff": ("Its cutoff", "score"),
                "invitations": ("Invitations", "count"),
                "previous_invitations": ("Previously", "count"),
            },
            caption=f"What changed: the rounds of the week to {newest['draw_date']:%Y-%m-%d}, "
            "each against the previous round of its program.",
        )
    )
    recent = aggregate.recent_rounds(draws, 20)
    recent["program_label"] = recent["program"].map(program_label)
    blocks.append(
        Table(
            "recent_rounds",
            recent,
            {
                "draw_id": ("Round", "text"),
                "draw_date": ("Date", "date"),
                "program_label": ("Program", "text"),
                "invitations": ("Invitations", "count"),
                "crs_cutoff": ("CRS cutoff", "score"),
                "tie_break_at": ("Tie-break time", "datetime_utc"),
            },
            caption="The 20 newest rounds. Tie-break: of the candidates at the cutoff score, "
            "those whose profile was submitted before this time were invited.",
        )
    )
    axes = plots.plot_recent_cutoffs(draws)
    blocks.append(
        Figure(
            "recent_cutoffs",
            axes[0].figure,
            alt="Small multiples, one panel per program with a round in the last 12 months: "
            "the CRS cutoff of each round over the last 18 months, dot size showing the "
            "number of invitations, the newest cutoff written on each panel.",
            caption="The CRS cutoff of each program's rounds over the last 18 months.",
        )
    )
    mix = aggregate.recent_invitations(draws, months=12)
    mix["program_label"] = mix["program"].map(program_label)
    blocks.append(
        Table(
            "last_12_months_by_program",
            mix,
            {
                "program_label": ("Program", "text"),
                "rounds": ("Rounds", "count"),
                "invitations": ("Invitations", "count"),
                "share": ("Share of invitations", "percent"),
            },
            caption=f"Invitations in the 12 months to {aggregate.data_date(draws):%Y-%m-%d}.",
        )
    )
    return Section("now", "What is being invited now", blocks)


def standing_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Where a CRS score from 400 to 600 stands in the pool and in the last year's rounds."""
    from ee_trends.analysis.standing import SCORES, standing_table
    from ee_trends.programs import program_label

    table = standing_table(draws, pool, SCORES)
    if table.empty:
        return Section("standing", "Where a score stands", [Text("No rounds in the data.")])
    shown = table[["score", "at_or_above_min", "at_or_above_max", "share_min", "share_max"]].copy()
    columns: dict[str, tuple[str, str]] = {
        "score": ("CRS score", "score"),
        "at_or_above_min": ("Candidates at or above, at least", "count"),
        "at_or_above_max": ("Candidates, at most", "count"),
        "share_min": ("Share of the pool, at least", "percent"),
        "share_max": ("Share, at most", "percent"),
    }
    for column in table.columns:
        if column.startswith("reached_"):
            key = column.removeprefix("reached_")
            shown[key] = [
                f"{reached} of {rounds}"
                for reached, rounds in zip(table[column], table[f"rounds_{key}"], strict=True)
            ]
            columns[key] = (program_label(key), "text")
    example = _example_standing(draws, pool)
    blocks = [
        Text(
            "For a CRS score: how many candidates in the newest published pool distribution "
            "scored as much or more, and, for each program, how many of its rounds in the last "
            "12 months had a cutoff at or below it. The published CRS ranges are "
            f"{RANGE_WIDTHS_TEXT}, so a score inside a range gives a range of candidates, not "
            "a point."
        ),
        Text(example),
        Table(
            "standing",
            shown,
            columns,
            caption="Rounds of the last 12 months with a cutoff at or below the score, of all "
            "rounds of the program in that time. A Provincial Nominee cutoff includes the 600 "
            "points of a nomination."
            + _shared_ranges(shown)
            + " For any score, run: ee-trends standing SCORE.",
        ),
    ]
    return Section("standing", "Where a score stands", blocks, data={"standing_by_score": table})


def _shared_ranges(shown: pd.DataFrame) -> str:
    """A sentence naming the runs of scores that fall in one published CRS range (their pool
    counts are the same, row after row); ``""`` when there are none."""
    pool_columns = ["at_or_above_min", "at_or_above_max"]
    runs = (shown[pool_columns] != shown[pool_columns].shift()).any(axis=1).cumsum()
    spans = [
        f"{int(rows['score'].iloc[0])} to {int(rows['score'].iloc[-1])}"
        for _, rows in shown.groupby(runs)
        if len(rows) > 2
    ]
    if not spans:
        return ""
    return (
        f" Scores {' and '.join(spans)} fall in one published CRS range, so they share "
        "its pool counts."
    )


def context_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """The newest round against the rounds before it (:func:`ee_trends.draw_context`)."""
    from ee_trends.analysis.context import draw_context

    if draws.empty:
        return Section("context", "The newest round in context", [Text("No rounds in the data.")])
    newest = aggregate.recent_rounds(draws, 1).iloc[0]
    context = draw_context(draws, newest["draw_id"], pool=pool)
    table = context.table()
    blocks: list[Any] = [Text(line) for line in context.to_text().splitlines()]
    blocks.append(
        Table(
            "newest_round_context",
            table,
            {
                "among": ("Among", "text"),
                "window": ("Window", "text"),
                "rank": ("Rank by size", "count"),
                "tied": ("Tied with", "count"),
                "rounds": ("Rounds in window", "count"),
            },
        )
    )
    return Section("context", "The newest round in context", blocks)


def cutoffs_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Every cutoff since 2015, and draw size against cutoff."""
    from ee_trends.output import plots

    blocks = [
        Text(
            "The CRS cutoff is the lowest Comprehensive Ranking System score invited in a "
            "round. Program and category rounds have their own cutoffs; the Provincial "
            "Nominee Program's are high because a nomination adds 600 points."
        ),
        Figure(
            "cutoffs",
            plots.plot_cutoffs(draws).figure,
            alt="Scatter of the CRS cutoff of every round since 2015, coloured by program, with "
            "each main program's rolling median as a line and the policy events numbered above.",
            caption="Every round's cutoff since 2015; small categories in grey.",
            hover=plots.cutoff_hover(draws),
        ),
        Figure(
            "size_vs_cutoff",
            plots.plot_size_vs_cutoff(draws).figure,
            alt="Scatter of the number of invitations (log scale) against the CRS cutoff of "
            "each round, coloured by program.",
            caption="Larger rounds reach lower scores within a program; across programs the "
            "cutoffs differ by design.",
        ),
    ]
    return Section(
        "cutoffs",
        "CRS cutoffs since 2015",
        blocks,
        data={"rolling_cutoffs": aggregate.rolling_cutoffs(draws)},
    )


def volumes_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Invitations per year and quarter, and this year against earlier years."""
    from ee_trends.output import plots

    ytd = aggregate.year_to_date_comparison(draws)
    date = aggregate.data_date(draws)
    blocks = [
        Figure(
            "invitations_by_year",
            plots.plot_invitations(draws, period="year").figure,
            alt="Stacked bars of the invitations issued each year since 2015, by program; "
            "the last year, when the data does not cover it whole, hatched.",
            caption="Invitations per year; a year the data does not cover whole is hatched.",
        ),
        Figure(
            "invitations_by_quarter",
            plots.plot_invitations(draws, period="quarter", events=True).figure,
            alt="Stacked bars of the invitations issued each quarter, by program, with the "
            "policy events numbered above; the last quarter, when partial, hatched.",
            caption="Invitations per quarter; a quarter the data does not cover whole is hatched.",
        ),
        Figure(
            "cumulative_invitations",
            plots.plot_cumulative_invitations(draws).figure,
            alt="Lines of the invitations issued since January 1 of each year against the day "
            "of the year, the current year thick, the previous four in colour.",
            caption="This year's invitations so far against the same dates of earlier years.",
        ),
        Table(
            "year_to_date",
            ytd.iloc[::-1].reset_index(drop=True),
            {
                "year": ("Year", "text"),
                "end": ("Up to", "date"),
                "rounds": ("Rounds", "count"),
                "to_date": ("Invitations to that date", "count"),
                "full_year": ("Whole year", "count"),
            },
            caption=f"Each year up to {date:%B %d}." if date is not None else "",
        ),
    ]
    return Section(
        "volumes",
        "Invitation volumes",
        blocks,
        data={
            "invitations_by_year": aggregate.yearly_invitations(draws).reset_index(),
            "invitations_by_quarter_and_program": aggregate.invitations_by_period(draws, "quarter"),
            "invitations_by_month_and_program": aggregate.invitations_by_period(draws, "month"),
        },
    )


def pool_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """The pool's CRS distribution over time."""
    from ee_trends.output import plots

    published = aggregate.published_distributions(pool)
    if pool.empty:
        return Section("pool", "The pool of candidates", [Text(published.to_text())])
    blocks = [
        Text(published.to_text()),
        Figure(
            "pool_density",
            plots.plot_pool_heatmap(pool, draws).figure,
            alt="Heat map of candidates per CRS point in the pool on each published date, on a "
            "CRS scale from 300 to 650, with the cutoff of each round drawn as a dot.",
            caption="Where the candidates score, and the cutoffs of the rounds over it.",
        ),
        Figure(
            "pool_by_range",
            plots.plot_pool_area(pool).figure,
            alt="Stacked areas of the candidates in the pool by CRS range on each published "
            "date; the top edge is the whole pool.",
            caption="Candidates in the pool by CRS range; the top edge is the total.",
        ),
    ]
    return Section(
        "pool",
        "The pool of candidates",
        blocks,
        data={
            "pool_distribution": aggregate.pool_distribution(pool),
            "pool_totals": aggregate.pool_totals(draws),
        },
    )


def models_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Draw size and cutoff (:mod:`ee_trends.models`; statsmodels is imported only here)."""
    from ee_trends.output.model_section import report_section

    return report_section(draws, pool)


def invited_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """When a score is invited: round timing, chances by score, their backtest."""
    from ee_trends.output.chances_section import report_section

    return report_section(draws, pool)


SECTIONS: tuple[Builder, ...] = (
    now_section,
    standing_section,
    invited_section,
    context_section,
    cutoffs_section,
    volumes_section,
    pool_section,
    models_section,
)
"""The section builders, in page order."""


def _example_standing(draws: pd.DataFrame, pool: pd.DataFrame) -> str:
    from ee_trends.analysis.standing import standing

    return "Example, a score of 480. " + standing(480, draws, pool).to_text().splitlines()[0]
