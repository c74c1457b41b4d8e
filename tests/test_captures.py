"""Which files are captures, and their order: the exact name fetch writes, the recorded time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from conftest import keep_capture, make_round
from ee_trends import load_draws
from ee_trends.data.captures import (
    Provenance,
    capture_name,
    capture_time,
    list_captures,
    provenance_path,
)
from ee_trends.data.revisions import capture_feeds
from ee_trends.errors import CaptureWarning


@pytest.mark.parametrize(
    "name",
    [
        "ee_rounds_123_en_20250710T031300Z.json.gz.provenance.json",
        "copy of ee_rounds_123_en_20250710T031300Z.json.gz",
        "other_20250710T031300Z.json.gz",
        "ee_rounds_123_en_20250710T031300Z.json.gz.bak",
        "ee_rounds_123_en_20251310T031300Z.json.gz",  # month 13
        "ee_rounds_123_en_20250710T031300Z.json",  # fetch writes .json.gz only
    ],
)
def test_only_the_exact_name_fetch_writes_is_a_capture(tmp_path, name):
    (tmp_path / name).write_bytes(b"{}")
    assert capture_time(tmp_path / name) is None
    assert list_captures(tmp_path) == []


def test_a_capture_name_round_trips():
    moment = datetime(2025, 7, 10, 3, 13, tzinfo=UTC)
    assert capture_time(capture_name(moment)) == moment


def test_order_comes_from_the_recorded_fetch_time(tmp_path):
    """A file renamed to a later time keeps its place: the provenance says when it was fetched."""
    renamed = keep_capture(
        tmp_path,
        "ee_rounds_123_en_20260101T000000Z.json.gz",
        make_round("300"),
        captured_at="2025-01-01T00:00:00Z",
    )
    newer = keep_capture(tmp_path, "ee_rounds_123_en_20250601T000000Z.json.gz", make_round("300"))
    assert list_captures(tmp_path) == [renamed, newer]
    # revisions of a list of paths compare them in the same order
    labels = [label for label, _ in capture_feeds([newer, renamed])]
    assert labels == [renamed.name, newer.name]


def test_a_provenance_of_another_capture_is_ignored(tmp_path):
    first = keep_capture(tmp_path, "ee_rounds_123_en_20250101T000000Z.json.gz", make_round("300"))
    second = keep_capture(tmp_path, "ee_rounds_123_en_20250601T000000Z.json.gz", make_round("300"))
    provenance_path(second).write_text(
        json.dumps({"capture": first.name, "captured_at": "2024-01-01T00:00:00Z"})
    )
    assert list_captures(tmp_path) == [first, second]


def test_a_capture_named_in_the_future_cannot_win_the_merge(tmp_path):
    true = keep_capture(tmp_path, "ee_rounds_123_en_20250101T000000Z.json.gz", make_round("300"))
    future = capture_name(datetime.now(UTC) + timedelta(days=400))
    keep_capture(tmp_path, future, make_round("300", drawCRS="999"))
    assert list_captures(tmp_path) == [true]
    with pytest.warns(CaptureWarning, match=rf"dated in the future, not used: {future}"):
        assert list_captures(tmp_path, warn=True) == [true]
    with pytest.warns(CaptureWarning):
        assert load_draws(tmp_path, cache=False)["crs_cutoff"].tolist() == [529]


def test_a_provenance_reads_back_as_written_and_tolerates_other_versions(tmp_path):
    capture = tmp_path / capture_name(datetime(2026, 8, 8, 3, 0, tzinfo=UTC))
    written = Provenance(
        capture=capture.name,
        captured_at=datetime(2026, 8, 8, 3, 0, tzinfo=UTC),
        source="https://example.invalid/feed.json",
        sha256="ab" * 32,
        size_bytes=10,
        rounds=1,
        etag='"x"',
    )
    provenance_path(capture).write_text(written.to_json())
    assert Provenance.read(capture) == written
    record = json.loads(provenance_path(capture).read_text())
    assert record["captured_at"] == "2026-08-08T03:00:00Z"
    assert "last_modified" not in record  # what the server did not send is left out
    record["added_by_a_newer_version"] = 1
    del record["sha256"]
    provenance_path(capture).write_text(json.dumps(record))
    assert Provenance.read(capture) == replace(written, sha256=None)
    provenance_path(capture).write_text('{"capture": "other.json.gz"}')
    assert Provenance.read(capture) is None
