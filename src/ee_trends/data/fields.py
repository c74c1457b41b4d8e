"""The one field table: every column of the public tables, its dtype and meaning.

It drives the schema check (:mod:`ee_trends.data.schema`) and the column tables in
the docstrings of :func:`ee_trends.load_draws` and :func:`ee_trends.load_pool`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One column: name, pandas dtype, meaning, whether NA is allowed, and its unit (if any)."""

    name: str
    dtype: str
    description: str
    nullable: bool = False
    unit: str | None = None


UTC_DATETIME = "datetime64[ns, UTC]"
DATETIME = "datetime64[ns]"

ROUND_ORDER: tuple[str, ...] = ("draw_date", "drawn_at", "draw_number", "draw_id")
"""The one chronological order of rounds: by date, time run, number, id (``91a`` before ``91b``)."""

DRAW_FIELDS: tuple[Field, ...] = (
    Field("draw_id", "string", 'the round as IRCC names it: "384", "91a"'),
    Field("draw_number", "Int64", "its number: 384, 91"),
    Field("draw_date", DATETIME, "the draw date"),
    Field("program", "category", "stable key of the program or category (see ee_trends.PROGRAMS)"),
    Field("draw_name", "string", "IRCC's label, as published"),
    Field("invitations", "Int64", "invitations issued (draw size)", unit="invitations"),
    Field("crs_cutoff", "Int64", "lowest CRS score invited", unit="CRS points"),
    Field(
        "tie_break_at",
        UTC_DATETIME,
        "tie-breaking timestamp; NaT when not published",
        nullable=True,
    ),
    Field("drawn_at", UTC_DATETIME, "when the round was run"),
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
        "days from draw_date to the date in IRCC's drawDateTime (0 when they agree)",
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
)

POOL_FIELDS: tuple[Field, ...] = (
    Field("draw_id", "string", "the round whose published distribution this is"),
    Field("pool_as_of", DATETIME, "date of the pool distribution"),
    Field("score_min", "Int64", "lowest CRS score of the range", unit="CRS points"),
    Field("score_max", "Int64", "highest CRS score of the range", unit="CRS points"),
    Field(
        "candidates",
        "Int64",
        "candidates in the pool with a score in the range; NA when that range was not published",
        nullable=True,
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
