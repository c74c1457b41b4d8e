"""Charts of invitation volumes: by year, quarter or month, and year to date.

In the house look of :mod:`ee_trends.output.plots.style`.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ee_trends.analysis import aggregate
from ee_trends.analysis.age import today
from ee_trends.output.plots.style import (
    FONT,
    PARTIAL,
    SMALLER,
    add_legend,
    date_axis,
    finish_axes,
    is_main,
    mark_events,
    new_axes,
    thousands,
)
from ee_trends.programs import (
    MINOR_COLOR,
    PROGRAM_COLORS,
    program_label,
)

_PERIOD_WIDTH = {"month": 26, "quarter": 80, "year": 330}


def _grouped(wide: pd.DataFrame) -> pd.DataFrame:
    """The main programs' columns, then the small categories summed into one."""
    main = [c for c in wide.columns if is_main(str(c))]
    minor = [c for c in wide.columns if not is_main(str(c))]
    out = wide[main].copy()
    if minor:
        out[SMALLER] = wide[minor].sum(axis=1)
    return out


def _stacked_bars(ax: Axes, wide: pd.DataFrame, period: str, partial: bool) -> None:
    """Bars centred on each period, stacked by program with white edges.

    With ``partial`` the last bar (a period still running) is hatched.
    """
    width = _PERIOD_WIDTH[period]
    wide = _grouped(wide)
    bottom = np.zeros(len(wide))
    x = mdates.date2num(wide.index.to_pydatetime()) + width / 2 + 2
    for key in wide.columns:
        values = wide[key].to_numpy(dtype="float64")
        shown = values > 0
        if not shown.any():
            continue
        color = MINOR_COLOR if key == SMALLER else PROGRAM_COLORS[str(key)]
        bars = ax.bar(
            x[shown],
            values[shown],
            width=width,
            bottom=bottom[shown],
            color=color,
            label=SMALLER if key == SMALLER else program_label(str(key)),
            edgecolor="white",
            linewidth=0.6,
        )
        if partial and shown[-1]:
            bars[-1].set_hatch(PARTIAL["hatch"])
        bottom += values
    ax.xaxis_date()
    if len(bottom) and bottom.max() > 0:
        ax.set_ylim(0, bottom.max() * 1.05)
    if period == "year" and len(x):
        step = max(1, math.ceil(len(x) / 14))
        ax.set_xticks(x[::step], [f"{day:%Y}" for day in wide.index[::step]])
        ax.set_xlim(x[0] - width * 0.7, x[-1] + width * 0.7)


def _partial_period(
    draws: pd.DataFrame, period: str, on: pd.Timestamp | None = None
) -> tuple[bool, str]:
    """Whether the data ends before the last period does, and a note: "still running" when
    ``on`` (the date the chart is made, default today) falls in it, else "incomplete"."""
    date = aggregate.data_date(draws)
    if date is None:
        return False, ""
    start = aggregate.period_start(pd.Series([date]), period).iloc[0]
    end = (pd.Period(start, aggregate.PERIODS[period]).end_time).normalize()
    if date >= end:
        return False, ""
    name = f"{start:%Y}" if period == "year" else f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
    if period == "month":
        name = f"{start:%Y-%m}"
    on = today() if on is None else pd.Timestamp(on).normalize()
    if start <= on <= end:
        return True, f"Hatched: {name} is still running (data to {date:%Y-%m-%d})."
    return True, f"Hatched: {name} is incomplete: data to {date:%Y-%m-%d}."


def plot_invitations(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    period: str = "year",
    value: str = "invitations",
    events: bool = False,
    caption: str | bool = True,
    on: str | pd.Timestamp | None = None,
) -> Axes:
    """Invitations (or rounds: ``value="rounds"``) per month, quarter or year, by program.

        The small categories are summed into one grey segment; a last period the
    data does not cover whole is hatched in white over its colour, and the
    caption says it is still running when ``on`` (the date the chart is made,
    default today) falls in it, else that it is incomplete.
    """
    if value not in ("invitations", "rounds"):
        raise ValueError(f"value must be 'invitations' or 'rounds', not {value!r}")
    ax = new_axes(ax)
    table = aggregate.invitations_by_period(draws, period)
    wide = aggregate.wide_by_program(table, value)
    partial, note = _partial_period(draws, period, on)
    _stacked_bars(ax, wide, period, partial)
    if period != "year":
        date_axis(ax)
    thousands(ax)
    key = mark_events(ax) if events else ""
    add_legend(ax, title="Program")
    noun = "Invitations to apply" if value == "invitations" else "Rounds of invitations"
    return finish_axes(
        ax,
        title=f"{noun} per {period}, by program",
        xlabel="Draw date" if period != "year" else "Year",
        ylabel=f"{noun.split(' ')[0]} per {period}",
        caption=caption,
        date=aggregate.data_date(draws),
        notes=[note, key],
        band=bool(key),
    )


_YEAR_COLORS = ("#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def plot_cumulative_invitations(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    highlight: int | None = None,
    recent: int = 4,
    caption: str | bool = True,
) -> Axes:
    """Invitations since January 1, round by round: each year against the earlier years.

    ``highlight`` (default: the newest year) is drawn thick in vermillion, the
    ``recent`` years before it in their own colours, older years in light grey.
    """
    ax = new_axes(ax)
    ytd = aggregate.year_to_date(draws)
    years = sorted(ytd["year"].unique())
    if highlight is None and years:
        highlight = years[-1]
    earlier = [y for y in years if y < highlight]
    coloured = earlier[-recent:] if recent > 0 else []
    grey = [y for y in years if y not in coloured and y != highlight]
    base = pd.Timestamp("2001-01-01")  # a non-leap year: x is the day of the year
    styles: dict[int, dict] = {y: {"color": "0.8", "linewidth": 1.0} for y in grey}
    for i, year in enumerate(reversed(coloured)):
        styles[year] = {"color": _YEAR_COLORS[i % len(_YEAR_COLORS)], "linewidth": 1.8}
    styles[highlight] = {"color": "#D55E00", "linewidth": 3, "zorder": 3}
    if grey:
        span = f"{grey[0]}-{grey[-1]}" if len(grey) > 1 else str(grey[0])
        ax.plot([], [], color="0.8", linewidth=1.0, label=span)
    for year in [*grey, *coloured, highlight]:
        rows = ytd[ytd["year"] == year]
        if rows.empty:
            continue
        x = [base - pd.Timedelta(days=1), *(base + pd.to_timedelta(rows["day_of_year"] - 1, "D"))]
        y = [0, *rows["cumulative_invitations"]]
        label = None if year in grey else str(year)
        ax.step(x, y, where="post", label=label, **styles[year])
        if year not in grey:
            ax.annotate(
                f"{year}: {y[-1]:,}",
                xy=(x[-1], y[-1]),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=FONT["caption"],
                va="center",
                color=styles[year]["color"],
            )
    months = pd.date_range(base, periods=12, freq="MS")
    ax.set_xticks(mdates.date2num(months.to_pydatetime()), [f"{m:%b}" for m in months])
    ax.set_xlim(base - pd.Timedelta(days=3), pd.Timestamp("2001-12-31") + pd.Timedelta(days=55))
    ax.set_ylim(bottom=0)
    thousands(ax)
    add_legend(ax, reverse=True, title="Year")
    return finish_axes(
        ax,
        title=f"Invitations issued since January 1: {highlight} against earlier years",
        xlabel="Day of the year (date of the round)",
        ylabel="Invitations since January 1",
        caption=caption,
        date=aggregate.data_date(draws),
    )
