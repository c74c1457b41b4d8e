"""Revisions: every change to a published round between consecutive captures."""

from __future__ import annotations

import gzip
import json
import re

import pandas as pd

from conftest import make_feed, make_round, no_distribution
from ee_trends import revisions
from ee_trends.cli import main
from ee_trends.data.feed import ROUND_FIELDS
from ee_trends.data.revisions import (
    FIELD_NAMES,
    REVISION_COLUMNS,
    compare_captures,
    summarize_revisions,
)

FIRST = "ee_rounds_123_en_20230413T030157Z.json.gz"
SECOND = "ee_rounds_123_en_20240406T095537Z.json.gz"
THIRD = "ee_rounds_123_en_20250710T030859Z.json.gz"


def _feeds():
    first = make_feed(
        make_round("246", drawDate="12-04-2023"),
        make_round("234", drawDateTime="October 26,2022 13:05:36 UTC", drawSize="3,300"),
    )
    second = make_feed(
        make_round("252", drawName="Healthcare occupations (2023-1)"),
        make_round("246", drawDate="2023-04-12"),
        make_round("234", drawDateTime="October 26, 2022 13:05:36 UTC", drawSize="3300"),
    )
    third = make_feed(
        make_round("252", drawName="Healthcare occupations (Version 1)", **no_distribution()),
        make_round("246", drawDate="2023-04-12"),
        make_round("234", drawDateTime="October 26, 2022 13:05:36 UTC", drawSize="3300"),
    )
    return [(FIRST, first), (SECOND, second), (THIRD, third)]


def test_columns_and_types():
    table = revisions(_feeds())
    assert list(table.columns) == list(REVISION_COLUMNS)
    assert str(table["first_seen_at"].dtype) == "datetime64[ns, UTC]"
    assert table["cosmetic"].dtype == bool


def test_date_flip_rename_and_blanking_are_found():
    table = revisions(_feeds()).set_index(["draw_id", "field"])
    flip = table.loc[("246", "drawDate")]
    assert (flip["old_value"], flip["new_value"], flip["first_seen_in"]) == (
        "12-04-2023",
        "2023-04-12",
        SECOND,
    )
    assert flip["first_seen_at"] == pd.Timestamp("2024-04-06 09:55:37", tz="UTC")
    assert not flip["cosmetic"]
    rename = table.loc[("252", "drawName")]
    assert rename["new_value"] == "Healthcare occupations (Version 1)"
    assert rename["first_seen_in"] == THIRD
    assert table.loc[("252", "dd18"), "new_value"] == "0"


def test_new_round_is_not_a_change():
    table = revisions(_feeds())
    assert not ((table["draw_id"] == "252") & (table["first_seen_in"] == SECOND)).any()


def test_cosmetic_changes_are_marked_and_can_be_left_out():
    table = revisions(_feeds())
    cosmetic = table[table["cosmetic"]]
    assert set(cosmetic["field"]) == {"drawDateTime", "drawSize"}
    assert not revisions(_feeds(), cosmetic=False)["cosmetic"].any()


def test_one_capture_has_no_revisions():
    table = revisions([(FIRST, make_feed(make_round("1")))])
    assert table.empty and list(table.columns) == list(REVISION_COLUMNS)


def test_summary_counts_by_field():
    summary = summarize_revisions(revisions(_feeds()))
    assert summary.loc["drawDate", "changes"] == 1
    assert summary.loc["dd1", "rounds"] == 1


def test_real_captures(vintages):
    table = revisions(vintages)
    flip = table[(table["draw_id"] == "246") & (table["field"] == "drawDate")]
    assert flip[["old_value", "new_value"]].values.tolist() == [["12-04-2023", "2023-04-12"]]
    renames = table[table["field"] == "drawName"]
    assert len(renames) == 23
    assert renames["old_value"].str.contains(r"\(202[34]-1\)").all()
    assert renames["new_value"].str.endswith("(Version 1)").all()
    tie = table[(table["draw_id"] == "262") & (table["field"] == "drawCutOff")].iloc[0]
    assert tie["old_value"] == "August 01, 2023 at 12:59:52 UTC"
    assert tie["new_value"].strip() == "July 04, 2023 at 19:36:18 UTC"
    assert not tie["cosmetic"]
    blanked = table[(table["field"] == "dd18") & (table["new_value"] == "0")]
    assert sorted(blanked["draw_id"]) == ["223", "224", "227"]  # #226 never had its dd18
    assert int(table["cosmetic"].sum()) == 6


def test_every_field_has_a_name_in_words():
    assert set(FIELD_NAMES) == set(ROUND_FIELDS)
    assert FIELD_NAMES["drawSize"] == "invitations"
    assert FIELD_NAMES["dd8"] == "pool 451\u2013460"
    assert FIELD_NAMES["dd3"] == "pool 451\u2013500 subtotal"
    assert FIELD_NAMES["drawText2"] == "programs covered"


def test_cli_single_capture_has_nothing_to_compare(tmp_path, capsys):
    feed = tmp_path / FIRST
    feed.write_bytes(gzip.compress(json.dumps(make_feed(make_round("1"))).encode()))
    assert main(["revisions", "--source", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"nothing to compare: only {feed.name}.")
    assert "no changes" not in out


def test_cli_list_wraps_and_names_fields_in_words(tmp_path, capsys):
    for label, feed in _feeds():
        (tmp_path / label).write_bytes(gzip.compress(json.dumps(feed).encode()))
    assert main(["revisions", "--source", str(tmp_path), "--list", "--all"]) == 0
    out = capsys.readouterr().out
    assert "round 246, draw date: '12-04-2023' \u2192 '2023-04-12'" in out
    assert "pool total" in out and "program name" in out
    assert not re.search(r"\b(dd\d+|draw[A-Z]\w*)\b", out.replace(".json", ""))
    assert max(len(line) for line in out.splitlines()) <= 100


def test_cli_revisions(vintages, capsys):
    assert main(["revisions", "--source", str(vintages)]) == 0
    out = capsys.readouterr().out
    assert "cosmetic-only hidden" in out
    assert re.search(r"^program name +23 +23 +1$", out, re.MULTILINE)


def test_the_result_as_dict_text_and_repr():
    result = compare_captures(_feeds())
    assert result.captures == (FIRST, SECOND, THIRD)
    assert (
        repr(result) == f"<Revisions: {len(result.table)} changes to 3 rounds in 3 captures, "
        f"{FIRST} to {THIRD}>"
    )
    record = result.to_dict()
    assert record["captures"] == [FIRST, SECOND, THIRD]
    assert len(record["changes"]) == len(result.table)
    json.dumps(record)  # plain values only
    kept = result.to_dict(cosmetic=False)["changes"]
    assert len(kept) == int((~result.table["cosmetic"]).sum()) < len(record["changes"])
    assert "round 246, draw date" in result.to_text(every_change=True)


def test_cli_json_is_the_result_as_dict(tmp_path, capsys):
    for label, feed in _feeds():
        (tmp_path / label).write_bytes(gzip.compress(json.dumps(feed).encode()))
    assert main(["revisions", "--source", str(tmp_path), "--json", "--all"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(compare_captures(tmp_path).to_dict()))
