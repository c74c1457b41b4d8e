"""Charts of the pool: where its candidates score, round by round.

In the house look of :mod:`ee_trends.output.plots.style`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from ee_trends.analysis import aggregate
from ee_trends.output.plots.style import (
    FONT,
    add_legend,
    date_axis,
    finish_axes,
    is_main,
    new_axes,
    program_handles,
    programs_drawn,
)
from ee_trends.programs import (
    PROGRAM_COLORS,
)

DOT_ROOM_DAYS = 12
"""Days of axis kept right of the newest round's dot (a dot is about ten days wide)."""


def plot_pool_heatmap(
    pool: pd.DataFrame,
    draws: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    ylim: tuple[float, float] = (300, 650),
    caption: str | bool = True,
) -> Axes:
    """Where the pool's candidates score, on a true CRS scale, with the cutoffs drawn over.

    Each published CRS range is drawn at its true height (401-410 is ten
    points tall, 501-600 a hundred), coloured by candidates per CRS point, so
    the picture is a density and the y axis a CRS scale. With ``draws``, the
    cutoff of every round in the span of the distributions (except Provincial
    Nominee rounds, above 600) is drawn as a dot in its program's colour.
    ``ylim`` crops the open ranges at the ends (0-300, 601-1200).
    """
    ax = new_axes(ax, figsize=(10, 5.6))
    table = aggregate.pool_distribution(pool)
    if table.empty:
        raise ValueError("no published pool distribution to plot")
    wide = table.pivot_table(
        index="score_min", columns="pool_as_of", values="candidates", observed=False, dropna=False
    ).sort_index()
    bounds = table.drop_duplicates("score_min").set_index("score_min")["score_max"].sort_index()
    points = (bounds - bounds.index + 1).astype("float64")
    density = wide.astype("float64").div(points, axis=0)
    dates = mdates.date2num(pd.DatetimeIndex(wide.columns).to_pydatetime())
    if len(dates) > 1:
        mids = (dates[1:] + dates[:-1]) / 2
        x_edges = np.concatenate([[dates[0] - (mids[0] - dates[0])], mids, [dates[-1] + 7]])
    else:
        x_edges = np.array([dates[0] - 7, dates[0] + 7])
    y_edges = np.concatenate([bounds.index.to_numpy(dtype="float64"), [bounds.iloc[-1] + 1]])
    mesh = ax.pcolormesh(
        x_edges,
        y_edges,
        np.ma.masked_invalid(density.to_numpy()),
        cmap=sns.light_palette("#6b6b6b", as_cmap=True),
        rasterized=True,
    )
    colorbar = ax.figure.colorbar(
        mesh, ax=ax, location="bottom", shrink=0.45, aspect=30, pad=0.02, anchor=(0, 1)
    )
    colorbar.set_label("Candidates in the pool per CRS point", fontsize=FONT["label"])
    colorbar.ax.tick_params(labelsize=FONT["tick"])
    handles = []
    if draws is not None:
        first, last = pd.Timestamp(wide.columns.min()), pd.Timestamp(wide.columns.max())
        over = draws[
            (draws["draw_date"] >= first)
            & (draws["draw_date"] <= last + pd.Timedelta(days=14))
            & (draws["program"] != "pnp")
        ]
        keys = programs_drawn(over)
        for key in sorted(keys, key=is_main):
            rows = over[over["program"] == key]
            ax.scatter(
                rows["draw_date"],
                rows["crs_cutoff"].astype("float64"),
                s=22,
                color=PROGRAM_COLORS[key],
                edgecolors="white",
                linewidths=0.7,
                zorder=3,
            )
        handles = program_handles(keys, line=False)
        if len(over):  # the newest rounds' dots come after the newest distribution: room for them
            newest = mdates.date2num(over["draw_date"].max().to_pydatetime())
            ax.set_xlim(x_edges[0], max(x_edges[-1], newest + DOT_ROOM_DAYS))
    ax.set_ylim(*ylim)
    ax.xaxis_date()
    date_axis(ax)
    if handles:
        add_legend(ax, handles, title="Cutoff of a round")
    notes = [
        f"Colour: candidates per CRS point in each published range, drawn at its true height; "
        f"the open ranges 0-300 and 601-1200 are cut at {ylim[0]:.0f} and {ylim[1]:.0f}."
        + (
            " Dots: cutoffs of the rounds (Provincial Nominee rounds, above 600, left out)."
            if handles
            else ""
        )
    ]
    return finish_axes(
        ax,
        title="Where the pool's candidates score, and the cutoffs of the rounds",
        xlabel="Date of the pool distribution (dots: date of the round)",
        ylabel="CRS score",
        caption=caption,
        date=table["pool_as_of"].max(),
        notes=notes,
    )


def plot_pool_area(
    pool: pd.DataFrame, *, ax: Axes | None = None, caption: str | bool = True
) -> Axes:
    """Candidates in the pool over time, stacked by coarse CRS range (highest on top).

    The top edge is the pool's total.
    """
    ax = new_axes(ax)
    table = aggregate.pool_distribution(pool, coarse=True)
    wide = table.pivot_table(
        index="pool_as_of", columns="crs_range", values="candidates", observed=True
    )
    order = list(wide.columns)[::-1]  # lowest range at the bottom
    wide = wide[order].astype("float64") / 1000
    colors = plt.get_cmap("viridis")(np.linspace(0.95, 0.1, len(order)))
    ax.stackplot(
        wide.index,
        wide.fillna(0).to_numpy().T,
        labels=[f"CRS {label}" for label in order],
        colors=colors,
        edgecolor="white",
        linewidth=0.6,
    )
    date_axis(ax)
    ax.set_ylim(bottom=0)
    add_legend(ax, reverse=True, title="CRS score range")
    return finish_axes(
        ax,
        title="Candidates in the Express Entry pool, by CRS score range",
        xlabel="Date of the pool distribution",
        ylabel="Candidates (thousands)",
        caption=caption,
        date=table["pool_as_of"].max() if len(table) else None,
        notes=["The top edge is the whole pool."],
    )
