"""The report's page as HTML: the one place that writes HTML.

One self-contained page: inline CSS, the PNGs embedded, no scripts. A figure
with hover details (:attr:`~ee_trends.output.content.Figure.hover`) is put
inline as SVG instead, each point with its tooltip.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ee_trends import __version__
from ee_trends.analysis import aggregate
from ee_trends.analysis.age import data_age, today
from ee_trends.data.load import Loaded
from ee_trends.output.content import NUMERIC_FORMATS, Figure, Heading, Section, Table, Text

NARROW = "-narrow"
"""Suffix of a figure's narrow version: ``figures/{name}-narrow.png``."""
WIDE_COLUMNS = 9
"""A table of this many columns or more is set in smaller, tighter type to fit 1100 px."""
NARROW_SCREEN = 700
"""Screens up to this many CSS pixels wide get the narrow figures and the stacked tables."""


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def inline(text: str) -> str:
    """Running text as HTML: escaped, with a command or name in backticks set as code."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


_CODE = re.compile(r"`([^`]+)`")


def _text_html(block: Text) -> str:
    return f"<p>{inline(block.text)}</p>"


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
            f'<td{_cell_class(kind)} data-label="{escape(header)}">{escape(value)}</td>'
            for value, kind, header in zip(record, kinds, shown.columns, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    caption = f"{inline(block.caption)} " if block.caption else ""
    wide = " class=wide" if len(kinds) >= WIDE_COLUMNS else ""
    return (
        f'<div class="scroll" role="region" aria-label="{escape(block.name)} table" tabindex="0">'
        f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
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
        narrow = folder / "figures" / f"{block.name}{NARROW}.png"
        phone = narrow if narrow.is_file() else folder / "figures" / f"{block.name}.png"
        return (  # on a phone (no pointer to hover with) the narrow PNG instead
            f'<figure class="hover"><div class="wide-only">{svg}</div>'
            f'<img src="{_png_uri(phone)}" class="narrow-only" alt="{escape(block.alt)}">'
            f"<figcaption>{inline(block.caption)} Hover over a round for its details "
            f'(<a href="figures/{escape(block.name)}.svg">SVG</a>).</figcaption></figure>'
        )
    return (
        f"<figure>{_picture(block, folder)}"
        f"<figcaption>{inline(block.caption)} "
        f'(<a href="figures/{escape(block.name)}.svg">SVG</a>)</figcaption></figure>'
    )


def _png_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _picture(block: Figure, folder: Path) -> str:
    """The PNG, with its narrow version (``{name}-narrow.png``, when written) for phones."""
    wide = _png_uri(folder / "figures" / f"{block.name}.png")
    img = f'<img src="{wide}" alt="{escape(block.alt)}">'
    narrow = folder / "figures" / f"{block.name}{NARROW}.png"
    if not narrow.is_file():
        return img
    source = f'<source media="(max-width: {NARROW_SCREEN}px)" srcset="{_png_uri(narrow)}">'
    return f"<picture>{source}{img}</picture>"


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto;
       max-width: 1240px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; font-size: 1.6rem; } .meta { color: #444; font-size: 0.9rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.8rem 0; }
figure { margin: 1.2rem 0; }
figure img, figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .csv { font-size: 0.9rem; color: #444; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0 0.2rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
         white-space: nowrap; vertical-align: top; }
td.wrap { white-space: normal; min-width: 7em; }
table.wide { font-size: 0.78rem; }
.wide th, .wide td { padding: 0.2rem 0.3rem; } .wide th, .wide td.wrap { min-width: 0; }
th { background: #f6f6f6; white-space: normal; min-width: 4.5em; vertical-align: bottom; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.csv { margin: 0 0 1rem; }
.narrow-only { display: none; }
@media (max-width: $NARROWpx) {
  .wide-only { display: none; } .narrow-only { display: block; }
  /* each table row stacked as one block of "Header: value" pairs: no sideways scrolling */
  .scroll table, .scroll tbody, .scroll tr, .scroll td { display: block; }
  .scroll thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                  clip: rect(0 0 0 0); }
  .scroll tr { border-bottom: 1px solid #ccc; padding: 0.3rem 0; }
  .scroll td { display: inline-block; border: 0; padding: 0.05rem 0.9rem 0.05rem 0;
               white-space: normal; min-width: 0; text-align: left; }
  .scroll td::before { content: attr(data-label) ": "; color: #666; font-size: 0.8rem; }
}
""".replace("$NARROW", str(NARROW_SCREEN))


def _newest(data: Loaded) -> str:
    """`` (round #434)``: the newest round, which names the data better than any file."""
    return f" (round #{data.draws['draw_id'].iloc[-1]})" if len(data.draws) else ""


def _capture(data: Loaded) -> str:
    """The capture read and its capture time from its provenance; a file's own date is never
    presented as a capture time."""
    read = data.read
    if read.dated_by != "captured":  # a feed file without provenance: its date is a copy's
        return f"from {read.what} (capture time not recorded)"
    if read.captured_at is None:  # the shipped snapshot (its text names its date), in memory
        return f"from {read.what}"
    return f"from the feed captured {read.captured_at} ({read.what})"


def page(data: Loaded, sections: Sequence[Section], folder: Path) -> str:
    """The page, self-contained: the PNGs are embedded; SVG and CSV files are linked."""
    date = aggregate.data_date(data.draws)
    date_text = f"{date:%Y-%m-%d}" if date is not None else "no rounds"
    made = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    age = (
        f" {data_age(data.draws, today()).to_text(answer=False).capitalize()}."
        if date is not None
        else ""
    )
    nav = "".join(f'<a href="#{escape(s.key)}">{escape(s.title)}</a>' for s in sections)
    body = []
    for section in sections:
        body.append(f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Text):
                body.append(_text_html(block))
            elif isinstance(block, Heading):
                body.append(f"<h3>{escape(block.text)}</h3>")
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
<p class="meta">Data to <strong>{escape(date_text)}</strong>{escape(_newest(data))}:
{len(data.draws)} rounds, {escape(_capture(data))}.{inline(age)}
Made {escape(made)} by ee_trends {escape(__version__)}.
Source: Immigration, Refugees and Citizenship Canada (IRCC), Express Entry rounds feed
(Open Government Licence &ndash; Canada).
The data as CSV for Excel or R: <a href="data/draws.csv">draws.csv</a>,
<a href="data/pool.csv">pool.csv</a>, described in
<a href="data/datapackage.json">datapackage.json</a>.</p>
<p class="meta">The <strong>CRS</strong> (Comprehensive Ranking System) is the score, out of
1,200, that ranks each candidate in the Express Entry pool; a round invites the candidates
of its program scoring at or above its <strong>cutoff</strong>.</p>
<nav>{nav}</nav>
{"".join(body)}
</body>
</html>
"""
