"""Fixes as data: the table of known bad records (and label typos).

Applied by generic code (:mod:`ee_trends.data.clean`); each entry says what IRCC
published. The table of program labels is :data:`ee_trends.programs.PROGRAMS`.
"""

from __future__ import annotations

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
