"""Every plot function returns Axes with a title, axis labels and a caption, and draws what the
data holds (read back from its artists), on a tiny feed and on the real data; figures are
closed by conftest."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.patches import Rectangle

from conftest import make_feed, make_round, no_distribution
from ee_trends.data.load import load_tables
from ee_trends.output import plots
from ee_trends.output.plots import style
from ee_trends.programs import MINOR_COLOR, PROGRAM_COLORS, PROGRAM_KEYS, program_label


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


@pytest.fixture
def real(real_tables):
    """The real feed's tables (the session's :func:`conftest.real_tables`)."""
    return real_tables


DRAW_PLOTS = {
    "cutoffs": plots.plot_cutoffs,
    "invitations_year": plots.plot_invitations,
    "invitations_month": lambda d, **k: plots.plot_invitations(d, period="month", **k),
    "invitations_quarter_events": lambda d, **k: plots.plot_invitations(
        d, period="quarter", events=True, **k
    ),
    "cumulative": plots.plot_cumulative_invitations,
    "size_vs_cutoff": plots.plot_size_vs_cutoff,
}
POOL_PLOTS = {"pool_heatmap": plots.plot_pool_heatmap, "pool_area": plots.plot_pool_area}


def check_axes(ax):
    assert isinstance(ax, Axes)
    assert ax.get_title(loc="left")
    assert ax.get_xlabel() and ax.get_ylabel()
    captions = [t.get_text() for t in ax.texts if "Source: IRCC" in t.get_text()]
    assert captions, "no source caption"


def points(ax) -> set[tuple[float, float]]:
    """Every point the scatters of ``ax`` drew, as (x, y)."""
    return {
        (float(x), float(y))
        for c in ax.collections
        if isinstance(c, PathCollection)
        for x, y in c.get_offsets()
    }


def bar_total(ax) -> float:
    return sum(p.get_height() for p in ax.patches if isinstance(p, Rectangle))


def drawn_cutoffs(ax, draws):
    rounds = draws.dropna(subset=["crs_cutoff"])
    x, y = mdates.date2num(rounds["draw_date"]), rounds["crs_cutoff"].astype(float).to_numpy()
    bottom = ax.get_ylim()[0]
    below = {(date, bottom) for date, cutoff in zip(x, y, strict=True) if cutoff < bottom}
    assert points(ax) == set(zip(x, y, strict=True)) | below  # every round; a ▼ for each below


def drawn_invitations(ax, draws):
    assert bar_total(ax) == pytest.approx(float(draws["invitations"].sum()))  # stacked bars


def drawn_cumulative(ax, draws):
    yearly = draws.groupby(draws["draw_date"].dt.year)["invitations"].sum()
    ends = sorted(float(line.get_ydata()[-1]) for line in ax.lines if len(line.get_ydata()))
    assert ends == sorted(yearly.astype(float))  # one line per year, ending at its total


def drawn_size_vs_cutoff(ax, draws):
    rounds = draws.dropna(subset=["crs_cutoff", "invitations"])
    expected = zip(
        rounds["invitations"].astype(float), rounds["crs_cutoff"].astype(float), strict=True
    )
    assert points(ax) == set(expected)


def drawn_heatmap(ax, pool):
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    shape = (pool["score_min"].nunique(), pool["pool_as_of"].nunique())
    assert mesh.get_array().shape == shape  # a cell per range and distribution date


def drawn_area(ax, pool):
    from ee_trends.analysis.aggregate import POOL_GROUPS

    assert len(ax.collections) == len(POOL_GROUPS)  # one band per coarse range
    top = max(float(np.nanmax(p.vertices[:, 1])) for c in ax.collections for p in c.get_paths())
    totals = pool.groupby(["pool_as_of", "draw_id"])["candidates"].sum()
    assert top == pytest.approx(float(totals.max()) / 1000)  # the top edge: the whole pool


DRAWN = {
    "cutoffs": drawn_cutoffs,
    "invitations_year": drawn_invitations,
    "invitations_month": drawn_invitations,
    "invitations_quarter_events": drawn_invitations,
    "cumulative": drawn_cumulative,
    "size_vs_cutoff": drawn_size_vs_cutoff,
    "pool_heatmap": drawn_heatmap,
    "pool_area": drawn_area,
}
"""Per plot: what it must have drawn, read back from its artists against the data."""


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
@pytest.mark.parametrize("name", sorted(DRAW_PLOTS))
def test_draw_plots(name, which, request):
    draws, _ = request.getfixturevalue(which)
    ax = DRAW_PLOTS[name](draws)
    check_axes(ax)
    DRAWN[name](ax, draws)


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
@pytest.mark.parametrize("name", sorted(POOL_PLOTS))
def test_pool_plots(name, which, request):
    _, pool = request.getfixturevalue(which)
    ax = POOL_PLOTS[name](pool)
    check_axes(ax)
    DRAWN[name](ax, pool)


def test_every_plot_has_its_drawn_check():
    assert set(DRAWN) == set(DRAW_PLOTS) | set(POOL_PLOTS)


def test_plots_draw_on_a_given_axes(small):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    assert plots.plot_cutoffs(small[0], ax=axes[1], caption=False) is axes[1]
    assert not axes[1].texts or all("Source" not in t.get_text() for t in axes[1].texts)
    assert len(fig.axes) == 2


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
def test_recent_panels_one_per_program_of_the_last_year(which, request):
    draws, _ = request.getfixturevalue(which)
    end = draws["draw_date"].max()
    lately = draws[draws["draw_date"] >= end - pd.DateOffset(months=12) + pd.Timedelta(days=1)]
    axes = plots.plot_recent_cutoffs(draws)
    expected = [k for k in PROGRAM_KEYS if k in set(lately["program"].astype(str))]
    assert [ax.get_title(loc="left").split("\n")[0] for ax in axes] == [
        program_label(k) for k in expected
    ]
    for ax, key in zip(axes, expected, strict=True):
        rows = draws[draws["program"] == key].sort_values("draw_date")
        newest = str(int(rows["crs_cutoff"].iloc[-1]))
        assert [t.get_text() for t in ax.texts] == [newest]  # the newest value, labelled
        (dots,) = ax.collections
        window = rows[rows["draw_date"] > end - pd.DateOffset(months=18)]
        assert list(dots.get_offsets()[:, 1]) == list(window["crs_cutoff"].astype(float))
        sizes = dots.get_sizes()
        order = window["invitations"].astype(float).to_numpy().argsort(kind="stable")
        assert (sizes[order][1:] >= sizes[order][:-1]).all()  # area grows with the round size
        # the panel counts the rounds it draws, over the months its figure's title says
        count = ax.get_title(loc="left").split("\n")[1]
        assert count.startswith(f"{len(window)} round") and count.endswith("in 18 months")
        assert "last 18 months" in ax.figure.get_suptitle()


@pytest.mark.shared_data
def test_cutoff_outlier_is_clipped_and_named_in_the_caption(real):
    ax = plots.plot_cutoffs(real[0])
    bottom, top = ax.get_ylim()
    assert 75 < bottom <= 169 and top >= 902
    (caption,) = [t.get_text() for t in ax.texts if "Source: IRCC" in t.get_text()]
    assert "CRS 75" in caption


def events_drawn(ax):
    """The event numbers: texts placed above the axes (y = 1 in axes fraction, offset up)."""
    return [t for t in ax.texts if t.get_text().isdigit() and t.xy[1] == 1]


@pytest.mark.shared_data
def test_events_are_numbered_above_the_plot_with_a_key_in_the_caption(real):
    ax = plots.plot_cutoffs(real[0])
    numbers = events_drawn(ax)
    assert [t.get_text() for t in numbers] == ["1", "2", "3", "4", "5", "6", "7"]
    assert all(t.xyann[1] > 0 and t.get_va() == "bottom" for t in numbers)  # above the axes
    (caption,) = [t.get_text() for t in ax.texts if "Source: IRCC" in t.get_text()]
    assert "5 Category-based rounds begin (2023-06-28)" in " ".join(caption.split())
    recent = plots.plot_cutoffs(real[0][real[0]["draw_date"] >= "2024-01-01"])
    assert [t.get_text() for t in events_drawn(recent)] == ["1", "2"]


@pytest.mark.parametrize("which", ["small", pytest.param("real", marks=pytest.mark.shared_data)])
def test_hover_texts_match_the_points_drawn(which, request):
    draws, _ = request.getfixturevalue(which)
    ax = plots.plot_cutoffs(draws)
    hover = plots.cutoff_hover(draws)
    scatters = {c.get_gid(): c for c in ax.collections if c.get_gid()}
    assert set(scatters) == set(hover)
    for gid, texts in hover.items():
        offsets = scatters[gid].get_offsets()
        assert len(offsets) == len(texts)
        for (x, y), text in zip(offsets, texts, strict=True):
            day = mdates.num2date(x).strftime("%Y-%m-%d")
            assert f", {day}, " in text and text.endswith(f"CRS cutoff {int(y)}")
    assert sum(map(len, hover.values())) == draws["crs_cutoff"].notna().sum()


def test_mark_events_on_any_time_axes():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2020-01-01", "2021-01-01"]), [0, 1])
    low, high = ax.get_xlim()
    key = plots.mark_events(ax)
    assert ax.get_xlim() == (low, high)
    lines = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(lines) == 2  # 2020-03-18 and 2021-01-07
    assert mdates.num2date(lines[0].get_xdata()[0]).date().isoformat() == "2020-03-18"
    assert key.startswith("Events: 1 Pandemic") and "2 All-program rounds paused" in key


def test_the_running_year_is_hatched_and_said(small):
    draws, _ = small  # data to 2024-09-10: 2024 is still running on 2024-10-01
    ax = plots.plot_invitations(draws, period="year", on="2024-10-01")
    bars = [p for p in ax.patches if p.get_height() > 0]
    years = {round(mdates.num2date(p.get_x() + p.get_width() / 2).year) for p in bars}
    assert years == {2023, 2024}
    hatched = [p for p in bars if p.get_hatch()]
    assert hatched and all(mdates.num2date(p.get_x()).year == 2024 for p in hatched)
    assert all(p.get_edgecolor()[:3] == (1, 1, 1) for p in bars)  # white edges between segments
    # a running segment keeps its program's colour in full: a faded one reads as another's
    colours = {matplotlib.colors.to_hex(c) for c in [*PROGRAM_COLORS.values(), MINOR_COLOR]}
    for patch in hatched:
        assert patch.get_facecolor()[3] == 1
        assert matplotlib.colors.to_hex(patch.get_facecolor()) in colours
    (caption,) = [t.get_text() for t in ax.texts if "Source: IRCC" in t.get_text()]
    assert "Hatched: 2024 is still running (data to 2024-09-10)" in caption
    later = plots.plot_invitations(draws, period="year", on="2026-12-02")
    (note,) = [t.get_text() for t in later.texts if "Source: IRCC" in t.get_text()]
    assert "Hatched: 2024 is incomplete: data to 2024-09-10." in note and "running" not in note
    assert [p for p in later.patches if p.get_hatch()]
    ended = load_tables(make_feed(make_round("1", drawDate="2024-06-28")))[0]
    ended.loc[0, "draw_date"] = pd.Timestamp("2024-06-30")  # the last day of 2024-Q2
    whole = plots.plot_invitations(ended, period="quarter")
    assert not [p for p in whole.patches if p.get_hatch()]
    assert (
        plots.plot_invitations(ended.assign(draw_date=pd.Timestamp("2024-06-29")), period="quarter")
        .patches[0]
        .get_hatch()
    )


def test_small_categories_share_one_grey_segment():
    feed = make_feed(
        make_round("3", drawDate="2026-03-02", drawName="Physicians", drawSize="100"),
        make_round("2", drawDate="2026-03-01", drawName="Military recruits", drawSize="50"),
        make_round("1", drawDate="2026-02-01", drawName="Canadian Experience Class"),
    )
    draws, _ = load_tables(feed)
    ax = plots.plot_invitations(draws, period="year")
    labels = [t.get_text() for t in ax.get_legend().texts]
    assert labels == ["Canadian Experience Class", style.SMALLER]
    grey = [p for p in ax.patches if matplotlib.colors.to_hex(p.get_facecolor()) == MINOR_COLOR]
    assert [p.get_height() for p in grey] == [150]


def test_pool_density_is_on_a_true_crs_scale(small):
    draws, pool = small
    ax = plots.plot_pool_heatmap(pool, draws)
    (mesh,) = [c for c in ax.collections if hasattr(c, "get_coordinates")]
    rows = mesh.get_coordinates()[:, 0, 1]
    assert list(rows) == [
        0,
        301,
        351,
        401,
        411,
        421,
        431,
        441,
        451,
        461,
        471,
        481,
        491,
        501,
        601,
        1201,
    ]
    assert ax.get_ylim() == (300, 650)
    dots = [c for c in ax.collections if c is not mesh]
    drawn = sorted(float(y) for c in dots for y in c.get_offsets()[:, 1])
    first, last = pool["pool_as_of"].min(), pool["pool_as_of"].max() + pd.Timedelta(days=14)
    inside = draws["draw_date"].between(first, last) & (draws["program"] != "pnp")
    assert drawn == sorted(draws.loc[inside, "crs_cutoff"].dropna().astype(float))
    newest = mdates.date2num(draws.loc[inside, "draw_date"].max())
    assert ax.get_xlim()[1] >= newest + 10  # the newest round's dot is not cut at the edge
    assert len(drawn) == 2


def test_one_fixed_colour_per_program():
    assert list(plots.PROGRAM_COLORS) == list(PROGRAM_KEYS)
    main = [c for c in plots.PROGRAM_COLORS.values() if c != MINOR_COLOR]
    assert len(set(main)) == len(main) <= 8


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
    code = "import sys, ee_trends, ee_trends.analysis.aggregate; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plot_options_change_what_is_drawn(small):
    draws, _ = small
    assert plots.plot_cutoffs(draws, ylim=(300, 900)).get_ylim() == (300, 900)
    panels = plots.plot_recent_cutoffs(draws, months=3, active=1)
    assert [ax.get_title(loc="left").split("\n")[0] for ax in panels] == [
        "Canadian Experience Class",
        "Provincial Nominee Program",
    ]  # the two programs of the newest month
    cumulative = plots.plot_cumulative_invitations(draws, highlight=2023)
    assert "2023 against earlier years" in cumulative.get_title(loc="left")
    since = plots.plot_size_vs_cutoff(draws, since="2024-08-01")
    assert sum(len(c.get_offsets()) for c in since.collections) == 3
    labelled = plots.plot_size_vs_cutoff(draws, annotate_above=1000)
    assert len([t for t in labelled.texts if t.get_text().startswith("#")]) == len(draws)


def test_backtest_axis_spans_the_cutoffs_not_the_first_wide_interval():
    from ee_trends.output import model_plots

    results = pd.DataFrame(
        {
            "program": "cec",
            "draw_date": pd.to_datetime(["2024-06-01", "2024-07-01", "2024-08-01"]),
            "period": ["validation", "test", "test"],
            "low": [150.0, 500.0, 505.0],  # the first forecast, from few rounds: very wide
            "high": [700.0, 530.0, 525.0],
            "estimate": [510.0, 515.0, 514.0],
            "naive": [505.0, 512.0, 516.0],
            "crs_cutoff": [512.0, 518.0, 515.0],
            "covered": [True, True, True],
        }
    )
    ax = model_plots.plot_backtest(results, program="cec")
    assert ax.get_ylim() == (495.0, 528.0)  # 505 to 518, 10 points either side
    assert any("cut at its edges" in t.get_text() for t in ax.texts)
