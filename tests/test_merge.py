"""Merging captures: the newest published value wins, a value only blanked is recovered."""

from __future__ import annotations

import gzip
import json
import warnings

import pandas as pd
import pytest

from conftest import make_feed, make_round, no_distribution
from ee_trends import load_draws, load_pool
from ee_trends.data.feed import ROUND_FIELDS
from ee_trends.data.load import build_tables
from ee_trends.data.merge import DroppedRoundWarning, distinct_versions, merge_captures
from ee_trends.errors import FeedError

OLD = "ee_rounds_123_en_20230122T101603Z.json.gz"
MID = "ee_rounds_123_en_20240406T095537Z.json.gz"
NEW = "ee_rounds_123_en_20250710T030859Z.json.gz"


def _row(frame: pd.DataFrame, draw_id: str) -> pd.Series:
    return frame.set_index("drawNumber").loc[draw_id]


def test_shape_is_that_of_rounds_frame():
    merged = merge_captures([(OLD, make_feed(make_round("1"))), (NEW, make_feed(make_round("1")))])
    assert list(merged.columns) == [
        *ROUND_FIELDS,
        "recovered_fields",
        "recovered_from",
        "quarantined",
        "draw_id",
    ]
    assert all(dtype == "string" for dtype in merged.dtypes)
    assert merged["recovered_fields"].isna().all() and merged["recovered_from"].isna().all()


def test_a_round_object_passed_on_merges_as_its_copy_would():
    """Round objects shared by captures (as a series of captures passes them on) give the
    versions deep copies give, also when an object comes back after another version."""
    first, second = make_round("252", drawName="A"), make_round("252", drawName="B")
    shared = [first, second, first, first]  # capture 2 edits the round, capture 3 reverts it
    names = [OLD, MID, NEW, "ee_rounds_123_en_20260101T000000Z.json.gz"]
    feeds = [(name, make_feed(record)) for name, record in zip(names, shared, strict=True)]
    copies = [(name, json.loads(json.dumps(feed))) for name, feed in feeds]
    versions = distinct_versions(feeds).frame
    pd.testing.assert_frame_equal(versions, distinct_versions(copies).frame)
    assert versions["drawName"].tolist() == ["A", "B", "A"]
    assert versions["capture"].tolist() == [0, 1, 3]


def test_changed_value_takes_the_newest():
    # (2023-1) renamed to (Version 1): a real edit, not a blank.
    old = make_round("252", drawName="Healthcare occupations (2023-1)")
    new = make_round("252", drawName="Healthcare occupations (Version 1)")
    merged = merge_captures([(OLD, make_feed(old)), (NEW, make_feed(new))])
    row = _row(merged, "252")
    assert row["drawName"] == "Healthcare occupations (Version 1)"
    assert pd.isna(row["recovered_fields"])


def test_distribution_replaced_by_zeros_is_recovered_and_marked():
    # #223: a distribution in early 2023 captures, all "0" from 2025.
    old = make_round("223")
    new = make_round("223", **no_distribution())
    merged = merge_captures([(OLD, make_feed(old)), (NEW, make_feed(new))])
    row = _row(merged, "223")
    assert row["dd2"] == "1,000" and row["dd18"] == "10,400"
    assert row["recovered_fields"] == ",".join(f"dd{i}" for i in range(1, 19))
    assert row["recovered_from"] == OLD


def test_recovered_from_the_newest_capture_that_had_it():
    older = make_round("223", dd1="99")
    mid = make_round("223")
    new = make_round("223", **no_distribution())
    merged = merge_captures([(OLD, make_feed(older)), (MID, make_feed(mid)), (NEW, make_feed(new))])
    row = _row(merged, "223")
    assert row["dd1"] == "100" and row["recovered_from"] == MID


def test_single_zeroed_range_is_recovered():
    merged = merge_captures(
        [(OLD, make_feed(make_round("230"))), (NEW, make_feed(make_round("230", dd5="0")))]
    )
    row = _row(merged, "230")
    assert row["dd5"] == "20" and row["recovered_fields"] == "dd5"


