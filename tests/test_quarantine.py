"""Values that do not parse are quarantined in a folder of captures, and fatal in one file.

Raw captures stay as published; loading a folder takes such a value from the
newest earlier capture where it parsed (marked like a recovered blank, with an
UnreadableValueWarning naming the capture, the round and the field).
"""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from conftest import keep_capture, make_feed, make_round
from ee_trends import load_draws
from ee_trends.data.captures import capture_name
from ee_trends.data.fetch import fetch_capture
from ee_trends.data.merge import merge_captures, stack_captures, value_errors
from ee_trends.errors import FeedError, UnreadableValueWarning

OLD = "ee_rounds_123_en_20250101T000000Z.json.gz"
MID = "ee_rounds_123_en_20250201T000000Z.json.gz"
NEW = "ee_rounds_123_en_20250301T000000Z.json.gz"


def test_value_errors_name_only_values_that_do_not_parse():
    frame = stack_captures(
        [(NEW, make_feed(make_round("301", drawSize="abc", drawCutOff=""), make_round("300")))]
    )
    errors = value_errors(frame)
    assert errors.notna().sum().sum() == 1  # a blank is not an error, drawName is not parsed
    assert errors.loc[0, "drawSize"] == "not a count: 'abc'"


@pytest.mark.parametrize(
    ("field", "bad", "column", "good"),
    [
        ("drawSize", "abc", "invitations", 1499),
        ("drawCRS", "99999999999999999999", "crs_cutoff", 529),
        ("drawDate", "2300-06-19", "draw_date", pd.Timestamp("2024-06-19")),
    ],
)
def test_an_unreadable_value_comes_from_the_newest_earlier_capture(
    tmp_path, field, bad, column, good
):
    raw = tmp_path / "raw"
    keep_capture(raw, OLD, make_round("301", drawSize="1,000"), make_round("300"))
    keep_capture(raw, MID, make_round("301"), make_round("300"))
    keep_capture(raw, NEW, make_round("301", **{field: bad}), make_round("300"))
    with pytest.warns(UnreadableValueWarning) as caught:
        draws = load_draws(raw, cache=False)
    message = str(caught[0].message)
    assert f"{NEW}: round 301: field {field!r}: " in message
    assert f"the value of {MID} is used" in message
    row = draws.set_index("draw_id").loc["301"]
    assert row[column] == good
    assert row["recovered_fields"] == field and row["recovered_from"] == MID
    assert json.loads(gzip.decompress((raw / NEW).read_bytes()))["rounds"][0][field] == bad


def test_a_value_that_never_parsed_is_left_missing_and_flagged_naming_the_capture():
    with pytest.warns(
        UnreadableValueWarning,
        match=rf"^{NEW}: round 301: field 'drawSize': not a count: 'abc'; no earlier capture "
        "has a valid value: left missing",
    ):
        merged = merge_captures(
            [
                (OLD, make_feed(make_round("301", drawSize="abc"), make_round("300"))),
                (NEW, make_feed(make_round("301", drawSize="abc"), make_round("300"))),
            ]
        )
    assert merged["drawSize"].tolist() == ["", "1,499"]
    assert merged["quarantined"].fillna("-").tolist() == ["drawSize", "-"]


def test_an_unreadable_value_in_an_older_capture_only_is_ignored():
    merged = merge_captures(
        [(OLD, make_feed(make_round("301", drawSize="abc"))), (NEW, make_feed(make_round("301")))]
    )
    assert merged.loc[0, "drawSize"] == "1,499" and pd.isna(merged.loc[0, "recovered_fields"])


def test_one_file_given_explicitly_still_fails_naming_file_round_and_field(tmp_path):
    path = keep_capture(tmp_path, NEW, make_round("301", drawSize="abc"), make_round("300"))
    with pytest.raises(FeedError, match=rf"^{NEW}: round 301: field 'drawSize': not a count"):
        load_draws(path, cache=False)


def test_a_bad_fetch_never_makes_the_folder_unusable(tmp_path):
    """The issue's case: fetch keeps a feed with drawSize "abc"; the folder still loads."""
    raw = tmp_path / "raw"
    keep_capture(raw, capture_name(pd.Timestamp("2025-01-01", tz="UTC")), make_round("301"))
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(make_feed(make_round("302"), make_round("301", drawSize="abc"))))
    with pytest.warns(UnreadableValueWarning, match="round 301: field 'drawSize'"):
        kept = fetch_capture(source, data_dir=tmp_path)
    with pytest.warns(UnreadableValueWarning, match=rf"{kept.path.name}: round 301"):
        draws = load_draws(data_dir=tmp_path)
    assert draws["draw_id"].tolist() == ["301", "302"]
    assert draws["invitations"].tolist() == [1499, 1499]
