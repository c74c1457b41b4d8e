"""Clean a raw frame of strings into the tidy ``draws`` and ``pool`` tables.

Every value is parsed (a value that cannot be read raises
:class:`~ee_trends.FeedError` naming the round and the field), the known bad
records of :mod:`ee_trends.data.fixes` are repaired and flagged, and missing
stays missing: a distribution of zeros is "not published", never a count of 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from ee_trends.data.dates import agree_dates, reconcile_drawn_at
from ee_trends.data.feed import POOL_COUNT_FIELDS
from ee_trends.data.fields import (
    DATETIME,
    DRAW_FIELDS,
    LEAF_RANGES,
    POOL_FIELDS,
    ROUND_ORDER,
    UTC_DATETIME,
    dtypes,
)
from ee_trends.data.fixes import PROGRAMS_COVERED_TYPOS, RECORD_FIXES
from ee_trends.data.identity import canonical_id, round_name
from ee_trends.data.merge import WHOLE_ROUND
from ee_trends.data.parsers import (
    check_range,
    parse_count,
    parse_draw_date,
    parse_draw_number,
    parse_long_date,
    parse_timestamp,
)
from ee_trends.errors import FeedError, PoolCheckWarning, UnreadableValueWarning
from ee_trends.programs import PROGRAM_KEYS, program_keys, split_label

SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dd3", ("dd4", "dd5", "dd6", "dd7", "dd8")),
    ("dd9", ("dd10", "dd11", "dd12", "dd13", "dd14")),
    ("dd18", ("dd1", "dd2", "dd3", "dd9", "dd15", "dd16", "dd17")),
)
"""Each subtotal or total and the fields it adds up."""


def clean_rounds(raw: pd.DataFrame, *, origin: str = "feed") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a raw frame of rounds (strings) into the ``draws`` and ``pool`` tables.

    Parameters
    ----------
    raw
        One row per round with the feed's fields as strings (see
        :func:`ee_trends.data.feed.rounds_frame`); optional columns
        ``recovered_fields`` and ``recovered_from`` are carried through.
    origin
        Names the source in error messages.

    Returns
    -------
    draws, pool
        The tables of :func:`ee_trends.load_draws` and :func:`ee_trends.load_pool`.
    """
    raw, repaired = _apply_record_fixes(raw)
    ids = (raw["draw_id"] if "draw_id" in raw else raw["drawNumber"].map(canonical_id)).tolist()
    notes: list[list[str]] = [[] for _ in ids]
    parse = _Parser(raw, ids, origin)

    short = parse.column("drawDate", parse_draw_date, notes)
    full = parse.column("drawDateFull", parse_long_date, blank=True)
    reference = [a if a is not None else b for a, b in zip(short, full, strict=True)]
    drawn = parse.column("drawDateTime", parse_timestamp, notes, reference=reference, blank=True)
    draw_date = agree_dates(short, full, drawn, raw, notes)
    drawn, mismatch = reconcile_drawn_at(draw_date, drawn, raw["drawDateTime"], notes)
    tie_break = parse.column("drawCutOff", parse_timestamp, notes, reference=draw_date, blank=True)
    counts = {field: parse.column(field, parse_count, blank=True) for field in POOL_COUNT_FIELDS}
    leaves, published = _pool_counts(counts, ids)
    as_of = parse.column("drawDistributionAsOn", parse_long_date, blank=True)
    as_of = [day if shown else None for day, shown in zip(as_of, published, strict=True)]
    _flag_late_pools(as_of, draw_date, notes)

    for i, draw_id in enumerate(ids):
        notes[i].extend(repaired.get(draw_id, {}).values())
    labels = raw["drawName"].str.strip()
    draws = pd.DataFrame(
        {
            "draw_id": ids,
            "draw_number": parse.column("drawNumber", parse_draw_number),
            "draw_date": draw_date,
            "program": pd.Categorical(program_keys(labels.tolist(), ids), categories=PROGRAM_KEYS),
            "draw_name": labels,
            "invitations": parse.column("drawSize", parse_count),
            "crs_cutoff": parse.column("drawCRS", parse_count),
            "tie_break_at": tie_break,
            "drawn_at": drawn,
            "pool_as_of": as_of,
            "pool_total": [
                row["dd18"] if shown else None for row, shown in zip(leaves, published, strict=True)
            ],
            "category_version": [split_label(label)[1] for label in labels],
            "programs_covered": _programs_covered(raw["drawText2"]),
            "date_mismatch_days": mismatch,
            "repairs": ["; ".join(n) if n else None for n in notes],
            "recovered_fields": _optional(raw, "recovered_fields"),
            "recovered_from": _optional(raw, "recovered_from"),
            "quarantined": [",".join(fields) if fields else None for fields in parse.quarantined],
        }
    )
    draws = _typed(draws, dtypes(DRAW_FIELDS))
    order = draws.sort_values(list(ROUND_ORDER)).index
    draws = draws.loc[order].reset_index(drop=True)
    pool = _pool_table(
        [(ids[i], leaves[i], as_of[i]) for i in order if published[i]],
        repaired,
        _recovered_counts(raw, ids),
    )
    return draws, pool


