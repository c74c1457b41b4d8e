"""The report: every chart as PNG and SVG, the tables behind them as CSV, and ``index.html``.

This module owns ``savefig``. A report is a sequence of *sections*; each
section is a :class:`Section` whose builder takes the loaded data
(:class:`ReportData`) and returns a :class:`SectionResult`: figures (name ->
Figure), tables (name -> DataFrame) and an HTML fragment. The core here saves
the figures and tables, closes the figures, and assembles one self-contained
page (inline CSS, no scripts, images beside it).

Adding a section
----------------
Write a builder anywhere in the package::

    def report_section(data: ReportData) -> SectionResult:
        ax = plot_something(data.draws)
        return SectionResult(
            figures={"model_fit": ax.figure},            # file stem -> Figure
            tables={"model_coefficients": coefficients},  # file stem -> DataFrame
            html="<p>" + escape(text_from_data) + "</p>",  # escape anything from data
        )

and append one entry to :data:`SECTIONS`::

    Section("model", "Draw size and cutoff", "ee_trends.models:report_section"),

A builder given as ``"module:function"`` is imported only when the report
runs, so heavy imports (statsmodels) stay out of ``import ee_trends``.
Figure and table names must be unique across sections (they are file names);
the HTML fragment is inserted as is, so it must escape every value that comes
from data (:func:`escape`, :func:`table_html`). Figures listed in
:data:`DOCS_FIGURES` are also written small to ``--docs``.

The report is written into a temporary folder beside ``out`` and moved into
place only when complete, so a failed run leaves the previous report intact.
"""

from __future__ import annotations

import base64
import html
import importlib
import numbers
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from ee_trends import stats

MARKER = ".ee-trends-report"
"""File that marks a folder as a report this module wrote (and may replace)."""

DOCS_FIGURES: tuple[str, ...] = (
    "cutoffs",
    "invitations_by_year",
    "cumulative_invitations",
    "pool_density",
)
"""Figures also written as small PNGs (dpi 80) by ``--docs``, for the README."""

REPORT_DPI = 110
DOCS_DPI = 80


class ReportError(Exception):
    """The report cannot be written (for example ``out`` is a folder it did not make)."""


@dataclass(frozen=True)
class ReportData:
    """What every section builder receives."""

    draws: pd.DataFrame
    pool: pd.DataFrame
    source: str
    """Where the data was read from, for the page."""

    @property
    def data_date(self) -> pd.Timestamp | None:
        """Date of the newest round."""
        return stats.data_date(self.draws)


@dataclass
class SectionResult:
    """What a section builder returns.

    ``figures`` and ``tables`` map a file stem (``"cutoffs"`` becomes
    ``figures/cutoffs.png``, ``figures/cutoffs.svg``, ``tables/cutoffs.csv``)
    to a matplotlib Figure or a DataFrame. ``html`` is a fragment placed under
    the section's heading, before its figures; a figure's caption is its title.
    """

    figures: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    html: str = ""


Builder = Callable[[ReportData], SectionResult]


@dataclass(frozen=True)
class Section:
    """One section of the report: an id (HTML anchor), a heading, and its builder.

    ``build`` is a callable or a ``"module:function"`` string imported on use.
    """

    key: str
    title: str
    build: Builder | str

    def builder(self) -> Builder:
        if callable(self.build):
            return self.build
        module, _, name = self.build.partition(":")
        return getattr(importlib.import_module(module), name)


# --------------------------------------------------------------------------- HTML helpers


