"""The README stays true: it names every column of the public tables and every command."""

from __future__ import annotations

import re

from conftest import REPO
from ee_trends.cli import build_parser
from ee_trends.data.fields import DRAW_FIELDS, POOL_FIELDS

README = (REPO / "README.md").read_text()


def _paragraph(start: str) -> str:
    """The README's paragraph that begins with ``start``."""
    at = README.index(start)
    return README[at : README.find("\n\n", at)]


def test_column_lists_match_the_field_tables():
    for start, fields in (
        ("`load_draws` columns", DRAW_FIELDS),
        ("`load_pool` columns", POOL_FIELDS),
    ):
        named = set(re.findall(r"`([a-z_]+)`", _paragraph(start)))
        assert {field.name for field in fields} <= named, start


def test_every_command_is_shown():
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"ee-trends {name}" not in README]
    assert not missing, f"README shows no example of: {missing}"
