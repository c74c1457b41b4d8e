"""Charts of the draw-size models: the effects, the what-if curve, the backtest.

Same convention and look as :mod:`ee_trends.output.plots`: ``plot_x(data, *,
ax=None) -> Axes``, no ``plt.show()``, no global state, the program colours
of :data:`ee_trends.output.plots.PROGRAM_COLORS`, a bold title on the left, a legend
in plain words and the source line under the axes.
"""

from __future__ import annotations

import textwrap

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ee_trends.output.plots.style import add_legend, finish_axes, new_axes
from ee_trends.programs import PROGRAM_COLORS, program_label


def _log_size_axis(ax: Axes) -> None:
    ax.set_xscale("log")
    sizes = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_formatter(sizes)
    ax.xaxis.set_minor_locator(mticker.LogLocator(subs=(2, 5)))
    ax.xaxis.set_minor_formatter(sizes)


LABEL_CHARS = 30
"""Row labels of :func:`plot_size_effects` are wrapped at this many characters."""


def plot_size_effects(effects: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Forest plot of :func:`ee_trends.models.size_effects`: one line per program and estimate.

    Rows are grouped under their program's name; headline estimates are
    filled, robustness ones hollow; the bars are the rows' intervals (95% HAC;
    for the pool-implied effect, its range). A row without a value says so.
    """
    ax = new_axes(ax, figsize=(10, 0.36 * (len(effects) + effects["program"].nunique()) + 1))
    ticks, labels, y = [], [], 0
    for program, rows in effects.groupby("program", sort=False):
        color = PROGRAM_COLORS.get(program, "0.3")
        name = "Main programs pooled" if program == "all" else program_label(program)
        ticks.append(-y)
        labels.append(name)
        y += 1
        for _, row in rows.iterrows():
            value = row["effect_per_doubling"]
            if pd.notna(value):
                ax.errorbar(
                    value,
                    -y,
                    xerr=[[value - row["ci_low"]], [row["ci_high"] - value]],
                    fmt="o",
                    color=color,
                    mfc=color if row["role"] == "headline" else "white",
                    capsize=3,
                )
            label = row["label"].removeprefix("main programs pooled, ")
            ticks.append(-y)
            labels.append(label if pd.notna(value) else f"{label}: cannot be read")
            y += 1
    # labels in at most two short lines: the plot keeps its width on a phone too
    ax.set_yticks(ticks, [textwrap.fill(t, LABEL_CHARS) for t in labels], fontsize=8.5)
    for tick, text in zip(ax.get_yticklabels(), labels, strict=True):
        if text in {"Main programs pooled", *map(program_label, effects["program"])}:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.plot([], [], "o", color="0.3", label="headline")
    ax.plot([], [], "o", color="0.3", mfc="white", label="robustness check")
    add_legend(ax)
    return finish_axes(
        ax,
        caption=True,
        title="Change in cutoff when a round is twice as large",
        xlabel="CRS points per doubling of the round (95% interval)",
        ylabel="",
        date=effects["last_date"].max(),
    )


def plot_what_if(
    curve: pd.DataFrame, *, history: pd.DataFrame, program: str, ax: Axes | None = None
) -> Axes:
    """The expected cutoff against the size of the next round, with its 50% and 90% bands.

    ``curve`` is :func:`ee_trends.models.predict_curve`. The bands are drawn
    over the sizes the program has seen (shaded lighter outside them, where
    the forecast extrapolates); the program's rounds of the last two years
    are drawn as points.
    """
    ax = new_axes(ax)
    color = PROGRAM_COLORS.get(program, "#1f77b4")
    x = curve["invitations"].astype(float)
    seen = (x >= curve["seen_low"].iloc[0]) & (x <= curve["seen_high"].iloc[0])
    ax.fill_between(
        x, curve["low"], curve["high"], color=color, alpha=0.1, label="90% interval, other sizes"
    )
    for low, high, alpha, label in (("low", "high", 0.18, "90%"), ("q25", "q75", 0.3, "50%")):
        ax.fill_between(
            x.where(seen),
            curve[low].where(seen),
            curve[high].where(seen),
            color=color,
            alpha=alpha,
            label=f"{label} interval",
        )
    ax.plot(x, curve["estimate"], color=color, lw=2, label="expected cutoff")
    own = history[history["program"].astype(str) == program]
    own = own[own["draw_date"] >= own["draw_date"].max() - pd.Timedelta(days=730)]
    ax.scatter(
        own["invitations"].astype(float),
        own["crs_cutoff"].astype(float),
        s=16,
        color="0.25",
        alpha=0.7,
        label="rounds, last two years",
        zorder=3,
    )
    for edge in (curve["seen_low"].iloc[0], curve["seen_high"].iloc[0]):
        ax.axvline(edge, color="0.6", lw=0.8, ls=":")
    ax.plot([], [], color="0.6", lw=0.8, ls=":", label="sizes seen (recent rounds)")
    _log_size_axis(ax)
    add_legend(ax)
    return finish_axes(
        ax,
        caption=True,
        title=f"What if: the next {program_label(program)} round",
        xlabel="Invitations in the round (log scale)",
        ylabel="CRS cutoff (points)",
        date=history["draw_date"].max(),
    )


def plot_backtest(results: pd.DataFrame, *, program: str, ax: Axes | None = None) -> Axes:
    """Out-of-sample forecasts with their 90% intervals, and the previous cutoff, against the
    actual cutoffs of one program (``results`` from :func:`ee_trends.models.backtest`)."""
    ax = new_axes(ax)
    part = results[results["program"] == program]
    color = PROGRAM_COLORS.get(program, "#1f77b4")
    dates = part["draw_date"]
    ax.fill_between(
        dates, part["low"], part["high"], color=color, alpha=0.2, step="mid", label="90% interval"
    )
    ax.plot(dates, part["estimate"], "o-", color=color, ms=3, lw=1, label="forecast")
    ax.plot(dates, part["naive"], "x", color="0.5", ms=4, label="previous cutoff")
    ax.plot(dates, part["crs_cutoff"], "k.", ms=5, label="actual cutoff")
    missed = part[~part["covered"]]
    ax.scatter(
        missed["draw_date"],
        missed["crs_cutoff"],
        s=50,
        facecolors="none",
        edgecolors="red",
        label="outside the interval",
    )
    test = part.loc[part["period"] == "test", "draw_date"]
    if not test.empty and (part["period"] == "validation").any():
        ax.axvline(test.min(), color="0.6", ls="--", lw=1, label="test period from here")
    add_legend(ax)
    # the axis spans the cutoffs and forecasts: the wide first intervals are cut, not the data
    points = pd.concat([part["crs_cutoff"], part["estimate"], part["naive"]]).astype("float64")
    cut = False
    if points.notna().any():
        low, high = float(points.min()), float(points.max())
        pad = max(10.0, 0.15 * (high - low))
        ax.set_ylim(low - pad, high + pad)
        cut = bool((part["low"] < low - pad).any() or (part["high"] > high + pad).any())
    return finish_axes(
        ax,
        caption=True,
        notes=["Intervals wider than the axis are cut at its edges." if cut else ""],
        title=f"Forecasts made before each round: {program_label(program)}",
        xlabel="",
        ylabel="CRS cutoff (points)",
        date=part["draw_date"].max() if len(part) else np.datetime64("NaT"),
    )


def plot_reliability(
    reliability: pd.DataFrame, *, date: pd.Timestamp | None = None, ax: Axes | None = None
) -> Axes:
    """How often an invitation came against the chance given, by decile of the chance.

    ``reliability`` is :attr:`ee_trends.models.ChancesEvaluation.reliability`;
    each decile is a point at its mean chance and the share that happened,
    its area by the number of forecasts, with the gap written beside it; the
    diagonal is a perfectly calibrated chance. ``date``: the end of the data.
    """
    ax = new_axes(ax, figsize=(9, 6.5))
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="chance = share invited")
    sizes = 20 + 280 * reliability["forecasts"] / reliability["forecasts"].max()
    ax.scatter(
        reliability["probability"],
        reliability["observed"],
        s=sizes,
        color="#0072B2",
        alpha=0.8,
        edgecolors="white",
        zorder=3,
        label="a decile of the chances (area: forecasts)",
    )
    for row in reliability.itertuples():
        ax.annotate(
            f"{row.observed - row.probability:+.2f}",
            xy=(row.probability, row.observed),
            xytext=(8, -4),
            textcoords="offset points",
            fontsize=8,
            color="0.3",
        )
    percent = mticker.PercentFormatter(1.0, decimals=0)
    ax.xaxis.set_major_formatter(percent)
    ax.yaxis.set_major_formatter(percent)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    add_legend(ax, loc="upper left", bbox_to_anchor=(0.0, 1.0), markerscale=0.5)
    return finish_axes(
        ax,
        caption=True,
        title="Chance of an invitation given and how often it came",
        xlabel="Chance given (mean of the decile)",
        ylabel="Share of the forecasts invited",
        date=date,
        notes=["Forecasts at origins every 2 weeks since 2024; gap: observed minus chance."],
    )