def escape(value: object) -> str:
    """Text for HTML: NA becomes an em dash, everything else is escaped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "&mdash;"
    return html.escape(str(value), quote=True)


def _format_cell(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and not pd.isna(value) and 0 < abs(value) < 1:
        return f"{value:.1%}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not pd.isna(value):
        return f"{value:,.0f}"
    return str(value) if value is not None and not pd.isna(value) else ""


def table_html(frame: pd.DataFrame, *, columns: Mapping[str, str] | None = None) -> str:
    """A DataFrame as an HTML table; every header and cell is escaped.

    ``columns`` maps the columns to show to their headings (default: all).
    """
    columns = dict(columns) if columns is not None else {c: c for c in frame.columns}
    head = "".join(f"<th>{escape(title)}</th>" for title in columns.values())
    rows = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = "".join(f"<td>{escape(_format_cell(value))}</td>" for value in record)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# --------------------------------------------------------------------------- sections


def summary_section(data: ReportData) -> SectionResult:
    """Latest round, last 12 months' invitations by program, newest cutoff per program."""
    from ee_trends.programs import program_label

    draws = data.draws
    if draws.empty:
        return SectionResult(html="<p>No rounds in the data.</p>")
    latest = draws.sort_values(["draw_date", "drawn_at"], kind="stable").iloc[-1]
    recent = stats.recent_invitations(draws, months=12)
    recent.insert(1, "program_name", recent["program"].map(program_label))
    newest = stats.latest_by_program(draws)
    newest.insert(1, "program_name", newest["program"].map(program_label))
    start = data.data_date - pd.DateOffset(months=12)
    day = f"{latest['draw_date']:%Y-%m-%d}"
    size = f"{int(latest['invitations']):,}"
    total = f"{int(recent['invitations'].sum()):,}"
    text = (
        f"<p>Latest round: <strong>#{escape(latest['draw_id'])}</strong> on {escape(day)}, "
        f"{escape(latest['draw_name'])}: {escape(size)} invitations, CRS cutoff "
        f"{escape(latest['crs_cutoff'])}.</p>"
        f"<p>In the 12 months to {escape(f'{data.data_date:%Y-%m-%d}')} "
        f"(after {escape(f'{start:%Y-%m-%d}')}) IRCC issued <strong>{escape(total)}</strong> "
        f"invitations in {escape(int(recent['rounds'].sum()))} rounds:</p>"
        + table_html(
            recent,
            columns={
                "program_name": "Program",
                "rounds": "Rounds",
                "invitations": "Invitations",
                "share": "Share",
            },
        )
        + "<p>Newest round of each program:</p>"
        + table_html(
            newest,
            columns={
                "program_name": "Program",
                "draw_name": "Label as published",
                "draw_id": "Round",
                "draw_date": "Date",
                "crs_cutoff": "CRS cutoff",
                "invitations": "Invitations",
            },
        )
    )
    return SectionResult(
        tables={"last_12_months_by_program": recent, "newest_cutoff_by_program": newest},
        html=text,
    )


def cutoffs_section(data: ReportData) -> SectionResult:
    from ee_trends import plots

    draws = data.draws
    panels = plots.plot_cutoff_panels(draws)
    return SectionResult(
        figures={
            "cutoffs": plots.plot_cutoffs(draws).figure,
            "cutoffs_by_program": panels[0].figure,
            "size_vs_cutoff": plots.plot_size_vs_cutoff(draws).figure,
        },
        tables={"rolling_cutoffs": stats.rolling_cutoffs(draws)},
        html="<p>The CRS cutoff is the lowest Comprehensive Ranking System score invited "
        "in a round. Program-specific and category rounds have their own cutoffs; the "
        "Provincial Nominee Program's are high because a nomination adds 600 points.</p>",
    )


def volumes_section(data: ReportData) -> SectionResult:
    from ee_trends import plots

    draws = data.draws
    yearly = stats.yearly_invitations(draws).reset_index()
    return SectionResult(
        figures={
            "invitations_by_year": plots.plot_invitations(draws, period="year").figure,
            "invitations_by_quarter": plots.plot_invitations(
                draws, period="quarter", events=True
            ).figure,
            "cumulative_invitations": plots.plot_cumulative_invitations(draws).figure,
        },
        tables={
            "invitations_by_year": yearly,
            "invitations_by_quarter_and_program": stats.invitations_by_period(draws, "quarter"),
            "invitations_by_month_and_program": stats.invitations_by_period(draws, "month"),
            "year_to_date": stats.year_to_date_comparison(draws),
        },
    )


def cadence_section(data: ReportData) -> SectionResult:
    from ee_trends import plots

    draws = data.draws
    return SectionResult(
        figures={
            "days_between_rounds": plots.plot_gaps(draws).figure,
            "rounds_per_month": plots.plot_rounds_per_month(draws).figure,
        },
        tables={
            "draw_days": stats.round_gaps(draws),
            "rounds_by_month": stats.rounds_by_period(draws, "month"),
        },
    )


