"""``ee_trends.standing`` and ``ee-trends standing``: where a CRS score stands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import ee_trends
from conftest import make_feed, make_round, no_distribution
from ee_trends.analysis.standing import Standing, check_score, standing_table
from ee_trends.data.load import load_tables

EXE = Path(sys.executable).with_name("ee-trends")


@pytest.fixture(scope="module")
def tables():
    """Leaves of conftest's distribution: 601+ 100, 501-600 1,000, 491-500 10, 481-490 20,
    471-480 30, ... 0-300 4,000 (10,400 in all); the newest round has none."""
    return load_tables(
        make_feed(
            make_round(
                "304",
                drawDate="2025-06-20",
                drawName="Canadian Experience Class",
                drawCRS="470",
                **no_distribution(),
            ),
            make_round(
                "303", drawDate="2025-03-01", drawName="Canadian Experience Class", drawCRS="490"
            ),
            make_round("302", drawDate="2024-12-01", drawCRS="480"),
            make_round("301", drawDate="2024-01-10", drawCRS="400"),  # before the 12 months
        )
    )


@pytest.mark.parametrize(
    ("score", "low", "high"),
    [
        (481, 1130, 1130),  # the lowest point of a range: exact
        (480, 1130, 1160),  # inside 471-480: at least 1,130, at most 1,160
        (601, 100, 100),
        (0, 10_400, 10_400),
        (1200, 0, 100),
    ],
)
def test_candidates_at_or_above_is_a_range_inside_a_bin(tables, score, low, high):
    result = ee_trends.standing(score, *tables)
    assert isinstance(result, Standing)
    assert (result.at_or_above_min, result.at_or_above_max) == (low, high)
    assert result.pool_total == 10_400
    assert result.share_min == pytest.approx(low / 10_400)
    assert result.share_max == pytest.approx(high / 10_400)


def test_rounds_reached_by_program_in_the_last_12_months(tables):
    result = ee_trends.standing(480, *tables)
    assert result.as_of == "2025-06-20" and result.window_start == "2024-06-21"
    by_key = {p.program: p for p in result.programs}
    assert list(by_key) == ["general", "cec"]  # the 2024-01-10 round is out of the window
    general, cec = by_key["general"], by_key["cec"]
    assert (general.rounds, general.reached, general.latest_draw_id) == (1, 1, "302")
    assert (cec.rounds, cec.reached, cec.latest_draw_id, cec.latest_cutoff) == (2, 1, "304", 470)
    assert cec.latest_date == "2025-06-20" and cec.label == "Canadian Experience Class"
    none = ee_trends.standing(450, *tables)
    assert [(p.reached, p.latest_draw_id) for p in none.programs] == [(0, None), (0, None)]


def test_the_pool_is_the_newest_published_one(tables):
    result = ee_trends.standing(480, *tables)
    assert result.pool_as_of == "2024-06-17"  # the newest round has no distribution


def test_text_json_and_repr(tables):
    result = ee_trends.standing(480, *tables)
    text = result.to_text()
    assert "between 1,130 and 1,160 of 10,400 candidates scored 480 or more" in text
    assert "(10.9% to 11.2% of the pool)" in text
    assert "Canadian Experience Class: 1 of 2 rounds had a cutoff at or below 480" in text
    exact = ee_trends.standing(481, *tables).to_text()
    assert "1,130 of 10,400 candidates scored 481 or more (10.9% of the pool)" in exact
    record = json.loads(result.to_json())
    assert record["at_or_above_min"] == 1130 and record["share_max"] == pytest.approx(0.1115, 1e-3)
    assert record["programs"][1]["latest_draw_id"] == "304"
    assert repr(result).startswith("<Standing CRS 480: between 1,130 and 1,160 candidates")
    assert len(repr(result)) < 200


def test_without_a_published_distribution():
    draws, pool = load_tables(make_feed(make_round("301", **no_distribution())))
    result = ee_trends.standing(480, draws, pool)
    assert result.pool_as_of is None and result.at_or_above_min is None
    assert result.share_min is None
    assert result.to_text().startswith("No pool distribution was published")


@pytest.mark.parametrize("bad", ["abc", 480.5, -1, 1201, True, None, "4 80"])
def test_the_score_is_checked(tables, bad):
    with pytest.raises(ValueError, match="CRS score must be"):
        ee_trends.standing(bad, *tables)


def test_a_score_given_as_text():
    assert check_score(" 480 ") == 480 and check_score("+7") == 7


def test_table_of_scores(tables):
    table = standing_table(*tables, scores=[470, 480, 490])
    assert list(table["score"]) == [470, 480, 490]
    assert list(table["at_or_above_min"]) == [1160, 1130, 1110]
    assert list(table["reached_cec"]) == [1, 1, 2]
    assert list(table["rounds_cec"]) == [2, 2, 2]


def test_cli_standing(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(make_round("301", drawDate="2024-07-01"))))
    run = [EXE, "standing", "--source", str(feed)]
    env = {**os.environ, "EE_TRENDS_DATA_DIR": str(tmp_path / "data")}
    text = subprocess.run([*run, "480"], capture_output=True, text=True, check=True, env=env)
    assert "between 1,130 and 1,160 of 10,400 candidates" in text.stdout
    as_json = subprocess.run([*run, "481", "--json"], capture_output=True, text=True, env=env)
    assert json.loads(as_json.stdout)["at_or_above_min"] == 1130
    for bad in ("abc", "1300"):
        wrong = subprocess.run([*run, bad], capture_output=True, text=True, env=env)
        assert wrong.returncode == 2
        assert "CRS score must be" in wrong.stderr and "Traceback" not in wrong.stderr


def test_standing_names_the_newest_round_and_its_age(tables):
    from ee_trends.errors import StaleDataWarning

    fresh = ee_trends.standing(480, *tables, on="2025-06-30")
    assert fresh.age.days == 10 and not fresh.age.stale
    assert fresh.to_text().endswith(
        "Data: newest round #304 of 2025-06-20, 10 days before 2025-06-30."
    )
    with pytest.warns(StaleDataWarning, match="#304 of 2025-06-20, 165 days before 2025-12-02"):
        stale = ee_trends.standing(480, *tables, on="2025-12-02")
    assert stale.to_text().endswith(
        "rounds held since are unknown (`ee-trends fetch` brings them)."
    )
    assert json.loads(stale.to_json())["age"] == {
        "newest_round": "304",
        "newest_date": "2025-06-20",
        "on": "2025-12-02",
        "days": 165,
        "stale": True,
    }


def test_standing_defaults_to_today_once_the_data_is_stale(tables, monkeypatch):
    from ee_trends.analysis import age

    monkeypatch.setattr(age, "today", lambda: pd.Timestamp("2025-07-01"))
    assert ee_trends.standing(480, *tables).age.on == pd.Timestamp("2025-06-21")
    monkeypatch.setattr(age, "today", lambda: pd.Timestamp("2025-08-01"))
    with pytest.warns(UserWarning, match="42 days before 2025-08-01"):
        assert ee_trends.standing(480, *tables).age.on == pd.Timestamp("2025-08-01")
