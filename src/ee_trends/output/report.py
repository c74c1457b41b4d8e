"""The report: one page that leads with what is being invited now, its charts and tables.

This module alone writes HTML and owns ``savefig``. The report is a sequence
of section builders, each a function ``build(draws, pool) ->``
:class:`~ee_trends.content.Section` (see :mod:`ee_trends.content`): the
analysis modules hand back text, tables with a format per column, and
figures; this module renders them, saves every figure as PNG and SVG and
every table as CSV, and assembles one self-contained page (inline CSS, the
PNGs embedded, no scripts). A figure with hover details
(:attr:`~ee_trends.content.Figure.hover`) is put inline as SVG instead, each
point with its tooltip.

Adding a section: write a builder and append it to :data:`SECTIONS`::

    def my_section(draws, pool):
        return Section("mine", "My part", [Text("..."), Table("mine", frame, columns)])

Figure and table names must be unique (they are file names); figures named
in :data:`DOCS_FIGURES` are also written to ``--docs`` for the README.

Safety: ``out`` is written to a temporary folder beside it and put in place
only when complete, so a failed run leaves the previous report. A folder is
replaced only when it holds the report marker; the marker lists the files the
report wrote, and any other file found there (one the user added) is carried
over, never deleted. A symbolic link as ``out`` is refused. In the CSV files,
a text cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from ee_trends import __version__, stats
from ee_trends.captures import FilesRead
from ee_trends.content import NUMERIC_FORMATS, Figure, Section, Table, Text

MARKER = ".ee-trends-report"
"""File that marks a folder as a report this module wrote, listing the files it wrote."""

DOCS_FIGURES: tuple[str, ...] = (
    "recent_cutoffs",
    "cutoffs",
    "invitations_by_year",
    "pool_density",
)
"""Figures also written as PNGs by ``--docs``, for the README."""

REPORT_DPI = 110
DOCS_DPI = 80
"""The figures are 10 inches wide: 800 pixels in the README."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV text cell starting with one of these is prefixed with ``'``."""

Builder = Callable[[pd.DataFrame, pd.DataFrame], Section]


class ReportError(Exception):
    """The report cannot be written (for example ``out`` is a folder it did not make)."""


@dataclass(frozen=True)
class ReportData:
    """The loaded tables and where they came from."""

    draws: pd.DataFrame
    pool: pd.DataFrame
    read: FilesRead
    """The feed files the tables were read from."""


# --------------------------------------------------------------------------- sections


def now_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """What is being invited now: the newest rounds, what changed, the recent cutoffs."""
    from ee_trends import plots
    from ee_trends.programs import program_label

    if draws.empty:
        return Section("now", "Now", [Text("No rounds in the data.")])
    changes = stats.latest_changes(draws, days=7)
    blocks: list[Any] = []
    newest = changes.iloc[0]
    blocks.append(
        Text(
            f"Latest round: #{newest['draw_id']} on {newest['draw_date']:%Y-%m-%d}, "
            f"{program_label(newest['program'])}: {int(newest['invitations']):,} invitations, "
            f"CRS cutoff {int(newest['crs_cutoff'])}."
        )
    )
    changes["program_label"] = changes["program"].map(program_label)
    blocks.append(
        Table(
            "latest_changes",
            changes,
            {
                "draw_id": ("Round", "text"),
                "draw_date": ("Date", "date"),
                "program_label": ("Program", "text"),
                "crs_cutoff": ("CRS cutoff", "score"),
                "cutoff_change": ("Change", "change"),
                "previous_draw_id": ("Previous round of the program", "text"),
                "previous_date": ("On", "date"),
                "previous_cutoff": ("Its cutoff", "score"),
                "invitations": ("Invitations", "count"),
                "previous_invitations": ("Previously", "count"),
            },
            caption=f"What changed: the rounds of the week to {newest['draw_date']:%Y-%m-%d}, "
            "each against the previous round of its program.",
        )
    )
    recent = stats.recent_rounds(draws, 20)
    recent["program_label"] = recent["program"].map(program_label)
    blocks.append(
        Table(
            "recent_rounds",
            recent,
            {
                "draw_id": ("Round", "text"),
                "draw_date": ("Date", "date"),
                "program_label": ("Program", "text"),
                "invitations": ("Invitations", "count"),
                "crs_cutoff": ("CRS cutoff", "score"),
                "tie_break_at": ("Tie-break time", "datetime_utc"),
            },
            caption="The 20 newest rounds. Tie-break: of the candidates at the cutoff score, "
            "those whose profile was submitted before this time were invited.",
        )
    )
    axes = plots.plot_recent_cutoffs(draws)
    blocks.append(
        Figure(
            "recent_cutoffs",
            axes[0].figure,
            alt="Small multiples, one panel per program with a round in the last 12 months: "
            "the CRS cutoff of each round over the last 18 months, dot size showing the "
            "number of invitations, the newest cutoff written on each panel.",
            caption="The CRS cutoff of each program's rounds over the last 18 months.",
        )
    )
    mix = stats.recent_invitations(draws, months=12)
    mix["program_label"] = mix["program"].map(program_label)
    blocks.append(
        Table(
            "last_12_months_by_program",
            mix,
            {
                "program_label": ("Program", "text"),
                "rounds": ("Rounds", "count"),
                "invitations": ("Invitations", "count"),
                "share": ("Share of invitations", "percent"),
            },
            caption=f"Invitations in the 12 months to {stats.data_date(draws):%Y-%m-%d}.",
        )
    )
    return Section("now", "What is being invited now", blocks)


