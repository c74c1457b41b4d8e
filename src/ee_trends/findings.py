"""What the data says, as short Markdown computed from the tables.

The notebooks end with these, so their conclusions are computed, never typed
in, and stay true when the data is refreshed.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ee_trends import models as draw_models
from ee_trends import stats
from ee_trends.context import SCOPES, DrawContext
from ee_trends.programs import program_label


def cutoffs(draws: pd.DataFrame, window: int = 5) -> str:
    """The newest cutoffs by program and how the main series moved."""
    latest = stats.latest_by_program(draws)
    year = stats.data_date(draws).year
    recent = latest[latest["draw_date"].dt.year >= year - 1]
    lowest = draws.loc[draws["crs_cutoff"].astype("float64").idxmin()]
    lines = [
        f"- Data to **{stats.data_date(draws):%Y-%m-%d}**: {len(draws)} rounds.",
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
    yearly = stats.yearly_invitations(draws)
    ytd = stats.year_to_date_comparison(draws).set_index("year")
    date = stats.data_date(draws)
    this = int(ytd.loc[date.year, "to_date"])
    earlier = ytd.drop(index=date.year)["to_date"]
    rank = int((earlier > this).sum()) + 1
    complete = yearly.drop(index=date.year, errors="ignore")
    recent = stats.recent_invitations(draws, months=12)
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
        ("{:,} invitations", invitations, draw["invitations"], f"{draw['invitations']:,} invited"),
        ("a {} round", program, draw["program"], f"{draw['draw_name']}, {draw['program']}"),
        ("minimum CRS {}", cutoff, draw["crs_cutoff"], f"the cutoff was {draw['crs_cutoff']}"),
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
    among = f"within {context.draw['program']}" if scope == "program" else "across all programs"
    found = context.previous_round(scope, larger=True)
    if found is None:
        return f" {among} (no earlier round was larger)"
    return (
        f" {among} (last larger round: #{found['draw_id']}, {found['program']}, "
        f"{found['draw_date']}, {found['invitations']:,} invitations, "
        f"{found['gap_months']:.1f} months earlier)"
    )


def pool(draws: pd.DataFrame, pool_table: pd.DataFrame) -> str:
    """The pool's size and where its candidates score, first and newest distribution."""
    totals = stats.pool_totals(draws)
    published = stats.published_distributions(pool_table)
    if totals.empty or not published.distributions:
        return "- " + published.text()
    dist = stats.pool_distribution(pool_table, coarse=True)
    first, last = published.first, published.last

    def share_above(day: pd.Timestamp, score: int) -> float:
        rows = dist[dist["pool_as_of"] == day]
        return rows.loc[rows["score_min"] > score, "candidates"].sum() / rows["candidates"].sum()

    peak = totals.loc[totals["pool_total"].astype("float64").idxmax()]
    newest = totals.iloc[-1]
    return "\n".join(
        [
            "- " + published.text(),
            f"- The pool held {int(newest['pool_total']):,} candidates on "
            f"{newest['pool_as_of']:%Y-%m-%d}; its largest was {int(peak['pool_total']):,} "
            f"on {peak['pool_as_of']:%Y-%m-%d}.",
            f"- Candidates above CRS 500: {share_above(first, 500):.1%} of the pool on "
            f"{first:%Y-%m-%d}, {share_above(last, 500):.1%} on {last:%Y-%m-%d}; "
            f"above 450: {share_above(first, 450):.1%} then, {share_above(last, 450):.1%} now.",
        ]
    )


