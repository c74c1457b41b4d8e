"""Fixes as data: the table of program labels and the table of known bad records.

Both are applied by generic code (:mod:`ee_trends.programs`,
:mod:`ee_trends.clean`); each entry says what IRCC published.
"""

from __future__ import annotations

PROGRAMS: tuple[tuple[str, str, str], ...] = (
    # (key, pattern on the label without its version, what IRCC published)
    (
        "general",
        r"no program specified|general",
        "all-program rounds: 'No Program Specified', from 2024 'General'",
    ),
    ("cec", r"canadian experience class", "'Canadian Experience Class'"),
    ("pnp", r"provincial nominee program", "'Provincial Nominee Program'"),
    ("fsw", r"federal skilled worker( program)?", "'Federal Skilled Worker' (2023)"),
    ("fst", r"federal skilled trades?( program)?", "'Federal Skilled Trades' (2015-2020)"),
    (
        "french",
        r"french[- ]language proficiency",
        "'French language proficiency (2023-1)', "
        "'(Version 1)', 'French-Language proficiency 2026-Version 2'",
    ),
    (
        "healthcare",
        r"healthcare( and social services)? occupations",
        "'Healthcare occupations "
        "(2023-1)', 'Healthcare and social services occupations (Version 2)', '... 2026-Version 3'",
    ),
    ("stem", r"stem occupations", "'STEM occupations (2023-1)', '(Version 1)'"),
    (
        "trades",
        r"trades? occupations",
        "'Trade occupations (Version 1)', 'Trades Occupations, 2026-Version 3'",
    ),
    (
        "transport",
        r"transport occupations",
        "'Transport occupations (2023-1)', 'Transport Occupations, 2026-Version 2'",
    ),
    (
        "agriculture",
        r"agriculture and agri-food occupations",
        "'Agriculture and agri-food occupations (2023-1)', '(Version 1)'",
    ),
    ("education", r"education occupations", "'Education occupations (Version 1)' (2025)"),
    (
        "physicians",
        r"physicians( with canadian work experience)?",
        "'Physicians with Canadian Work Experience, 2026-Version 1'",
    ),
    (
        "senior_managers",
        r"senior managers( with canadian work experience)?",
        "'Senior managers with Canadian Work Experience, 2026-Version 1'",
    ),
    ("military", r"(skilled )?military recruits?", "'Skilled Military Recruits, 2026-Version 1'"),
)
"""Program keys, in the order charts and tables list them, with their label patterns.

A pattern matches the whole label once its version suffix is taken off
(``(Version 1)``, ``(2023-1)``, ``, 2026-Version 2``, `` 2026-Version 2``),
case-insensitively, so a new version or year of a known category maps to its
key. A label no pattern matches becomes ``other`` with a warning.
"""

OTHER = "other"

PROGRAMS_COVERED_TYPOS: dict[str, str] = {
    # drawText2 of older captures: "Federal Skilled Worker Progran, Canadian Experience ..."
    "Progran": "Program",
}

RECORD_FIXES: tuple[dict[str, str], ...] = (
    {
        # Round #208 (2021-10-27, Provincial Nominee Program, CRS 744) shows
        # 681 invitations in every capture: a copy of #207's figure (2021-10-13,
        # also 681). IRCC's announcement of the round and the news of that day
        # report 888 invitations at CRS 744, and 888 makes 2021's total 114,431,
        # IRCC's official figure for the year (with 681 the feed sums to 114,224).
        "draw_id": "208",
        "field": "drawSize",
        "published": "681",
        "corrected": "888",
    },
    {
        # Round #247 (2023-04-26) published dd4 (CRS 491-500) as "680"; its
        # subtotal dd3 (451-500, 55,867) and the total (230,189) both imply
        # 860 = 55,867 - 3,001 - 21,544 - 17,111 - 13,351.
        "draw_id": "247",
        "field": "dd4",
        "published": "680",
        "corrected": "860",
    },
)
"""Known bad values: applied only while the feed still publishes the bad value."""
