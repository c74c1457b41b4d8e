"""``ee-trends export``: draws and pool for Excel or R, with a Frictionless data package."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import keep_capture, make_round, no_distribution
from ee_trends import load_tables
from ee_trends.cli import main
from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS
from ee_trends.errors import ReportError
from ee_trends.output import sections
from ee_trends.output.export import MARKER, PROGRAM_LABEL, write_export
from ee_trends.output.report import write_report

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


@pytest.fixture
def captures(tmp_path) -> Path:
    """Two rounds in a capture with its provenance: a CEC round whose label starts like a
    formula, and an older general round with no tie-break time and no pool distribution."""
    return keep_capture(
        tmp_path / "raw",
        "ee_rounds_123_en_20260901T120000Z.json.gz",
        make_round(
            "301",
            drawDate="2024-06-20",
            drawDateTime="June 20, 2024 at 09:05:01 UTC",
            drawName="Canadian Experience Class",
            drawCutOff="June 1, 2024 at 08:00:00 UTC",
        ),
        make_round("300", drawCutOff="", **no_distribution()),
        captured_at="2026-09-01T12:00:00Z",
    ).parent


def validate(package: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FRICTIONLESS, "validate", "--json", package.name],
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_csv_export_holds_the_tables_as_text_for_a_spreadsheet(captures, tmp_path):
    package = write_export(tmp_path / "out", source=captures)
    draws = pd.read_csv(package.parent / "draws.csv", dtype=str, keep_default_na=False)
    assert list(draws.columns) == [
        f.name for f in DRAW_FIELDS[:4] + (PROGRAM_LABEL,) + DRAW_FIELDS[4:]
    ]
    assert draws[["draw_id", "program", "program_label", "draw_date"]].to_dict("records") == [
        {"draw_id": "300", "program": "general", "program_label": "All programs",
         "draw_date": "2024-06-19"},
        {"draw_id": "301", "program": "cec", "program_label": "Canadian Experience Class",
         "draw_date": "2024-06-20"},
    ]  # fmt: skip
    assert draws["drawn_at"].tolist() == ["2024-06-19T14:07:52Z", "2024-06-20T09:05:01Z"]
    assert draws["tie_break_at"].tolist() == ["", "2024-06-01T08:00:00Z"]  # missing is empty
    assert draws["pool_total"].tolist() == ["", "10400"]
    pool = pd.read_csv(package.parent / "pool.csv", dtype=str, keep_default_na=False)
    assert list(pool.columns) == [f.name for f in POOL_FIELDS]
    assert set(pool["draw_id"]) == {"301"} and len(pool) == 15
    assert set(pool["repaired"]) == {"false"}


def test_a_formula_in_a_label_is_made_harmless(tmp_path):
    folder = keep_capture(
        tmp_path / "raw",
        "ee_rounds_123_en_20260901T120000Z.json.gz",
        make_round("300", drawText2='=HYPERLINK("http://x")'),
        captured_at="2026-09-01T12:00:00Z",
    ).parent
    package = write_export(tmp_path / "out", source=folder)
    draws = pd.read_csv(package.parent / "draws.csv", dtype=str)
    assert draws["programs_covered"].tolist() == ['\'=HYPERLINK("http://x")']


def test_datapackage_comes_from_the_field_table_and_names_the_capture(captures, tmp_path):
    package = json.loads(write_export(tmp_path / "out", source=captures).read_text())
    draws, pool = (r["schema"]["fields"] for r in package["resources"])
    assert [f["name"] for f in pool] == [f.name for f in POOL_FIELDS]
    by_name = {f["name"]: f for f in draws}
    for field in DRAW_FIELDS:
        assert by_name[field.name]["description"] == field.description
        assert by_name[field.name].get("unit") == field.unit
        assert ("constraints" in by_name[field.name]) or field.nullable
    assert by_name["crs_cutoff"] == {
        "name": "crs_cutoff",
        "type": "integer",
        "description": "lowest CRS score invited; NA when not yet published or quarantined",
        "unit": "CRS points",
        "constraints": {"minimum": 0, "maximum": 1200},  # the loader's own bounds
    }
    assert by_name["tie_break_at"]["type"] == "datetime"
    assert "cec" in by_name["program"]["constraints"]["enum"]
    assert package["licenses"][0]["title"] == "Open Government Licence - Canada"
    assert package["sources"][0]["path"].startswith("https://www.canada.ca/")
    assert package["provenance"] | {} == {
        "capture": "ee_rounds_123_en_20260901T120000Z.json.gz",
        "captured_at": "2026-09-01 12:00 UTC",
        "captures_merged": 1,
        "newest_round": "301",
        "newest_round_date": "2024-06-20",
        "rounds": 2,
    }


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_frictionless_validates_the_export_and_catches_a_bad_cell(captures, tmp_path, format):
    package = write_export(tmp_path / format, source=captures, format=format)
    result = validate(package)
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True
    if format == "csv":  # the check can fail: a cutoff that is not a number
        path = package.parent / "draws.csv"
        path.write_text(path.read_text().replace(",529,", ",abc,", 1))
        assert json.loads(validate(package).stdout)["valid"] is False


def test_parquet_export_keeps_types(captures, tmp_path):
    package = write_export(tmp_path / "out", source=captures, format="parquet")
    draws = pd.read_parquet(package.parent / "draws.parquet")
    expected, _ = load_tables(captures)
    assert draws["drawn_at"].tolist() == expected["drawn_at"].tolist()
    assert draws["program_label"].tolist() == ["All programs", "Canadian Experience Class"]
    assert draws["invitations"].dtype == "Int64"


def test_export_folder_is_replaced_only_when_an_export_wrote_it(captures, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(ReportError, match="not written by ee-trends export"):
        write_export(out, source=captures)
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    (out / "mine.txt").unlink()
    write_export(out, source=captures, format="parquet")
    (out / "notes.txt").write_text("added by the user")
    write_export(out, source=captures)  # csv now: the parquet files go, the user's file stays
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARKER, "datapackage.json", "draws.csv", "pool.csv", "notes.txt"]
    )


def test_failed_export_leaves_the_previous_one(captures, tmp_path, monkeypatch):
    from ee_trends.output import export

    out = tmp_path / "out"
    write_export(out, source=captures)
    before = (out / "draws.csv").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "datapackage", broken)
    with pytest.raises(RuntimeError):
        write_export(out, source=captures)
    assert (out / "draws.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]  # no temporary left


def test_cli_export_prints_the_package(captures, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--source", str(captures), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out / "datapackage.json")


def test_report_links_the_export(captures, tmp_path):
    report = tmp_path / "report"
    report = write_report(
        report, source=captures, sections=(sections.now_section,), progress=io.StringIO()
    )
    page = report.read_text()
    for name in ("draws.csv", "pool.csv", "datapackage.json"):
        assert f'href="data/{name}"' in page
        assert (report.parent / "data" / name).is_file()
    assert validate(report.parent / "data" / "datapackage.json").returncode == 0


def test_the_report_exports_every_round_also_one_left_off_its_page(tmp_path):
    """A round with a quarantined cutoff is left off the report's page, not off its export:
    the report's data/ holds what ``ee-trends export`` writes."""
    feed = tmp_path / "feed.json"
    older = make_round("300", drawDate="2024-06-01", drawCRS=" ")  # published before its cutoff
    feed.write_text(json.dumps({"rounds": [make_round("301"), older]}))
    with pytest.warns(UserWarning, match="drawCRS"):
        report = write_report(
            tmp_path / "report",
            source=feed,
            data_dir=tmp_path / "d",
            sections=(sections.now_section,),
            progress=io.StringIO(),
        )
        exported = write_export(tmp_path / "export", source=feed, data_dir=tmp_path / "d")
    in_report = pd.read_csv(report.parent / "data" / "draws.csv")
    pd.testing.assert_frame_equal(in_report, pd.read_csv(exported.parent / "draws.csv"))
    assert sorted(in_report["draw_id"]) == [300, 301]