def models(
    effects: pd.DataFrame,
    influence: pd.DataFrame,
    accuracy: pd.DataFrame,
    selection: pd.DataFrame,
    summary: pd.DataFrame,
    prediction: draw_models.Prediction,
) -> str:
    """Size effects, the structural check, the forecaster's backtest and one what-if forecast.

    The arguments are, from :mod:`ee_trends.models` and
    :mod:`ee_trends.structural`: ``size_effects``, ``size_influence`` of CEC,
    ``structural_accuracy``, ``select_combination``, ``backtest_summary`` of
    ``backtest_periods``, and a ``predict_cutoff`` made with the pool.
    """
    main = effects[effects["specification"] == "ols_hac"].set_index("program")
    huber = effects[effects["specification"] == "huber_rlm"].set_index("program")
    pooled = effects[effects["program"] == "all"].iloc[0]
    cec = effects[effects["program"] == "cec"].set_index("specification")["effect_per_doubling"]
    top = influence.iloc[0]
    effect_lines = [
        f"- **{p}**: {r.effect_per_doubling:+.1f} CRS points per doubling of the round "
        f"(95% {r.ci_low:+.1f} to {r.ci_high:+.1f}; Huber "
        f"{huber.loc[p, 'effect_per_doubling']:+.1f}), {r.n} rounds "
        f"{r.first_date:%Y-%m} to {r.last_date:%Y-%m}."
        for p, r in main.iterrows()
    ]
    effect_lines += [
        f"- Pooled with program and regime effects: {pooled.effect_per_doubling:+.1f} "
        f"(95% {pooled.ci_low:+.1f} to {pooled.ci_high:+.1f}, {pooled.n} rounds).",
        f"- CEC round #{top.draw_id} ({top.draw_date:%Y-%m-%d}, {top.invitations:,} invitations "
        f"at {top.crs_cutoff}) has Cook's distance {top.cooks_distance:.2f}: with it the CEC "
        f"slope is {cec['ols_hac']:+.1f}, without the influential rounds "
        f"{cec['ols_hac_without_influential']:+.1f}; the median and Huber fits, which resist "
        f"it, give {cec['quantreg_median']:+.1f} and {cec['huber_rlm']:+.1f}.",
    ]

    acc = accuracy.set_index("program")
    general = acc.loc["general"]
    others = acc.loc[[p for p in draw_models.MAIN_PROGRAMS if p != "general" and p in acc.index]]
    structural = (
        f"Inverting the published pool, all-program rounds come out {general['mae']:.1f} "
        f"points off on average over {int(general['rounds'])} rounds "
        f"({general['within_10_points']:.0%} within 10 points); "
        + "; ".join(f"{p} {r.mae:.1f}" for p, r in others.iterrows())
        + ". PNP rounds invite almost every candidate above 600, so their cutoff is the lowest "
        "nominee's score, which the published counts do not pin down; French rounds draw from "
        "a subset whose share of the pool moves with the score."
    )

    scores = draw_models.combination_scores(selection)
    best = scores["overall"].idxmin()
    chosen = (draw_models.COMBINATION_WINDOW, draw_models.WEIGHTING)
    runner_up = scores["overall"].drop(index=[best]).idxmin()
    lead = scores.loc[runner_up, "overall"] - scores.loc[best, "overall"]
    french = selection[selection["program"] == "french"]["rounds"].iloc[0]
    french_lead = (
        (scores.loc[runner_up, "french"] - scores.loc[best, "french"])
        * french
        / scores.loc[best, "rounds"]
    )
    in_use = (
        "the setting in use"
        if best == chosen
        else f"**not** the setting in use (K = {chosen[0]}, {chosen[1]})"
    )
    selected = (
        f"Lowest overall validation MAE: K = {best[0]}, {best[1]} weighting, "
        f"{scores.loc[best, 'overall']:.2f} points over {int(scores.loc[best, 'rounds'])} rounds "
        f"({scores.loc[best, 'gain_vs_naive']:.0%} below naive, coverage "
        f"{scores.loc[best, 'coverage']:.0%}), {in_use}; next: K = {runner_up[0]}, "
        f"{runner_up[1]}, {scores.loc[runner_up, 'overall']:.2f}. The settings range from "
        f"{scores['overall'].min():.2f} to {scores['overall'].max():.2f}, and "
        f"{french_lead / lead:.0%} of the lead over the next one comes from the {int(french)} "
        "French validation rounds, so the choice is weakly supported."
    )

    table = summary.set_index(["period", "program"])
    test = table.loc[("test", "overall")]
    low, high = draw_models.COVERAGE_AIM
    target = "meets" if test.gain_vs_naive >= draw_models.GAIN_TARGET else "misses"
    coverage = "inside" if low <= test.coverage <= high else "outside"
    backtest = (
        draw_models.backtest_text(summary)
        + f" On the test period the gain over the naive forecast {target} the "
        f"{draw_models.GAIN_TARGET:.0%} target and the coverage is {coverage} the "
        f"{low:.0%}-{high:.0%} aim."
    )
    if ("test", "general") in table.index:
        recent = table.loc[("test", "general")]
        backtest += (
            f" All-program rounds ended {recent.last_date:%Y-%m-%d} in this feed, so "
            f"'general since 2024' rests on {int(recent.rounds)} rounds only."
        )
    backtest_lines = [
        f"- **{period}**, {p}: MAE {r.mae:.1f} "
        f"against {r.naive_mae:.1f} naive (gain {r.gain_vs_naive:+.0%}) and {r.trend_mae:.1f} "
        f"trend; coverage {r.coverage:.0%} ({int(r.rounds)} rounds, "
        f"{r.first_date:%Y-%m-%d} to {r.last_date:%Y-%m-%d})"
        for (period, p), r in table.iterrows()
    ]

    c = prediction.components
    weights = ", ".join(
        f"{name} {c['forecasts'][name]:.0f} (weight {w:.2f})" for name, w in c["weights"].items()
    )
    what_if = (
        f"{prediction}. Rests on {prediction.based_on}. Candidates: {weights}. Inside the "
        f"model: size slope {c['slope_per_doubling']:+.1f} points per doubling, smoothed "
        f"size-adjusted level {c['model_estimate']:.0f}, corrected structural estimate from the "
        f"latest pool {c['structural_corrected']:.0f} (weight {draw_models.STRUCTURAL_WEIGHT} "
        "in the model)."
    )
    return "\n\n".join(
        [
            "**Size effects** (associations within program):\n\n" + "\n".join(effect_lines),
            "**The structural check.** " + structural,
            "**The combination, chosen on validation.** " + selected,
            "**The backtest.** " + backtest + "\n\n" + "\n".join(backtest_lines),
            "**A what-if.** " + what_if,
        ]
    )
