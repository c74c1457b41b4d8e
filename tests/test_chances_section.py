"""The report's "When a score is invited" section on a synthetic history (no real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ee_trends.analysis import age
from ee_trends.output.chances_section import SCORES, report_section
from ee_trends.output.content import Figure, Table, Text
from test_models_chances import regular

HISTORY = regular({"cec": 500, "french": 450, "pnp": 760}, n=30, start="2025-03-05", noise=8.0)
ONE_ROUND = pd.DataFrame(
    {
        "draw_id": ["t1"],
        "draw_number": [9000],
        "draw_date": [HISTORY["draw_date"].max() - pd.Timedelta(days=30)],
        "program": ["healthcare"],  # a main program with too few rounds to time
        "invitations": pd.array([500], dtype="Int64"),
        "crs_cutoff": pd.array([470], dtype="Int64"),
    }
)
DRAWS = pd.concat([HISTORY.assign(program=HISTORY["program"].astype(str)), ONE_ROUND])
DRAWS = DRAWS.sort_values("draw_date", ignore_index=True).astype({"program": "category"})
NEWEST = DRAWS["draw_date"].max()


def blocks(section, kind):
    return [b for b in section.blocks if isinstance(b, kind)]


@pytest.fixture(scope="module")
def fresh():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(age, "today", lambda: NEWEST + pd.Timedelta(days=3))
        return report_section(DRAWS, None)


def test_timing_of_every_recent_program_and_a_line_for_too_few_rounds(fresh):
    assert (fresh.key, fresh.title) == ("invited", "When a score is invited")
    tables = {t.name: t for t in blocks(fresh, Table)}
    timing = tables["next_rounds"].frame
    assert sorted(timing["program"]) == ["cec", "french", "pnp"]
    assert (timing["usual_gap"] == 14).all() and (timing["weeks_8"] > 0.8).all()
    text = " ".join(b.text for b in blocks(fresh, Text))
    day = NEWEST + pd.Timedelta(days=1)
    assert f"Counted from {day:%Y-%m-%d}" in text and f"1 day before {day:%Y-%m-%d}." in text
    assert (
        "Too few rounds since their last pause to time (at least 3): Healthcare occupations (1)."
        in text
    )
    assert "No all-program round in the 12 months" in text


def test_chances_by_score_for_each_main_program(fresh):
    tables = {t.name: t.frame for t in blocks(fresh, Table)}
    assert {"chances_cec", "chances_french", "chances_pnp"} <= set(tables)
    assert "chances_healthcare" not in tables  # one round: too few to time, so no chances
    cec = tables["chances_cec"]
    assert list(cec["score"]) == list(SCORES["cec"])
    assert list(tables["chances_pnp"]["score"]) == list(range(700, 801, 10))
    values = cec[["weeks_4", "weeks_8", "weeks_12", "weeks_26"]].to_numpy()
    assert (np.diff(values, axis=0) >= 0).all() and (np.diff(values, axis=1) >= 0).all()
    assert values[0, 0] < 0.2 and values[-1, -1] > 0.8  # cutoffs near 500
    assert fresh.data["chances_by_score"]["program"].nunique() == 3


def test_the_backtest_is_scored_and_drawn(fresh):
    (figure,) = blocks(fresh, Figure)
    assert figure.name == "chances_reliability"
    text = " ".join(b.text for b in blocks(fresh, Text))
    assert "forecasts, the chances score a Brier of" in text
    assert text.rstrip().endswith("beyond the pauses seen so far.")
    reliability = fresh.data["chances_reliability"]
    assert reliability["forecasts"].sum() == len(fresh.data["chances_backtest"])


def test_data_too_old_to_answer_keeps_the_backtest_only():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(age, "today", lambda: NEWEST + pd.Timedelta(days=200))
        section = report_section(DRAWS, None)
    names = [t.name for t in blocks(section, Table)]
    assert "next_rounds" not in names and not any(n.startswith("chances_c") for n in names)
    text = " ".join(b.text for b in blocks(section, Text))
    assert "The data is 200 days old" in text and "The backtest below stands." in text


def test_the_reliability_figure_writes_each_decile_gap(fresh):
    (figure,) = blocks(fresh, Figure)
    ax = figure.figure.axes[0]
    reliability = fresh.data["chances_reliability"]
    written = [t.get_text() for t in ax.texts if t.get_text()[:1] in "+-"]
    gaps = reliability["observed"] - reliability["probability"]
    expected = [f"{gap:+.2f}" for gap in gaps]
    assert written == expected
    (points,) = ax.collections
    assert len(points.get_offsets()) == len(reliability)