def pool_section(data: ReportData) -> SectionResult:
    from ee_trends import plots

    if data.pool.empty:
        return SectionResult(html="<p>No pool distribution was published in this data.</p>")
    return SectionResult(
        figures={
            "pool_density": plots.plot_pool_heatmap(data.pool).figure,
            "pool_by_range": plots.plot_pool_area(data.pool).figure,
            "pool_total": plots.plot_pool_total(data.draws).figure,
        },
        tables={
            "pool_distribution": stats.pool_distribution(data.pool),
            "pool_totals": stats.pool_totals(data.draws),
        },
        html="<p>IRCC publishes the distribution of candidates in the pool by CRS score "
        "with most rounds since January 2022.</p>",
    )


SECTIONS: tuple[Section, ...] = (
    Section("summary", "Summary", summary_section),
    Section("context", "The newest round in context", "ee_trends.context:report_section"),
    Section("cutoffs", "CRS cutoffs", cutoffs_section),
    Section("volumes", "Invitation volumes", volumes_section),
    Section("cadence", "Draw cadence", cadence_section),
    Section("pool", "The pool of candidates", pool_section),
    Section("models", "Draw size and cutoff", "ee_trends.models:report_section"),
)
"""The sections of the report, in page order. Append a :class:`Section` to add one."""


# --------------------------------------------------------------------------- writing


def load_report_data(
    source: Any = None, *, data_dir: str | os.PathLike | None = None
) -> ReportData:
    """Load the draws and pool for the report (source resolution as for load_draws)."""
    from ee_trends.config import resolve_source
    from ee_trends.load import load_tables

    draws, pool = load_tables(source, data_dir=data_dir)
    if isinstance(source, Mapping):
        where = "a feed given in memory"
    else:
        resolved = resolve_source(source, data_dir=data_dir)
        where = resolved.location
    return ReportData(draws=draws, pool=pool, source=where)


