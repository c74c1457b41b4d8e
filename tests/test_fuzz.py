"""Random input to load_draws: a FeedError or a valid table, nothing else.

Random bytes, random JSON, and feeds of the right shape with random values
(strings near the formats IRCC uses, so the parsers and the schema are reached).
``FUZZ_EXAMPLES`` sets the examples per test (60 by default; 1,500 passed once).
"""

from __future__ import annotations

import gzip
import json
import os
import warnings

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import make_round
from ee_trends import FeedError, load_draws, load_pool
from ee_trends.data.feed import ROUND_FIELDS
from ee_trends.data.schema import validate

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)

# Values near the feed's formats: counts, dates, timestamps, and damaged ones.
near_values = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "1,499",
            "9,223,372,036,854,775,808",
            "2024-06-19",
            "19-06-2024",
            "1600-01-01",
            "2024-13-45",
            "June 19, 2024",
            "June 19, 2300",
            "June 19, 2024 at 14:07:52 UTC",
            "October 7 at 16:38:21 UTC",
            "June 31, 2024 at 25:61:61 PM UTC",
            "No Program Specified",
            "abc",
            "-5",
            "1e9",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=0, max_value=2**70).map(str),
)


def load_file(tmp_path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    outcome(lambda: (load_draws(path, cache=False), load_pool(path, cache=False)))


def outcome(load) -> None:
    """The load raises FeedError, or returns tables that pass the schema."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            draws, pool = load()
        except FeedError as err:
            assert "\n" not in str(err)
            return
    assert isinstance(draws, pd.DataFrame) and len(draws) > 0
    validate(draws, pool)


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path_factory, data):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    load_file(tmp_path, data, "feed.json")
    load_file(tmp_path, gzip.compress(data), "feed.json.gz")


@FUZZ
@given(value=json_values)
def test_random_json(tmp_path_factory, value):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    load_file(tmp_path, json.dumps(value).encode(), "feed.json")
    load_file(tmp_path, json.dumps({"rounds": value}).encode(), "feed.json")
    outcome(lambda: (load_draws({"rounds": value}), load_pool({"rounds": value})))


@FUZZ
@example(changes=[{"drawNumber": "0\n0", "drawDate": "0"}])  # an id over two lines, named
@example(changes=[{"drawNumber": "0\n0"}, {"drawNumber": "0\n0"}])  # in a one-line error
@given(
    changes=st.lists(
        st.dictionaries(st.sampled_from(ROUND_FIELDS), near_values, max_size=4),
        min_size=1,
        max_size=3,
    )
)
def test_feeds_with_random_values(changes):
    rounds = [make_round(str(300 + i), **change) for i, change in enumerate(changes)]
    feed = {"classes": "x", "rounds": rounds}
    outcome(lambda: (load_draws(feed), load_pool(feed)))
