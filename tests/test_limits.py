"""Limits on every decode: decoded size, nested gzip, JSON nesting, counts and years.

Each refusal is a ``FeedError`` naming the file (and the round and field for a value).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import make_feed, make_round
from ee_trends import FeedError, load_draws
from ee_trends.data.feed import MAX_NESTING, decode_feed, read_feed_file
from ee_trends.data.fetch import fetch_feed
from ee_trends.data.parsers import parse_count, parse_draw_date, parse_long_date, parse_timestamp


def feed_bytes(*rounds) -> bytes:
    return json.dumps(make_feed(*rounds)).encode()


def test_a_feed_within_the_limit_loads(tmp_path):
    path = tmp_path / "feed.json.gz"
    path.write_bytes(gzip.compress(feed_bytes(make_round("301"))))
    assert read_feed_file(path, max_bytes=10_000)["rounds"][0]["drawNumber"] == "301"


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_decoded_size_limit_for_a_file(tmp_path, compressed):
    body = b" " * 20_000 + feed_bytes(make_round("301"))
    path = tmp_path / ("feed.json.gz" if compressed else "feed.json")
    path.write_bytes(gzip.compress(body) if compressed else body)
    with pytest.raises(FeedError, match=rf"{path.name}: over the limit of 10000 bytes"):
        read_feed_file(path, max_bytes=10_000)


def test_load_draws_refuses_a_gzip_bomb(tmp_path, monkeypatch):
    """load_draws(path) has the same limit as fetch: a small file that inflates too far."""
    monkeypatch.setattr("ee_trends.data.feed.MAX_DECODED_BYTES", 50_000)
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b" " * 5_000_000 + feed_bytes(make_round("301"))))
    assert path.stat().st_size < 10_000
    with pytest.raises(FeedError, match=r"bomb\.json\.gz: over the limit of 50000 bytes"):
        load_draws(path, cache=False)


@pytest.mark.parametrize("where", ["file", "fetch"])
def test_nested_gzip_is_refused(tmp_path, where):
    path = tmp_path / "double.json.gz"
    path.write_bytes(gzip.compress(gzip.compress(feed_bytes(make_round("301")))))
    with pytest.raises(FeedError, match=r"double\.json\.gz: gzip data inside gzip data"):
        if where == "file":
            load_draws(path, cache=False)
        else:
            fetch_feed(path, data_dir=tmp_path / "data")
    assert not (tmp_path / "data" / "raw").exists() or not list(
        (tmp_path / "data" / "raw").iterdir()
    )


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 100_000])
def test_deep_nesting_is_refused_before_parsing(depth):
    text = b'{"rounds": ' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(FeedError, match=rf"deep\.json: JSON nested deeper than {MAX_NESTING}"):
        decode_feed(text, origin="deep.json")


def test_brackets_inside_strings_are_not_nesting():
    name = '[[[[{{{{"\\' * 10  # brackets, quotes and backslashes in a value (escaped in JSON)
    data = feed_bytes(make_round("301", drawName=name))
    assert b'\\"\\\\[[[[' in data
    feed = decode_feed(data, origin="feed")
    assert feed["rounds"][0]["drawName"] == name


def test_nesting_at_the_limit_is_only_not_a_feed():
    depth = MAX_NESTING - 1
    text = b'{"rounds": ' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(FeedError, match="round at position 0 is not an object"):
        decode_feed(text, origin="feed")


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_count, "9,223,372,036,854,775,808", "beyond the largest count"),
        (parse_count, "1" * 5000, "beyond the largest count"),
        (parse_draw_date, "1600-01-01", "year 1600 of '1600-01-01' outside 1990-2100"),
        (parse_draw_date, "01-01-2300", "year 2300"),
        (parse_long_date, "June 17, 1989", "year 1989"),
        (parse_timestamp, "June 19, 2101 at 14:07:52 UTC", "year 2101"),
    ],
)
def test_values_beyond_the_tables_are_value_errors(parse, text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_largest_count_and_years_at_the_bounds_are_read():
    assert parse_count("9,223,372,036,854,775,807") == 2**63 - 1
    assert parse_draw_date("1990-01-01")[0].year == 1990
    assert parse_long_date("December 31, 2100").year == 2100


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "drawSize",
            "99999999999999999999",
            "field 'drawSize': count '99999999999999999999' beyond",
        ),
        ("drawNumber", "99999999999999999999", "field 'drawNumber': count"),
        ("drawDate", "1600-06-19", "field 'drawDate': year 1600"),
        ("drawDateTime", "June 19, 2300 at 14:07:52 UTC", "field 'drawDateTime': year 2300"),
        ("drawDistributionAsOn", "June 17, 1600", "field 'drawDistributionAsOn': year 1600"),
    ],
)
def test_out_of_range_values_name_file_round_and_field(tmp_path, field, value, message):
    """No OverflowError or OutOfBoundsDatetime escapes the loader."""
    path = tmp_path / "odd.json"
    path.write_bytes(feed_bytes(make_round("302"), make_round("301", **{field: value})))
    named = value if field == "drawNumber" else "301"
    with pytest.raises(FeedError, match=rf"^odd\.json: round {named}: {message}"):
        load_draws(path, cache=False)


def test_an_unreadable_file_is_a_feed_error_naming_it(tmp_path, monkeypatch):
    """A capture without read permission (simulated: the tests may run as root)."""
    path = tmp_path / "locked.json"
    path.write_bytes(feed_bytes(make_round("301")))

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(FeedError, match=r"locked\.json: cannot be read \(Permission denied\)"):
        read_feed_file(path)


def test_a_device_is_not_a_feed_file(tmp_path):
    with pytest.raises(FeedError, match="/dev/zero is not a regular file"):
        fetch_feed("/dev/zero", data_dir=tmp_path)
