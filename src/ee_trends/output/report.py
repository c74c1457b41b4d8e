"""The report: one page that leads with what is being invited now, its charts and tables.

This module owns ``savefig``. The report is the
sequence of section builders of :mod:`ee_trends.output.sections`; this module
runs them, saves every figure as PNG and SVG and every table as CSV, and puts
the page of :mod:`ee_trends.output.html` beside them. Figures named in
:data:`DOCS_FIGURES` are also written to ``--docs`` for the README.

Safety: ``out`` is written to a temporary folder beside it and put in place
only when complete, so a failed run leaves the previous report. A folder is
replaced only when it holds the report marker; the marker lists the files the
report wrote, and any other file found there (one the user added) is carried
over, never deleted. A symbolic link as ``out`` is refused. In the CSV files,
a text cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, TextIO

from matplotlib.ticker import FixedLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from ee_trends.data.load import Loaded, load_all
from ee_trends.errors import ReportError
from ee_trends.formatting import plural
from ee_trends.output.content import Figure, Section, Table
from ee_trends.output.export import export_into
from ee_trends.output.files import check_replaceable, recover, replacing, safe_csv
from ee_trends.output.html import NARROW, page
from ee_trends.output.plots.style import CAPTION_GID
from ee_trends.output.sections import SECTIONS, Builder

MARKER = ".ee-trends-report"
"""File that marks a folder as a report this module wrote, listing the files it wrote."""

DOCS_FIGURES: tuple[str, ...] = (
    "recent_cutoffs",
    "cutoffs",
    "invitations_by_year",
    "pool_density",
)
"""Figures also written as PNGs by ``--docs``, for the README."""

NARROW_INCHES = 5.5
"""Width of the phone version of each figure: 605 pixels, shown at 360 to 400."""
NARROW_TALLER = 1.15
"""The phone version is this much taller, for the panels squeezed sideways."""
PANEL_INCHES = 2.4
"""Height of each panel of small multiples in the phone version (one column)."""
LEGEND_GAP = 0.1
"""Inches between a plot's x label and the legend moved under it in the phone version."""
TICK_GAP = 0.05
"""Inches at least between two x tick labels in the phone version (else every other one)."""

REPORT_DPI = 110
DOCS_DPI = 80
"""The figures are 10 inches wide: 800 pixels in the README."""


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
    given = Path(out)
    out = given.absolute()  # "." has a name and a parent
    if (old := recover(out, MARKER)) is not None:
        _say(progress, f"report: put back the previous report {out} from {old.name}")
    check_replaceable(out, MARKER, "ee-trends report")
    if docs is not None and Path(docs).exists() and not Path(docs).is_dir():
        raise ReportError(f"--docs {docs} is a file, not a folder")
    started = time.perf_counter()
    loaded = load_all(source, data_dir=data_dir)
    _say(progress, f"report: {len(loaded.draws)} rounds from {loaded.read.to_text()}")
    data, left_out = _complete_rounds(loaded)  # the page's rounds; the export keeps them all
    if left_out:
        _say(progress, f"report: left out of the report, values quarantined: {left_out}")
    with replacing(out, MARKER, "ee-trends report") as temp:
        for folder in ("figures", "tables", "docs", "data"):
            (temp / folder).mkdir()
        written = [
            _write_section(build, data, temp, docs is not None, progress)
            for build in (SECTIONS if sections is None else tuple(sections))
        ]
        _check_unique(written)
        export_into(temp / "data", loaded)
        _say(progress, "  data: draws.csv, pool.csv, datapackage.json")
        index = page(data, [w.section for w in written], temp)
        (temp / "index.html").write_text(index, encoding="utf-8")
        small = sorted((temp / "docs").glob("*.png"))
        if docs is not None:
            docs_dir = Path(docs)
            docs_dir.mkdir(parents=True, exist_ok=True)
            for path in small:
                shutil.copyfile(path, docs_dir / path.name)
                _say(progress, f"  docs: {path.name}")
        shutil.rmtree(temp / "docs")
    seconds = time.perf_counter() - started
    _say(progress, f"report: wrote {given / 'index.html'} in {seconds:.1f} s")
    return given / "index.html"


QUARANTINABLE = ("draw_number", "invitations", "crs_cutoff", "drawn_at")
"""Columns missing only where the loader quarantined a value (see ``quarantined``)."""


def _complete_rounds(data: Loaded) -> tuple[Loaded, str]:
    """The rounds with every :data:`QUARANTINABLE` value, and the others named for people."""
    missing = data.draws[list(QUARANTINABLE)].isna().any(axis=1)
    if not missing.any():
        return data, ""
    gone = data.draws[missing]
    named = "; ".join(f"#{row.draw_id} ({row.quarantined} missing)" for row in gone.itertuples())
    draws = data.draws[~missing].reset_index(drop=True)
    pool = data.pool[data.pool["draw_id"].isin(draws["draw_id"])].reset_index(drop=True)
    return replace(data, draws=draws, pool=pool), named


def _say(progress: TextIO, text: str) -> None:
    print(text, file=progress, flush=True)


@dataclass(frozen=True)
class _Written:
    section: Section
    figures: list[str]
    tables: list[str]


