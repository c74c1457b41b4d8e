"""Charts of cutoffs, invitation volumes and the pool.

Every function follows seaborn's convention: ``plot_x(data, *, ax=None,
**kwargs) -> Axes`` (the ``*_panels`` functions return their array of Axes).
It draws on ``ax`` (a new figure when None), never calls ``plt.show()`` and
changes no global state (no ``rcParams``, no style); the caller or
:mod:`ee_trends.report` owns ``savefig``.

All charts share one look, sized to read at 800 pixels wide:

- the colour of a program is :data:`ee_trends.programs.PROGRAM_COLORS`
  everywhere: eight colour-blind-safe colours for the main programs, one
  grey for the small categories;
- legends show line or marker swatches;
- policy events are numbered markers in a band above the plot area, with
  their key in the caption, never text over the data;
- a period still running (the current year or quarter) is hatched and faded,
  and the caption says so;
- stacked segments have white edges;
- a caption line under the axes names the source and the date the data runs to.

Only this module and :mod:`ee_trends.models.plots` import matplotlib and seaborn.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ee_trends import stats
from ee_trends.content import plural
from ee_trends.events import load_events
from ee_trends.programs import (
    MAIN_COLORED,
    MINOR_COLOR,
    PROGRAM_COLORS,
    PROGRAM_KEYS,
    program_label,
)

__all__ = [
    "PROGRAM_COLORS",
    "SOURCE",
    "add_caption",
    "add_legend",
    "caption_text",
    "cutoff_hover",
    "finish_axes",
    "mark_events",
    "new_axes",
    "plot_cumulative_invitations",
    "plot_cutoffs",
    "plot_invitations",
    "plot_pool_area",
    "plot_pool_heatmap",
    "plot_recent_cutoffs",
    "plot_size_vs_cutoff",
]

SOURCE = "Source: IRCC, Express Entry rounds of invitations (Open Government Licence - Canada)"
SMALLER = "Smaller categories"
"""Legend entry of the programs drawn in the one grey."""

FONT = {"title": 13.5, "label": 11, "tick": 10, "legend": 10, "caption": 9}
"""Font sizes in points: at the report's 10-inch width they read at 800 pixels."""

_CAPTION_COLOR = "0.3"
_GAP_DAYS = 180  # a program's line is broken where it had no round for longer
_CAPTION_WIDTH = 135  # characters per caption line on a 10-inch figure
_PARTIAL = {"hatch": "////", "alpha": 0.45}


# --------------------------------------------------------------------------- helpers


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (10, 5.6)) -> Axes:
    """``ax``, or the axes of a new figure of ``figsize`` (constrained layout)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _programs(data: pd.DataFrame, programs: Iterable[str] | None = None) -> list[str]:
    present = set(data["program"].dropna().astype(str))
    wanted = PROGRAM_KEYS if programs is None else tuple(programs)
    unknown = set(wanted) - set(PROGRAM_KEYS)
    if unknown:
        raise ValueError(f"unknown program keys: {sorted(unknown)}")
    return [key for key in wanted if key in present]


def _is_main(key: str) -> bool:
    return key in MAIN_COLORED


def caption_text(date: pd.Timestamp | None, source: str = SOURCE) -> str:
    """The caption line: the source and the date the data runs to."""
    if date is None or pd.isna(date):
        return source
    return f"{source}. Data to {pd.Timestamp(date):%Y-%m-%d}."


def _wrap(text: str) -> str:
    return "\n".join(
        textwrap.fill(part, _CAPTION_WIDTH) for part in text.split("\n") if part.strip()
    )


def add_caption(ax: Axes, text: str) -> None:
    """Write ``text`` (wrapped) in grey type under the axes, below the x label."""
    ax.annotate(
        _wrap(text),
        xy=(0, 0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=FONT["caption"],
        color=_CAPTION_COLOR,
    )


def finish_axes(
    ax: Axes,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    caption: str | bool,
    date: pd.Timestamp | None,
    notes: Iterable[str] = (),
    band: bool = False,
) -> Axes:
    """Title, labels, tick sizes, spines, and the caption with ``notes`` before the source.

    ``band`` leaves room between the title and the axes for the event numbers.
    """
    pad = 24 if band else 6
    ax.set_title(title, loc="left", fontsize=FONT["title"], fontweight="bold", pad=pad)
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.spines[["top", "right"]].set_visible(False)
    if caption:
        text = caption if isinstance(caption, str) else caption_text(date)
        add_caption(ax, "\n".join([*(n for n in notes if n), text]))
    return ax


def _date_axis(ax: Axes, maxticks: int = 12) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _thousands(ax: Axes, axis: str = "y") -> None:
    formatter = mticker.FuncFormatter(lambda value, _: f"{value:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def add_legend(ax: Axes, handles=None, *, reverse: bool = False, **kwargs) -> None:
    """The legend to the right of the axes (entries in reverse order with ``reverse``)."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    if reverse:
        handles, labels = handles[::-1], labels[::-1]
    if handles:
        options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1), "frameon": False}
        options.update(kwargs)
        ax.legend(
            handles, labels, fontsize=FONT["legend"], title_fontsize=FONT["legend"], **options
        )