def standing_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Where a CRS score from 400 to 600 stands in the pool and in the last year's rounds."""
    from ee_trends.programs import program_label
    from ee_trends.score_standing import SCORES, standing_table

    table = standing_table(draws, pool, SCORES)
    if table.empty:
        return Section("standing", "Where a score stands", [Text("No rounds in the data.")])
    shown = table[["score", "at_or_above_min", "at_or_above_max", "share_min", "share_max"]].copy()
    columns: dict[str, tuple[str, str]] = {
        "score": ("CRS score", "score"),
        "at_or_above_min": ("Candidates at or above, at least", "count"),
        "at_or_above_max": ("Candidates, at most", "count"),
        "share_min": ("Share of the pool, at least", "percent"),
        "share_max": ("Share, at most", "percent"),
    }
    for column in table.columns:
        if column.startswith("reached_"):
            key = column.removeprefix("reached_")
            shown[key] = [
                f"{reached} of {rounds}"
                for reached, rounds in zip(table[column], table[f"rounds_{key}"], strict=True)
            ]
            columns[key] = (program_label(key), "text")
    example = _example_standing(draws, pool)
    blocks = [
        Text(
            "For a CRS score: how many candidates in the newest published pool distribution "
            "scored as much or more, and, for each program, how many of its rounds in the last "
            "12 months had a cutoff at or below it. The published CRS ranges are 10 to 100 "
            "points wide, so a score inside a range gives a range of candidates, not a point."
        ),
        Text(example),
        Table(
            "standing",
            shown,
            columns,
            caption="Rounds of the last 12 months with a cutoff at or below the score, of all "
            "rounds of the program in that time. A Provincial Nominee cutoff includes the 600 "
            "points of a nomination. Run `ee-trends standing SCORE` for any score.",
        ),
    ]
    return Section("standing", "Where a score stands", blocks, data={"standing_by_score": table})


def context_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """The newest round against the rounds before it (:func:`ee_trends.draw_context`)."""
    from ee_trends.context import draw_context

    if draws.empty:
        return Section("context", "The newest round in context", [Text("No rounds in the data.")])
    newest = stats.recent_rounds(draws, 1).iloc[0]
    context = draw_context(draws, newest["draw_id"], pool=pool)
    table = context.table()
    blocks: list[Any] = [Text(line) for line in context.to_text().splitlines()]
    blocks.append(
        Table(
            "newest_round_context",
            table,
            {
                "among": ("Among", "text"),
                "window": ("Window", "text"),
                "rank": ("Rank by size", "count"),
                "tied": ("Tied with", "count"),
                "rounds": ("Rounds in window", "count"),
            },
        )
    )
    return Section("context", "The newest round in context", blocks)


