"""Every change IRCC made to a published round, between consecutive captures of the feed.

(The module is not named ``revisions``: importing it would then replace the
package's lazy ``ee_trends.revisions`` function by the module.)
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ee_trends.data.captures import capture_time, recorded_time
from ee_trends.data.clean import SUMS
from ee_trends.data.feed import ROUND_FIELDS
from ee_trends.data.fields import LEAF_RANGES
from ee_trends.data.merge import stack_captures
from ee_trends.data.resolve import resolve_source, source_files
from ee_trends.data.series import read_files

REVISION_COLUMNS: tuple[str, ...] = (
    "draw_id",
    "field",
    "old_value",
    "new_value",
    "first_seen_in",
    "first_seen_at",
    "cosmetic",
)

_POOL_SUBTOTALS = {
    total: (
        min(LEAF_RANGES[leaf][0] for leaf in leaves if leaf in LEAF_RANGES),
        max(LEAF_RANGES[leaf][1] for leaf in leaves if leaf in LEAF_RANGES),
    )
    for total, leaves in SUMS
    if total != "dd18"
}
FIELD_NAMES: dict[str, str] = {
    "drawNumber": "round number",
    "drawDate": "draw date",
    "drawDateFull": "draw date in words",
    "drawDateTime": "time of the round",
    "drawName": "program name",
    "drawSize": "invitations",
    "drawCRS": "CRS cutoff",
    "drawText2": "programs covered",
    "drawCutOff": "tie-break time",
    "drawDistributionAsOn": "pool date",
    **{field: f"pool {low}\u2013{high}" for field, (low, high) in LEAF_RANGES.items()},
    **{field: f"pool {low}\u2013{high} subtotal" for field, (low, high) in _POOL_SUBTOTALS.items()},
    "dd18": "pool total",
}
"""Each field of a round (:data:`~ee_trends.data.feed.ROUND_FIELDS`) in words, for messages."""

_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

Captures = (
    str | os.PathLike | Sequence[str | os.PathLike] | Sequence[tuple[str, Mapping[str, Any]]] | None
)


def revisions(
    captures: Captures = None,
    *,
    cosmetic: bool = True,
    data_dir: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """A tidy table of every change to a published round between consecutive captures.

    Parameters
    ----------
    captures
        A folder of captures, a list of capture files, or a list of
        ``(label, feed)`` pairs (oldest first, as :func:`ee_trends.data.series.read_files`
        returns them). None follows the resolution rule of
        :func:`ee_trends.data.resolve.resolve_source` (a single feed has no revisions).
    cosmetic
        Keep the cosmetic-only changes (whitespace, thousands separators);
        False leaves them out.
    data_dir
        The data folder, for the resolution rule.

    Returns
    -------
    pandas.DataFrame
        One row per change of one field of one round, in the order the
        changes were first seen. A round compares with the previous capture
        that held it; a round's first appearance is not a change.

        =============  ===================  ==============================================
        column         dtype                meaning
        =============  ===================  ==============================================
        draw_id        string               the round (``drawNumber``, stripped)
        field          string               the feed's field name (``drawName``, ``dd4``)
        old_value      string               the value in the previous capture, as published
        new_value      string               the value in this capture, as published
        first_seen_in  string               the capture (file name) the new value first appears in
        first_seen_at  datetime64[ns, UTC]  its capture time; NaT when the label has none
        cosmetic       bool                 only whitespace or thousands separators changed
        =============  ===================  ==============================================
    """
    feeds = capture_feeds(captures, data_dir=data_dir)
    table = _changes(feeds)
    if not cosmetic:
        table = table[~table["cosmetic"]].reset_index(drop=True)
    return table


def summarize_revisions(table: pd.DataFrame) -> pd.DataFrame:
    """Counts of a :func:`revisions` table by field: changes, rounds, captures, cosmetic ones."""
    grouped = table.groupby("field", sort=False)
    summary = pd.DataFrame(
        {
            "changes": grouped.size(),
            "cosmetic": grouped["cosmetic"].sum(),
            "rounds": grouped["draw_id"].nunique(),
            "captures": grouped["first_seen_in"].nunique(),
        }
    )
    order = {field: i for i, field in enumerate(ROUND_FIELDS)}
    summary = summary.sort_index(key=lambda index: index.map(order))
    summary.index.name = "field"
    return summary.astype("int64")


def capture_feeds(
    captures: Captures = None, *, data_dir: str | os.PathLike | None = None
) -> list[tuple[str, Mapping[str, Any]]]:
    """The ``(label, feed)`` pairs :func:`revisions` compares, oldest first."""
    if captures is None or isinstance(captures, str | os.PathLike):
        source = resolve_source(captures, data_dir=data_dir)
        return read_files(source_files(source, data_dir=data_dir))
    items = list(captures)
    if items and isinstance(items[0], tuple):
        return items
    paths = [Path(item) for item in items]
    if all(capture_time(path) is not None for path in paths):  # as list_captures orders them
        paths.sort(key=lambda path: (recorded_time(path), path.name))
    return read_files(paths)


@dataclass(frozen=True)
class Revisions:
    """The changes found between consecutive captures: ``table`` (as :func:`revisions` returns
    it) and the labels of the ``captures`` compared, oldest first."""

    table: pd.DataFrame
    captures: tuple[str, ...]

    def __repr__(self) -> str:
        span = f", {self.captures[0]} to {self.captures[-1]}" if self.captures else ""
        return (
            f"<Revisions: {len(self.table)} changes to {self.table['draw_id'].nunique()} rounds "
            f"in {len(self.captures)} captures{span}>"
        )

    def to_dict(self, *, cosmetic: bool = True) -> dict[str, Any]:
        """The captures compared and every change as plain values (the CLI's ``--json``), times
        ISO 8601 UTC; ``cosmetic=False`` leaves out the cosmetic-only changes."""
        shown = self.table if cosmetic else self.table[~self.table["cosmetic"]]
        changes = [
            {
                **{key: (None if pd.isna(value) else value) for key, value in row.items()},
                "first_seen_at": None
                if pd.isna(row["first_seen_at"])
                else row["first_seen_at"].isoformat(),
                "cosmetic": bool(row["cosmetic"]),
            }
            for row in shown.to_dict("records")
        ]
        return {"captures": list(self.captures), "changes": changes}

    def to_text(
        self, *, cosmetic: bool = False, every_change: bool = False, width: int = 100
    ) -> str:
        """The changes as text for people, fields named in words (:data:`FIELD_NAMES`): counted
        by field and by capture; ``every_change`` adds one wrapped paragraph per change;
        ``cosmetic`` keeps the cosmetic-only ones."""
        captures, table = self.captures, self.table
        if len(captures) < 2:
            found = f"only {captures[0]}" if captures else "no capture"
            return _wrap(
                f"nothing to compare: {found}. Revisions are the changes between consecutive "
                "captures of the feed: keep more with `ee-trends fetch` over time, or give a "
                "folder of captures with --source.",
                width,
            )
        hidden = 0 if cosmetic else int(table["cosmetic"].sum())
        shown = table if cosmetic else table[~table["cosmetic"]]
        compared = f"{len(captures)} captures, {captures[0]} to {captures[-1]}"
        hint = f" ({hidden} cosmetic-only hidden; --all shows them)" if hidden else ""
        if shown.empty:
            return _wrap(f"no changes to published rounds between the {compared}{hint}", width)
        lines = [
            _wrap(
                f"{len(shown)} changes to {shown['draw_id'].nunique()} published rounds, first "
                f"seen in {shown['first_seen_in'].nunique()} of the {compared}{hint}",
                width,
            ),
            "",
        ]
        summary = summarize_revisions(shown).drop(columns=[] if cosmetic else ["cosmetic"])
        summary.index = summary.index.map(FIELD_NAMES).rename("what changed")
        by_capture = shown.groupby("first_seen_in", sort=False).agg(
            changes=("field", "size"), rounds=("draw_id", "nunique")
        )
        by_capture.index.name = "first seen in"
        lines += [_left_aligned(summary), "", _left_aligned(by_capture)]
        if every_change:
            lines.append("")
            lines += [
                _wrap(
                    f"round {row.draw_id}, {FIELD_NAMES[row.field]}: {row.old_value.strip()!r} "
                    f"\u2192 {row.new_value.strip()!r}"
                    + (" (cosmetic)" if row.cosmetic else "")
                    + f", first seen in {row.first_seen_in}",
                    width,
                )
                for row in shown.itertuples()
            ]
        return "\n".join(lines)


def compare_captures(
    captures: Captures = None, *, data_dir: str | os.PathLike | None = None
) -> Revisions:
    """The :class:`Revisions` of ``captures`` (as :func:`revisions` reads them), with the
    labels of the captures compared."""
    feeds = capture_feeds(captures, data_dir=data_dir)
    return Revisions(_changes(feeds), tuple(label for label, _ in feeds))


def _left_aligned(table: pd.DataFrame) -> str:
    """A table with a text index as text: the index left-aligned, its name as a header."""
    labels = [table.index.name, *table.index]
    size = max(len(label) for label in labels)
    rows = [
        [f"{column:>9}" for column in table.columns],
        *([f"{value:>9}" for value in row] for row in table.itertuples(index=False)),
    ]
    lines = zip(labels, rows, strict=True)
    return "\n".join(f"{label:<{size}}" + "".join(row) for label, row in lines)


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=width, subsequent_indent="    ", break_on_hyphens=False)


def _changes(feeds: Sequence[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    if len(feeds) < 2:
        return _empty()
    stacked = stack_captures(feeds)
    stacked = stacked.sort_values(["draw_id", "capture"], kind="stable").reset_index(drop=True)
    same_round = (stacked["draw_id"] == stacked["draw_id"].shift()).to_numpy()
    pieces = []
    for field in ROUND_FIELDS:
        new = stacked[field]
        old = new.shift()
        changed = same_round & (new != old).fillna(False).to_numpy()
        if changed.any():
            pieces.append(
                pd.DataFrame(
                    {
                        "draw_id": stacked["draw_id"][changed],
                        "field": field,
                        "old_value": old[changed],
                        "new_value": new[changed],
                        "capture": stacked["capture"][changed],
                    }
                )
            )
    if not pieces:
        return _empty()
    table = pd.concat(pieces)
    labels = [label for label, _ in feeds]
    times = pd.to_datetime([capture_time(label) for label in labels], utc=True)
    table["first_seen_in"] = np.asarray(labels, dtype=object)[table["capture"].to_numpy()]
    table["first_seen_at"] = times[table["capture"].to_numpy()]
    table["cosmetic"] = [
        _normal(old) == _normal(new)
        for old, new in zip(table["old_value"], table["new_value"], strict=True)
    ]
    number = pd.to_numeric(table["draw_id"].str.extract(r"^(\d+)", expand=False))
    field_order = table["field"].map({field: i for i, field in enumerate(ROUND_FIELDS)})
    table = table.assign(_number=number, _field=field_order).sort_values(
        ["capture", "_number", "draw_id", "_field"], kind="stable"
    )
    return _typed(table[list(REVISION_COLUMNS)].reset_index(drop=True))


@lru_cache(maxsize=8192)
def _normal(text: str) -> str:
    """A value without its cosmetic parts: all whitespace and thousands separators."""
    return _THOUSANDS_RE.sub("", "".join(text.split()))


def _empty() -> pd.DataFrame:
    return _typed(pd.DataFrame({column: [] for column in REVISION_COLUMNS}))


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    types = {column: "string" for column in REVISION_COLUMNS}
    types["cosmetic"] = "bool"
    table = table.astype({k: v for k, v in types.items() if k != "first_seen_at"})
    table["first_seen_at"] = pd.to_datetime(table["first_seen_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    return table
