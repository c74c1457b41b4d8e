"""``ee-trends report``: content rendered per column, files, links, escaping, safe replacement."""

from __future__ import annotations

import base64
import io
import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_feed, make_round
from ee_trends.output import html, report, sections
from ee_trends.output.content import Figure, Section, Table, Text
from ee_trends.output.report import MARKER, ReportError, safe_csv, write_report

CHARTS = (
    sections.now_section,
    sections.standing_section,
    sections.context_section,
    sections.cutoffs_section,
    sections.volumes_section,
    sections.pool_section,
)
"""Every section but the models' (which has its own tests)."""


def extra_section(draws, pool):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("Extra <chart>")
    table = pd.DataFrame({"rounds": [len(draws)], "share": [0.601], "change": [-9.75]})
    return Section(
        "extra",
        "Extra",
        [
            Text("extra <b>text</b>"),
            Table(
                "extra",
                table,
                {
                    "rounds": ("Rounds", "count"),
                    "share": ("Share", "percent"),
                    "change": ("Change", "points"),
                },
            ),
            Figure("extra", fig, alt="An empty chart <titled> Extra", caption="Extra caption"),
        ],
    )


FAST = (sections.now_section, extra_section)


def images(index: Path) -> list[bytes]:
    """The PNGs embedded in the page; the page must have no other image source."""
    page = index.read_text()
    assert len(re.findall(r"<img ", page)) == len(re.findall(r'<img src="data:image/png', page))
    return [
        base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    ]


def tiny_feed(name: str = "No Program Specified") -> dict:
    return make_feed(
        make_round("302", drawDate="2024-07-02", drawName=name),
        make_round("301", drawDate="2024-06-19"),
    )


def write(out, sections=FAST, feed=None, **kwargs):
    return write_report(
        out, source=feed or tiny_feed(), sections=sections, progress=io.StringIO(), **kwargs
    )


@pytest.mark.shared_data
def test_report_on_the_real_feed(real_report):
    folder = real_report.parent
    page = real_report.read_text()
    embedded = images(real_report)
    assert len(embedded) >= 9
    assert all(png.startswith(b"\x89PNG") for png in embedded)
    figures = re.findall(r'href="(figures/[^"]+\.svg)"', page)
    # one PNG a figure, each with its narrow version for screens up to NARROW_SCREEN px; the
    # cutoff chart is inline SVG (with hover) and its one PNG, for phones, is the narrow one
    assert len(set(figures)) == len(embedded)
    narrow = re.findall(r'<source media="\(max-width: (\d+)px\)" srcset="data:image/png', page)
    assert narrow == [str(html.NARROW_SCREEN)] * (len(embedded) - 1)
    (phone,) = re.findall(r'<img src="data:image/png;base64,([^"]+)" class="narrow-only"', page)
    assert base64.b64decode(phone)[16:20] == (605).to_bytes(4, "big")
    for svg in figures:
        drawn = (folder / svg).with_name(Path(svg).stem + html.NARROW + ".png")
        assert drawn.read_bytes()[16:20] == (605).to_bytes(4, "big"), drawn  # 5.5 in at 110 dpi
    titles = re.findall(r"<title>(#[^<]+)</title>", page)
    assert len(titles) == 435  # one tooltip per round
    assert (
        "#176, 2021-02-13, Canadian Experience Class: 27,332 invitations, CRS cutoff 75" in titles
    )
    for svg in figures:
        assert (folder / svg).is_file() and (folder / svg).with_suffix(".png").is_file(), svg
    for href in re.findall(r'href="(tables/[^"]+)"', page):
        assert not pd.read_csv(folder / href).empty, href
    years = pd.read_csv(folder / "tables" / "invitations_by_year.csv").set_index("year")
    assert years.loc[2024, "invitations"] == 98_903
    assert "Data to <strong>2026-08-07</strong>" in page
    assert re.search(
        r"Data: newest round #434 of 2026-08-07, \d+ days before 20\d\d-\d\d-\d\d", page
    )
    assert "Latest round: #434 on 2026-08-07, Transport occupations" in page
    # named by its newest round; a feed file without provenance has no capture time to show,
    # and its copy's date is not presented as one
    assert "Data to <strong>2026-08-07</strong> (round #434)" in page
    assert "from ee_rounds_123_en.json (capture time not recorded)" in page
    assert "file dated" not in page
    assert "<strong>CRS</strong> (Comprehensive Ranking System)" in page.split("<nav>")[0]
    assert "/work/" not in page and str(Path.home()) not in page  # no local path
    # the page leads with now: the recent rounds come before any chart of all years
    assert page.index("recent_rounds.csv") < page.index("figures/cutoffs.svg")
    recent = pd.read_csv(folder / "tables" / "recent_rounds.csv", dtype=str)
    assert len(recent) == 20 and recent["draw_id"].iloc[0] == "434"
    assert '<td data-label="Tie-break time">2025-10-11 14:55:49 UTC</td>' in page  # #434, UTC
    assert not list(folder.parent.glob(".reports.*"))  # no temporary folder left