def test_zeros_never_replaced_stay_zeros():
    # Rounds before 2022: "0" everywhere in every capture means "not published".
    early = make_round("100", **no_distribution())
    merged = merge_captures([(OLD, make_feed(early)), (NEW, make_feed(early))])
    row = _row(merged, "100")
    assert row["dd1"] == "0" and pd.isna(row["recovered_fields"])


def test_empty_string_is_recovered():
    old = make_round("262")
    new = make_round("262", drawCutOff="  ")
    merged = merge_captures([(OLD, make_feed(old)), (NEW, make_feed(new))])
    row = _row(merged, "262")
    assert row["drawCutOff"] == "June 5, 2024 at 16:48:03 UTC"
    assert row["recovered_fields"] == "drawCutOff" and row["recovered_from"] == OLD


def test_empty_string_never_filled_stays_empty():
    # Tie-break times were not published before late 2017.
    early = make_round("50", drawCutOff="")
    merged = merge_captures([(OLD, make_feed(early)), (NEW, make_feed(early))])
    assert _row(merged, "50")["drawCutOff"] == ""


def test_round_missing_from_the_newest_capture_is_kept_with_a_warning():
    old = make_feed(make_round("301"), make_round("300"))
    new = make_feed(make_round("302"), make_round("300"))
    with pytest.warns(DroppedRoundWarning, match=r"301 \(last in " + OLD):
        merged = merge_captures([(OLD, old), (NEW, new)])
    assert merged["drawNumber"].tolist() == ["302", "300", "301"]
    row = _row(merged, "301")
    assert row["recovered_fields"] == "*" and row["recovered_from"] == OLD


def test_repeated_round_in_a_capture_of_a_folder_is_an_error(tmp_path):
    # "300 " and "300" are the same round once IRCC's stray spaces are taken off.
    for name, feed in [
        (OLD, make_feed(make_round("300"))),
        (NEW, make_feed(make_round("300 "), make_round("300"))),
    ]:
        (tmp_path / name).write_bytes(gzip.compress(json.dumps(feed).encode()))
    with pytest.raises(FeedError, match=f"{NEW}: round 300: field 'drawNumber' appears twice"):
        load_draws(tmp_path)


def test_recovered_marks_reach_draws_and_pool():
    old = make_round("223")
    new = make_round("223", **no_distribution())
    draws, pool = build_tables([(OLD, make_feed(old)), (NEW, make_feed(new))])
    assert draws.loc[0, "recovered_from"] == OLD
    assert draws.loc[0, "pool_total"] == 10_400
    assert len(pool) == 15 and (pool["recovered_from"] == OLD).all()


def test_partly_published_distribution_keeps_its_published_ranges():
    # #226 in 2023: dd1..dd10 published (subtotal dd3 left "0"), dd11..dd18 "0".
    partial = make_round("226", dd3="0", **{f"dd{i}": "0" for i in range(11, 19)})
    new = make_round("226", **no_distribution())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draws, pool = build_tables([(OLD, make_feed(partial)), (NEW, make_feed(new))])
    assert pool["candidates"].notna().sum() == 8
    assert pool.loc[pool["candidates"].isna(), "recovered_from"].isna().all()
    assert pool.loc[pool["candidates"].notna(), "recovered_from"].eq(OLD).all()
    assert pd.isna(draws.loc[0, "pool_total"])


@pytest.mark.shared_data
def test_all_97_captures_merge(vintages):
    draws = load_draws(vintages, cache=False)
    pool = load_pool(vintages, cache=False)
    assert len(draws) == 435 and draws["draw_id"].is_unique
    recovered = draws.dropna(subset=["recovered_from"])
    assert sorted(recovered["draw_id"]) == ["223", "224", "226", "227"]
    per_round = pool.dropna(subset=["recovered_from"]).groupby("draw_id").size()
    assert per_round.to_dict() == {"223": 15, "224": 15, "226": 8, "227": 15}
    totals = pool[pool["draw_id"].isin(["223", "224", "227"])].groupby("draw_id")["candidates"]
    assert totals.sum().to_dict() == {"223": 211_093, "224": 215_316, "227": 239_631}
    newest_only = load_pool(vintages / sorted(p.name for p in vintages.iterdir())[-1], cache=False)
    assert not newest_only["draw_id"].isin(["223", "224", "226", "227"]).any()
