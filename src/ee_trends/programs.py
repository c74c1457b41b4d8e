"""The program table (key, label pattern, display label, colour) and label classification.

:data:`PROGRAMS` is the one table of programs: each entry is a
:class:`Program` with its stable key, the pattern its IRCC labels match, its
readable label and its chart colour. Everything else (``PROGRAM_KEYS``,
``PROGRAM_LABELS``, ``PROGRAM_COLORS``) is derived from it.

Colours: the eight programs with the most rounds get the eight colours of
Okabe and Ito's colour-blind-safe palette (every pair stays apart under
deuteranopia and protanopia: ``tests/test_programs.py`` checks it with a
simulation); the small categories share one grey and are told apart by
their own panels or labels, never by colour alone.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ee_trends.errors import UnknownProgramError, UnknownProgramWarning


@dataclass(frozen=True)
class Program:
    """One program or category of rounds."""

    key: str
    """Stable key, the value of the ``program`` column."""
    pattern: str
    """Regular expression on the whole label once its version suffix is taken off."""
    label: str
    """Readable name for legends, tables and titles."""
    color: str
    """Chart colour (hex); :data:`MINOR_COLOR` for the small categories."""
    published: str
    """What IRCC published (the labels the pattern is for)."""

    @property
    def main(self) -> bool:
        """Whether the program has its own colour (else it is drawn grey)."""
        return self.color != MINOR_COLOR


MINOR_COLOR = "#8c8c8c"
"""The one grey of the small categories (and of ``other``)."""

OTHER = "other"

PROGRAMS: tuple[Program, ...] = (
    Program(
        "general",
        r"no program specified|general",
        "All programs",
        "#000000",  # Okabe-Ito black
        "all-program rounds: 'No Program Specified', from 2024 'General'",
    ),
    Program(
        "cec",
        r"canadian experience class",
        "Canadian Experience Class",
        "#0072b2",  # blue
        "'Canadian Experience Class'",
    ),
    Program(
        "pnp",
        r"provincial nominee program",
        "Provincial Nominee Program",
        "#d55e00",  # vermillion
        "'Provincial Nominee Program'",
    ),
    Program(
        "fsw",
        r"federal skilled worker( program)?",
        "Federal Skilled Worker",
        MINOR_COLOR,
        "'Federal Skilled Worker' (2023)",
    ),
    Program(
        "fst",
        r"federal skilled trades?( program)?",
        "Federal Skilled Trades",
        MINOR_COLOR,
        "'Federal Skilled Trades' (2015-2020)",
    ),
    Program(
        "french",
        r"french[- ]language proficiency",
        "French-language proficiency",
        "#009e73",  # bluish green
        "'French language proficiency (2023-1)', "
        "'(Version 1)', 'French-Language proficiency 2026-Version 2'",
    ),
    Program(
        "healthcare",
        r"healthcare( and social services)? occupations",
        "Healthcare occupations",
        "#cc79a7",  # reddish purple
        "'Healthcare occupations (2023-1)', "
        "'Healthcare and social services occupations (Version 2)', '... 2026-Version 3'",
    ),
    Program(
        "stem",
        r"stem occupations",
        "STEM occupations",
        "#56b4e9",  # sky blue
        "'STEM occupations (2023-1)', '(Version 1)'",
    ),
    Program(
        "trades",
        r"trades? occupations",
        "Trades occupations",
        "#e69f00",  # orange
        "'Trade occupations (Version 1)', 'Trades Occupations, 2026-Version 3'",
    ),
    Program(
        "transport",
        r"transport occupations",
        "Transport occupations",
        "#f0e442",  # yellow
        "'Transport occupations (2023-1)', 'Transport Occupations, 2026-Version 2'",
    ),
    Program(
        "agriculture",
        r"agriculture and agri-food occupations",
        "Agriculture occupations",
        MINOR_COLOR,
        "'Agriculture and agri-food occupations (2023-1)', '(Version 1)'",
    ),
    Program(
        "education",
        r"education occupations",
        "Education occupations",
        MINOR_COLOR,
        "'Education occupations (Version 1)' (2025)",
    ),
    Program(
        "physicians",
        r"physicians( with canadian work experience)?",
        "Physicians",
        MINOR_COLOR,
        "'Physicians with Canadian Work Experience, 2026-Version 1'",
    ),
    Program(
        "senior_managers",
        r"senior managers( with canadian work experience)?",
        "Senior managers",
        MINOR_COLOR,
        "'Senior managers with Canadian Work Experience, 2026-Version 1'",
    ),
    Program(
        "military",
        r"(skilled )?military recruits?",
        "Military recruits",
        MINOR_COLOR,
        "'Skilled Military Recruits, 2026-Version 1'",
    ),
)
"""The programs, in the order charts and tables list them.

A pattern matches the whole label once its version suffix is taken off
(``(Version 1)``, ``(2023-1)``, ``, 2026-Version 2``, `` 2026-Version 2``),
case-insensitively, so a new version or year of a known category maps to its
key. A label no pattern matches becomes ``other`` with a warning.
"""

PROGRAM_KEYS: tuple[str, ...] = (*(p.key for p in PROGRAMS), OTHER)

PROGRAM_LABELS: dict[str, str] = {p.key: p.label for p in PROGRAMS} | {
    OTHER: "Other (unknown label)"
}
"""Readable names of the program keys, for legends and titles."""

PROGRAM_COLORS: dict[str, str] = {p.key: p.color for p in PROGRAMS} | {OTHER: MINOR_COLOR}
"""The colour of each program key, the same in every chart."""

MAIN_COLORED: tuple[str, ...] = tuple(p.key for p in PROGRAMS if p.main)
"""The programs drawn in their own colour (at most eight)."""

_VERSION_RE = re.compile(
    r"""[\s,]*(?:
        \((?P<paren>(?:version\s*\d+)|(?:\d{4}-\d+))\)     # (Version 1), (2023-1)
      | (?P<year>\d{4}-version\s*\d+)                        # , 2026-Version 2
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PATTERNS = tuple((p.key, re.compile(p.pattern, re.IGNORECASE)) for p in PROGRAMS)


def program_label(key: str) -> str:
    """The readable name of a program key (the key itself when it has none)."""
    return PROGRAM_LABELS.get(key, key)


def check_program(program: str, among: Iterable[str] | None = None) -> str:
    """The program key ``program`` names (any case, spaces around it ignored), one of ``among``
    (default: every key, :data:`PROGRAM_KEYS`), else :class:`UnknownProgramError` offering
    exactly the keys of ``among``: the one check of a program, for the models, the charts
    and the CLI."""
    keys = PROGRAM_KEYS if among is None else tuple(sorted({str(k) for k in among}))
    key = str(program).strip().lower()
    if key not in keys:
        raise UnknownProgramError(f"unknown program {program!r}: give one of {', '.join(keys)}")
    return key


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
            "add it to ee_trends.programs.PROGRAMS",
            UnknownProgramWarning,
            stacklevel=3,
        )
    return keys
