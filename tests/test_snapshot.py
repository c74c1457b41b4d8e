"""The snapshot shipped with the package: the last step of the resolution rule, offline.

The live feed is pointed at a closed port on 127.0.0.1 (``resolve.FEED_URL``
is the one place the live URL is read), so every fetch of it fails at once.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from ee_trends import FeedError, load_draws
from ee_trends.cli import ERROR, main
from ee_trends.data import download, fetch
from ee_trends.data.captures import list_captures, provenance_path
from ee_trends.data.load import load_all
from ee_trends.data.resolve import OFFLINE_HINT, resolve_source
from ee_trends.data.snapshot import SNAPSHOT_DIR, shipped_snapshot
from ee_trends.errors import SnapshotWarning


@pytest.fixture
def offline(closed_live_feed, monkeypatch) -> str:
    """The live feed's URL on a closed port (conftest); retries do not wait."""
    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)
    return closed_live_feed


def test_snapshot_is_one_capture_with_its_provenance():
    (capture,) = list_captures(SNAPSHOT_DIR)
    provenance = json.loads(provenance_path(capture).read_text())
    data = gzip.decompress(capture.read_bytes())
    assert provenance["sha256"] == hashlib.sha256(data).hexdigest()
    assert provenance["capture"] == capture.name
    snapshot = shipped_snapshot()
    assert snapshot.path == capture
    assert snapshot.rounds == provenance["rounds"] == len(json.loads(data)["rounds"])
    assert (snapshot.newest_draw, snapshot.newest_date) == ("434", "2026-08-07")


def test_failed_live_fetch_falls_back_to_the_snapshot(offline, tmp_path):
    assert resolve_source(data_dir=tmp_path).fallback
    with pytest.warns(SnapshotWarning) as caught:
        draws = load_draws(data_dir=tmp_path)
    (warning,) = caught
    message = str(warning.message)
    assert "\n" not in message and len(message) < 120, message
    assert "newest #434 of 2026-08-07" in message and "`ee-trends --help`" in message
    assert len(draws) == shipped_snapshot().rounds
    assert draws.equals(load_draws(shipped_snapshot().path, cache=False))
    assert list_captures(tmp_path / "raw") == []  # nothing is kept from a failed fetch


def test_failed_explicit_url_names_the_offline_options(offline, tmp_path):
    with pytest.raises(FeedError, match="EE_TRENDS_SOURCE") as raised:
        load_draws(offline, data_dir=tmp_path)
    assert str(raised.value).endswith(OFFLINE_HINT)


def test_cli_fetch_failure_is_one_line_with_the_offline_options(offline, tmp_path, capsys):
    assert main(["fetch", "--data-dir", str(tmp_path)]) == ERROR
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(errors) == 1 and offline in errors[0] and OFFLINE_HINT in errors[0]


def test_report_fetch_goes_on_with_the_snapshot(offline, tmp_path, monkeypatch, capsys):
    from ee_trends.output import report

    read = []

    def write_report(out, *, source, data_dir, docs):
        read.append(load_all(source, data_dir=data_dir).read.to_text())
        return out / "index.html"

    monkeypatch.setattr(report, "write_report", write_report)
    out = tmp_path / "reports"
    assert main(["report", "--fetch", "--data-dir", str(tmp_path), "--out", str(out)]) == 0
    assert read == [shipped_snapshot().to_text()]
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning:" in line]
    assert len(warnings) == 1  # the live feed is tried once
    assert "offline: using the shipped snapshot" in warnings[0] and len(warnings[0]) < 120


def test_report_fetch_goes_on_with_the_captures_kept(offline, tmp_path, monkeypatch, capsys):
    from ee_trends.output import report

    kept = fetch.fetch_feed(shipped_snapshot().path, data_dir=tmp_path)
    given = {}
    monkeypatch.setattr(
        report, "write_report", lambda out, **options: given.update(options) or out / "index.html"
    )
    assert main(["report", "--fetch", "--data-dir", str(tmp_path), "--out", str(tmp_path)]) == 0
    assert given["source"] is None  # the report resolves the source: the capture kept
    assert f"going on with the captures kept in {kept.parent}" in capsys.readouterr().err
