"""Parsers of the feed's values: every format seen in the 97 captures, and fuzzing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ee_trends.data.parsers import (
    parse_count,
    parse_draw_date,
    parse_long_date,
    parse_timestamp,
    value_error,
)


def test_an_impossible_day_names_the_text():
    with pytest.raises(ValueError, match="day is out of range for month: '2023-02-30'"):
        parse_draw_date("2023-02-30")


def test_february_29_without_a_year_is_readable_before_the_round_is_known():
    # quirk: a capture is checked value by value (quarantine, fetch) before the draw date
    # gives the year; 29 February must not be taken for an impossible day
    assert value_error("drawCutOff", "February 29 at 15:58:53 UTC") is None
    moment, note = parse_timestamp("February 29 at 15:58:53 UTC", date(2024, 3, 5))
    assert moment == datetime(2024, 2, 29, 15, 58, 53, tzinfo=UTC)
    assert note == "year of 'February 29 at 15:58:53 UTC' inferred as 2024"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("779", 779), ("6,000", 6000), ("27,332", 27332), ("1,234,567", 1234567), (" 500 ", 500)],
)
def test_count_with_thousands_separators(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["n/a", "", "6.000", "1,23", "12,3456", "-5", "5 000", "1e3"])
def test_count_rejects_what_is_not_a_count(text):
    with pytest.raises(ValueError, match="not a count"):
        parse_count(text)


def test_draw_date_iso():
    assert parse_draw_date("2026-08-07") == (date(2026, 8, 7), None)


def test_draw_date_day_month_year_is_read_and_noted():
    # One capture published #246's drawDate as "12-04-2023": 12 April 2023.
    day, note = parse_draw_date("12-04-2023")
    assert day == date(2023, 4, 12)
    assert "day-month-year" in note


@pytest.mark.parametrize("text", ["2023/04/12", "April 12, 2023", "2023-13-01", "2023-02-30"])
def test_draw_date_rejects_other_formats(text):
    with pytest.raises(ValueError):
        parse_draw_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the common form
        ("August 7, 2026 at 10:08:20 UTC", datetime(2026, 8, 7, 10, 8, 20, tzinfo=UTC)),
        # ordinal, no comma
        ("July 3rd 2026 at 21:35:13 UTC", datetime(2026, 7, 3, 21, 35, 13, tzinfo=UTC)),
        # no "at", no space after the comma (#234)
        ("October 26,2022 13:05:36 UTC", datetime(2022, 10, 26, 13, 5, 36, tzinfo=UTC)),
        # no "at"
        ("April 12, 2023 14:12:15 UTC", datetime(2023, 4, 12, 14, 12, 15, tzinfo=UTC)),
        # ", at"
        ("May 26, 2017, at 16:35:48 UTC", datetime(2017, 5, 26, 16, 35, 48, tzinfo=UTC)),
        # leading space (#38) and trailing space (#262)
        (" July 13, 2016 at 13:56:45 UTC", datetime(2016, 7, 13, 13, 56, 45, tzinfo=UTC)),
        ("July 04, 2023 at 19:36:18 UTC ", datetime(2023, 7, 4, 19, 36, 18, tzinfo=UTC)),
        # no comma after the day (#215), a full stop instead (#277)
        ("February 02 2022 at 14:16:27 UTC", datetime(2022, 2, 2, 14, 16, 27, tzinfo=UTC)),
        ("August 30. 2023 at 17:30:21 UTC", datetime(2023, 8, 30, 17, 30, 21, tzinfo=UTC)),
        # "at" glued to the time (#297), double spaces (#386, #412)
        ("May 31, 2024 at12:48:30 UTC", datetime(2024, 5, 31, 12, 48, 30, tzinfo=UTC)),
        ("October 18, 2025 at  7:18:52 UTC", datetime(2025, 10, 18, 7, 18, 52, tzinfo=UTC)),
        ("April 13, 2026  at 23:10:05 UTC", datetime(2026, 4, 13, 23, 10, 5, tzinfo=UTC)),
        # single-digit hour (#81), no "UTC" (#6)
        ("November 18, 2017 at 6:30:42 UTC", datetime(2017, 11, 18, 6, 30, 42, tzinfo=UTC)),
        ("March 27, 2015 at 23:59:47", datetime(2015, 3, 27, 23, 59, 47, tzinfo=UTC)),
        # the date written twice (#310)
        (
            "August 15, 2024 at 2024-08-15 15:11:54 UTC",
            datetime(2024, 8, 15, 15, 11, 54, tzinfo=UTC),
        ),
        # a 24-hour clock with a stray AM/PM (#210, #270)
        ("June 22, 2021 at 20:19:59 PM UTC", datetime(2021, 6, 22, 20, 19, 59, tzinfo=UTC)),
        ("October 25, 2023 at 15:48:39 AM UTC", datetime(2023, 10, 25, 15, 48, 39, tzinfo=UTC)),
        ("September 30, 2023 at 04:22:17 AM UTC", datetime(2023, 9, 30, 4, 22, 17, tzinfo=UTC)),
        ("June 2, 2023 at 04:22:17 PM UTC", datetime(2023, 6, 2, 16, 22, 17, tzinfo=UTC)),
    ],
)
def test_timestamp_formats(text, expected):
    assert parse_timestamp(text) == (expected, None)


def test_timestamp_without_year_takes_it_from_the_draw_date():
    # #208 (2021-10-27) published its tie-break as "October 7 at 16:38:21 UTC".
    stamp, note = parse_timestamp("October 7 at 16:38:21 UTC", date(2021, 10, 27))
    assert stamp == datetime(2021, 10, 7, 16, 38, 21, tzinfo=UTC)
    assert "inferred as 2021" in note


def test_timestamp_without_year_before_the_draw_day_goes_back_a_year():
    stamp, _ = parse_timestamp("December 20 at 10:00:00 UTC", date(2022, 1, 5))
    assert stamp.year == 2021


def test_timestamp_without_year_and_reference_is_an_error():
    with pytest.raises(ValueError, match="without a year"):
        parse_timestamp("October 7 at 16:38:21 UTC")


@pytest.mark.parametrize(
    "text", ["n/a", "", "Smarch 3, 2024 at 10:00:00 UTC", "June 31, 2024 at 10:00:00 UTC", "2024"]
)
def test_timestamp_rejects_garbage(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_long_date():
    assert parse_long_date("August 3, 2026") == date(2026, 8, 3)
    assert parse_long_date(" July 20, 2025 ") == date(2025, 7, 20)


_MONTHS = [datetime(2000, m, 1).strftime("%B") for m in range(1, 13)]


@given(
    st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)),
    st.sampled_from(
        [
            "{m} {d}, {y} at {t} UTC",
            "{m} {d},{y} {t} UTC",
            "{m} {d} {y} at {t}",
            " {m} {d}, {y}, at {t} UTC ",
            "{m} {d}. {y} at {t} UTC",
        ]
    ),
    st.booleans(),
)
def test_timestamp_round_trips_every_layout(moment, layout, zero_pad):
    day = f"{moment.day:02d}" if zero_pad else str(moment.day)
    text = layout.format(
        m=_MONTHS[moment.month - 1], d=day, y=moment.year, t=moment.strftime("%H:%M:%S")
    )
    parsed, note = parse_timestamp(text)
    assert parsed == moment.replace(microsecond=0, tzinfo=UTC)
    assert note is None


@given(st.integers(min_value=0, max_value=10**9))
def test_count_round_trips_with_separators(number):
    assert parse_count(f"{number:,}") == number
    assert parse_count(str(number)) == number


@given(st.one_of(st.text(max_size=40), st.from_regex(r"[A-Za-z]{3,9} \d{1,2},? ?\d{0,4}.{0,20}")))
def test_parsers_return_their_type_or_raise_value_error(text):
    expected = {
        parse_count: int,
        parse_draw_date: tuple,
        parse_long_date: date,
        parse_timestamp: tuple,
    }
    for parse, kind in expected.items():
        try:
            result = parse(text)
        except ValueError:
            continue
        assert isinstance(result, kind)
        if parse is parse_timestamp:
            assert result[0].tzinfo is UTC
