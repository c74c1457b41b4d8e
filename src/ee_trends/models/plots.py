"""Charts of the draw-size models: scatter, effects forest plot, what-if curve, backtest.

Same convention as :mod:`ee_trends.plots`: ``plot_x(data, *, ax=None,
**kwargs) -> Axes``, no ``plt.show()``, no global state, program colours from
:data:`ee_trends.plots.PROGRAM_COLORS`; the ``*_panels`` functions draw one
of those per program on a new figure and return it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ee_trends.models import MAIN_PROGRAMS, predict_curve
from ee_trends.plots import PROGRAM_COLORS, new_axes
from ee_trends.programs import program_label


def _log_size_axis(ax: Axes) -> None:
    ax.set_xscale("log")
    sizes = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_formatter(sizes)
    # minor ticks at 2x and 5x, labelled too: a range under a decade has few major ticks
    ax.xaxis.set_minor_locator(mticker.LogLocator(subs=(2, 5)))
    ax.xaxis.set_minor_formatter(sizes)


def plot_size_effects(effects: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Forest plot: cutoff change per doubling of size with 95% intervals, per program and fit.

    ``effects`` is :func:`ee_trends.models.size_effects`.
    """
    ax = new_axes(ax, figsize=(9, 6))
    specs = list(dict.fromkeys(effects["specification"]))
    markers = dict(zip(specs, "osD^v<>", strict=False))
    rows = effects.reset_index(drop=True)
    labels = []
    for i, row in rows.iterrows():
        y = len(rows) - 1 - i
        color = PROGRAM_COLORS.get(row["program"], "0.2")
        ax.errorbar(
            row["effect_per_doubling"],
            y,
            xerr=[
                [row["effect_per_doubling"] - row["ci_low"]],
                [row["ci_high"] - row["effect_per_doubling"]],
            ],
            fmt=markers[row["specification"]],
            color=color,
            capsize=3,
        )
        labels.append((y, f"{row['program']} · {row['specification']} (n={row['n']})"))
    ax.set_yticks([y for y, _ in labels], [text for _, text in labels], fontsize=8)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set(
        xlabel="Change in cutoff per doubling of draw size (CRS points, 95% interval)",
        title="Size effects within program (associations, not causal effects)",
    )
    return ax


def plot_what_if(
    curve: pd.DataFrame,
    *,
    history: pd.DataFrame | None = None,
    program: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Expected cutoff and its interval against draw size (``curve`` from ``predict_curve``).

    With ``history``, the program's rounds of the last two years are drawn as
    points. When the combination is led by a candidate other than the
    size-adjusted model (say the last cutoff, which ignores size), the model's
    curve is drawn dashed, so the size effect stays visible.
    """
    ax = new_axes(ax, figsize=(8, 5))
    color = PROGRAM_COLORS.get(program or "", "#1f77b4")
    x = curve["invitations"].astype(float)
    ax.fill_between(x, curve["low"], curve["high"], color=color, alpha=0.2, label="90% interval")
    leading = ", ".join(pd.unique(curve["leading"]))
    ax.plot(x, curve["estimate"], color=color, lw=2, label=f"expected cutoff (led by: {leading})")
    if (curve["leading"] != "model").any():
        ax.plot(x, curve["model"], color=color, lw=1.2, ls="--", label="size-adjusted model")
    if history is not None and program is not None:
        own = history[history["program"].astype(str) == program]
        own = own[own["draw_date"] >= own["draw_date"].max() - pd.Timedelta(days=730)]
        ax.scatter(
            own["invitations"].astype(float),
            own["crs_cutoff"].astype(float),
            s=14,
            color="0.3",
            alpha=0.6,
            label="rounds of the last two years",
        )
    _log_size_axis(ax)
    name = program_label(program) if program else "the program"
    ax.set(
        xlabel="Invitations in the next round (log scale)",
        ylabel="CRS cutoff",
    )
    ax.set_title(f"What if: the next round of {name}", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_backtest(results: pd.DataFrame, *, program: str, ax: Axes | None = None) -> Axes:
    """Out-of-sample forecasts, intervals and the naive forecast against the actual cutoffs.

    With the ``period`` column of :func:`ee_trends.models.backtest_periods`, a
    dashed line marks the start of the test period.
    """
    ax = new_axes(ax, figsize=(10, 4.5))
    part = results[results["program"] == program]
    color = PROGRAM_COLORS.get(program, "#1f77b4")
    ax.fill_between(
        part["draw_date"], part["low"], part["high"], color=color, alpha=0.2, step="mid"
    )
    ax.plot(part["draw_date"], part["estimate"], "o-", color=color, ms=3, label="model")
    ax.plot(part["draw_date"], part["naive"], "x", color="0.5", ms=4, label="naive")
    ax.plot(part["draw_date"], part["crs_cutoff"], "k.", ms=5, label="actual")
    missed = part[~part["covered"]]
    ax.scatter(missed["draw_date"], missed["crs_cutoff"], s=50, facecolors="none", edgecolors="red")
    if "period" in part and part["period"].nunique() > 1:  # from backtest_periods
        start = part.loc[part["period"] == "test", "draw_date"].min()
        ax.axvline(start, color="0.6", ls="--", lw=1, label="test period from here")
    ax.set(ylabel="CRS cutoff", title=f"Backtest: {program_label(program)}")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_backtest_panels(
    results: pd.DataFrame, *, programs: Sequence[str] = MAIN_PROGRAMS
) -> Figure:
    """:func:`plot_backtest` of each of ``programs``, one under the other."""
    fig, axes = plt.subplots(
        len(programs), 1, figsize=(10, 2.8 * len(programs)), layout="constrained", squeeze=False
    )
    for ax, program in zip(axes[:, 0], programs, strict=True):
        plot_backtest(results, program=program, ax=ax)
    return fig


def plot_what_if_panels(
    draws: pd.DataFrame,
    programs: Sequence[str],
    *,
    on: str | pd.Timestamp,
    pool: pd.DataFrame | None = None,
) -> Figure:
    """:func:`plot_what_if` of each of ``programs`` side by side, from the rounds before ``on``.

    The curves are :func:`ee_trends.models.predict_curve` with ``pool``: the
    forecaster of ``ee-trends predict``.
    """
    fig, axes = plt.subplots(
        1, len(programs), figsize=(5 * len(programs), 4.5), layout="constrained", squeeze=False
    )
    for ax, program in zip(axes[0], programs, strict=True):
        curve = predict_curve(draws, program=program, on=on, pool=pool)
        plot_what_if(curve, history=draws, program=program, ax=ax)
    return fig
