"""The one field table: every column of the public tables, its dtype and meaning.

It drives the schema check (:mod:`ee_trends.data.schema`) and the column tables in
the docstrings of :func:`ee_trends.load_draws` and :func:`ee_trends.load_pool`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One column: name, pandas dtype, meaning, whether NA is allowed, its range and its unit.

    ``least`` and ``most`` bound the values (the schema checks them); ``raw``
    names the field of the feed the column is read from when the loader
    checks that field's values against the same bounds before cleaning
    (:func:`ee_trends.data.parsers.value_error`).
    """

    name: str
    dtype: str
    description: str
    nullable: bool = False
    least: int | None = None
    most: int | None = None
    raw: str | None = None
    unit: str | None = None


UTC_DATETIME = "datetime64[ns, UTC]"
DATETIME = "datetime64[ns]"

MAX_SCORE = 1200
"""The highest CRS score there is."""

LEAF_RANGES: dict[str, tuple[int, int]] = {
    "dd1": (601, 1200),
    "dd2": (501, 600),
    "dd4": (491, 500),
    "dd5": (481, 490),
    "dd6": (471, 480),
    "dd7": (461, 470),
    "dd8": (451, 460),
    "dd10": (441, 450),
    "dd11": (431, 440),
    "dd12": (421, 430),
    "dd13": (411, 420),
    "dd14": (401, 410),
    "dd15": (351, 400),
    "dd16": (301, 350),
    "dd17": (0, 300),
}
"""The CRS range of each published leaf among ``dd1``..``dd17`` (``dd3`` and ``dd9`` are
subtotals, ``dd18`` the total), highest first."""

RANGE_WIDTHS: tuple[int, int] = (
    min(high - low + 1 for low, high in LEAF_RANGES.values()),
    max(high - low + 1 for low, high in LEAF_RANGES.values()),
)
"""The narrowest and widest published range, in points: (10, 600)."""

RANGE_WIDTHS_TEXT = f"{RANGE_WIDTHS[0]} to {RANGE_WIDTHS[1]} points wide"
"""The one sentence part on the ranges' widths that texts use."""

ROUND_ORDER: tuple[str, ...] = ("draw_date", "drawn_at", "draw_number", "draw_id")
"""The one chronological order of rounds: by date, time run, number, id (``91a`` before ``91b``)."""

DRAW_FIELDS: tuple[Field, ...] = (
    Field("draw_id", "string", 'the round as IRCC names it: "384", "91a"'),
    Field(
        "draw_number",
        "Int64",
        "its number: 384, 91; NA when quarantined",
        nullable=True,
        least=1,
        raw="drawNumber",
    ),
    Field("draw_date", DATETIME, "the draw date"),
    Field("program", "category", "stable key of the program or category (see ee_trends.PROGRAMS)"),
    Field("draw_name", "string", "IRCC's label, as published"),
    Field(
        "invitations",
        "Int64",
        "invitations issued (draw size); NA when quarantined",
        nullable=True,
        least=1,
        raw="drawSize",
        unit="invitations",
    ),
    Field(
        "crs_cutoff",
        "Int64",
        "lowest CRS score invited; NA when not yet published or quarantined",
        nullable=True,
        least=0,
        most=MAX_SCORE,
        raw="drawCRS",
        unit="CRS points",
    ),
    Field(
        "tie_break_at",
        UTC_DATETIME,
        "tie-breaking timestamp; NaT when not published",
        nullable=True,
    ),
    Field("drawn_at", UTC_DATETIME, "when the round was run; NaT when quarantined", nullable=True),
    Field(
        "pool_as_of",
        DATETIME,
        "date of the published pool distribution; NaT when none",
        nullable=True,
    ),
    Field(
        "pool_total",
        "Int64",
        "candidates in the pool on that date; NA when none",
        nullable=True,
        least=1,
        unit="candidates",
    ),
    Field(
        "category_version",
        "string",
        'version of a category as published: "Version 1", "2026-Version 2", "2023-1"; '
        "NA for program rounds",
        nullable=True,
    ),
    Field(
        "programs_covered",
        "string",
        "federal programs the round covered, as published (typos mended)",
    ),
    Field(
        "date_mismatch_days",
        "Int64",
        "days from draw_date to the date in IRCC's drawDateTime (0 when they agree); "
        "NA when drawDateTime is missing",
        nullable=True,
        unit="days",
    ),
    Field(
        "repairs",
        "string",
        "data repairs applied to this round, '; '-separated; NA when none",
        nullable=True,
    ),
    Field(
        "recovered_fields",
        "string",
        "fields blanked in the newest capture and recovered from an older one; NA when none",
        nullable=True,
    ),
    Field(
        "recovered_from",
        "string",
        "the capture the recovered fields came from; NA when none",
        nullable=True,
    ),
    Field(
        "quarantined",
        "string",
        "fields whose published value broke the loader's rules or was blank where required: "
        "taken from an earlier capture (in recovered_fields) or else left missing; NA when none",
        nullable=True,
    ),
)

POOL_FIELDS: tuple[Field, ...] = (
    Field("draw_id", "string", "the round whose published distribution this is"),
    Field("pool_as_of", DATETIME, "date of the pool distribution"),
    Field(
        "score_min",
        "Int64",
        "lowest CRS score of the range",
        least=0,
        most=MAX_SCORE,
        unit="CRS points",
    ),
    Field(
        "score_max",
        "Int64",
        "highest CRS score of the range",
        least=0,
        most=MAX_SCORE,
        unit="CRS points",
    ),
    Field(
        "candidates",
        "Int64",
        "candidates in the pool with a score in the range; NA when that range was not published",
        nullable=True,
        least=0,
        unit="candidates",
    ),
    Field("repaired", "bool", "the count was repaired from a known bad record"),
    Field(
        "recovered_from",
        "string",
        "the capture(s) the round's recovered values came from (newest first, comma-separated), "
        "when this count was blanked in newer captures; NA when none",
        nullable=True,
    ),
)


def column_table(fields: tuple[Field, ...]) -> str:
    """The fields as a reStructuredText-style table for docstrings."""
    rows = [(f.name, f.dtype, f.description) for f in fields]
    widths = [max(len(row[i]) for row in [("column", "dtype", "meaning"), *rows]) for i in range(3)]
    rule = "  ".join("=" * w for w in widths)

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([rule, line(("column", "dtype", "meaning")), rule, *map(line, rows), rule])


def dtypes(fields: tuple[Field, ...]) -> dict[str, str]:
    return {f.name: f.dtype for f in fields}
