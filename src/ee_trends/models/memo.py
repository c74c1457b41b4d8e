"""A small cache of results computed once per history, keyed on the content of the frames.

The models compute the same pieces (the forecaster's past forecasts, the
eligible shares of the pool) for every call on the same history; this keeps
the latest few, keyed on a hash of the frames' values, so a changed history
is never served a stale result.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

SIZE = 8
"""Results kept (least recently used dropped first)."""

_STORE: OrderedDict[Hashable, Any] = OrderedDict()


def content_key(*frames: pd.DataFrame | None) -> tuple:
    """A key that changes whenever a value, a column or the length of any frame changes."""
    key = []
    for frame in frames:
        if frame is None:
            key.append(None)
            continue
        hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        ordered = hashed * np.arange(1, len(hashed) + 1, dtype=np.uint64)  # wraps: order counts
        key.append((tuple(frame.columns), len(frame), int(hashed.sum()), int(ordered.sum())))
    return tuple(key)


def cached(name: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its stored result for the same ``name`` and ``key``."""
    full = (name, key)
    if full in _STORE:
        _STORE.move_to_end(full)
        return _STORE[full]
    value = compute()
    _STORE[full] = value
    while len(_STORE) > SIZE:
        _STORE.popitem(last=False)
    return value


def clear() -> None:
    """Forget every stored result (the next call computes afresh)."""
    _STORE.clear()
