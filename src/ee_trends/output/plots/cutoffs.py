"""Charts of CRS cutoffs: every round since 2015, the recent rounds by program, size against cutoff.

In the house look of :mod:`ee_trends.output.plots.style`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ee_trends.analysis import aggregate
from ee_trends.formatting import plural
from ee_trends.output.plots.style import (
    CAPTION_COLOR,
    FONT,
    add_legend,
    broken,
    caption_text,
    date_axis,
    finish_axes,
    is_main,
    mark_events,
    new_axes,
    program_handles,
    programs_drawn,
    robust_floor,
    thousands,
    wrap,
)
from ee_trends.programs import (
    PROGRAM_COLORS,
    PROGRAM_KEYS,
    program_label,
)


def plot_cutoffs(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    programs: Iterable[str] | None = None,
    window: int = 5,
    ylim: tuple[float, float] | None = None,
    events: bool = True,
    caption: str | bool = True,
) -> Axes:
    """CRS cutoff of every round (points) and each main program's rolling median (line).

    Parameters
    ----------
    draws
        The rounds (:func:`ee_trends.load_draws`).
    programs
        Program keys to show; default all with rounds. The small categories
        are drawn as grey points without a line.
    window
        Rounds in the rolling median of each program.
    ylim
        The y range; by default far low outliers (the CEC round of 2021-02-13
        at CRS 75) are left below the range, drawn as a marker on the bottom
        edge and named in the caption.
    events
        Number the policy events above the plot area (key in the caption).
    """
    ax = new_axes(ax)
    by_program = _cutoff_rows(draws, programs, window)
    keys = [key for key in PROGRAM_KEYS if key in by_program]
    data = pd.concat(by_program.values()) if by_program else draws.iloc[0:0]
    for key, rows in by_program.items():
        main = is_main(key)
        ax.scatter(
            rows["draw_date"],
            rows["crs_cutoff"].astype("float64"),
            s=16 if main else 10,
            color=PROGRAM_COLORS[key],
            alpha=0.6 if main else 0.7,
            linewidths=0,
            zorder=2 if main else 1,
            gid=f"rounds-{key}",
        )
        if main and len(rows) > 1:
            x, y = broken(rows["draw_date"], rows["cutoff_median"])
            ax.plot(x, y, color=PROGRAM_COLORS[key], linewidth=2, zorder=3)
    notes = []
    floor, outliers = (None, data["crs_cutoff"].iloc[0:0])
    if ylim is None:
        floor, outliers = robust_floor(data["crs_cutoff"])
        if floor is not None:
            top = float(data["crs_cutoff"].max())
            ax.set_ylim(floor, math.ceil((top + 20) / 50) * 50)
    else:
        ax.set_ylim(*ylim)
    if floor is not None:
        for index in outliers.index:
            row = data.loc[index]
            ax.scatter(
                row["draw_date"],
                floor,
                marker="v",
                s=70,
                color=PROGRAM_COLORS[str(row["program"])],
                clip_on=False,
                zorder=4,
            )
            size = draws.loc[draws["draw_id"] == row["draw_id"], "invitations"]
            extra = f", {int(size.iloc[0]):,} invitations" if len(size) else ""
            notes.append(
                f"\u25bc on the bottom edge: the {program_label(str(row['program']))} round of "
                f"{row['draw_date']:%Y-%m-%d}, CRS {int(row['crs_cutoff'])}{extra} "
                "(below the scale)."
            )
    date_axis(ax)
    key = mark_events(ax) if events else ""
    add_legend(
        ax,
        program_handles(keys),
        title=f"Line: median of\nthe last {window} rounds",
    )
    return finish_axes(
        ax,
        title="CRS cutoff of each round, by program",
        xlabel="Draw date",
        ylabel="CRS cutoff (lowest score invited)",
        caption=caption,
        date=aggregate.data_date(draws),
        notes=[*notes, key],
        band=bool(key),
    )


def _cutoff_rows(
    draws: pd.DataFrame, programs: Iterable[str] | None, window: int
) -> dict[str, pd.DataFrame]:
    """The rounds :func:`plot_cutoffs` draws, by program, in drawing order (grey first)."""
    data = aggregate.rolling_cutoffs(draws, window=window)
    keys = programs_drawn(data, programs)
    data = data.dropna(subset=["crs_cutoff"])
    by_program = {key: data[data["program"] == key] for key in sorted(keys, key=is_main)}
    return {key: rows for key, rows in by_program.items() if len(rows)}


def cutoff_hover(
    draws: pd.DataFrame, *, programs: Iterable[str] | None = None, window: int = 5
) -> dict[str, list[str]]:
    """Hover text of each point of :func:`plot_cutoffs` (same arguments), by scatter ``gid``.

    For :class:`ee_trends.output.content.Figure`'s ``hover``: round, date, program,
    invitations and cutoff, one text per point in the order the points are drawn.
    """
    size = draws.set_index("draw_id")["invitations"]
    return {
        f"rounds-{key}": [
            f"#{row.draw_id}, {row.draw_date:%Y-%m-%d}, {program_label(key)}: "
            f"{int(size[row.draw_id]):,} invitations, CRS cutoff {int(row.crs_cutoff)}"
            for row in rows.itertuples()
        ]
        for key, rows in _cutoff_rows(draws, programs, window).items()
    }


def _size_area(invitations: pd.Series, largest: float) -> np.ndarray:
    """Marker areas (points²) proportional to the round size; the largest is 260."""
    return 260 * invitations.astype("float64").to_numpy() / max(largest, 1.0) + 6


def plot_recent_cutoffs(
    draws: pd.DataFrame,
    *,
    months: int = 18,
    active: int = 12,
    ncols: int = 3,
    caption: str | bool = True,
) -> np.ndarray:
    """Small multiples of the recent cutoffs: one panel per program with a round lately.

    Every program with a round in the last ``active`` months gets a panel
    showing its rounds of the last ``months`` months: the cutoff of each round
    (a dot whose area is the number of invitations, on one scale for all
    panels) joined by a line, and the newest cutoff written beside the newest
    round. Each panel has its own y range (a Provincial Nominee cutoff is
    some 300 points above the others). Returns the array of Axes, one per
    program, in the program table's order.
    """
    end = aggregate.data_date(draws)
    if end is None:
        raise ValueError("no rounds to plot")
    start = aggregate.months_start(end, months)
    recent = aggregate.in_round_order(draws[draws["draw_date"] >= start])
    lately = recent[recent["draw_date"] >= aggregate.months_start(end, active)]
    keys = programs_drawn(lately)
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(10, 2.3 * nrows + 1.3),
        sharex=True,
        layout="constrained",
        squeeze=False,
    )
    largest = float(recent["invitations"].max())
    for ax, key in zip(axes.flat, keys, strict=False):
        rows = recent[recent["program"] == key]
        color = PROGRAM_COLORS[key]
        cutoffs = rows["crs_cutoff"].astype("float64")
        ax.plot(rows["draw_date"], cutoffs, color=color, linewidth=1.2, alpha=0.8, zorder=2)
        ax.scatter(
            rows["draw_date"],
            cutoffs,
            s=_size_area(rows["invitations"], largest),
            color=color,
            edgecolors="0.15",
            linewidths=0.5,
            alpha=0.85,
            zorder=3,
        )
        last = rows.iloc[-1]
        ax.annotate(
            f"{int(last['crs_cutoff'])}",
            xy=(last["draw_date"], float(last["crs_cutoff"])),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT["legend"],
            fontweight="bold",
            color="0.1",
        )
        low, high = float(cutoffs.min()), float(cutoffs.max())
        margin = max(10.0, (high - low) * 0.2)
        ax.set_ylim(low - margin, high + margin)
        ax.set_title(  # counts the rounds drawn in the panel: the title's months
            f"{program_label(key)}\n{plural(len(rows), 'round')}, "
            f"{int(rows['invitations'].sum()):,} invited in {months} months",
            fontsize=FONT["legend"],
            loc="left",
        )
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=FONT["caption"])
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_xlim(start, end + pd.Timedelta(days=45))
        date_axis(ax, maxticks=5)
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    for ax in axes.flat[max(0, len(keys) - ncols) : len(keys)]:
        ax.xaxis.set_tick_params(labelbottom=True)  # no panel below: label its dates
    sizes = [s for s in (500, 2000, 5000) if s <= largest] or [int(largest)]
    handles = [
        Line2D(
            [],
            [],
            linewidth=0,
            marker="o",
            markersize=math.sqrt(_size_area(pd.Series([s]), largest)[0]),
            markerfacecolor="0.6",
            markeredgecolor="0.15",
            label=f"{s:,}",
        )
        for s in sizes
    ]
    fig.legend(
        handles=handles,
        title="Invitations in the round",
        loc="outside upper right",
        ncols=len(handles),
        frameon=False,
        fontsize=FONT["caption"],
        title_fontsize=FONT["caption"],
    )
    fig.suptitle(
        f"CRS cutoff of each round in the last {months} months, by program",
        x=0.01,
        ha="left",
        fontsize=FONT["title"],
        fontweight="bold",
    )
    if caption:
        text = caption if isinstance(caption, str) else caption_text(end)
        text = (
            f"Programs with a round in the {active} months to {end:%Y-%m-%d}. "
            "Each panel has its own CRS scale; the bold number is the newest cutoff. " + text
        )
        fig.supxlabel(wrap(text), x=0.01, ha="left", fontsize=FONT["caption"], color=CAPTION_COLOR)
    return axes.flat[: len(keys)] if keys else axes.flat[:1]


def plot_size_vs_cutoff(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    programs: Iterable[str] | None = None,
    since: str | pd.Timestamp | None = None,
    annotate_above: int = 20_000,
    caption: str | bool = True,
) -> Axes:
    """Draw size (invitations, log scale) against CRS cutoff, one colour per main program.

    ``since`` keeps the rounds from that date on; rounds larger than
    ``annotate_above`` (the 27,332-invitation CEC round of 2021-02-13) are labelled.
    """
    ax = new_axes(ax, figsize=(9, 6))
    if since is not None:
        draws = draws[draws["draw_date"] >= pd.Timestamp(since)]
    keys = programs_drawn(draws, programs)
    shown = draws[draws["program"].isin(keys)]
    for key in sorted(keys, key=is_main):  # the grey points first, under the colours
        rows = shown[shown["program"] == key]
        ax.scatter(
            rows["invitations"].astype("float64"),
            rows["crs_cutoff"].astype("float64"),
            s=20 if is_main(key) else 12,
            color=PROGRAM_COLORS[key],
            alpha=0.7,
            linewidths=0,
        )
    for _, row in shown[shown["invitations"] > annotate_above].iterrows():
        ax.annotate(
            f"#{row['draw_id']} {row['draw_date']:%Y-%m-%d}\n"
            f"{int(row['invitations']):,} at CRS {int(row['crs_cutoff'])}",
            (float(row["invitations"]), float(row["crs_cutoff"])),
            xytext=(-10, 20),
            textcoords="offset points",
            ha="right",
            fontsize=FONT["caption"],
            arrowprops={"arrowstyle": "-", "color": "0.4"},
        )
    ax.set_xscale("log")
    thousands(ax, "x")
    add_legend(ax, program_handles(keys, line=False), title="Program")
    return finish_axes(
        ax,
        title="Draw size against CRS cutoff",
        xlabel="Invitations in the round (log scale)",
        ylabel="CRS cutoff (lowest score invited, points)",
        caption=caption,
        date=aggregate.data_date(draws),
    )