class _Parser:
    """Parse one field of every round, naming the round and field on failure.

    A value that breaks the rules is a :class:`FeedError` (in a folder of
    captures the merge has quarantined those already). A blank value of a
    field of :data:`~ee_trends.data.feed.REQUIRED_FIELDS` is missing: the
    field is added to the round's ``quarantined`` and, unless the merge
    flagged it already, an :class:`UnreadableValueWarning` names it.
    """

    def __init__(self, raw: pd.DataFrame, ids: list[str], origin: str):
        self.raw, self.ids, self.origin = raw, ids, origin
        flagged = _optional(raw, "quarantined") or [None] * len(ids)
        self.quarantined = [[] if pd.isna(fields) else fields.split(",") for fields in flagged]

    def column(
        self,
        field: str,
        parse: Callable[..., Any],
        notes: list[list[str]] | None = None,
        *,
        reference: list | None = None,
        blank: bool = False,
    ) -> list:
        values = []
        for i, text in enumerate(self.raw[field].tolist()):
            if pd.isna(text) or not text.strip():
                if not blank:
                    self._missing(i, field)
                values.append(None)
                continue
            try:
                value = parse(text) if reference is None else parse(text, reference[i])
                check_range(field, value[0] if isinstance(value, tuple) else value)
            except ValueError as err:
                raise FeedError(
                    f"{self.origin}: round {round_name(self.ids[i])}: field {field!r}: {err}"
                ) from None
            if isinstance(value, tuple):
                value, note = value
                if note and notes is not None:
                    notes[i].append(note)
            values.append(value)
        return values

    def _missing(self, i: int, field: str) -> None:
        if field in self.quarantined[i]:
            return
        self.quarantined[i].append(field)
        warnings.warn(
            f"{self.origin}: round {round_name(self.ids[i])}: field {field!r} is empty: left "
            "missing (see 'quarantined')",
            UnreadableValueWarning,
            stacklevel=4,
        )