def _write_section(
    build: Builder, data: Loaded, folder: Path, docs: bool, progress: TextIO
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
        f"  {section.key}: built {plural(len(figures), 'figure')}, "
        f"{plural(len(tables), 'table')} "
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
            _save_narrow(figure.figure, folder / "figures" / f"{figure.name}{NARROW}.png")
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


def _save_narrow(fig: Any, path: Path) -> None:
    """The figure drawn again :data:`NARROW_INCHES` wide with the same text size, for phones
    (the wide version shrunk to a phone's width would leave text a few pixels high): small
    multiples in one column, a legend right of its plot moved under it, titles and notes
    wrapped to the width. Changes ``fig``: call it after every other save."""
    moved = _legends_below(fig)
    width, height = fig.get_size_inches()
    rows = _one_column(fig)
    height = height * NARROW_TALLER if rows is None else PANEL_INCHES * rows + 1.6
    fig.set_size_inches(NARROW_INCHES, height)
    _wrap_texts(fig, {id(ax): 1 - ax.get_position().x0 * width / NARROW_INCHES for ax in moved})
    fig.draw_without_rendering()  # laid out narrow, for what follows to measure
    _thin_ticks(fig)
    _hang_legends(fig, moved)
    fig.savefig(path, dpi=REPORT_DPI)


def _thin_ticks(fig: Any) -> None:
    """Keep every other label of an x axis with fixed ticks (one label a year) whose labels
    run into each other at the narrow width, as last drawn."""
    for ax in fig.axes:
        if not isinstance(ax.xaxis.get_major_locator(), FixedLocator):
            continue
        labels = [label for label in ax.get_xticklabels() if label.get_text()]
        boxes = [label.get_window_extent() for label in labels]
        if any(b.x0 - a.x1 < TICK_GAP * fig.dpi for a, b in pairwise(boxes)):
            ticks = [label.get_position()[0] for label in labels]
            ax.set_xticks(ticks[::2], [label.get_text() for label in labels[::2]])


def _wrap_texts(fig: Any, shares: dict[int, float]) -> None:
    """Wrap the figure's titles, labels and captions to the narrow width: an axes' title and x
    label to its share of it, ``shares[id(ax)]`` or its width as laid out for the wide version
    (narrowed by a legend at its right)."""
    for text in [*fig.texts, fig._suptitle, fig._supxlabel]:
        if text is not None:  # each line wrapped to the width (about 0.55 em a character)
            share = _beside_legend(fig) if text is fig._suptitle else 1.0
            chars = int(_chars(text) * share)
            lines = text.get_text().split("\n")
            text.set_text("\n".join(textwrap.fill(line, chars) or line for line in lines))
    for ax in fig.axes:
        share = shares.get(id(ax), ax.get_position().width)
        for text in (ax.title, ax._left_title, ax.xaxis.label):
            text.set_text(textwrap.fill(text.get_text(), max(12, int(_chars(text) * share))))
    for text in _captions(fig.axes):
        text.set_text(textwrap.fill(" ".join(text.get_text().split("\n")), _chars(text)))


def _captions(axes: Iterable[Any]) -> list:
    """The captions of ``axes`` written by :func:`ee_trends.output.plots.style.add_caption`."""
    return [t for ax in axes for t in ax.texts if t.get_gid() == CAPTION_GID]


def _legends_below(fig: Any) -> list:
    """Take each legend drawn right of its plot (it would squeeze a narrow plot to a sliver)
    out of the way to go under the plot (:func:`_hang_legends`), with the caption under the
    legend. Returns the axes whose legend moved."""
    moved = [
        ax
        for ax in fig.axes
        if ax.get_legend() is not None and ax.get_legend().get_window_extent().x0 >= ax.bbox.x1
    ]
    for ax in moved:
        legend = ax.get_legend()
        legend.set_loc("upper left")
        legend.set_bbox_to_anchor((0, 0), ax.transAxes)  # until it hangs under the x label
        for caption in _captions([ax]):
            caption.xycoords = ("figure fraction", legend)
    return moved


def _hang_legends(fig: Any, axes: list) -> None:
    """Hang the legend of each of ``axes`` under its plot's tick labels and x label (as last
    drawn), from the figure's left edge like the caption, and make the figure taller by the
    tallest legend so that the plots keep their height."""
    if not axes:
        return
    for ax in axes:
        depth = (ax.bbox.y0 - ax.xaxis.get_tightbbox().y0) / fig.dpi + LEGEND_GAP
        left_under = blended_transform_factory(fig.transFigure, ax.transAxes)
        below = left_under + ScaledTranslation(0, -depth, fig.dpi_scale_trans)
        ax.get_legend().set_bbox_to_anchor((0, 0), below)
    tallest = max(ax.get_legend().get_window_extent().height for ax in axes) / fig.dpi
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + tallest)


def _beside_legend(fig: Any) -> float:
    """The share of the figure's width left of a legend placed at its top right (the title
    beside it must not run into it); 1 when there is none."""
    if not fig.legends:
        return 1.0
    fig.draw_without_rendering()
    box = fig.legends[0].get_window_extent()
    return max(0.4, box.x0 / fig.bbox.width - 0.02) if box.y1 > 0.8 * fig.bbox.height else 1.0


def _chars(text: Any) -> int:
    """How many characters of ``text``'s size fit across the narrow figure."""
    return int(NARROW_INCHES * 72 * 0.92 / (0.55 * text.get_fontsize()))


def _one_column(fig: Any) -> int | None:
    """Move the panels of small multiples (one grid of three or more columns) into one column;
    the number of rows, or None when ``fig`` is not small multiples."""
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_subplotspec() is not None]
    grids = {id(ax.get_subplotspec().get_gridspec()): ax for ax in panels}
    if len(grids) != 1 or panels[0].get_subplotspec().get_gridspec().ncols < 3:
        return None
    column = fig.add_gridspec(len(panels), 1)
    for row, ax in enumerate(panels):
        ax.set_subplotspec(column[row, 0])
        ax.xaxis.set_tick_params(labelbottom=True)
    return len(panels)


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure and table names must be simple file stems, not {name!r}")


def _check_unique(written: list[_Written]) -> None:
    for kind in ("figures", "tables"):
        names = [name for part in written for name in getattr(part, kind)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{kind} named twice in the report: {', '.join(repeated)}")