HEADLINE = "within the current regime (OLS)"


@pytest.mark.shared_data
def test_cec_interval_is_points_and_shares_are_percent(real_report):
    page = real_report.read_text()
    models = page.split('id="models"')[1]
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", models)]
    (head,) = [r for r in rows if r[:2] == ["Canadian Experience Class", HEADLINE]]
    assert head[2:5] == ["−6.2", "−7.7", "−4.7"]  # CRS points per doubling, never "-470.0%"
    assert "100.0%" in page  # a coverage of 1.0 is a percent like the others
    effects = pd.read_csv(real_report.parent / "tables" / "size_effects.csv")
    full = effects[(effects["program"] == "cec") & (effects["estimate"] == "full_sample")]
    assert full["ci_high"].round(1).tolist() == [0.6]  # robustness rows kept in the CSV


@pytest.mark.shared_data
def test_standing_table_from_400_to_600(real_report):
    table = pd.read_csv(real_report.parent / "tables" / "standing_by_score.csv")
    assert list(table["score"]) == list(range(400, 601, 10))
    at_480 = table.set_index("score").loc[480]
    assert (at_480["at_or_above_min"], at_480["at_or_above_max"]) == (46_034, 62_402)
    assert "between 46,034 and 62,402" in real_report.read_text()


def test_when_a_score_is_invited_on_the_real_feed(real_report):
    page = real_report.read_text()
    folder = real_report.parent
    section = page[page.index('<section id="invited">') :]
    section = section[: section.index("</section>")]
    assert "<h2>When a score is invited</h2>" in section
    assert "figures/chances_reliability.svg" in section
    timing = pd.read_csv(folder / "tables" / "next_rounds.csv")
    assert {"cec", "french", "pnp", "healthcare"} <= set(timing["program"])
    cec = pd.read_csv(folder / "tables" / "chances_cec.csv")
    assert list(cec["score"]) == list(range(450, 561, 10))
    assert cec["weeks_26"].is_monotonic_increasing and (cec["weeks_26"] >= cec["weeks_4"]).all()
    pnp = pd.read_csv(folder / "tables" / "chances_pnp.csv")
    assert list(pnp["score"]) == list(range(700, 801, 10))
    scored = pd.read_csv(folder / "tables" / "chances_evaluation.csv")
    assert len(scored) == 20  # 5 programs, 4 windows
    assert re.search(r"a skill of 0\.\d\d \(90% interval -?0\.\d\d to 0\.\d\d", section)
    assert "tie-break" in section and "policy changes" in section


@pytest.mark.shared_data
def test_report_docs_images(real_report):
    docs = real_report.parent.parent / "docs"
    assert sorted(p.stem for p in docs.glob("*.png")) == sorted(report.DOCS_FIGURES)
    from PIL import Image

    for path in docs.glob("*.png"):
        assert path.stat().st_size < 250_000, path
        assert Image.open(path).size[0] == 800, path  # 10 inches at 80 dpi


