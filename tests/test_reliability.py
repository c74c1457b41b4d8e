"""Issue 16: nothing bricks the folder, nothing doubles, nothing is left half-written.

Each test is one of the issue's faults (or a case of the same family), on
tiny inline feeds kept as captures in a temporary data folder.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, keep_capture, make_feed, make_round
from ee_trends import cli, load_draws, load_pool
from ee_trends.analysis.info import info_text
from ee_trends.analysis.standing import standing
from ee_trends.data.captures import list_captures, provenance_path
from ee_trends.data.fetch import fetch_capture
from ee_trends.data.identity import canonical_id
from ee_trends.errors import CaptureWarning, FeedError, PoolCheckWarning, UnreadableValueWarning
from ee_trends.output import sections
from ee_trends.output.report import MARKER, write_report

OLD = "ee_rounds_123_en_20250101T000000Z.json.gz"
NEW = "ee_rounds_123_en_20250301T000000Z.json.gz"


def rounds(*numbers: str, **fields: str) -> list[dict]:
    """Rounds ``numbers`` (newest first), a week apart, with ``fields`` on the newest."""
    out = []
    for i, number in enumerate(numbers):
        day = pd.Timestamp("2025-06-30") - pd.Timedelta(weeks=i)
        record = make_round(
            number,
            drawDate=f"{day:%Y-%m-%d}",
            drawDateTime=f"{day:%B} {day.day}, {day.year} at 14:00:00 UTC",
        )
        out.append(record)
    out[0].update(fields)
    return out


def dead_pid() -> int:
    return int(
        subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


# ---------------------------------------------------------------- identity


def test_round_ids_are_canonical():
    assert [canonical_id(t) for t in ("0384", " 384 ", "91A", "91a", "436-A")] == [
        "384",
        "384",
        "91a",
        "91a",
        "436-A",
    ]


def test_a_zero_padded_capture_does_not_double_the_table(tmp_path):
    raw = tmp_path / "raw"
    keep_capture(raw, OLD, *rounds("91a", "90", "89"))
    padded = rounds("92", "91A", "90", "89")
    for record in padded:
        record["drawNumber"] = record["drawNumber"].zfill(4)
    keep_capture(raw, NEW, *padded)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draws = load_draws(raw, cache=False)
    assert draws["draw_id"].tolist() == ["89", "90", "91a", "92"]
    assert draws["invitations"].sum() == 4 * 1499


def test_a_capture_of_other_rounds_is_left_out_at_load_and_refused_by_fetch(tmp_path):
    raw = tmp_path / "raw"
    keep_capture(raw, OLD, *rounds("3", "2", "1"))
    keep_capture(raw, NEW, *rounds("R3", "R2", "R1"))
    with pytest.warns(CaptureWarning, match=rf"{NEW}: only 0 of the 3 rounds of {OLD}"):
        draws = load_draws(raw, cache=False)
    assert draws["draw_id"].tolist() == ["1", "2", "3"]
    (raw / NEW).unlink()
    other = tmp_path / "other.json"
    other.write_text(json.dumps(make_feed(*rounds("R4", "R3", "R2", "R1"))))
    with pytest.raises(FeedError, match="only 0 of the 3 rounds of the newest capture kept"):
        fetch_capture(other, data_dir=tmp_path, force=True)
    assert list_captures(raw) == [raw / OLD]


# ---------------------------------------------------------------- a capture can't brick


@pytest.mark.parametrize(
    ("fields", "field", "column"),
    [
        ({"drawNumber": "436-A"}, "drawNumber", "draw_number"),
        ({"drawCRS": ""}, "drawCRS", "crs_cutoff"),
        ({"drawCRS": "1300"}, "drawCRS", "crs_cutoff"),
        ({"drawSize": "0"}, "drawSize", "invitations"),
    ],
)
def test_a_bad_new_round_is_kept_missing_and_flagged_and_the_folder_loads(
    tmp_path, capsys, fields, field, column
):
    first = tmp_path / "first.json"
    first.write_text(json.dumps(make_feed(*rounds("301", "300"))))
    second = tmp_path / "second.json"
    second.write_text(json.dumps(make_feed(*rounds("302", "301", "300", **fields))))
    args = ["--data-dir", str(tmp_path), "fetch", "--from"]
    assert cli.main([*args, str(first)]) == 0
    assert cli.main([*args, str(second)]) == 0
    out, err = capsys.readouterr()
    new_id = canonical_id(fields.get("drawNumber", "302"))
    assert out.splitlines()[-1] == f"new: #{new_id}"
    assert f"round {new_id}: field '{field}'" in err and "left missing" in err
    assert "is used" not in err  # no earlier value is promised: there is none
    with pytest.warns(UnreadableValueWarning, match=rf"round {new_id}: field '{field}'"):
        draws = load_draws(data_dir=tmp_path).set_index("draw_id")
    assert len(draws) == 3 and pd.isna(draws.loc[new_id, column])
    assert draws.loc[new_id, "quarantined"] == field
    with pytest.warns(UnreadableValueWarning):
        assert f"#{new_id} {field} (missing)" in info_text(data_dir=tmp_path)
    for command in (["info"], ["standing", "480"]):
        assert cli.main(["--data-dir", str(tmp_path), *command]) == 0


def test_an_old_round_revised_to_a_bad_value_keeps_its_earlier_value(tmp_path):
    raw = tmp_path / "raw"
    keep_capture(raw, OLD, *rounds("301", "300"))
    later = rounds("302", "301", "300")
    later[2]["drawSize"] = "0"
    keep_capture(raw, NEW, *later)
    with pytest.warns(UnreadableValueWarning) as caught:
        draws = load_draws(raw, cache=False).set_index("draw_id")
    assert [str(w.message) for w in caught] == [
        f"{NEW}: round 300: field 'drawSize': 0 is below 1, the least allowed; "
        f"the value of {OLD} is used"
    ]
    assert draws.loc["300", "invitations"] == 1499
    assert draws.loc["300", "quarantined"] == "drawSize"
    assert draws.loc["300", "recovered_from"] == OLD


def test_a_single_capture_in_a_folder_is_quarantined_too(tmp_path):
    raw = tmp_path / "raw"
    keep_capture(raw, NEW, *rounds("301", "300", drawCRS="n/a"))
    with pytest.warns(UnreadableValueWarning, match=f"{NEW}: round 301: field 'drawCRS'"):
        draws = load_draws(raw, cache=False)
    assert draws["crs_cutoff"].isna().tolist() == [False, True]


def test_a_feed_file_with_a_value_out_of_range_names_it(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(make_feed(*rounds("301", "300", drawCRS="1300"))))
    with pytest.raises(FeedError, match=r"^feed.json: round 301: field 'drawCRS': 1300 is above"):
        load_draws(path, cache=False)


# ---------------------------------------------------------------- cross-field checks


def test_a_date_typo_loses_to_the_two_dates_that_agree():
    feed = make_feed(*rounds("301", "300", drawDate="2062-06-30"))
    draws = load_draws(feed).set_index("draw_id")
    assert draws.loc["301", "draw_date"] == pd.Timestamp("2025-06-30")
    assert draws.loc["301", "repairs"] == (
        "drawDate disagrees with drawDateFull and drawDateTime (drawDate '2062-06-30', "
        "drawDateFull 'June 30, 2025', drawDateTime 'June 30, 2025 at 14:00:00 UTC'): "
        "draw_date takes their day 2025-06-30"
    )
    assert pd.isna(draws.loc["300", "repairs"])


def test_a_wrong_long_date_loses_to_the_two_that_agree():
    draws = load_draws(make_feed(*rounds("301", drawDateFull="June 3, 2025")))
    assert draws.loc[0, "draw_date"] == pd.Timestamp("2025-06-30")
    assert draws.loc[0, "repairs"].startswith("drawDateFull disagrees (drawDate '2025-06-30'")


@pytest.mark.parametrize("value", ["0", ""])
def test_a_distribution_with_a_blank_or_zero_range_is_missing(value):
    feed = make_feed(*rounds("301", "300", dd5=value))
    with pytest.warns(PoolCheckWarning, match=r"taken as not published, in rounds 301 \(dd5\)"):
        draws = load_draws(feed)
        pool = load_pool(feed)
    assert sorted(pool["draw_id"].unique()) == ["300"]
    assert pd.isna(draws.set_index("draw_id").loc["301", "pool_total"])
    text = standing(480, draws, pool).to_text()
    assert "of 10,400 candidates" in text


# ---------------------------------------------------------------- liberal


def test_numbers_given_as_json_numbers_load_to_the_same_table():
    plain = make_feed(*rounds("301", "300"))
    numbers = json.loads(json.dumps(plain))
    for record in numbers["rounds"]:
        record["drawSize"] = int(record["drawSize"].replace(",", ""))
        record["drawCRS"] = float(record["drawCRS"])
    numbers["newKey"] = {"added": "by IRCC"}
    numbers["rounds"][0]["newField"] = "x"
    pd.testing.assert_frame_equal(load_draws(numbers), load_draws(plain))
    numbers["rounds"][0]["drawCRS"] = 520.5
    with pytest.raises(FeedError, match="round 301: field 'drawCRS' is float 520.5"):
        load_draws(numbers)


# ---------------------------------------------------------------- misuse


def test_an_empty_source_is_an_error_not_the_current_folder(tmp_path, monkeypatch, capsys):
    keep_capture(tmp_path, NEW, *rounds("301"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="the source is an empty path"):
        load_draws("")
    assert cli.main(["--source", "", "info"]) == 2
    assert "the source is an empty path" in capsys.readouterr().err


# ---------------------------------------------------------------- writes


def test_fetch_says_which_rounds_are_new(tmp_path, capsys):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds("301", "300"))))
    args = ["--data-dir", str(tmp_path), "fetch", "--from", str(feed)]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "new: #300, #301"
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no new rounds"
    feed.write_text(json.dumps(make_feed(*rounds("303", "302", "301", "300"))))
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "new: #302, #303"
    many = [str(n) for n in range(320, 303, -1)]  # 17 new rounds, newest first as published
    feed.write_text(json.dumps(make_feed(*rounds(*many, "303", "302", "301", "300"))))
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "new: 17 rounds, #304 to #320"


def test_the_next_fetch_completes_a_capture_left_without_provenance(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds("301", "300"))))
    kept = fetch_capture(feed, data_dir=tmp_path).path
    provenance_path(kept).unlink()  # killed between the capture and its provenance
    raw = kept.parent
    dead = raw / f".ee_trends.{dead_pid()}.abc.tmp"
    dead.write_bytes(b"half a capture")
    live = raw / f".ee_trends.{os.getpid()}.abc.tmp"
    live.write_bytes(b"being written")
    again = fetch_capture(feed, data_dir=tmp_path)
    assert again.unchanged and again.path == kept
    record = json.loads(provenance_path(kept).read_text())
    assert record["capture"] == kept.name and record["rounds"] == 2
    assert record["sha256"] == again.sha256
    assert not dead.exists() and live.exists()


@pytest.mark.parametrize("where", ["empty", "dot"])
def test_an_existing_empty_folder_or_dot_is_fine_as_out(tmp_path, monkeypatch, where):
    folder = tmp_path / "out"
    folder.mkdir()
    feed = make_feed(*rounds("301", "300"))
    target: Path | str = folder
    if where == "dot":
        monkeypatch.chdir(folder)
        target = "."
    index = write_report(
        target, source=feed, sections=(sections.now_section,), progress=io.StringIO()
    )
    assert (folder / "index.html").is_file() and (folder / MARKER).is_file()
    assert Path(index) == Path(target) / "index.html"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_build_on_a_full_disk_exits_non_zero(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds("301", "300"))))

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ee_trends",
            "--data-dir",
            str(tmp_path / "d"),
            "build",
            "--source",
            str(feed),
        ],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("ee-trends: error: processed cache not written to ")
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_feed_file_edited_in_place_is_not_served_from_the_cache(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds("301", "300", drawCRS="529"))))
    stat = feed.stat()
    assert load_draws(feed, data_dir=tmp_path)["crs_cutoff"].max() == 529
    feed.write_text(json.dumps(make_feed(*rounds("301", "300", drawCRS="528"))))
    os.utime(feed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert feed.stat().st_size == stat.st_size
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_draws(feed, data_dir=tmp_path)["crs_cutoff"].tolist() == [529, 528]


# ---------------------------------------------------------------- years of captures


def test_a_new_capture_is_merged_onto_the_captures_seen_before(tmp_path, monkeypatch):
    from ee_trends.data import feed as feed_module

    raw = tmp_path / "raw"
    keep_capture(raw, OLD, *rounds("301", "300"))
    keep_capture(raw, "ee_rounds_123_en_20250201T000000Z.json.gz", *rounds("302", "301", "300"))
    load_draws(raw, data_dir=tmp_path)
    keep_capture(raw, NEW, *rounds("303", "302", "301", "300", drawCRS="n/a"))
    read = []
    original = feed_module.read_limited
    monkeypatch.setattr(
        feed_module, "read_limited", lambda p, limit: read.append(p.name) or original(p, limit)
    )
    with pytest.warns(UnreadableValueWarning, match=f"{NEW}: round 303"):
        incremental = load_draws(raw, data_dir=tmp_path)
    assert read == [NEW]
    with pytest.warns(UnreadableValueWarning, match=f"{NEW}: round 303"):
        pd.testing.assert_frame_equal(incremental, load_draws(raw, cache=False))
    assert incremental["draw_id"].tolist() == ["300", "301", "302", "303"]


# ---------------------------------------------------------------- kill -9 at each step

_KILL_AFTER = """
import os, signal, sys
from ee_trends.data import fetch
calls = []
link = fetch._link_new
def killing(temp, target):
    done = link(temp, target)
    calls.append(target)
    if len(calls) == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
    return done
