"""Report content as data: each column format, chosen per column, never guessed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ee_trends.output.content import FORMATS, NUMERIC_FORMATS, Table, format_value


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (1234567, "count", "1,234,567"),
        (480.0, "score", "480"),
        (-9.75, "points", "−9.8"),
        (0.6, "points", "+0.6"),  # a slope of +0.6 points, never "60.0%"
        (-8, "change", "−8"),
        (40, "change", "+40"),
        (19.84, "decimal", "19.8"),
        (0.925, "percent", "92.5%"),
        (1.0, "percent", "100.0%"),
        (0.8712, "ratio", "0.87"),
        (pd.Timestamp("2026-08-07"), "date", "2026-08-07"),
        (pd.Timestamp("2026-08-07 10:05:36-04:00"), "datetime_utc", "2026-08-07 14:05:36 UTC"),
        ("91a", "text", "91a"),
    ],
)
def test_each_format(value, kind, text):
    assert format_value(value, kind) == text


@pytest.mark.parametrize("missing", [None, pd.NA, pd.NaT, np.nan])
def test_missing_is_a_dash_in_every_format(missing):
    assert {format_value(missing, kind) for kind in FORMATS} == {"–"}


def test_numbers_are_the_formats_not_of_text_or_dates():
    assert set(FORMATS) - {"text", "date", "datetime_utc"} == NUMERIC_FORMATS


def test_a_table_names_its_unknown_column_or_format():
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="table 't': no column 'b'"):
        Table("t", frame, {"b": ("B", "count")})
    with pytest.raises(ValueError, match="table 't': unknown format 'money'"):
        Table("t", frame, {"a": ("A", "money")})
    with pytest.raises(ValueError, match="unknown format 'money'"):
        format_value(1, "money")