def _apply_record_fixes(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Apply :data:`~ee_trends.data.fixes.RECORD_FIXES` still needed; note each repair."""
    raw = raw.copy()
    repaired: dict[str, dict[str, str]] = {}
    for fix in RECORD_FIXES:
        hit = (raw["drawNumber"].map(canonical_id) == fix["draw_id"]) & (
            raw[fix["field"]].str.strip() == fix["published"]
        )
        if hit.any():
            raw.loc[hit, fix["field"]] = fix["corrected"]
            repaired.setdefault(fix["draw_id"], {})[fix["field"]] = (
                f"{fix['field']} {fix['published']} repaired to {fix['corrected']}"
            )
    return raw, repaired


def _flag_late_pools(as_of: list, draw_date: list, notes: list[list[str]]) -> None:
    """Flag a distribution dated after its round (IRCC's #226: as of 2022-07-11, drawn 07-06)."""
    for i, (pool_day, day) in enumerate(zip(as_of, draw_date, strict=True)):
        if pool_day is not None and day is not None and pool_day > day:
            notes[i].append(
                f"pool distribution as of {pool_day:%Y-%m-%d} is after the draw date "
                f"{day:%Y-%m-%d}, as published (not repaired)"
            )


def _pool_counts(
    counts: dict[str, list[int | None]], ids: list[str]
) -> tuple[list[dict[str, int | None]], list[bool]]:
    """Per round: the pool counts and whether a distribution was published.

    All zeros (or blanks) means no distribution was published. A
    distribution with its total but some ranges blank or ``"0"`` cannot be
    read: it is a missing distribution for that round, with a
    :class:`PoolCheckWarning` naming the round and the ranges. One published
    in part, without its total (IRCC's #226 in early captures), keeps the
    ranges published and its blanks and zeros become NA. The remaining sums
    are checked and a disagreement is warned about, naming the round.
    """
    rows: list[dict[str, int | None]] = []
    published: list[bool] = []
    bad: list[str] = []
    partial: list[str] = []
    for i, draw_id in enumerate(ids):
        row: dict[str, int | None] = {field: counts[field][i] for field in POOL_COUNT_FIELDS}
        shown = any(row.values())
        empty = [field for field, value in row.items() if not value]
        if shown and empty and row["dd18"]:
            partial.append(f"{draw_id} ({', '.join(empty)})")
            shown = False
        elif shown and empty:
            row = {field: value or None for field, value in row.items()}
        if shown and (failed := _failed_sums(row)):
            bad.append(f"{draw_id} ({', '.join(failed)})")
        rows.append(row)
        published.append(shown)
    if partial:
        warnings.warn(
            "pool distribution with its total but ranges blank or 0, taken as not published, "
            "in rounds " + "; ".join(partial),
            PoolCheckWarning,
            stacklevel=3,
        )
    if bad:
        warnings.warn(
            "pool distribution does not add up in rounds " + "; ".join(bad),
            PoolCheckWarning,
            stacklevel=3,
        )
    return rows, published


def _failed_sums(row: dict[str, int | None]) -> list[str]:
    """The subtotals and total that disagree with their parts, where all are known."""
    failed = []
    for total, parts in SUMS:
        values = [row[total], *(row[p] for p in parts)]
        if None not in values and row[total] != sum(row[p] for p in parts):
            failed.append(
                f"{total} {row[total]:,} != {'+'.join(parts)} {sum(row[p] for p in parts):,}"
            )
    return failed


def _pool_table(
    distributions: list[tuple[str, dict[str, int | None], object]],
    repaired: dict[str, dict[str, str]],
    recovered: dict[tuple[str, str], str],
) -> pd.DataFrame:
    """The long pool table: the 15 leaf ranges of each (draw_id, counts, as-of date)."""
    records = [
        (
            draw_id,
            day,
            low,
            high,
            row[field],
            field in repaired.get(draw_id, {}),
            recovered.get((draw_id, field)),
        )
        for draw_id, row, day in distributions
        for field, (low, high) in LEAF_RANGES.items()
    ]
    frame = pd.DataFrame.from_records(records, columns=[f.name for f in POOL_FIELDS])
    return _typed(frame, dtypes(POOL_FIELDS))


def _recovered_counts(raw: pd.DataFrame, ids: list[str]) -> dict[tuple[str, str], str]:
    """``(draw_id, field) -> capture`` of the values recovered by :mod:`ee_trends.data.merge`
    (``ids``: the rounds' canonical ids, in the order of ``raw``)."""
    marks: dict[tuple[str, str], str] = {}
    if "recovered_fields" not in raw:
        return marks
    for draw_id, fields, source in zip(
        ids,
        raw["recovered_fields"],
        raw["recovered_from"],
        strict=True,
    ):
        if pd.notna(fields):
            names = POOL_COUNT_FIELDS if fields == WHOLE_ROUND else fields.split(",")
            marks.update({(draw_id, name): source for name in names})
    return marks


def _programs_covered(text: pd.Series) -> list[str | None]:
    values = []
    for value in text.tolist():
        if pd.isna(value) or not value.strip():
            values.append(None)
            continue
        value = " ".join(value.split())
        for typo, mended in PROGRAMS_COVERED_TYPOS.items():
            value = value.replace(typo, mended)
        values.append(value)
    return values


def _optional(raw: pd.DataFrame, column: str) -> Any:
    return raw[column].tolist() if column in raw else None


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Cast to the field table's dtypes (dates as naive or UTC nanosecond datetimes)."""
    out = {}
    for column, dtype in types.items():
        values = frame[column]
        if dtype == DATETIME:
            out[column] = pd.to_datetime(values).astype(DATETIME)
        elif dtype == UTC_DATETIME:
            out[column] = pd.to_datetime(values, utc=True).astype(UTC_DATETIME)
        elif dtype == "category":
            out[column] = values
        else:
            out[column] = values.astype(dtype)
    return pd.DataFrame(out, index=frame.index)
