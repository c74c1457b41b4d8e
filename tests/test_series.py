"""Reading a series of captures: each decoded as the one before plus the rounds that changed
gives exactly what reading every file on its own gives, errors included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_feed, make_round
from ee_trends import FeedError
from ee_trends.data.feed import MAX_NESTING, read_feed_file
from ee_trends.data.series import read_files

ROUNDS = [make_round(str(n), drawName=f"Round {n}") for n in range(310, 300, -1)]
BASE = json.dumps(make_feed(*ROUNDS), indent=1)


def one_by_one(paths: list[Path]) -> list:
    """What reading each file on its own gives: the feeds, or the first error's message."""
    out = []
    for path in paths:
        try:
            out.append((path.name, read_feed_file(path)))
        except FeedError as err:
            return [*out, str(err)]
    return out


def assert_read_as_alone(paths: list[Path]) -> None:
    """Read in series, ``paths`` give what each file gives alone: its feed, or the first
    failing file's error, message for message."""
    expected = one_by_one(paths)
    if isinstance(expected[-1], str):
        with pytest.raises(FeedError) as caught:
            read_files(paths)
        assert str(caught.value) == expected[-1]
    else:
        assert read_files(paths) == expected


def write(folder: Path, *texts: str) -> list[Path]:
    paths = []
    for number, text in enumerate(texts):
        path = folder / f"capture_{number:03}.json"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def feed_text(*rounds, indent=1, **top) -> str:
    return json.dumps({**make_feed(*rounds), **top}, indent=indent)


NEW = make_round("311", drawName="Round 311")
EDITS = {
    "unchanged": BASE,
    "a new round first": feed_text(NEW, *ROUNDS),
    "a new round last": feed_text(*ROUNDS, NEW),
    "two new rounds in the middle": feed_text(*ROUNDS[:4], NEW, make_round("312"), *ROUNDS[4:]),
    "a round removed": feed_text(*ROUNDS[:3], *ROUNDS[4:]),
    "the last round removed": feed_text(*ROUNDS[:-1]),
    "the first round removed": feed_text(*ROUNDS[1:]),
    "a label edited": BASE.replace('"Round 305"', '"Round 305 (edited)"'),
    "a cutoff blanked": feed_text(*ROUNDS[:2], {**ROUNDS[2], "drawCRS": ""}, *ROUNDS[3:]),
    "a count as a JSON number": BASE.replace('"drawSize": "1,499"', '"drawSize": 1499', 1),
    "braces and commas in a string": BASE.replace('"Round 306"', '"Round }, {306\\""'),
    "a top-level key changed": feed_text(*ROUNDS, classes="wb-tables-2"),
    "a top-level key added": feed_text(*ROUNDS, note={"a": [1, 2]}),
    "formatting changed": feed_text(*ROUNDS, indent=None),
    "a later rounds key wins": BASE[:-1] + ', "rounds": ' + json.dumps([NEW]) + "}",
    "a byte order mark": "\ufeff" + BASE,
    "an extra field in a round": BASE.replace(
        '"drawName": "Round 304"', '"x": [1], "drawName": "Round 304"'
    ),
    # what a full decode refuses, refused the same way
    "a duplicate round": feed_text(*ROUNDS[:5], ROUNDS[2], *ROUNDS[5:]),
    "a field missing": BASE.replace('"drawCRS": "', '"drawCRX": "', 1),
    "a value of another type": BASE.replace('"drawSize": "1,499"', '"drawSize": [1499]', 1),
    "broken JSON in a round": BASE.replace('"Round 305"', '"Round 305', 1),
    "a trailing comma": feed_text(*ROUNDS)[:-3] + ",\n ]\n}",
    "a round that is not an object": BASE.replace("[\n  {", '[\n  "x",\n  {', 1),
    "nested too deep in a round": BASE.replace(
        '"drawName": "Round 304"', f'"x": {"[" * MAX_NESTING}{"]" * MAX_NESTING}, "drawName": "R"'
    ),
    "no rounds left": feed_text(),
    "not JSON at all": "<html>",
}


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_reads_as_the_file_alone(tmp_path, edit):
    paths = write(tmp_path, BASE, EDITS[edit], BASE)
    assert_read_as_alone(paths)


def test_unchanged_rounds_are_passed_on_not_decoded_again(tmp_path):
    """The fast path runs: a capture with one new round keeps the objects of the rounds
    away from the change (the round beside it is decoded again)."""
    (_, first), (_, second) = read_files(write(tmp_path, BASE, EDITS["a new round first"]))
    assert [r["drawNumber"] for r in second["rounds"][:2]] == ["311", "310"]
    assert all(a is b for a, b in zip(first["rounds"][1:], second["rounds"][2:], strict=True))


def test_a_number_in_a_changed_round_is_read_as_a_string(tmp_path):
    text = feed_text(make_round("311", drawSize=6000), *ROUNDS)  # type: ignore[arg-type]
    (_, _), (_, second) = read_files(write(tmp_path, BASE, text))
    assert second["rounds"][0]["drawSize"] == "6000"


EDIT = st.tuples(
    st.floats(0, 1),
    st.integers(0, 200),
    st.one_of(
        st.text(alphabet='{}[]",: \n0123456789abRd\\', max_size=20),
        st.integers(0, len(BASE)).map(lambda at: BASE[at : at + 150]),
    ),
)


def edited(text: str, edit: tuple[float, int, str]) -> str:
    where, length, insert = edit
    start = int(where * len(text))
    return text[:start] + insert + text[start + length :]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=EDIT, second=EDIT)
def test_random_edits_read_as_the_files_alone(tmp_path_factory, first, second):
    """Two edits in a row: the second capture's rounds are placed from the first's."""
    folder = tmp_path_factory.mktemp("series")
    once = edited(BASE, first)
    paths = write(folder, BASE, once, edited(once, second))
    assert_read_as_alone(paths)
