"""Charts of cutoffs, invitation volumes, cadence and the pool.

Every function follows seaborn's convention: ``plot_x(data, *, ax=None,
**kwargs) -> Axes``. It draws on ``ax`` (a new figure when None), never calls
``plt.show()`` and changes no global state (no ``rcParams``, no style); the
caller or :mod:`ee_trends.report` owns ``savefig``. All charts share one
look: the colour of a program is :data:`PROGRAM_COLORS` everywhere, dates run
along the x axis, and a caption line under the axes names the source and the
date the data runs to.

Only this module and :mod:`ee_trends.model_plots` import matplotlib and seaborn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from ee_trends import stats
from ee_trends.events import load_events
from ee_trends.programs import PROGRAM_KEYS, program_label

PROGRAM_COLORS: dict[str, str] = {
    "general": "#1f77b4",
    "cec": "#ff7f0e",
    "pnp": "#2ca02c",
    "fsw": "#9467bd",
    "fst": "#8c564b",
    "french": "#17becf",
    "healthcare": "#d62728",
    "stem": "#e377c2",
    "trades": "#bcbd22",
    "transport": "#393b79",
    "agriculture": "#637939",
    "education": "#e7ba52",
    "physicians": "#843c39",
    "senior_managers": "#7b4173",
    "military": "#404040",
    "other": "#b0b0b0",
}
"""The fixed colour of each program key, the same in every chart."""


SOURCE = "Source: IRCC, Express Entry rounds of invitations (Open Government Licence - Canada)"
_CAPTION_COLOR = "0.35"
_GAP_DAYS = 180  # a program's line is broken where it had no round for longer


# --------------------------------------------------------------------------- helpers


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (10, 5.5)) -> Axes:
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


def caption_text(date: pd.Timestamp | None, source: str = SOURCE) -> str:
    """The caption line: the source and the date the data runs to."""
    if date is None or pd.isna(date):
        return source
    return f"{source}. Data to {pd.Timestamp(date):%Y-%m-%d}."


def add_caption(ax: Axes, text: str) -> None:
    """Write ``text`` in small grey type under the axes (below the x label)."""
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=7.5,
        color=_CAPTION_COLOR,
    )


def _finish(
    ax: Axes,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    caption: str | bool,
    date: pd.Timestamp | None,
) -> Axes:
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if caption:
        add_caption(ax, caption if isinstance(caption, str) else caption_text(date))
    return ax


def _date_axis(ax: Axes, maxticks: int = 14) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _thousands(ax: Axes, axis: str = "y") -> None:
    formatter = mticker.FuncFormatter(lambda value, _: f"{value:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _legend(ax: Axes, *, reverse: bool = False, **kwargs) -> None:
    """The legend to the right of the axes (entries in reverse order with ``reverse``)."""
    handles, labels = ax.get_legend_handles_labels()
    if reverse:
        handles, labels = handles[::-1], labels[::-1]
    if handles:
        options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1), "frameon": False}
        options.update(kwargs)
        ax.legend(handles, labels, fontsize=8.5, **options)


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


def mark_events(
    ax: Axes,
    events: pd.DataFrame | None = None,
    *,
    labels: bool = True,
    color: str = "0.45",
    fontsize: float = 7,
) -> Axes:
    """Draw the policy events (:func:`ee_trends.events.load_events`) on a time chart.

    Each event inside the x range is a dashed vertical line; with ``labels``
    its short label is written along it, at the top of the axes.
    """
    events = load_events() if events is None else events
    low, high = sorted(ax.get_xlim())
    for date, label in zip(events["event_date"], events["label"], strict=True):
        x = mdates.date2num(pd.Timestamp(date))
        if not low <= x <= high:
            continue
        ax.axvline(x, color=color, linestyle="--", linewidth=0.8, zorder=0.5)
        if labels:
            ax.annotate(
                str(label),
                xy=(x, 1),
                xycoords=("data", "axes fraction"),
                xytext=(-2, -4),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="top",
                fontsize=fontsize,
                color=color,
                annotation_clip=False,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    ax.set_xlim(low, high)
    return ax


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
    """CRS cutoff of every round (points) and each program's rolling median (line).

    Parameters
    ----------
    draws
        The rounds (:func:`ee_trends.load_draws`).
    programs
        Program keys to show; default all with rounds.
    window
        Rounds in the rolling median of each program.
    ylim
        The y range; by default far low outliers (the CEC round of 2021-02-13
        at CRS 75) are left below the range, drawn as a marker on the bottom
        edge and annotated.
    events
        Mark the policy events.
    """
    ax = new_axes(ax)
    data = stats.rolling_cutoffs(draws, window=window)
    keys = _programs(data, programs)
    data = data[data["program"].astype(str).isin(keys)]
    for key in keys:
        rows = data[data["program"] == key]
        color = PROGRAM_COLORS[key]
        ax.scatter(
            rows["draw_date"],
            rows["crs_cutoff"].astype("float64"),
            s=14,
            color=color,
            alpha=0.55,
            linewidths=0,
            label=program_label(key),
        )
        if len(rows) > 1:
            x, y = _broken(rows["draw_date"], rows["cutoff_median"])
            ax.plot(x, y, color=color, linewidth=1.8)
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
                s=60,
                color=PROGRAM_COLORS[str(row["program"])],
                clip_on=False,
                zorder=3,
            )
            size = draws.loc[draws["draw_id"] == row["draw_id"], "invitations"]
            extra = f", {int(size.iloc[0]):,} invitations" if len(size) else ""
            ax.annotate(
                f"{program_label(str(row['program']))} round of "
                f"{row['draw_date']:%Y-%m-%d}: CRS {int(row['crs_cutoff'])}{extra} (off scale)",
                xy=(row["draw_date"], floor),
                xytext=(10, 22),
                textcoords="offset points",
                fontsize=8,
                arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.6},
            )
    _date_axis(ax)
    if events:
        mark_events(ax)
    _legend(ax, title=f"Program (line: median of last {window} rounds)", title_fontsize=8.5)
    return _finish(
        ax,
        title="CRS cutoff of each round, by program",
        xlabel="Draw date",
        ylabel="CRS cutoff (lowest score invited, points)",
        caption=caption,
        date=stats.data_date(draws),
    )


def plot_cutoff_panels(
    draws: pd.DataFrame,
    *,
    programs: Iterable[str] | None = None,
    window: int = 5,
    ncols: int = 3,
    min_rounds: int = 1,
    caption: str | bool = True,
) -> np.ndarray:
    """Small multiples: one panel per program with its cutoffs and rolling median.

    The other programs' rounds are drawn in light grey behind, for scale.
    Returns the array of Axes (one per program, in the program table's order).
    """
    data = stats.rolling_cutoffs(draws, window=window)
    counts = data["program"].astype(str).value_counts()
    keys = [k for k in _programs(data, programs) if counts.get(k, 0) >= min_rounds]
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(4 * ncols, 2.6 * nrows + 0.6),
        sharex=True,
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    floor, _ = _robust_floor(data["crs_cutoff"])
    everything = data["crs_cutoff"].astype("float64")
    for ax, key in zip(axes.flat, keys, strict=False):
        rows = data[data["program"] == key]
        ax.scatter(data["draw_date"], everything, s=4, color="0.85", linewidths=0, rasterized=True)
        color = PROGRAM_COLORS[key]
        ax.scatter(
            rows["draw_date"], rows["crs_cutoff"].astype("float64"), s=10, color=color, alpha=0.7
        )
        if len(rows) > 1:
            x, y = _broken(rows["draw_date"], rows["cutoff_median"])
            ax.plot(x, y, color=color, linewidth=1.5)
        ax.set_title(_count_title(key, len(rows)), fontsize=9.5, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        _date_axis(ax, maxticks=6)
    for ax in axes.flat[len(keys) :]:
        ax.set_visible(False)
    if floor is not None:
        axes.flat[0].set_ylim(bottom=floor)
    for ax in axes[:, 0]:
        ax.set_ylabel("CRS cutoff")
    fig.suptitle(
        f"CRS cutoff by program (points: rounds; line: median of last {window} rounds)",
        x=0.01,
        ha="left",
        fontweight="bold",
    )
    if caption:
        text = caption if isinstance(caption, str) else caption_text(stats.data_date(draws))
        if floor is not None:
            text += " Rounds below the y range are not shown."
        fig.supxlabel(text, x=0.01, ha="left", fontsize=7.5, color=_CAPTION_COLOR)
    return axes.flat[: len(keys)] if keys else axes.flat[:1]


# --------------------------------------------------------------------------- volumes

_PERIOD_WIDTH = {"month": 26, "quarter": 80, "year": 330}


def _stacked_bars(ax: Axes, wide: pd.DataFrame, period: str) -> None:
    """Bars centred on each period, stacked by program, in the program table's order."""
    width = _PERIOD_WIDTH[period]
    bottom = np.zeros(len(wide))
    x = mdates.date2num(wide.index.to_pydatetime()) + _PERIOD_WIDTH[period] / 2 + 2
    for key in wide.columns:
        values = wide[key].to_numpy(dtype="float64")
        shown = values > 0
        if not shown.any():
            continue
        ax.bar(
            x[shown],
            values[shown],
            width=width,
            bottom=bottom[shown],
            color=PROGRAM_COLORS.get(str(key), "0.5"),
            label=program_label(str(key)),
            linewidth=0,
        )
        bottom += values
    ax.xaxis_date()
    if len(bottom) and bottom.max() > 0:
        ax.set_ylim(0, bottom.max() * 1.05)
    if period == "year" and len(x):
        step = max(1, math.ceil(len(x) / 14))
        ax.set_xticks(x[::step], [f"{day:%Y}" for day in wide.index[::step]])
        ax.set_xlim(x[0] - width * 0.7, x[-1] + width * 0.7)


def plot_invitations(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    period: str = "year",
    value: str = "invitations",
    events: bool = False,
    caption: str | bool = True,
) -> Axes:
    """Invitations (or rounds: ``value="rounds"``) per month, quarter or year, by program."""
    if value not in ("invitations", "rounds"):
        raise ValueError(f"value must be 'invitations' or 'rounds', not {value!r}")
    ax = new_axes(ax)
    table = stats.invitations_by_period(draws, period)
    wide = stats.wide_by_program(table, value)
    _stacked_bars(ax, wide, period)
    if period != "year":
        _date_axis(ax)
    _thousands(ax)
    if events:
        mark_events(ax)
    _legend(ax, title="Program", title_fontsize=8.5)
    noun = "Invitations to apply" if value == "invitations" else "Rounds of invitations"
    date = stats.data_date(draws)
    partial = ""
    if date is not None and period == "year" and (date.month, date.day) != (12, 31):
        partial = f" ({date.year} to {date:%b %d})"
    return _finish(
        ax,
        title=f"{noun} per {period}, by program{partial}",
        xlabel="Draw date" if period != "year" else "Year",
        ylabel=f"{noun.split(' ')[0]} per {period}",
        caption=caption,
        date=date,
    )


def plot_rounds_per_month(
    draws: pd.DataFrame, *, ax: Axes | None = None, caption: str | bool = True
) -> Axes:
    """Rounds of invitations per month, stacked by program."""
    return plot_invitations(draws, ax=ax, period="month", value="rounds", caption=caption)


def plot_cumulative_invitations(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    highlight: int | None = None,
    recent: int = 4,
    caption: str | bool = True,
) -> Axes:
    """Invitations since January 1, round by round: each year against the earlier years.

    ``highlight`` (default: the newest year) is drawn thick in red, the
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
    palette = ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
    base = pd.Timestamp("2001-01-01")  # a non-leap year: x is the day of the year
    styles: dict[int, dict] = {y: {"color": "0.78", "linewidth": 1.0} for y in grey}
    for i, year in enumerate(reversed(coloured)):
        styles[year] = {"color": palette[i % len(palette)], "linewidth": 1.6}
    styles[highlight] = {"color": "#d62728", "linewidth": 2.8, "zorder": 3}
    if grey:
        span = f"{grey[0]}-{grey[-1]}" if len(grey) > 1 else str(grey[0])
        ax.plot([], [], color="0.78", linewidth=1.0, label=span)
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
                fontsize=7.5,
                va="center",
                color=styles[year]["color"],
            )
    months = pd.date_range(base, periods=12, freq="MS")
    ax.set_xticks(mdates.date2num(months.to_pydatetime()), [f"{m:%b}" for m in months])
    ax.set_xlim(base - pd.Timedelta(days=3), pd.Timestamp("2001-12-31") + pd.Timedelta(days=40))
    ax.set_ylim(bottom=0)
    _thousands(ax)
    _legend(ax, reverse=True, title="Year", title_fontsize=8.5)
    return _finish(
        ax,
        title=f"Invitations issued since January 1: {highlight} against earlier years",
        xlabel="Day of the year (date of the round)",
        ylabel="Invitations since January 1 (cumulative)",
        caption=caption,
        date=stats.data_date(draws),
    )


# --------------------------------------------------------------------------- cadence


def plot_gaps(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    window: int = 10,
    events: bool = True,
    caption: str | bool = True,
) -> Axes:
    """Days between consecutive draw days (points) and their rolling median (line)."""
    ax = new_axes(ax)
    gaps = stats.round_gaps(draws).dropna(subset=["gap_days"])
    values = gaps["gap_days"].astype("float64")
    ax.scatter(gaps["draw_date"], values, s=12, color="#1f77b4", alpha=0.5, linewidths=0)
    if len(gaps) > 1:
        median = values.rolling(window, min_periods=1).median()
        ax.plot(gaps["draw_date"], median, color="#1f77b4", linewidth=1.8, label="rolling median")
        ax.plot([], [], "o", color="#1f77b4", alpha=0.5, markersize=4, label="one draw day")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    if events:
        mark_events(ax)
    _legend(ax, loc="upper left", bbox_to_anchor=(0, 1.0), frameon=True)
    return _finish(
        ax,
        title="Draw cadence: days since the previous draw day",
        xlabel="Draw date",
        ylabel=f"Days since previous draw day\n(line: median of last {window})",
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
    """Draw size (invitations, log scale) against CRS cutoff, one colour per program.

    ``since`` keeps the rounds from that date on; rounds larger than
    ``annotate_above`` (the 27,332-invitation CEC round of 2021-02-13) are labelled.
    """
    ax = new_axes(ax, figsize=(9, 6))
    if since is not None:
        draws = draws[draws["draw_date"] >= pd.Timestamp(since)]
    keys = _programs(draws, programs)
    shown = draws[draws["program"].isin(keys)]
    counts = shown["program"].astype(str).value_counts()
    names = {key: f"{program_label(key)} ({counts.get(key, 0)})" for key in keys}
    sns.scatterplot(
        x=shown["invitations"].astype("float64"),
        y=shown["crs_cutoff"].astype("float64"),
        hue=shown["program"].astype(str).map(names),
        hue_order=list(names.values()),
        palette={names[key]: PROGRAM_COLORS[key] for key in keys},
        s=18,
        alpha=0.7,
        linewidth=0,
        ax=ax,
    )
    for _, row in shown[shown["invitations"] > annotate_above].iterrows():
        ax.annotate(
            f"#{row['draw_id']} {row['draw_date']:%Y-%m-%d}\n"
            f"{int(row['invitations']):,} at CRS {int(row['crs_cutoff'])}",
            (float(row["invitations"]), float(row["crs_cutoff"])),
            xytext=(-10, 20),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            arrowprops={"arrowstyle": "-", "color": "0.4"},
        )
    ax.set_xscale("log")
    _thousands(ax, "x")
    _legend(ax, title="Program (rounds)", title_fontsize=8.5)
    return _finish(
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
    *,
    ax: Axes | None = None,
    events: bool = False,
    caption: str | bool = True,
) -> Axes:
    """Candidates in the pool by CRS range (rows) on each published date (columns).

    The published ranges have unequal widths (ten points from 401 to 500, fifty
    from 301 to 400 and 501 to 600, more at the ends), so the colour is the
    count per 10 CRS points of the range: rows compare as densities. An
    unpublished range is left blank.
    """
    ax = new_axes(ax, figsize=(10, 5.5))
    table = stats.pool_distribution(pool)
    wide = table.pivot_table(
        index="crs_range", columns="pool_as_of", values="candidates", observed=False, dropna=False
    )
    widths = table.drop_duplicates("crs_range").set_index("crs_range")
    points = (widths["score_max"] - widths["score_min"] + 1).astype("float64")
    wide = wide.astype("float64").div(points.reindex(wide.index) / 10, axis=0)
    dates = mdates.date2num(pd.DatetimeIndex(wide.columns).to_pydatetime())
    if len(dates) == 0:
        raise ValueError("no published pool distribution to plot")
    if len(dates) > 1:
        mids = (dates[1:] + dates[:-1]) / 2
        edges = np.concatenate([[dates[0] - (mids[0] - dates[0])], mids, [dates[-1] + 7]])
    else:
        edges = np.array([dates[0] - 7, dates[0] + 7])
    rows = np.arange(len(wide.index) + 1)
    values = np.ma.masked_invalid(wide.to_numpy()[::-1] / 1000)
    mesh = ax.pcolormesh(edges, rows, values, cmap=sns.color_palette("rocket_r", as_cmap=True))
    ax.set_yticks(rows[:-1] + 0.5, [str(label) for label in wide.index[::-1]], fontsize=8)
    ax.xaxis_date()
    _date_axis(ax)
    colorbar = ax.figure.colorbar(mesh, ax=ax, pad=0.01)
    colorbar.set_label("Candidates per 10 CRS points (thousands)")
    if events:
        mark_events(ax)
    return _finish(
        ax,
        title="Where the pool's candidates score: candidates per 10 CRS points",
        xlabel="Date of the pool distribution",
        ylabel="CRS score range",
        caption=caption,
        date=table["pool_as_of"].max() if len(table) else None,
    )


def plot_pool_area(
    pool: pd.DataFrame, *, ax: Axes | None = None, caption: str | bool = True
) -> Axes:
    """Candidates in the pool over time, stacked by coarse CRS range (highest on top)."""
    ax = new_axes(ax)
    table = stats.pool_distribution(pool, coarse=True)
    wide = table.pivot_table(
        index="pool_as_of", columns="crs_range", values="candidates", observed=True
    )
    order = list(wide.columns)[::-1]  # lowest range at the bottom
    wide = wide[order].astype("float64") / 1000
    colors = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.95, 0.1, len(order)))).colors
    ax.stackplot(
        wide.index,
        wide.fillna(0).to_numpy().T,
        labels=[f"CRS {label}" for label in order],
        colors=colors,
        linewidth=0,
    )
    _date_axis(ax)
    ax.set_ylim(bottom=0)
    _legend(ax, reverse=True, title="CRS score range", title_fontsize=8.5)
    return _finish(
        ax,
        title="Candidates in the Express Entry pool, by CRS score range",
        xlabel="Date of the pool distribution",
        ylabel="Candidates (thousands)",
        caption=caption,
        date=table["pool_as_of"].max() if len(table) else None,
    )


def plot_pool_total(
    draws: pd.DataFrame,
    *,
    ax: Axes | None = None,
    events: bool = True,
    caption: str | bool = True,
) -> Axes:
    """Total candidates in the pool on each published date."""
    ax = new_axes(ax, figsize=(10, 4.5))
    totals = stats.pool_totals(draws)
    x, y = _broken(totals["pool_as_of"], totals["pool_total"].astype("float64") / 1000, 120)
    ax.plot(x, y, color="#1f3b73", linewidth=1.8, marker="o", markersize=2.5)
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    if events:
        mark_events(ax)
    return _finish(
        ax,
        title="Candidates in the Express Entry pool",
        xlabel="Date of the pool distribution",
        ylabel="Candidates (thousands)",
        caption=caption,
        date=stats.data_date(draws),
    )


def _count_title(key: str, rounds: int) -> str:
    return f"{program_label(key)} ({rounds} round{'' if rounds == 1 else 's'})"