def _program_handles(keys: Iterable[str], *, line: bool = True) -> list:
    """Legend swatches: one per main program (line and dot), one for all smaller categories."""
    handles = []
    minor = False
    for key in keys:
        if not _is_main(key):
            minor = True
            continue
        handles.append(
            Line2D(
                [],
                [],
                color=PROGRAM_COLORS[key],
                marker="o",
                markersize=5,
                markeredgecolor="0.2",
                markeredgewidth=0.4,
                linewidth=2 if line else 0,
                label=program_label(key),
            )
        )
    if minor:
        handles.append(
            Line2D([], [], color=MINOR_COLOR, marker="o", markersize=4, linewidth=0, label=SMALLER)
        )
    return handles


def _broken(dates: pd.Series, values: pd.Series, max_gap_days: int = _GAP_DAYS):
    """Dates and values with a NaN inserted wherever consecutive dates are far apart."""
    dates = pd.to_datetime(dates).reset_index(drop=True)
    values = pd.Series(values, dtype="float64").reset_index(drop=True)
    gaps = dates.diff().dt.days > max_gap_days
    if not gaps.any():
        return dates.to_numpy(), values.to_numpy()
    out_dates, out_values = [], []
    for i in range(len(dates)):
        if gaps.iloc[i]:
            out_dates.append(dates.iloc[i - 1] + (dates.iloc[i] - dates.iloc[i - 1]) / 2)
            out_values.append(np.nan)
        out_dates.append(dates.iloc[i])
        out_values.append(values.iloc[i])
    return np.array(out_dates, dtype="datetime64[ns]"), np.array(out_values)


def _robust_floor(values: pd.Series) -> tuple[float | None, pd.Series]:
    """A lower y limit that leaves out far outliers (below Q1 - 1.5 IQR), and the outliers."""
    values = values.dropna().astype("float64")
    if len(values) < 8:
        return None, values.iloc[0:0]
    q1, q3 = values.quantile([0.25, 0.75])
    fence = q1 - 1.5 * (q3 - q1)
    low = values[values < fence]
    if low.empty:
        return None, low
    floor = math.floor((values[values >= fence].min() - 20) / 50) * 50
    return float(floor), low


# --------------------------------------------------------------------------- events


