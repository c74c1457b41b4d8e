"""ee_trends: Canada's Express Entry rounds of invitations, as tidy data.

The public functions are imported on first use, so ``import ee_trends`` is
fast and imports neither matplotlib nor statsmodels::

    from ee_trends import load_draws, load_pool
    draws = load_draws()          # source from the resolution rule

``PROGRAMS`` is the table of programs: one :class:`~ee_trends.programs.Program`
(key of the ``program`` column, label pattern, readable label, colour) each.
"""

from __future__ import annotations

import importlib
from typing import Any

from ee_trends.errors import FeedError

__version__ = "0.1.0"

_LAZY = {
    "load_draws": "ee_trends.load",
    "load_pool": "ee_trends.load",
    "fetch_feed": "ee_trends.fetch",
    "revisions": "ee_trends.diff",
    "draw_context": "ee_trends.context",
    "standing": "ee_trends.score_standing",
    "PROGRAMS": "ee_trends.programs",
}

__all__ = ["FeedError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ee_trends' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
