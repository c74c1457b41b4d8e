"""What the data says, as short Markdown computed from the tables.

The notebooks end with these, so their conclusions are computed, never typed
in, and stay true when the data is refreshed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ee_trends.analysis import aggregate
from ee_trends.analysis.context import SCOPES, DrawContext
from ee_trends.programs import program_label


def cutoffs(draws: pd.DataFrame, window: int = 5) -> str:
    """The newest cutoffs by program and how the main series moved."""
    latest = aggregate.latest_by_program(draws)
    year = aggregate.data_date(draws).year
    recent = latest[latest["draw_date"].dt.year >= year - 1]
    lowest = draws.loc[draws["crs_cutoff"].astype("float64").idxmin()]
    lines = [
        f"- Data to **{aggregate.data_date(draws):%Y-%m-%d}**: {len(draws)} rounds.",
        "- Newest cutoff of each program with a round since "
        f"{year - 1}: "
        + "; ".join(
            f"{program_label(r.program)} {int(r.crs_cutoff)} ({r.draw_date:%Y-%m-%d})"
            for r in recent.itertuples()
        )
        + ".",
        f"- The lowest cutoff ever was {int(lowest['crs_cutoff'])}, in the "
        f"{program_label(str(lowest['program']))} round of {lowest['draw_date']:%Y-%m-%d} "
        f"({int(lowest['invitations']):,} invitations).",
    ]
    pnp = draws[draws["program"] == "pnp"]["crs_cutoff"].astype("float64")
    others = draws[draws["program"] != "pnp"]["crs_cutoff"].astype("float64")
    if len(pnp) and len(others):
        lines.append(
            f"- Provincial Nominee rounds have a median cutoff of {pnp.median():.0f} against "
            f"{others.median():.0f} for all other rounds: a nomination adds 600 points."
        )
    return "\n".join(lines)


def volumes(draws: pd.DataFrame) -> str:
    """Yearly totals, this year so far against earlier years, and the last 12 months' mix."""
    yearly = aggregate.yearly_invitations(draws)
    ytd = aggregate.year_to_date_comparison(draws).set_index("year")
    date = aggregate.data_date(draws)
    this = int(ytd.loc[date.year, "to_date"])
    earlier = ytd.drop(index=date.year)["to_date"]
    rank = int((earlier > this).sum()) + 1
    complete = yearly.drop(index=date.year, errors="ignore")
    recent = aggregate.recent_invitations(draws, months=12)
    top = recent.head(3)
    lines = [
        f"- By {date:%B %d}, {date.year} had {this:,} invitations: "
        f"rank {rank} of {len(earlier) + 1} years at the same date"
        + (
            f" (the previous year had {int(earlier.loc[date.year - 1]):,})."
            if date.year - 1 in earlier.index
            else "."
        ),
        f"- The largest complete year was {complete.idxmax()} ({complete.max():,}); "
        f"the smallest since 2017 was {complete.loc[2017:].idxmin()} "
        f"({complete.loc[2017:].min():,}).",
        f"- In the last 12 months, {int(recent['invitations'].sum()):,} invitations in "
        f"{int(recent['rounds'].sum())} rounds; the largest shares: "
        + ", ".join(f"{program_label(r.program)} {r.share:.0%}" for r in top.itertuples())
        + ".",
    ]
    return "\n".join(lines)


def claims(
    context: DrawContext,
    *,
    invitations: int | None = None,
    program: str | None = None,
    cutoff: int | None = None,
    months: float | None = None,
    since: str | date | None = None,
) -> str:
    """A news claim about one round, checked against its context (:func:`ee_trends.draw_context`).

    Give the values the claim states; a value left as None is not checked.
    ``invitations``, ``program`` (a program key, e.g. ``"cec"``) and
    ``cutoff`` (the CRS cutoff) are compared with the round; ``months``
    ("the largest in over ``months`` months": no earlier round was larger in
    that time) and ``since`` ("the largest since ``since``") are judged both
    within the round's program and across all programs, as the answers differ.

    Returns Markdown, one item per claim: "holds" or "does not hold", with the
    figures behind the verdict.
    """
    draw = context.draw
    checked: list[tuple[str, list[tuple[bool, str]]]] = []  # (claim, [(holds, why)])
    for claim, stated, actual, why in (
        ("{:,} invitations", invitations, draw.invitations, f"{draw.invitations:,} invited"),
        ("a {} round", program, draw.program, f"{draw.draw_name}, {draw.program}"),
        ("minimum CRS {}", cutoff, draw.crs_cutoff, f"the cutoff was {draw.crs_cutoff}"),
    ):
        if stated is not None:
            checked.append((claim.format(stated), [(actual == stated, f" ({why})")]))
    if months is not None:
        judged = []
        for scope in SCOPES:
            gap = context.largest_in_months(scope)
            judged.append((gap is None or gap > months, _last_larger(context, scope)))
        checked.append((f"the largest in over {months:g} months", judged))
    if since is not None:
        judged = [(context.largest_since(since, s), _last_larger(context, s)) for s in SCOPES]
        checked.append((f"the largest since {pd.Timestamp(since):%Y-%m-%d}", judged))
    return "\n".join(
        f'- "{claim}": '
        + "; ".join(f"{'holds' if holds else 'does not hold'}{why}" for holds, why in judged)
        + "."
        for claim, judged in checked
    )


def _last_larger(context: DrawContext, scope: str) -> str:
    """The scope (" within cec") and its latest earlier round that was larger, in brackets."""
    among = f"within {context.draw.program}" if scope == "program" else "across all programs"
    found = context.previous_round(scope, larger=True)
    if found is None:
        return f" {among} (no earlier round was larger)"
    return (
        f" {among} (last larger round: #{found.draw_id}, {found.program}, "
        f"{found.draw_date}, {found.invitations:,} invitations, "
        f"{found.gap_months:.1f} months earlier)"
    )


def pool(draws: pd.DataFrame, pool_table: pd.DataFrame) -> str:
    """The pool's size and where its candidates score, first and newest distribution."""
    totals = aggregate.pool_totals(draws)
    published = aggregate.published_distributions(pool_table)
    if totals.empty or not published.distributions:
        return "- " + published.to_text()
    dist = aggregate.pool_distribution(pool_table, coarse=True)
    first, last = published.first, published.last

    def share_above(day: pd.Timestamp, score: int) -> float:
        rows = dist[dist["pool_as_of"] == day]
        return rows.loc[rows["score_min"] > score, "candidates"].sum() / rows["candidates"].sum()

    peak = totals.loc[totals["pool_total"].astype("float64").idxmax()]
    newest = totals.iloc[-1]
    return "\n".join(
        [
            "- " + published.to_text(),
            f"- The pool held {int(newest['pool_total']):,} candidates on "
            f"{newest['pool_as_of']:%Y-%m-%d}; its largest was {int(peak['pool_total']):,} "
            f"on {peak['pool_as_of']:%Y-%m-%d}.",
            f"- Candidates above CRS 500: {share_above(first, 500):.1%} of the pool on "
            f"{first:%Y-%m-%d}, {share_above(last, 500):.1%} on {last:%Y-%m-%d}; "
            f"above 450: {share_above(first, 450):.1%} then, {share_above(last, 450):.1%} now.",
        ]
    )
