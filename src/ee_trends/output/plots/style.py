"""The house look of every chart (described in :mod:`ee_trends.output.plots`): sizes,
captions, legends, event markers and the helpers the chart modules share.
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
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ee_trends.events import load_events
from ee_trends.programs import (
    MAIN_COLORED,
    MINOR_COLOR,
    PROGRAM_COLORS,
    PROGRAM_KEYS,
    check_program,
    program_label,
)

SOURCE = "Source: IRCC, Express Entry rounds of invitations (Open Government Licence - Canada)"
SMALLER = "Smaller categories"
"""Legend entry of the programs drawn in the one grey."""

FONT = {"title": 13.5, "label": 11, "tick": 10, "legend": 10, "caption": 9}
"""Font sizes in points: at the report's 10-inch width they read at 800 pixels."""

CAPTION_COLOR = "0.3"
_GAP_DAYS = 180  # a program's line is broken where it had no round for longer
_CAPTION_WIDTH = 135  # characters per caption line on a 10-inch figure
PARTIAL = {"hatch": "////"}
"""A period still running: hatched in white over its program's own colour, never faded (a
faded Canadian Experience Class blue reads as the STEM blue of the legend)."""


# --------------------------------------------------------------------------- helpers


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (10, 5.6)) -> Axes:
    """``ax``, or the axes of a new figure of ``figsize`` (constrained layout)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def programs_drawn(data: pd.DataFrame, programs: Iterable[str] | None = None) -> list[str]:
    present = set(data["program"].dropna().astype(str))
    wanted = PROGRAM_KEYS if programs is None else tuple(check_program(p) for p in programs)
    return [key for key in wanted if key in present]


def is_main(key: str) -> bool:
    return key in MAIN_COLORED


def caption_text(date: pd.Timestamp | None, source: str = SOURCE) -> str:
    """The caption line: the source and the date the data runs to."""
    if date is None or pd.isna(date):
        return source
    return f"{source}. Data to {pd.Timestamp(date):%Y-%m-%d}."


CAPTION_GID = "caption"
"""The ``gid`` of a caption written by :func:`add_caption` (the report re-wraps it for phones)."""


def wrap(text: str) -> str:
    return "\n".join(
        textwrap.fill(part, _CAPTION_WIDTH) for part in text.split("\n") if part.strip()
    )


def add_caption(ax: Axes, text: str) -> None:
    """Write ``text`` (wrapped) in grey type under the axes, below the x label, from the
    figure's left edge (a caption under axes pushed right by long labels would be cut)."""
    ax.annotate(
        wrap(text),
        xy=(0, 0),
        xycoords=("figure fraction", ax.xaxis.label),
        xytext=(6, -6),
        gid=CAPTION_GID,
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=FONT["caption"],
        color=CAPTION_COLOR,
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


def date_axis(ax: Axes, maxticks: int = 12) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def thousands(ax: Axes, axis: str = "y") -> None:
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


def program_handles(keys: Iterable[str], *, line: bool = True) -> list:
    """Legend swatches: one per main program (line and dot), one for all smaller categories."""
    handles = []
    minor = False
    for key in keys:
        if not is_main(key):
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


def broken(dates: pd.Series, values: pd.Series, max_gap_days: int = _GAP_DAYS):
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


def robust_floor(values: pd.Series) -> tuple[float | None, pd.Series]:
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
