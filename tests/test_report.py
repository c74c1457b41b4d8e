"""``ee-trends report``: files, links, escaping, atomic replacement, and sections."""

from __future__ import annotations

import base64
import io
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_feed, make_round
from ee_trends import report
from ee_trends.report import ReportError, Section, SectionResult, write_report

CHARTS = ("summary", "cutoffs", "volumes", "cadence", "pool")
"""The sections of issue #3 (the others' sections have their own tests)."""


def sections(*keys: str) -> tuple[Section, ...]:
    return tuple(s for s in report.SECTIONS if s.key in keys)


FAST = (*sections("summary"), Section("extra", "Extra", "test_report:extra_section"))


def images(index: Path) -> list[bytes]:
    """The PNGs embedded in the page; the page must have no other image source."""
    page = index.read_text()
    assert len(re.findall(r"<img ", page)) == len(re.findall(r'<img src="data:image/png', page))
    return [
        base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    ]


@pytest.mark.shared_data
def test_report_on_the_real_feed(real_report):
    folder = real_report.parent
    embedded = images(real_report)
    assert len(embedded) >= 10
    assert all(png.startswith(b"\x89PNG") for png in embedded)
    figures = re.findall(r'href="(figures/[^"]+\.svg)"', real_report.read_text())
    assert len(set(figures)) == len(embedded)
    for svg in figures:
        assert (folder / svg).is_file() and (folder / svg).with_suffix(".png").is_file(), svg
    for href in re.findall(r'href="(tables/[^"]+)"', real_report.read_text()):
        table = pd.read_csv(folder / href)
        assert not table.empty, href
    years = pd.read_csv(folder / "tables" / "invitations_by_year.csv").set_index("year")
    assert years.loc[2024, "invitations"] == 98_903
    page = real_report.read_text()
    assert "Data to <strong>2026-08-07</strong>" in page
    assert "Latest round: <strong>#434</strong>" in page
    assert not list(folder.parent.glob(".reports.*"))  # no temporary folder left


@pytest.mark.shared_data
def test_report_docs_images_are_small(real_report):
    docs = real_report.parent.parent / "docs"
    written = sorted(p.stem for p in docs.glob("*.png"))
    assert written == sorted(report.DOCS_FIGURES)
    for path in docs.glob("*.png"):
        assert path.stat().st_size < 150_000, path


def tiny_feed(name: str = "No Program Specified") -> dict:
    return make_feed(
        make_round("302", drawDate="2024-07-02", drawName=name),
        make_round("301", drawDate="2024-06-19"),
    )


def test_feed_html_is_escaped(tmp_path):
    attack = "<script>alert(1)</script>"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unknown label warns
        index = write_report(
            tmp_path / "r",
            source=tiny_feed(attack),
            sections=sections(*CHARTS),
            progress=io.StringIO(),
        )
    page = index.read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<a href='/x'>" not in page  # the feed's HTML fields are not written


def test_progress_one_line_per_figure(tmp_path):
    out = io.StringIO()
    index = write_report(tmp_path / "r", source=tiny_feed(), sections=FAST, progress=out)
    lines = [line for line in out.getvalue().splitlines() if "figures/" in line]
    assert len(lines) == len(images(index))


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ReportError, match="not written by ee-trends report"):
        write_report(tmp_path, source=tiny_feed(), sections=FAST, progress=io.StringIO())
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_failed_run_leaves_the_previous_report(tmp_path):
    out = tmp_path / "r"
    write_report(out, source=tiny_feed(), sections=FAST, progress=io.StringIO())
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(data):
        raise RuntimeError("boom")

    failing = (*FAST, Section("broken", "Broken", broken))
    with pytest.raises(RuntimeError, match="boom"):
        write_report(out, source=tiny_feed(), sections=failing, progress=io.StringIO())
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folder left


def test_rerun_replaces_the_report(tmp_path):
    out = tmp_path / "r"
    write_report(out, source=tiny_feed(), sections=FAST, progress=io.StringIO())
    (out / "figures" / "stale.png").write_bytes(b"old")
    write_report(out, source=tiny_feed(), sections=FAST, progress=io.StringIO())
    assert not (out / "figures" / "stale.png").exists()


def extra_section(data):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("Extra <chart>")
    table = pd.DataFrame({"rounds": [len(data.draws)]})
    return SectionResult(figures={"extra": fig}, tables={"extra": table}, html="<p>extra</p>")


def test_a_section_can_be_added(tmp_path):
    sections = (*report.SECTIONS, Section("extra", "Extra", "test_report:extra_section"))
    index = write_report(
        tmp_path / "r", source=tiny_feed(), sections=sections, progress=io.StringIO()
    )
    page = index.read_text()
    assert '<section id="extra"><h2>Extra</h2><p>extra</p>' in page
    assert (index.parent / "figures" / "extra.png").read_bytes() in images(index)
    assert 'alt="Extra &lt;chart&gt;"' in page
    assert (index.parent / "tables" / "extra.csv").is_file()


def test_report_command(tmp_path, monkeypatch, capsys):
    import json

    from ee_trends import cli

    monkeypatch.setattr(report, "SECTIONS", FAST)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(tiny_feed()))
    out = tmp_path / "out"
    assert cli.main(["report", "--source", str(feed), "--out", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert "figures/extra.png" in capsys.readouterr().err
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    assert cli.main(["report", "--source", str(feed), "--out", str(tmp_path / "other")]) == 2
