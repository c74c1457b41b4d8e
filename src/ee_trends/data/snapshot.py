"""The snapshot of the feed shipped with the package: the offline default of last resort."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ee_trends.data.captures import list_captures
from ee_trends.data.feed import read_feed_file

SNAPSHOT_DIR = Path(str(resources.files("ee_trends.data") / "snapshot"))
"""Package data: one capture of the feed and its provenance."""


@dataclass(frozen=True)
class Snapshot:
    """The capture of the feed shipped with the package.

    ``rounds`` is its number of rounds; ``newest_draw`` and ``newest_date``
    name its newest round as published (``"434"``, ``"2026-08-07"``).
    """

    path: Path
    rounds: int
    newest_draw: str
    newest_date: str

    def to_text(self) -> str:
        return (
            f"the snapshot shipped with ee_trends ({self.rounds} rounds, newest "
            f"#{self.newest_draw} of {self.newest_date})"
        )


@functools.cache
def shipped_snapshot() -> Snapshot:
    """The snapshot of the feed shipped as package data (read once per process)."""
    path = list_captures(SNAPSHOT_DIR)[-1]
    rounds = read_feed_file(path)["rounds"]
    newest = rounds[0]
    return Snapshot(path, len(rounds), newest["drawNumber"].strip(), newest["drawDate"].strip())
