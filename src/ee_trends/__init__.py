"""ee_trends: Canada's Express Entry rounds of invitations, as tidy data.

The public surface is imported on first use, so ``import ee_trends`` is fast
and imports neither matplotlib nor statsmodels::

    import ee_trends
    draws, pool = ee_trends.load_tables()      # both from one source
    ee_trends.models.predict_cutoff(draws, program="cec", invitations=3000)

The package is laid out as its pipeline, each layer importing only from the
ones before it:

- :mod:`ee_trends.data`: where the feed comes from, fetching and keeping
  captures, decoding, parsing, merging, cleaning, the cache, the loaders and
  the revisions IRCC made;
- :mod:`ee_trends.analysis`: aggregations, a round in context, where a
  score stands, findings in words;
- :mod:`ee_trends.models`: draw size and the cutoff, the forecaster, its
  backtest;
- :mod:`ee_trends.output`: plots, the report's content, sections and page.

At the top: this facade, the command line (:mod:`ee_trends.cli`), the errors
and warnings (:mod:`ee_trends.errors`), the tables of programs and policy
events, and small formatting helpers. ``PROGRAMS`` is the table of programs:
one :class:`~ee_trends.programs.Program` (key of the ``program`` column,
label pattern, readable label, colour) each.
"""

from __future__ import annotations

import importlib
from typing import Any

from ee_trends.errors import FeedError

__version__ = "0.1.0"

_LAZY = {
    "load_draws": "ee_trends.data.load",
    "load_pool": "ee_trends.data.load",
    "load_tables": "ee_trends.data.load",
    "fetch_feed": "ee_trends.data.fetch",
    "revisions": "ee_trends.data.revisions",
    "draw_context": "ee_trends.analysis.context",
    "standing": "ee_trends.analysis.standing",
    "chances": "ee_trends.models.invitation",
    "data_age": "ee_trends.analysis.age",
    "PROGRAMS": "ee_trends.programs",
}
"""Public names, each from its module."""

_SUBPACKAGES = {
    "data": "ee_trends.data",
    "analysis": "ee_trends.analysis",
    "models": "ee_trends.models",
    "output": "ee_trends.output",
    "plots": "ee_trends.output.plots",
    "programs": "ee_trends.programs",
    "events": "ee_trends.events",
}
"""Modules reachable as attributes after a plain ``import ee_trends``."""

__all__ = ["FeedError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(_SUBPACKAGES[name])
    raise AttributeError(f"module 'ee_trends' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBPACKAGES])