def cutoffs_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Every cutoff since 2015, and draw size against cutoff."""
    from ee_trends import plots

    blocks = [
        Text(
            "The CRS cutoff is the lowest Comprehensive Ranking System score invited in a "
            "round. Program and category rounds have their own cutoffs; the Provincial "
            "Nominee Program's are high because a nomination adds 600 points."
        ),
        Figure(
            "cutoffs",
            plots.plot_cutoffs(draws).figure,
            alt="Scatter of the CRS cutoff of every round since 2015, coloured by program, with "
            "each main program's rolling median as a line and the policy events numbered above.",
            caption="Every round's cutoff since 2015; small categories in grey.",
            hover=plots.cutoff_hover(draws),
        ),
        Figure(
            "size_vs_cutoff",
            plots.plot_size_vs_cutoff(draws).figure,
            alt="Scatter of the number of invitations (log scale) against the CRS cutoff of "
            "each round, coloured by program.",
            caption="Larger rounds reach lower scores within a program; across programs the "
            "cutoffs differ by design.",
        ),
    ]
    return Section(
        "cutoffs",
        "CRS cutoffs since 2015",
        blocks,
        data={"rolling_cutoffs": stats.rolling_cutoffs(draws)},
    )


def volumes_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Invitations per year and quarter, and this year against earlier years."""
    from ee_trends import plots

    ytd = stats.year_to_date_comparison(draws)
    date = stats.data_date(draws)
    blocks = [
        Figure(
            "invitations_by_year",
            plots.plot_invitations(draws, period="year").figure,
            alt="Stacked bars of the invitations issued each year since 2015, by program; "
            "the current year, still running, is hatched.",
            caption="Invitations per year; the current year is partial (hatched).",
        ),
        Figure(
            "invitations_by_quarter",
            plots.plot_invitations(draws, period="quarter", events=True).figure,
            alt="Stacked bars of the invitations issued each quarter, by program, with the "
            "policy events numbered above; the current quarter is hatched.",
            caption="Invitations per quarter; the current quarter is partial (hatched).",
        ),
        Figure(
            "cumulative_invitations",
            plots.plot_cumulative_invitations(draws).figure,
            alt="Lines of the invitations issued since January 1 of each year against the day "
            "of the year, the current year thick, the previous four in colour.",
            caption="This year's invitations so far against the same dates of earlier years.",
        ),
        Table(
            "year_to_date",
            ytd.iloc[::-1].reset_index(drop=True),
            {
                "year": ("Year", "text"),
                "end": ("Up to", "date"),
                "rounds": ("Rounds", "count"),
                "to_date": ("Invitations to that date", "count"),
                "full_year": ("Whole year", "count"),
            },
            caption=f"Each year up to {date:%B %d}." if date is not None else "",
        ),
    ]
    return Section(
        "volumes",
        "Invitation volumes",
        blocks,
        data={
            "invitations_by_year": stats.yearly_invitations(draws).reset_index(),
            "invitations_by_quarter_and_program": stats.invitations_by_period(draws, "quarter"),
            "invitations_by_month_and_program": stats.invitations_by_period(draws, "month"),
        },
    )


def pool_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """The pool's CRS distribution over time."""
    from ee_trends import plots

    published = stats.published_distributions(pool)
    if pool.empty:
        return Section("pool", "The pool of candidates", [Text(published.text())])
    blocks = [
        Text(published.text()),
        Figure(
            "pool_density",
            plots.plot_pool_heatmap(pool, draws).figure,
            alt="Heat map of candidates per CRS point in the pool on each published date, on a "
            "CRS scale from 300 to 650, with the cutoff of each round drawn as a dot.",
            caption="Where the candidates score, and the cutoffs of the rounds over it.",
        ),
        Figure(
            "pool_by_range",
            plots.plot_pool_area(pool).figure,
            alt="Stacked areas of the candidates in the pool by CRS range on each published "
            "date; the top edge is the whole pool.",
            caption="Candidates in the pool by CRS range; the top edge is the total.",
        ),
    ]
    return Section(
        "pool",
        "The pool of candidates",
        blocks,
        data={
            "pool_distribution": stats.pool_distribution(pool),
            "pool_totals": stats.pool_totals(draws),
        },
    )


