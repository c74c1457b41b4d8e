"""The export: draws and pool for Excel, R or any tool, with a Frictionless data package.

``ee-trends export --out DIR`` writes ``draws.csv`` and ``pool.csv`` (or
``.parquet``) and a ``datapackage.json`` describing them: each column's type,
description, unit and missing value, generated from the one field table
(:mod:`ee_trends.data.fields`), with the source, its licence and the capture
the tables came from. In the CSV files timestamps are ISO 8601 in UTC
(``2026-08-07T10:08:20Z``), dates ``YYYY-MM-DD``, a missing value an empty
cell, and a text cell a spreadsheet would run as a formula starts with ``'``.
Each round has its program key (``cec``) and its readable label.

The folder is written as the report's is (:mod:`ee_trends.output.files`):
whole or not at all, and a non-empty folder is replaced only when an earlier
export wrote it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ee_trends.data.fields import DATETIME, DRAW_FIELDS, POOL_FIELDS, UTC_DATETIME, Field
from ee_trends.data.load import Loaded, load_all
from ee_trends.data.resolve import FEED_URL
from ee_trends.output.files import check_replaceable, recover, replacing, safe_csv
from ee_trends.programs import PROGRAM_KEYS, program_label

MARKER = ".ee-trends-export"
"""File that marks a folder as an export this module wrote."""

FORMATS = ("csv", "parquet")

PROGRAM_LABEL = Field(
    "program_label", "string", "readable label of the program (ee_trends.PROGRAMS)"
)
"""The one column the export adds to the public tables: after ``program``."""

LICENSE = {
    "name": "OGL-Canada-2.0",
    "title": "Open Government Licence - Canada",
    "path": "https://open.canada.ca/en/open-government-licence-canada",
}
SOURCE = {
    "title": "Immigration, Refugees and Citizenship Canada (IRCC): Express Entry rounds "
    "of invitations",
    "path": FEED_URL,
}
MISSING = ""
"""How a missing value is written in the CSV files (and declared in the package)."""

_TYPES = {
    "string": "string",
    "Int64": "integer",
    DATETIME: "date",
    UTC_DATETIME: "datetime",
    "category": "string",
    "bool": "boolean",
}


def write_export(
    out: str | os.PathLike,
    *,
    source: Any = None,
    data_dir: str | os.PathLike | None = None,
    format: str = "csv",
) -> Path:
    """Export both tables into ``out``; return the path of its ``datapackage.json``.

    ``source`` and ``data_dir`` as for :func:`ee_trends.load_draws`; ``format``
    is ``"csv"`` or ``"parquet"``. ``out`` is created, or replaced when an
    earlier export wrote it (files you added there are kept).
    """
    _check_format(format)
    given = Path(out)
    out = given.absolute()  # "." has a name and a parent
    recover(out, MARKER)
    check_replaceable(out, MARKER, "ee-trends export")
    data = load_all(source, data_dir=data_dir)
    with replacing(out, MARKER, "ee-trends export") as temp:
        export_into(temp, data, format=format)
    return given / "datapackage.json"


def export_into(folder: Path, data: Loaded, *, format: str = "csv") -> list[Path]:
    """Write the tables and ``datapackage.json`` into the existing ``folder``; the files."""
    _check_format(format)
    tables = {
        "draws": (exported_draws(data.draws), (*_with_label(DRAW_FIELDS),)),
        "pool": (data.pool.loc[:, [f.name for f in POOL_FIELDS]], POOL_FIELDS),
    }
    written = []
    for name, (frame, fields) in tables.items():
        path = folder / f"{name}.{format}"
        if format == "csv":
            safe_csv(_as_text(frame, fields)).to_csv(path, index=False, na_rep=MISSING)
        else:
            _as_parquet(frame, fields).to_parquet(path, index=False)
        written.append(path)
    package = datapackage(data, {name: fields for name, (_, fields) in tables.items()}, format)
    path = folder / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [*written, path]


def exported_draws(draws: pd.DataFrame) -> pd.DataFrame:
    """The public columns of ``draws``, with ``program_label`` after ``program``."""
    frame = draws.loc[:, [f.name for f in DRAW_FIELDS]].reset_index(drop=True)
    labels = frame["program"].astype("string").map(program_label).astype("string")
    frame.insert(frame.columns.get_loc("program") + 1, PROGRAM_LABEL.name, labels)
    return frame


def datapackage(data: Loaded, tables: dict[str, tuple[Field, ...]], format: str) -> dict:
    """The Frictionless data package describing the exported tables."""
    newest = data.draws.iloc[-1]
    return {
        "name": "ee-trends-express-entry-rounds",
        "title": "Express Entry rounds of invitations and the pool of candidates",
        "description": (
            "One row per round of invitations (draws) and the published CRS distribution "
            "of the pool (pool), cleaned by ee_trends. The CRS is the Comprehensive Ranking "
            "System score that ranks candidates in the Express Entry pool."
        ),
        "licenses": [LICENSE],
        "sources": [SOURCE],
        "provenance": {
            "capture": data.read.name,
            "captured_at": data.read.captured_at,
            "captures_merged": data.read.files,
            "newest_round": str(newest["draw_id"]),
            "newest_round_date": f"{newest['draw_date']:%Y-%m-%d}",
            "rounds": len(data.draws),
        },
        "resources": [_resource(name, fields, format) for name, fields in tables.items()],
    }


def _resource(name: str, fields: tuple[Field, ...], format: str) -> dict:
    resource: dict[str, Any] = {
        "name": name,
        "path": f"{name}.{format}",
        "format": format,
        "profile": "tabular-data-resource",
        "schema": {
            "fields": [_field(f) for f in fields],
            "missingValues": [MISSING],
        },
    }
    if format == "csv":
        resource.update(mediatype="text/csv", encoding="utf-8")
    return resource


def _field(field: Field) -> dict:
    out: dict[str, Any] = {
        "name": field.name,
        "type": _TYPES[field.dtype],
        "description": field.description,
    }
    if field.unit:
        out["unit"] = field.unit
    if field.dtype == UTC_DATETIME:
        out["format"] = "%Y-%m-%dT%H:%M:%SZ"
    constraints: dict[str, Any] = {} if field.nullable else {"required": True}
    if field.dtype == "category":
        constraints["enum"] = list(PROGRAM_KEYS)
    if field.least is not None:
        constraints["minimum"] = field.least
    if field.most is not None:
        constraints["maximum"] = field.most
    if constraints:
        out["constraints"] = constraints
    return out


def _with_label(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    at = [f.name for f in fields].index("program") + 1
    return (*fields[:at], PROGRAM_LABEL, *fields[at:])


def _as_text(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """Dates and timestamps as ISO 8601 text (UTC with ``Z``), booleans ``true``/``false``."""
    out = frame.copy()
    for field in fields:
        values = out[field.name]
        if field.dtype == UTC_DATETIME:
            out[field.name] = values.dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype("string")
        elif field.dtype == DATETIME:
            out[field.name] = values.dt.strftime("%Y-%m-%d").astype("string")
        elif field.dtype == "bool":
            out[field.name] = values.map({True: "true", False: "false"})
        elif field.dtype == "category":
            out[field.name] = values.astype("string")
    return out


def _as_parquet(frame: pd.DataFrame, fields: tuple[Field, ...]) -> pd.DataFrame:
    """Dates as dates (not midnight timestamps), program keys as plain text."""
    out = frame.copy()
    for field in fields:
        if field.dtype == DATETIME:
            out[field.name] = out[field.name].dt.date
        elif field.dtype == "category":
            out[field.name] = out[field.name].astype("string")
    return out


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"--format {format!r}: give one of {', '.join(FORMATS)}")