def write_report(
    out: str | os.PathLike = "reports",
    *,
    source: Any = None,
    data_dir: str | os.PathLike | None = None,
    docs: str | os.PathLike | None = None,
    sections: Iterable[Section] | None = None,
    progress: TextIO | None = None,
) -> Path:
    """Write the report into ``out`` and return the path of its ``index.html``.

    Parameters
    ----------
    out
        The report folder: created, or replaced when it holds an earlier
        report (a non-empty folder without the report marker is refused).
    source, data_dir
        As for :func:`ee_trends.load_draws` (a feed dict is accepted).
    docs
        Also write the :data:`DOCS_FIGURES` as small PNGs into this folder.
    sections
        The sections to build (default :data:`SECTIONS`).
    progress
        Where to print one line per figure (default ``sys.stderr``).
    """
    progress = sys.stderr if progress is None else progress
    out = Path(out)
    _check_replaceable(out)
    started = time.perf_counter()
    data = load_report_data(source, data_dir=data_dir)
    print(f"report: {len(data.draws)} rounds from {data.source}", file=progress, flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    temp.chmod(0o755)  # mkdtemp makes it private; a report is meant to be shared
    try:
        (temp / "figures").mkdir()
        (temp / "tables").mkdir()
        (temp / "docs").mkdir()
        parts = [
            _write_section(section, data, temp, docs is not None, progress)
            for section in (SECTIONS if sections is None else tuple(sections))
        ]
        (temp / "index.html").write_text(_page(data, parts, temp), encoding="utf-8")
        (temp / MARKER).write_text("written by ee-trends report; the folder is replaced on rerun\n")
        small = sorted((temp / "docs").glob("*.png"))
        if not small:
            (temp / "docs").rmdir()
        if docs is not None:
            docs_dir = Path(docs)
            docs_dir.mkdir(parents=True, exist_ok=True)
            for path in small:
                os.replace(path, docs_dir / path.name)
                print(f"  docs: {docs_dir / path.name}", file=progress, flush=True)
            if small:
                (temp / "docs").rmdir()
        _swap(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    print(f"report: wrote {out / 'index.html'} in {seconds:.1f} s", file=progress, flush=True)
    return out / "index.html"


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} is a file, not a report folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ReportError(
            f"{out} is not empty and was not written by ee-trends report; "
            "give an empty or new folder"
        )


def _swap(temp: Path, out: Path) -> None:
    """Put the finished report in place of ``out`` (near-atomically: two renames)."""
    if not out.exists():
        os.replace(temp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(temp, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class _Written:
    section: Section
    result: SectionResult
    figures: list[tuple[str, str]]  # (file stem, caption)
    tables: list[str]


def _write_section(
    section: Section, data: ReportData, folder: Path, docs: bool, progress: TextIO
) -> _Written:
    import matplotlib.pyplot as plt

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. glyph warnings in labels from data
        result = section.builder()(data)
    print(
        f"  {section.key}: built {len(result.figures)} figures, {len(result.tables)} tables "
        f"in {time.perf_counter() - started:.1f} s",
        file=progress,
        flush=True,
    )
    figures = []
    try:
        for name, figure in result.figures.items():
            _check_name(name)
            started = time.perf_counter()
            for suffix in ("png", "svg"):
                figure.savefig(folder / "figures" / f"{name}.{suffix}", dpi=REPORT_DPI)
            if docs and name in DOCS_FIGURES:
                figure.savefig(folder / "docs" / f"{name}.png", dpi=DOCS_DPI)
            figures.append((name, _figure_title(figure)))
            print(
                f"  {section.key}: figures/{name}.png, .svg "
                f"({time.perf_counter() - started:.1f} s)",
                file=progress,
                flush=True,
            )
    finally:
        for figure in result.figures.values():
            plt.close(figure)
    for name, table in result.tables.items():
        _check_name(name)
        table.to_csv(folder / "tables" / f"{name}.csv", index=False)
    return _Written(section, result, figures, list(result.tables))


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure and table names must be simple file stems, not {name!r}")


def _figure_title(figure: Any) -> str:
    if figure._suptitle is not None and figure._suptitle.get_text():
        return figure._suptitle.get_text()
    for ax in figure.axes:
        for loc in ("left", "center"):
            title = ax.get_title(loc=loc)
            if title:
                return title
    return ""


def _data_uri(png: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } .meta { color: #555; font-size: 0.9rem; }
nav a { margin-right: 1rem; } figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9rem; color: #444; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
ul.tables { font-size: 0.9rem; }
"""


def _page(data: ReportData, parts: list[_Written], folder: Path) -> str:
    """The page, self-contained: the PNGs are embedded; SVG and CSV files are linked."""
    date = data.data_date
    date_text = f"{date:%Y-%m-%d}" if date is not None else "no rounds"
    nav = " ".join(
        f'<a href="#{escape(p.section.key)}">{escape(p.section.title)}</a>' for p in parts
    )
    body = []
    for part in parts:
        body.append(f'<section id="{escape(part.section.key)}">')
        body.append(f"<h2>{escape(part.section.title)}</h2>")
        body.append(part.result.html)
        for name, caption in part.figures:
            body.append(
                f'<figure><a href="figures/{escape(name)}.svg">'
                f'<img src="{_data_uri(folder / "figures" / f"{name}.png")}" '
                f'alt="{escape(caption)}"></a>'
                f"<figcaption>{escape(caption)} "
                f'(<a href="figures/{escape(name)}.svg">SVG</a>)</figcaption></figure>'
            )
        if part.tables:
            links = ", ".join(
                f'<a href="tables/{escape(name)}.csv">{escape(name)}.csv</a>'
                for name in part.tables
            )
            body.append(f'<ul class="tables"><li>Tables: {links}</li></ul>')
        body.append("</section>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Express Entry rounds of invitations: report (data to {escape(date_text)})</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<h1>Express Entry rounds of invitations</h1>
<p class="meta">Data to <strong>{escape(date_text)}</strong>: {escape(len(data.draws))} rounds.
Source: Immigration, Refugees and Citizenship Canada (IRCC), Express Entry rounds feed
(Open Government Licence &ndash; Canada), read from {escape(data.source)}.
Generated by ee_trends.</p>
<nav>{nav}</nav>
{"".join(body)}
</body>
</html>
"""