def models_section(draws: pd.DataFrame, pool: pd.DataFrame) -> Section:
    """Draw size and cutoff (:mod:`ee_trends.models`; statsmodels is imported only here)."""
    from ee_trends.models.section import report_section

    return report_section(draws, pool)


SECTIONS: tuple[Builder, ...] = (
    now_section,
    standing_section,
    context_section,
    cutoffs_section,
    volumes_section,
    pool_section,
    models_section,
)
"""The section builders, in page order."""


def _example_standing(draws: pd.DataFrame, pool: pd.DataFrame) -> str:
    from ee_trends.score_standing import standing

    return "Example, a score of 480. " + standing(480, draws, pool).to_text().splitlines()[0]


# --------------------------------------------------------------------------- loading


def load_report_data(
    source: Any = None, *, data_dir: str | os.PathLike | None = None
) -> ReportData:
    """Load the draws and pool for the report (source resolution as for load_draws)."""
    from ee_trends.load import load_all

    loaded = load_all(source, data_dir=data_dir)
    return ReportData(loaded.draws, loaded.pool, loaded.read)


# --------------------------------------------------------------------------- writing


def write_report(
    out: str | os.PathLike = "reports",
    *,
    source: Any = None,
    data_dir: str | os.PathLike | None = None,
    docs: str | os.PathLike | None = None,
    sections: Iterable[Builder] | None = None,
    progress: TextIO | None = None,
) -> Path:
    """Write the report into ``out`` and return the path of its ``index.html``.

    Parameters
    ----------
    out
        The report folder: created, or replaced when it holds an earlier
        report (a non-empty folder without the report marker, a file or a
        symbolic link is refused). Files in it that the earlier report did not
        write are kept.
    source, data_dir
        As for :func:`ee_trends.load_draws` (a feed dict is accepted).
    docs
        Also write the :data:`DOCS_FIGURES` as PNGs into this folder.
    sections
        The section builders (default :data:`SECTIONS`).
    progress
        Where to print one line per section and figure (default ``sys.stderr``).
    """
    progress = sys.stderr if progress is None else progress
    out = Path(out)
    _check_replaceable(out)
    if docs is not None and Path(docs).exists() and not Path(docs).is_dir():
        raise ReportError(f"--docs {docs} is a file, not a folder")
    started = time.perf_counter()
    data = load_report_data(source, data_dir=data_dir)
    _say(progress, f"report: {len(data.draws)} rounds from {data.read.text()}")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    temp.chmod(0o755)  # mkdtemp makes it private; a report is meant to be shared
    try:
        for folder in ("figures", "tables", "docs"):
            (temp / folder).mkdir()
        written = [
            _write_section(build, data, temp, docs is not None, progress)
            for build in (SECTIONS if sections is None else tuple(sections))
        ]
        _check_unique(written)
        (temp / "index.html").write_text(_page(data, written, temp), encoding="utf-8")
        small = sorted((temp / "docs").glob("*.png"))
        if docs is not None:
            docs_dir = Path(docs)
            docs_dir.mkdir(parents=True, exist_ok=True)
            for path in small:
                shutil.copyfile(path, docs_dir / path.name)
                _say(progress, f"  docs: {path.name}")
        shutil.rmtree(temp / "docs")
        files = sorted(p.relative_to(temp).as_posix() for p in temp.rglob("*") if p.is_file())
        (temp / MARKER).write_text(
            "# written by ee-trends report: these files are replaced on rerun, "
            "any other file here is kept\n" + "".join(f"{name}\n" for name in files)
        )
        _keep_user_files(out, temp)
        _swap(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    _say(progress, f"report: wrote {out / 'index.html'} in {seconds:.1f} s")
    return out / "index.html"


def _say(progress: TextIO, text: str) -> None:
    print(text, file=progress, flush=True)


def _check_replaceable(out: Path) -> None:
    if out.is_symlink():
        raise ReportError(f"{out} is a symbolic link; give the real folder")
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} is a file, not a report folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ReportError(
            f"{out} is not empty and was not written by ee-trends report; "
            "give an empty or new folder"
        )


