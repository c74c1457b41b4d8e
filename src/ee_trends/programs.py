"""Map IRCC's round labels to stable program keys."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

from ee_trends.fixes import OTHER, PROGRAMS

PROGRAM_KEYS: tuple[str, ...] = (*(key for key, _, _ in PROGRAMS), OTHER)

PROGRAM_LABELS: dict[str, str] = {
    "general": "All programs",
    "cec": "Canadian Experience Class",
    "pnp": "Provincial Nominee Program",
    "fsw": "Federal Skilled Worker",
    "fst": "Federal Skilled Trades",
    "french": "French-language proficiency",
    "healthcare": "Healthcare occupations",
    "stem": "STEM occupations",
    "trades": "Trades occupations",
    "transport": "Transport occupations",
    "agriculture": "Agriculture occupations",
    "education": "Education occupations",
    "physicians": "Physicians",
    "senior_managers": "Senior managers",
    "military": "Military recruits",
    "other": "Other (unknown label)",
}
"""Readable names of the program keys, for legends and titles."""

_VERSION_RE = re.compile(
    r"""[\s,]*(?:
        \((?P<paren>(?:version\s*\d+)|(?:\d{4}-\d+))\)     # (Version 1), (2023-1)
      | (?P<year>\d{4}-version\s*\d+)                        # , 2026-Version 2
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PATTERNS = tuple((key, re.compile(pattern, re.IGNORECASE)) for key, pattern, _ in PROGRAMS)


def program_label(key: str) -> str:
    """The readable name of a program key (the key itself when it has none)."""
    return PROGRAM_LABELS.get(key, key)


class UnknownProgramWarning(UserWarning):
    """A round's label matches no known program: it is kept as ``other``."""


def split_label(label: str) -> tuple[str, str | None]:
    """Split a label into its base and its category version, if any.

    >>> split_label("Transport Occupations, 2026-Version 2")
    ('Transport Occupations', '2026-Version 2')
    >>> split_label("Healthcare occupations (2023-1)")
    ('Healthcare occupations', '2023-1')
    """
    text = " ".join(label.split())
    match = _VERSION_RE.search(text)
    if match is None:
        return text, None
    return text[: match.start()].strip(" ,"), match.group("paren") or match.group("year")


@lru_cache(maxsize=512)
def classify(label: str) -> str | None:
    """The program key of a label, or None when no pattern matches."""
    base, _ = split_label(label)
    for key, pattern in _PATTERNS:
        if pattern.fullmatch(base):
            return key
    return None


def program_keys(labels: list[str], draw_ids: list[str]) -> list[str]:
    """Program keys of the labels; an unknown label is ``other``, with a warning naming it."""
    keys = []
    unknown: dict[str, list[str]] = {}
    for label, draw_id in zip(labels, draw_ids, strict=True):
        key = classify(label)
        if key is None:
            unknown.setdefault(label, []).append(draw_id)
            key = OTHER
        keys.append(key)
    for label, ids in unknown.items():
        warnings.warn(
            f"unknown program label {label!r} (rounds {', '.join(ids)}) kept as {OTHER!r}; "
            "add it to ee_trends.fixes.PROGRAMS",
            UnknownProgramWarning,
            stacklevel=3,
        )
    return keys