def test_tables_are_formatted_per_column_with_human_headers(tmp_path):
    page = write(tmp_path / "r").read_text()
    assert "<th class=num>Rounds</th><th class=num>Share</th><th class=num>Change</th>" in page
    assert (
        '<td class=num data-label="Rounds">2</td><td class=num data-label="Share">60.1%</td>'
        '<td class=num data-label="Change">−9.8</td>'
    ) in page  # each cell names its column: a phone shows the rows stacked, "Header: value"
    assert '<div class="scroll"' in page  # a wide table scrolls in its own box
    assert 'alt="An empty chart &lt;titled&gt; Extra"' in page
    assert "<p>extra &lt;b&gt;text&lt;/b&gt;</p>" in page
    assert "a feed given in memory" in page


def test_feed_html_is_escaped(tmp_path):
    attack = "<script>alert(1)</script>"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unknown label warns
        index = write(tmp_path / "r", CHARTS, tiny_feed(attack))
    page = index.read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<a href='/x'>" not in page  # the feed's HTML fields are not written


def test_progress_one_line_per_figure(tmp_path):
    out = io.StringIO()
    index = write_report(tmp_path / "r", source=tiny_feed(), sections=FAST, progress=out)
    lines = [line for line in out.getvalue().splitlines() if "figures/" in line]
    assert len(lines) == len(images(index)) == 2


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ReportError, match="not written by ee-trends report"):
        write(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_writes_into_an_empty_folder(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()  # made by the user beforehand: no marker yet, nothing to carry over
    assert write(out).is_file()


def test_progress_says_one_figure_and_no_figures(tmp_path):
    out = io.StringIO()
    write_report(tmp_path / "r", source=tiny_feed(), sections=FAST, progress=out)
    built = [line for line in out.getvalue().splitlines() if ": built " in line]
    assert built and not any("1 figures" in line or "1 tables" in line for line in built)
    assert any(" 1 figure," in line or " 1 table " in line for line in built), built


def test_refuses_a_symbolic_link(tmp_path):
    real = tmp_path / "real"
    write(real)
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ReportError, match="symbolic link"):
        write(link)
    assert link.is_symlink() and (real / "index.html").is_file()


def test_refuses_a_file_as_the_docs_folder(tmp_path):
    (tmp_path / "docs").write_text("not a folder")
    with pytest.raises(ReportError, match="is a file, not a folder"):
        write(tmp_path / "r", docs=tmp_path / "docs")
    assert not (tmp_path / "r").exists()


def test_failed_run_leaves_the_previous_report(tmp_path):
    out = tmp_path / "r"
    write(out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(draws, pool):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write(out, (*FAST, broken))
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary folder left


def test_rerun_over_a_report_of_the_first_version_replaces_it(tmp_path):
    # quirk: the first version's marker was one line, no list: the whole folder was its own
    out = tmp_path / "r"
    (out / "figures").mkdir(parents=True)
    (out / MARKER).write_text("written by ee-trends report; the folder is replaced on rerun\n")
    (out / "index.html").write_text("old page")
    (out / "figures" / "gone.png").write_bytes(b"old figure")
    write(out, (sections.now_section,))
    assert (out / "index.html").read_text() != "old page"
    assert not (out / "figures" / "gone.png").exists()
    assert (out / MARKER).read_text().startswith("#")


def test_rerun_replaces_its_files_and_keeps_the_users(tmp_path):
    out = tmp_path / "r"
    write(out)
    assert (out / "figures" / "extra.png").is_file()
    (out / "notes.md").write_text("mine")
    (out / "figures" / "annotated.png").write_bytes(b"mine too")
    write(out, (sections.now_section,))  # the extra section is gone
    assert not (out / "figures" / "extra.png").exists()  # its own old file: removed
    assert (out / "notes.md").read_text() == "mine"
    assert (out / "figures" / "annotated.png").read_bytes() == b"mine too"
    listed = (out / MARKER).read_text().splitlines()
    assert "index.html" in listed and "notes.md" not in listed


def test_a_user_file_in_the_way_stops_the_rerun(tmp_path):
    out = tmp_path / "r"
    write(out, (sections.now_section,))
    (out / "tables" / "extra.csv").write_text("mine")
    with pytest.raises(ReportError, match="extra.csv was not written by ee-trends report"):
        write(out)
    assert (out / "tables" / "extra.csv").read_text() == "mine"


def test_csv_cells_that_look_like_formulas_are_neutralised():
    frame = pd.DataFrame(
        {
            "label": ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "plain", None],
            "change": [-9, 4, -1, 0, 2, 3],
            "text_change": pd.array(["-9", "4", "=1", "a", "b", pd.NA], dtype="string"),
        }
    )
    safe = safe_csv(frame)
    assert list(safe["label"][:5]) == ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert pd.isna(safe["label"].iloc[5])
    assert list(safe["change"]) == [-9, 4, -1, 0, 2, 3]  # numbers stay numbers
    assert list(safe["text_change"][:5]) == ["'-9", "4", "'=1", "a", "b"]
    assert list(frame["label"][:1]) == ["=HYPERLINK(1)"]  # the input is not changed


def test_a_formula_from_the_feed_is_neutralised_in_the_csv(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unknown label warns
        index = write(tmp_path / "r", (sections.now_section,), tiny_feed("=cmd|' /C calc'!A0"))
    recent = pd.read_csv(index.parent / "tables" / "recent_rounds.csv", dtype=str)
    assert recent["draw_name"].iloc[0] == "'=cmd|' /C calc'!A0"


SVG = """<?xml version="1.0"?>
<!DOCTYPE svg>
<svg width="10pt"><g id="rounds-cec"><defs><path id="m1"/></defs><g clip-path="url(#c)">
<use xlink:href="#m1" x="1" y="2" style="fill: #000"/>
<use xlink:href="#m1" x="3" y="4" style="fill: #000"/>
</g></g><g id="axis"><use xlink:href="#t" x="0" y="0"/></g></svg>"""


def test_hover_titles_go_on_the_points_of_their_scatter():
    svg = html.with_hover(SVG, {"rounds-cec": ["#1 <a>", "#2"]})
    assert svg.startswith("<svg")
    assert (
        '<use xlink:href="#m1" x="1" y="2" style="fill: #000"><title>#1 &lt;a&gt;</title></use>'
        in svg
    )
    assert 'y="4" style="fill: #000"><title>#2</title></use>' in svg
    assert '<use xlink:href="#t" x="0" y="0"/>' in svg  # other groups untouched
    with pytest.raises(ValueError, match="'rounds-cec' has 2 points but 3 texts"):
        html.with_hover(SVG, {"rounds-cec": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="no scatter with gid 'rounds-pnp'"):
        html.with_hover(SVG, {"rounds-pnp": ["a"]})


def test_names_must_be_unique(tmp_path):
    with pytest.raises(ValueError, match="figures named twice in the report: extra"):
        write(tmp_path / "r", (extra_section, extra_section))


def test_report_command(tmp_path, monkeypatch, capsys):
    from ee_trends import cli

    monkeypatch.setattr(report, "SECTIONS", FAST)
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(tiny_feed()))
    out = tmp_path / "out"
    assert cli.main(["report", "--source", str(feed), "--out", str(out)]) == 0
    assert (out / "index.html").is_file()
    err = capsys.readouterr().err
    assert "figures/extra.png" in err and "from feed.json (file dated" in err
    assert str(tmp_path) not in (out / "index.html").read_text()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    assert cli.main(["report", "--source", str(feed), "--out", str(tmp_path / "other")]) == 2


def test_a_table_refuses_two_columns_with_one_header():
    frame = pd.DataFrame({"low": [1], "high": [2]})
    with pytest.raises(ValueError, match="headers must differ"):
        Table("t", frame, {"low": ("At most", "count"), "high": ("At most", "count")})


def test_cec_what_if_says_the_forecaster_did_worse_on_its_test_rounds(real_report):
    page = real_report.read_text()
    table = pd.read_csv(real_report.parent / "tables" / "forecast_by_program.csv")
    (cec,) = table[(table["period"] == "test") & (table["program"] == "cec")].itertuples()
    assert cec.ratio > 1  # the case this sentence is for
    said = re.search(
        r"the forecaster missed by ([\d.]+) points on average, worse than simply taking the "
        r"previous cutoff \(([\d.]+) points\)",
        page,
    )
    assert said, "the what-if says how its forecaster did"
    assert [float(said.group(i)) for i in (1, 2)] == [round(cec.mae, 1), round(cec.naive_mae, 1)]
    assert page.index(said.group(0)) < page.index('alt="A falling line')  # by the what-if


def test_standing_table_says_which_scores_share_one_published_range(real_report):
    table = pd.read_csv(real_report.parent / "tables" / "standing.csv")
    said = re.search(
        r"Scores (\d+) to (\d+) fall in one published CRS range", real_report.read_text()
    )
    assert said, "the caption names the scores that share a range"
    low, high = int(said.group(1)), int(said.group(2))
    pool_columns = ["at_or_above_min", "at_or_above_max"]
    run = table[table["score"].between(low, high)][pool_columns]
    assert len(run) > 2 and len(run.drop_duplicates()) == 1  # the same counts, row after row
    for outside in (low - 10, high + 10):  # and the run is whole: its neighbours differ
        row = table.loc[table["score"] == outside, pool_columns]
        assert row.empty or not row.iloc[0].equals(run.iloc[0])


def test_models_section_in_plain_words_before_how_it_is_computed(real_report):
    page = real_report.read_text()
    section = page[page.index('<section id="models">') :]
    section = section[: section.index("</section>")]
    plain, _, methods = section.partition("<h3>How this is computed</h3>")
    assert methods, "the section has its How this is computed part"
    plain = re.sub(r"<(img|source|svg)[^>]*>", "", plain)  # words, not image data
    for name in ("OLS", "Huber", "HAC", "Newey-West", "Diebold-Mariano", "pinball"):
        assert name not in plain, name
    assert "OLS" in methods and "Huber" in methods
    assert "twice as large" in plain and "worse than simply taking the previous cutoff" in plain


def test_phone_figure_has_its_legend_under_the_plot_and_its_year_labels_apart(tmp_path):
    from ee_trends.data.load import load_tables
    from ee_trends.output import plots
    from ee_trends.output.plots.style import CAPTION_GID

    names = ("No Program Specified", "Canadian Experience Class", "Provincial Nominee Program")
    feed = make_feed(
        *(
            make_round(str(300 + k), drawDate=f"{year}-06-0{k % 3 + 1}", drawName=names[k % 3])
            for k, year in enumerate(range(2026, 2014, -1))  # newest first: a label a year
        )
    )
    ax = plots.plot_invitations(load_tables(feed)[0], period="year")
    fig = ax.figure
    fig.savefig(tmp_path / "wide.png", dpi=report.REPORT_DPI)
    assert ax.get_legend().get_window_extent().x0 >= ax.bbox.x1  # the wide one: at the right
    report._save_narrow(fig, tmp_path / "narrow.png")
    assert (tmp_path / "narrow.png").read_bytes()[16:20] == (605).to_bytes(4, "big")
    renderer = fig.canvas.get_renderer()  # read back as drawn into narrow.png
    legend = ax.get_legend().get_window_extent(renderer)
    assert fig.bbox.x0 <= legend.x0 and legend.x1 <= fig.bbox.x1
    assert fig.bbox.y0 <= legend.y0 and legend.y1 <= fig.bbox.y1
    assert legend.y1 <= ax.xaxis.get_tightbbox(renderer).y0  # under the plot and its x label
    assert ax.bbox.width > 0.6 * fig.bbox.width  # the plot has the width the legend took
    (caption,) = [t for t in ax.texts if t.get_gid() == CAPTION_GID]
    assert caption.get_window_extent(renderer).y1 <= legend.y0  # the caption under it
    labels = [label.get_window_extent(renderer) for label in ax.get_xticklabels()]
    assert 4 <= len(labels) < 12  # every other year
    assert all(b.x0 > a.x1 for a, b in zip(labels, labels[1:], strict=False))