def _written_before(out: Path) -> set[str]:
    """The files the earlier report listed in its marker.

    A marker of the first version lists nothing (its one line says the whole
    folder is replaced on rerun): every file in the folder is the report's.
    """
    lines = (out / MARKER).read_text(encoding="utf-8").splitlines()
    if lines and not lines[0].startswith("#"):
        return {p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir()}
    return {line for line in lines if line and not line.startswith("#")}


def _keep_user_files(out: Path, temp: Path) -> None:
    """Copy into ``temp`` every file of ``out`` the earlier report did not write."""
    if not out.is_dir():
        return
    ours = _written_before(out) | {MARKER}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if name in ours or path.is_dir():
            continue
        target = temp / name
        if target.exists():
            raise ReportError(
                f"{out / name} was not written by ee-trends report but the new report "
                "has a file of that name; move it away first"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        else:
            shutil.copy2(path, target)


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


@dataclass(frozen=True)
class _Written:
    section: Section
    figures: list[str]
    tables: list[str]


def _write_section(
    build: Builder, data: ReportData, folder: Path, docs: bool, progress: TextIO
) -> _Written:
    import matplotlib.pyplot as plt

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. glyph warnings in labels from data
        section = build(data.draws, data.pool)
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    tables = [b for b in section.blocks if isinstance(b, Table)]
    _say(
        progress,
        f"  {section.key}: built {len(figures)} figures, {len(tables)} tables "
        f"in {time.perf_counter() - started:.1f} s",
    )
    try:
        for figure in figures:
            _check_name(figure.name)
            started = time.perf_counter()
            for suffix in ("png", "svg"):
                figure.figure.savefig(
                    folder / "figures" / f"{figure.name}.{suffix}", dpi=REPORT_DPI
                )
            if docs and figure.name in DOCS_FIGURES:
                figure.figure.savefig(folder / "docs" / f"{figure.name}.png", dpi=DOCS_DPI)
            _say(
                progress,
                f"  {section.key}: figures/{figure.name}.png, .svg "
                f"({time.perf_counter() - started:.1f} s)",
            )
    finally:
        for figure in figures:
            plt.close(figure.figure)
    names = []
    for name, frame in [(t.name, t.frame) for t in tables] + list(section.data.items()):
        _check_name(name)
        safe_csv(frame).to_csv(folder / "tables" / f"{name}.csv", index=False)
        names.append(name)
    return _Written(section, [f.name for f in figures], names)


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure and table names must be simple file stems, not {name!r}")


def _check_unique(written: list[_Written]) -> None:
    for kind in ("figures", "tables"):
        names = [name for part in written for name in getattr(part, kind)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{kind} named twice in the report: {', '.join(repeated)}")


def safe_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula prefixed by ``'``.

    Only text cells change: numbers (a negative CRS change) stay numbers.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue
        out[column] = values.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
        )
    return out


# --------------------------------------------------------------------------- HTML


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _text_html(block: Text) -> str:
    return f"<p>{escape(block.text)}</p>"


def _table_html(block: Table) -> str:
    shown = block.formatted()
    kinds = [kind for _, kind in block.columns.values()]
    head = "".join(
        f"<th{_cell_class(kind, header=True)}>{escape(header)}</th>"
        for header, kind in zip(shown.columns, kinds, strict=True)
    )
    rows = []
    for record in shown.itertuples(index=False):
        cells = "".join(
            f"<td{_cell_class(kind)}>{escape(value)}</td>"
            for value, kind in zip(record, kinds, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    caption = f"{escape(block.caption)} " if block.caption else ""
    return (
        f'<div class="scroll" role="region" aria-label="{escape(block.name)} table" tabindex="0">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="csv">{caption}(<a href="tables/{escape(block.name)}.csv">'
        f"{escape(block.name)}.csv</a>)</p>"
    )


def _cell_class(kind: str, *, header: bool = False) -> str:
    """Numbers right-aligned; text cells may wrap (so a narrow screen shows more columns)."""
    if kind in NUMERIC_FORMATS:  # right-aligned
        return " class=num"
    return " class=wrap" if kind == "text" and not header else ""


def with_hover(svg: str, hover: Mapping[str, Sequence[str]]) -> str:
    """The SVG of a figure with a ``<title>`` (a tooltip) on each point of the hover scatters.

    Each ``gid`` of ``hover`` names a scatter drawn as one ``<use>`` element per
    point; a count that does not match is an error, never a mislabelled point.
    """
    for gid, titles in hover.items():
        start = svg.find(f'<g id="{escape(gid)}">')
        if start < 0:
            raise ValueError(f"hover: no scatter with gid {gid!r} in the figure")
        end = svg.find("<g id=", start + 1)
        end = len(svg) if end < 0 else end
        group = svg[start:end]
        points = list(re.finditer(r"<use [^>]*?/>", group))
        if len(points) != len(titles):
            raise ValueError(
                f"hover: scatter {gid!r} has {len(points)} points but {len(titles)} texts"
            )
        pieces, last = [], 0
        for match, title in zip(points, titles, strict=True):
            pieces.append(group[last : match.end() - 2])
            pieces.append(f"><title>{escape(title)}</title></use>")
            last = match.end()
        pieces.append(group[last:])
        svg = svg[:start] + "".join(pieces) + svg[end:]
    return svg[svg.index("<svg") :]  # inline: without the XML prolog and doctype


def _figure_html(block: Figure, folder: Path) -> str:
    if block.hover:
        svg = (folder / "figures" / f"{block.name}.svg").read_text(encoding="utf-8")
        svg = with_hover(svg, block.hover).replace(
            "<svg ", f'<svg role="img" aria-label="{escape(block.alt)}" ', 1
        )
        return (
            f'<figure class="hover">{svg}'
            f"<figcaption>{escape(block.caption)} Hover over a round for its details "
            f'(<a href="figures/{escape(block.name)}.svg">SVG</a>).</figcaption></figure>'
        )
    png = folder / "figures" / f"{block.name}.png"
    uri = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
    return (
        f'<figure><img src="{uri}" alt="{escape(block.alt)}">'
        f"<figcaption>{escape(block.caption)} "
        f'(<a href="figures/{escape(block.name)}.svg">SVG</a>)</figcaption></figure>'
    )


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto;
       max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; font-size: 1.6rem; } .meta { color: #444; font-size: 0.9rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.8rem 0; }
figure { margin: 1.2rem 0; }
figure img, figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .csv { font-size: 0.9rem; color: #444; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0 0.2rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
         white-space: nowrap; vertical-align: top; }
td.wrap { white-space: normal; min-width: 9em; }
th { background: #f6f6f6; white-space: normal; min-width: 4.5em; vertical-align: bottom; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.csv { margin: 0 0 1rem; }
@media (max-width: 600px) {
  th, td { padding: 0.2rem 0.35rem; } th, td.wrap { min-width: 0; }
}
"""


def _page(data: ReportData, parts: list[_Written], folder: Path) -> str:
    """The page, self-contained: the PNGs are embedded; SVG and CSV files are linked."""
    date = stats.data_date(data.draws)
    date_text = f"{date:%Y-%m-%d}" if date is not None else "no rounds"
    made = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    nav = "".join(
        f'<a href="#{escape(p.section.key)}">{escape(p.section.title)}</a>' for p in parts
    )
    body = []
    for part in parts:
        section = part.section
        body.append(f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Text):
                body.append(_text_html(block))
            elif isinstance(block, Table):
                body.append(_table_html(block))
            else:
                body.append(_figure_html(block, folder))
        if section.data:
            links = ", ".join(
                f'<a href="tables/{escape(name)}.csv">{escape(name)}.csv</a>'
                for name in section.data
            )
            body.append(f'<p class="csv">More tables: {links}</p>')
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
<p class="meta">Data to <strong>{escape(date_text)}</strong>: {len(data.draws)} rounds.
Made {escape(made)} by ee_trends {escape(__version__)} from {escape(data.read.text())}.
Source: Immigration, Refugees and Citizenship Canada (IRCC), Express Entry rounds feed
(Open Government Licence &ndash; Canada).</p>
<nav>{nav}</nav>
{"".join(body)}
</body>
</html>
"""
