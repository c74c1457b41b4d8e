"""Schema checks of the public tables, built from the field table."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS, Field
from ee_trends.errors import FeedError
from ee_trends.programs import PROGRAM_KEYS


def _checks(field: Field) -> list[pa.Check]:
    """The checks of a column: its program keys, and the bounds of the field table."""
    if field.name == "program":
        return [pa.Check.isin(PROGRAM_KEYS)]
    if field.least is not None and field.most is not None:
        return [pa.Check.in_range(field.least, field.most)]
    if field.least is not None:
        return [pa.Check.ge(field.least)]
    return []


def _schema(fields: tuple[Field, ...], name: str, **kwargs) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            f.name: pa.Column(
                f.dtype if f.dtype != "category" else pd.CategoricalDtype(PROGRAM_KEYS),
                checks=_checks(f),
                nullable=f.nullable,
            )
            for f in fields
        },
        name=name,
        strict=False,
        ordered=False,
        **kwargs,
    )


DRAWS_SCHEMA = _schema(DRAW_FIELDS, "draws", unique=["draw_id"])
POOL_SCHEMA = _schema(
    POOL_FIELDS,
    "pool",
    unique=["draw_id", "score_min"],
    checks=[pa.Check(lambda df: df["score_min"] <= df["score_max"], name="score_min <= score_max")],
)


def validate(draws: pd.DataFrame, pool: pd.DataFrame, *, origin: str = "feed") -> None:
    """Check both tables against the field table; raise FeedError naming the source
    (``origin``: the file, or the captures) and the rounds at fault."""
    for schema, frame in ((DRAWS_SCHEMA, draws), (POOL_SCHEMA, pool)):
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            cases = err.failure_cases
            rows = cases["index"].dropna().astype(int).unique().tolist()
            rounds = frame.loc[frame.index.isin(rows), "draw_id"].unique().tolist()
            summary = "; ".join(
                f"{row.column}: {row.check} (value {row.failure_case!r})"
                for row in cases.head(5).itertuples()
            )
            raise FeedError(
                f"{origin}: {schema.name} table fails its schema in rounds "
                f"{', '.join(rounds) or '-'}: {summary}"
            ) from None
    orphans = set(pool["draw_id"]) - set(draws["draw_id"])
    if orphans:
        raise FeedError(
            f"{origin}: pool rows for rounds not in draws: {', '.join(sorted(orphans))}"
        )