fetch._link_new = killing
fetch.fetch_capture(sys.argv[1], data_dir=sys.argv[2])
"""


@pytest.mark.parametrize("step", [1, 2])
def test_a_fetch_killed_at_each_step_is_completed_by_the_next(tmp_path, step):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(make_feed(*rounds("301", "300"))))
    run = subprocess.run(
        [sys.executable, "-c", _KILL_AFTER, str(feed), str(tmp_path), str(step)],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
    )
    assert run.returncode == -signal.SIGKILL
    raw = tmp_path / "raw"
    (kept,) = list_captures(raw)
    assert provenance_path(kept).exists() == (step == 2)
    again = fetch_capture(feed, data_dir=tmp_path)
    assert again.unchanged and again.path == kept
    assert json.loads(provenance_path(kept).read_text())["capture"] == kept.name
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        [".lock", kept.name, provenance_path(kept).name]
    )


_KILL_IN_SWAP = """
import io, os, signal, sys
from ee_trends.output import report, sections
from conftest import make_feed
from test_reliability import rounds
def write():
    report.write_report(sys.argv[1], source=make_feed(*rounds("301", "300")),
                        sections=(sections.now_section,), progress=io.StringIO())
write()
open(os.path.join(sys.argv[1], "mine.txt"), "w").write("the user's")
replace = os.replace
def killing(source, target):
    replace(source, target)
    if str(target).endswith(".old"):
        os.kill(os.getpid(), signal.SIGKILL)
report.os.replace = killing
write()
"""


def test_a_report_killed_between_its_renames_is_put_back_by_the_rerun(tmp_path):
    out = tmp_path / "reports"
    run = subprocess.run(
        [sys.executable, "-c", _KILL_IN_SWAP, str(out)],
        env={**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO / 'tests'}"},
        capture_output=True,
        cwd=tmp_path,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert not out.exists()  # the user's files wait in a hidden .old folder
    progress = io.StringIO()
    feed = make_feed(*rounds("301", "300"))
    write_report(out, source=feed, sections=(sections.now_section,), progress=progress)
    assert "put back the previous report" in progress.getvalue()
    assert (out / "mine.txt").read_text() == "the user's"
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]
