"""Every plot function returns Axes with a title, axis labels and a caption, on a tiny feed
and on the real data; figures are closed by conftest."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.axes import Axes

from conftest import make_feed, make_round, no_distribution
from ee_trends import plots
from ee_trends.load import load_tables
from ee_trends.programs import PROGRAM_KEYS


@pytest.fixture(scope="module")
def small():
    """Five rounds: two programs, one day with two rounds, one round without a distribution."""
    feed = make_feed(
        make_round("305", drawDate="2024-09-10", drawName="Canadian Experience Class"),
        make_round(
            "304", drawDate="2024-09-10", drawName="Provincial Nominee Program", drawCRS="780"
        ),
        make_round("303", drawDate="2024-08-01", drawDistributionAsOn="July 30, 2024"),
        make_round("302", drawDate="2024-07-02", drawDistributionAsOn="June 30, 2024"),
        make_round(
            "301",
            drawDate="2023-12-05",
            drawDateTime="December 5, 2023 at 14:00:00 UTC",
            drawCutOff="",
            **no_distribution(),
        ),
    )
    return load_tables(feed)


@pytest.fixture(scope="module")
def real(newest_feed, tmp_path_factory):
    return load_tables(newest_feed, data_dir=tmp_path_factory.mktemp("data"))


DRAW_PLOTS = {
    "cutoffs": plots.plot_cutoffs,
    "invitations_year": plots.plot_invitations,
    "invitations_month": lambda d, **k: plots.plot_invitations(d, period="month", **k),
    "invitations_quarter_events": lambda d, **k: plots.plot_invitations(
        d, period="quarter", events=True, **k
    ),
    "rounds_per_month": plots.plot_rounds_per_month,
    "cumulative": plots.plot_cumulative_invitations,
    "gaps": plots.plot_gaps,
    "size_vs_cutoff": plots.plot_size_vs_cutoff,
    "pool_total": plots.plot_pool_total,
}
POOL_PLOTS = {"pool_heatmap": plots.plot_pool_heatmap, "pool_area": plots.plot_pool_area}


def check_axes(ax):
    assert isinstance(ax, Axes)
    assert ax.get_title(loc="left")
    assert ax.get_xlabel() and ax.get_ylabel()
    captions = [t.get_text() for t in ax.texts if t.get_text().startswith("Source: IRCC")]
    assert captions, "no source caption"


def tables(which, small, real):
    return small if which == "small" else real


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
@pytest.mark.parametrize("name", sorted(DRAW_PLOTS))
def test_draw_plots(name, which, request):
    draws, _ = request.getfixturevalue(which)
    check_axes(DRAW_PLOTS[name](draws))


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
@pytest.mark.parametrize("name", sorted(POOL_PLOTS))
def test_pool_plots(name, which, request):
    _, pool = request.getfixturevalue(which)
    check_axes(POOL_PLOTS[name](pool))


def test_plots_draw_on_a_given_axes(small):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    assert plots.plot_cutoffs(small[0], ax=axes[1], caption=False) is axes[1]
    assert not axes[1].texts or all("Source" not in t.get_text() for t in axes[1].texts)
    assert len(fig.axes) == 2


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
def test_cutoff_panels_one_per_program(which, request):
    draws, _ = request.getfixturevalue(which)
    axes = plots.plot_cutoff_panels(draws)
    assert len(axes) == draws["program"].astype(str).nunique()
    assert all(ax.get_title(loc="left") for ax in axes)


@pytest.mark.shared_data
def test_cutoff_outlier_is_clipped_and_annotated(real):
    ax = plots.plot_cutoffs(real[0])
    bottom, top = ax.get_ylim()
    assert 75 < bottom <= 169 and top >= 902
    assert any("CRS 75" in t.get_text() for t in ax.texts)


@pytest.mark.shared_data
def test_events_are_marked_inside_the_range(real):
    ax = plots.plot_gaps(real[0])
    labels = {t.get_text() for t in ax.texts}
    assert "Category-based rounds begin" in labels
    small_ax = plots.plot_gaps(real[0][real[0]["draw_date"] >= "2024-01-01"])
    assert "Category-based rounds begin" not in {t.get_text() for t in small_ax.texts}


def test_mark_events_on_any_time_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2020-01-01", "2021-01-01"]), [0, 1])
    low, high = ax.get_xlim()
    plots.mark_events(ax, labels=False)
    assert ax.get_xlim() == (low, high)
    lines = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(lines) == 2  # 2020-03-18 and 2021-01-07
    assert mdates.num2date(lines[0].get_xdata()[0]).date().isoformat() == "2020-03-18"


def test_one_fixed_colour_per_program():
    assert list(plots.PROGRAM_COLORS) == list(PROGRAM_KEYS)
    colours = [c for k, c in plots.PROGRAM_COLORS.items()]
    assert len(set(colours)) == len(colours)


def test_program_colour_is_the_same_across_charts(small):
    draws, _ = small
    cutoffs = plots.plot_cutoffs(draws)
    size = plots.plot_size_vs_cutoff(draws)
    for ax in (cutoffs, size):
        legend = {
            t.get_text(): h
            for t, h in zip(ax.get_legend().texts, ax.get_legend().legend_handles, strict=True)
        }
        (handle,) = [h for t, h in legend.items() if t.startswith("Canadian Experience Class")]
        if isinstance(handle, matplotlib.lines.Line2D):
            colour = handle.get_markerfacecolor()
        else:
            colour = handle.get_facecolor()[0]
        assert matplotlib.colors.to_hex(colour) == plots.PROGRAM_COLORS["cec"]


def test_import_ee_trends_does_not_import_matplotlib():
    code = "import sys, ee_trends, ee_trends.stats; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plot_options_change_what_is_drawn(small):
    draws, _ = small
    assert plots.plot_cutoffs(draws, ylim=(300, 900)).get_ylim() == (300, 900)
    panels = plots.plot_cutoff_panels(draws, ncols=1, min_rounds=2)
    assert panels.size == 1  # only the all-program rounds reach two rounds
    cumulative = plots.plot_cumulative_invitations(draws, highlight=2023)
    assert "2023 against earlier years" in cumulative.get_title(loc="left")
    since = plots.plot_size_vs_cutoff(draws, since="2024-08-01")
    assert sum(len(c.get_offsets()) for c in since.collections) == 3
    labelled = plots.plot_size_vs_cutoff(draws, annotate_above=1000)
    assert len([t for t in labelled.texts if t.get_text().startswith("#")]) == len(draws)