def mark_events(ax: Axes, events: pd.DataFrame | None = None, *, color: str = "0.4") -> str:
    """Mark the policy events (:func:`ee_trends.events.load_events`) on a time chart.

    Each event inside the x range is a dashed vertical line with its number in
    a small circle in a band above the plot area, so no label sits on the data.
    Returns the key ("Events: 1 ...; 2 ...") for the caption, "" when none is shown.
    """
    events = load_events() if events is None else events
    low, high = sorted(ax.get_xlim())
    key = []
    for date, label in zip(events["event_date"], events["label"], strict=True):
        x = mdates.date2num(pd.Timestamp(date))
        if not low <= x <= high:
            continue
        number = len(key) + 1
        ax.axvline(x, color=color, linestyle="--", linewidth=0.8, zorder=0.5)
        ax.annotate(
            str(number),
            xy=(x, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONT["caption"],
            color="white",
            fontweight="bold",
            annotation_clip=False,
            bbox={"boxstyle": "circle,pad=0.25", "fc": color, "ec": "none"},
        )
        key.append(f"{number} {label} ({pd.Timestamp(date):%Y-%m-%d})")
    ax.set_xlim(low, high)
    return ("Events: " + "; ".join(key) + ".") if key else ""


# --------------------------------------------------------------------------- cutoffs


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
        main = _is_main(key)
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
            x, y = _broken(rows["draw_date"], rows["cutoff_median"])
            ax.plot(x, y, color=PROGRAM_COLORS[key], linewidth=2, zorder=3)
    notes = []
    floor, outliers = (None, data["crs_cutoff"].iloc[0:0])
    if ylim is None:
        floor, outliers = _robust_floor(data["crs_cutoff"])
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
    _date_axis(ax)
    key = mark_events(ax) if events else ""
    add_legend(
        ax,
        _program_handles(keys),
        title=f"Line: median of\nthe last {window} rounds",
    )
    return finish_axes(
        ax,
        title="CRS cutoff of each round, by program",
        xlabel="Draw date",
        ylabel="CRS cutoff (lowest score invited)",
        caption=caption,
        date=stats.data_date(draws),
        notes=[*notes, key],
        band=bool(key),
    )


def _cutoff_rows(
    draws: pd.DataFrame, programs: Iterable[str] | None, window: int
) -> dict[str, pd.DataFrame]:
    """The rounds :func:`plot_cutoffs` draws, by program, in drawing order (grey first)."""
    data = stats.rolling_cutoffs(draws, window=window)
    keys = _programs(data, programs)
    data = data.dropna(subset=["crs_cutoff"])
    by_program = {key: data[data["program"] == key] for key in sorted(keys, key=_is_main)}
    return {key: rows for key, rows in by_program.items() if len(rows)}


def cutoff_hover(
    draws: pd.DataFrame, *, programs: Iterable[str] | None = None, window: int = 5
) -> dict[str, list[str]]:
    """Hover text of each point of :func:`plot_cutoffs` (same arguments), by scatter ``gid``.

    For :class:`ee_trends.content.Figure`'s ``hover``: round, date, program,
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
    end = stats.data_date(draws)
    if end is None:
        raise ValueError("no rounds to plot")
    start = stats.months_start(end, months)
    recent = draws[draws["draw_date"] >= start].sort_values("draw_date", kind="stable")
    lately = recent[recent["draw_date"] >= stats.months_start(end, active)]
    keys = _programs(lately)
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
        in_window = lately[lately["program"] == key]
        ax.set_title(
            f"{program_label(key)}\n{plural(len(in_window), 'round')}, "
            f"{int(in_window['invitations'].sum()):,} invited in {active} months",
            fontsize=FONT["legend"],
            loc="left",
        )
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=FONT["caption"])
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_xlim(start, end + pd.Timedelta(days=45))
        _date_axis(ax, maxticks=5)
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
        fig.supxlabel(
            _wrap(text), x=0.01, ha="left", fontsize=FONT["caption"], color=_CAPTION_COLOR
        )
    return axes.flat[: len(keys)] if keys else axes.flat[:1]


# --------------------------------------------------------------------------- volumes

_PERIOD_WIDTH = {"month": 26, "quarter": 80, "year": 330}


def _grouped(wide: pd.DataFrame) -> pd.DataFrame:
    """The main programs' columns, then the small categories summed into one."""
    main = [c for c in wide.columns if _is_main(str(c))]
    minor = [c for c in wide.columns if not _is_main(str(c))]
    out = wide[main].copy()
    if minor:
        out[SMALLER] = wide[minor].sum(axis=1)
    return out


def _stacked_bars(ax: Axes, wide: pd.DataFrame, period: str, partial: bool) -> None:
    """Bars centred on each period, stacked by program with white edges.

    With ``partial`` the last bar (a period still running) is hatched and faded.
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
            bars[-1].set_alpha(_PARTIAL["alpha"])
            bars[-1].set_hatch(_PARTIAL["hatch"])
        bottom += values
    ax.xaxis_date()
    if len(bottom) and bottom.max() > 0:
        ax.set_ylim(0, bottom.max() * 1.05)
    if period == "year" and len(x):
        step = max(1, math.ceil(len(x) / 14))
        ax.set_xticks(x[::step], [f"{day:%Y}" for day in wide.index[::step]])
        ax.set_xlim(x[0] - width * 0.7, x[-1] + width * 0.7)


def _partial_period(draws: pd.DataFrame, period: str) -> tuple[bool, str]:
    """Whether the last period is still running at the data date, and a note saying so."""
    date = stats.data_date(draws)
    if date is None:
        return False, ""
    start = stats.period_start(pd.Series([date]), period).iloc[0]
    end = (pd.Period(start, stats.PERIODS[period]).end_time).normalize()
    if date >= end:
        return False, ""
    name = f"{start:%Y}" if period == "year" else f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
    if period == "month":
        name = f"{start:%Y-%m}"
    return True, f"Hatched: {name} is still running (data to {date:%Y-%m-%d})."


def plot_invitations(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    period: str = "year",
    value: str = "invitations",
    events: bool = False,
    caption: str | bool = True,
) -> Axes:
    """Invitations (or rounds: ``value="rounds"``) per month, quarter or year, by program.

    The small categories are summed into one grey segment; a period still
    running at the data date is hatched and faded.
    """
    if value not in ("invitations", "rounds"):
        raise ValueError(f"value must be 'invitations' or 'rounds', not {value!r}")
    ax = new_axes(ax)
    table = stats.invitations_by_period(draws, period)
    wide = stats.wide_by_program(table, value)
    partial, note = _partial_period(draws, period)
    _stacked_bars(ax, wide, period, partial)
    if period != "year":
        _date_axis(ax)
    _thousands(ax)
    key = mark_events(ax) if events else ""
    add_legend(ax, title="Program")
    noun = "Invitations to apply" if value == "invitations" else "Rounds of invitations"
    return finish_axes(
        ax,
        title=f"{noun} per {period}, by program",
        xlabel="Draw date" if period != "year" else "Year",
        ylabel=f"{noun.split(' ')[0]} per {period}",
        caption=caption,
        date=stats.data_date(draws),
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
    ytd = stats.year_to_date(draws)
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
    _thousands(ax)
    add_legend(ax, reverse=True, title="Year")
    return finish_axes(
        ax,
        title=f"Invitations issued since January 1: {highlight} against earlier years",
        xlabel="Day of the year (date of the round)",
        ylabel="Invitations since January 1",
        caption=caption,
        date=stats.data_date(draws),
    )


# --------------------------------------------------------------------------- size vs cutoff


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
    keys = _programs(draws, programs)
    shown = draws[draws["program"].isin(keys)]
    for key in sorted(keys, key=_is_main):  # the grey points first, under the colours
        rows = shown[shown["program"] == key]
        ax.scatter(
            rows["invitations"].astype("float64"),
            rows["crs_cutoff"].astype("float64"),
            s=20 if _is_main(key) else 12,
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
    _thousands(ax, "x")
    add_legend(ax, _program_handles(keys, line=False), title="Program")
    return finish_axes(
        ax,
        title="Draw size against CRS cutoff",
        xlabel="Invitations in the round (log scale)",
        ylabel="CRS cutoff (lowest score invited, points)",
        caption=caption,
        date=stats.data_date(draws),
    )


# --------------------------------------------------------------------------- pool


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
    table = stats.pool_distribution(pool)
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
        keys = _programs(over)
        for key in sorted(keys, key=_is_main):
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
        handles = _program_handles(keys, line=False)
    ax.set_ylim(*ylim)
    ax.xaxis_date()
    _date_axis(ax)
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
    table = stats.pool_distribution(pool, coarse=True)
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
    _date_axis(ax)
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
