"""Cleaning rounds into the public tables: each quirk of the real feed on a tiny inline feed."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from conftest import make_feed, make_round, no_distribution
from ee_trends import FeedError, load_draws, load_pool
from ee_trends.data.clean import PoolCheckWarning
from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS
from ee_trends.errors import UnreadableValueWarning


def draws_of(*rounds):
    return load_draws(make_feed(*rounds))


def pool_of(*rounds):
    return load_pool(make_feed(*rounds))


def test_columns_and_dtypes_follow_the_field_table():
    draws = draws_of(make_round())
    assert list(draws.columns) == [f.name for f in DRAW_FIELDS]
    assert {c: str(t) for c, t in draws.dtypes.items()} == {f.name: f.dtype for f in DRAW_FIELDS}
    pool = pool_of(make_round())
    assert {c: str(t) for c, t in pool.dtypes.items()} == {f.name: f.dtype for f in POOL_FIELDS}


def test_values_of_a_plain_round():
    row = draws_of(make_round("300")).iloc[0]
    assert row["draw_id"] == "300" and row["draw_number"] == 300
    assert row["draw_date"] == pd.Timestamp("2024-06-19")
    assert row["program"] == "general" and row["draw_name"] == "No Program Specified"
    assert row["invitations"] == 1499 and row["crs_cutoff"] == 529
    assert row["tie_break_at"] == pd.Timestamp("2024-06-05 16:48:03", tz="UTC")
    assert row["drawn_at"] == pd.Timestamp("2024-06-19 14:07:52", tz="UTC")
    assert row["pool_as_of"] == pd.Timestamp("2024-06-17") and row["pool_total"] == 10400
    assert pd.isna(row["repairs"]) and row["date_mismatch_days"] == 0


def test_91a_and_91b_are_two_rounds_oldest_first():
    # 2018-05-30: #91a (Federal Skilled Trades) and #91b (PNP), same date and time.
    common = dict(
        drawDate="2018-05-30", drawDateTime="May 30, 2018 at 14:52:06 UTC", **no_distribution()
    )
    draws = draws_of(
        make_round(
            "92",
            drawDate="2018-06-13",
            drawDateTime="June 13, 2018 at 14:00:00 UTC",
            **no_distribution(),
        ),
        make_round("91b", drawName="Provincial Nominee Program", **common),
        make_round("91a", drawName="Federal Skilled Trades", **common),
    )
    assert draws["draw_id"].tolist() == ["91a", "91b", "92"]
    assert draws["draw_number"].tolist() == [91, 91, 92]
    assert draws["program"].tolist() == ["fst", "pnp", "general"]


def test_thousands_separators_in_size_and_pool():
    row = draws_of(make_round(drawSize="6,000", dd18="10,400")).iloc[0]
    assert row["invitations"] == 6000 and row["pool_total"] == 10400


def test_draw_date_day_month_year_is_repaired_and_flagged():
    # One capture had drawDate "12-04-2023" for #246 (April 12, 2023).
    row = draws_of(
        make_round(
            "246",
            drawDate="12-04-2023",
            drawDateFull="April 12, 2023",
            drawDateTime="April 12, 2023 14:12:15 UTC",
        )
    ).iloc[0]
    assert row["draw_date"] == pd.Timestamp("2023-04-12")
    assert "day-month-year" in row["repairs"]


def test_draw_date_wins_over_a_disagreeing_draw_datetime_and_is_flagged():
    # #357: drawDate 2025-07-22, drawDateTime "July 12, 2025 at 16:27:45 UTC".
    row = draws_of(
        make_round(
            "357",
            drawDate="2025-07-22",
            drawDateTime="July 12, 2025 at 16:27:45 UTC",
            drawCutOff="March 13, 2025 at 13:08:29 UTC",
        )
    ).iloc[0]
    assert row["draw_date"] == pd.Timestamp("2025-07-22")
    assert row["date_mismatch_days"] == -10
    assert row["drawn_at"] == pd.Timestamp("2025-07-22 16:27:45", tz="UTC")
    assert "July 12, 2025" in row["repairs"]


def test_a_round_run_after_midnight_keeps_its_published_time():
    # #7: drawDate 2015-04-10, run "April 11, 2015 at 00:00:01 UTC": a day apart, not repaired.
    row = draws_of(
        make_round(
            "7",
            drawDate="2015-04-10",
            drawDateTime="April 11, 2015 at 00:00:01 UTC",
            drawCutOff="",
            **no_distribution(),
        )
    ).iloc[0]
    assert row["date_mismatch_days"] == 1
    assert row["drawn_at"] == pd.Timestamp("2015-04-11 00:00:01", tz="UTC")
    assert pd.isna(row["repairs"])


def test_zeroed_distribution_is_missing_not_zero():
    # Before 2022-01-19 every dd field is "0": no distribution was published.
    draws = draws_of(make_round("100", **no_distribution()))
    assert pd.isna(draws.loc[0, "pool_total"]) and pd.isna(draws.loc[0, "pool_as_of"])
    assert pool_of(make_round("100", **no_distribution())).empty


def test_empty_tie_break_is_nat():
    # drawCutOff is empty before late 2017.
    assert pd.isna(draws_of(make_round(drawCutOff="")).loc[0, "tie_break_at"])


def test_tie_break_without_year_is_inferred_and_flagged():
    # #208 (2021-10-27): drawCutOff "October 7 at 16:38:21 UTC".
    row = draws_of(
        make_round(
            "208",
            drawDate="2021-10-27",
            drawDateTime="October 27, 2021 at 14:00:00 UTC",
            drawCutOff="October 7 at 16:38:21 UTC",
        )
    ).iloc[0]
    assert row["tie_break_at"] == pd.Timestamp("2021-10-07 16:38:21", tz="UTC")
    assert "inferred" in row["repairs"]


def test_record_fix_247_dd4_is_repaired_and_flagged():
    # #247 published dd4 "680"; its subtotal dd3 and the total agree on 860.
    fields = dict(dd3="55,867", dd4="680", dd5="3,001", dd6="21,544", dd7="17,111", dd8="13,351")
    fields["dd18"] = f"{100 + 1000 + 55867 + 150 + 2000 + 3000 + 4000:,}"
    with warnings.catch_warnings():
        warnings.simplefilter("error", PoolCheckWarning)
        draws, pool = draws_of(make_round("247", **fields)), pool_of(make_round("247", **fields))
    leaf = pool[pool["score_min"] == 491].iloc[0]
    assert leaf["candidates"] == 860 and leaf["repaired"]
    assert pool["repaired"].sum() == 1
    assert draws.loc[0, "repairs"] == "dd4 680 repaired to 860"


def test_record_fix_is_not_applied_once_the_feed_is_corrected():
    draws = draws_of(make_round("247"))
    assert pd.isna(draws.loc[0, "repairs"])


def test_pool_has_the_15_leaf_ranges_high_to_low():
    pool = pool_of(make_round())
    assert len(pool) == 15
    assert pool["score_max"].iloc[0] == 1200 and pool["score_min"].iloc[-1] == 0
    assert pool["candidates"].sum() == 10400
    assert (pool["pool_as_of"] == pd.Timestamp("2024-06-17")).all()


def test_a_distribution_that_does_not_add_up_is_named():
    with pytest.warns(PoolCheckWarning, match=r"rounds 301 \(dd3"):
        pool_of(make_round("301", dd4="11"))


def test_partly_published_distribution_keeps_its_zeros_as_missing():
    # An early capture held #226 with dd3 and dd11-dd18 left at "0".
    blanks = {f"dd{i}": "0" for i in (3, 11, 12, 13, 14, 15, 16, 17, 18)}
    pool = pool_of(make_round("226", **blanks))
    missing = pool[pool["candidates"].isna()]
    assert sorted(missing["score_min"]) == [0, 301, 351, 401, 411, 421, 431]
    assert pool["candidates"].notna().sum() == 8


def test_program_typo_in_programs_covered_is_mended():
    text = (
        "Federal Skilled Worker Progran, Canadian Experience Class, Federal Skilled Trades "
        "Program and Provincial Nominee Program"
    )
    row = draws_of(make_round(drawText2=text)).iloc[0]
    assert "Progran" not in row["programs_covered"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("drawCRS", "n/a"),
        ("drawSize", "about 500"),
        ("drawDate", "soon"),
        ("drawDateTime", "yesterday"),
        ("drawCutOff", "Smarch 1, 2024 at 10:00:00 UTC"),
        ("dd5", "lots"),
        ("drawCRS", "1300"),
        ("drawSize", "0"),
        ("drawNumber", "436-A"),
    ],
)
def test_unreadable_value_names_round_and_field(field, value):
    with pytest.raises(FeedError, match=rf"round (333|436-A): field '{field}'"):
        draws_of(make_round("300"), make_round("333", **{field: value}))


@pytest.mark.parametrize(
    ("field", "column"), [("drawCRS", "crs_cutoff"), ("drawSize", "invitations")]
)
def test_a_blank_required_value_is_missing_and_flagged_not_fatal(field, column):
    # A round published before its cutoff: drawCRS "".
    with pytest.warns(UnreadableValueWarning, match=rf"round 333: field '{field}' is empty"):
        draws = draws_of(make_round("300"), make_round("333", **{field: " "}))
    row = draws.set_index("draw_id").loc["333"]
    assert pd.isna(row[column]) and row["quarantined"] == field
    assert draws.set_index("draw_id").loc["300", column] > 0


def test_feed_error_is_a_value_error():
    with pytest.raises(ValueError):
        draws_of(make_round(drawCRS="n/a"))


def test_feed_without_rounds_or_with_a_missing_field():
    with pytest.raises(FeedError, match="no 'rounds'"):
        load_draws({"classes": "wb-tables"})
    record = make_round("333")
    del record["drawCRS"]
    with pytest.raises(FeedError, match="round 333: field 'drawCRS' is missing"):
        load_draws(make_feed(record))


def test_repeated_round_number_is_an_error_not_a_silent_drop():
    with pytest.raises(FeedError, match="round 300: field 'drawNumber' appears twice"):
        draws_of(make_round("300"), make_round("300"))


def test_record_fix_208_draw_size_is_repaired_and_flagged():
    # #208 published 681 invitations, a copy of #207's; IRCC announced 888.
    draws = draws_of(make_round("208", drawSize="681"))
    assert draws.loc[0, "invitations"] == 888
    assert draws.loc[0, "repairs"] == "drawSize 681 repaired to 888"
    assert draws_of(make_round("207", drawSize="681")).loc[0, "invitations"] == 681


def test_a_pool_dated_after_its_round_is_flagged_not_repaired():
    # #226: drawn 2022-07-06, its distribution published "as of" 2022-07-11.
    late = make_round(
        "226",
        drawDate="2022-07-06",
        drawDateFull="July 6, 2022",
        drawDateTime="July 6, 2022 at 14:34:34 UTC",
        drawDistributionAsOn="July 11, 2022",
    )
    draws = draws_of(late)
    assert draws.loc[0, "pool_as_of"] == pd.Timestamp("2022-07-11")
    assert draws.loc[0, "repairs"] == (
        "pool distribution as of 2022-07-11 is after the draw date 2022-07-06, "
        "as published (not repaired)"
    )
    assert pd.isna(draws_of(make_round("227")).loc[0, "repairs"])  # as of 06-17, drawn 06-19


def test_the_range_widths_said_are_those_of_the_published_ranges():
    from ee_trends.data.fields import RANGE_WIDTHS, RANGE_WIDTHS_TEXT

    pool = load_pool(make_feed(make_round("1")))
    widths = pool["score_max"] - pool["score_min"] + 1
    assert RANGE_WIDTHS == (int(widths.min()), int(widths.max())) == (10, 600)
    assert RANGE_WIDTHS_TEXT == "10 to 600 points wide"
