"""Cross-field checks of a round's three dates: ``drawDate``, ``drawDateFull``, ``drawDateTime``.

IRCC writes a round's day three times. They must agree; where one
disagrees, the two that agree win, and the repair is noted with its
evidence (the three values as published) in the round's ``repairs``:

- ``drawDate`` and ``drawDateFull`` agree: that is the day;
- they disagree and ``drawDateTime`` (within a day: a round may run past
  UTC midnight) agrees with ``drawDateFull``: ``drawDateFull``'s day wins
  (a typo such as ``drawDate`` 2062 for 2026);
- otherwise ``drawDate`` stays, noted when ``drawDateFull`` disagrees;
- a missing ``drawDate`` takes ``drawDateFull``'s day, else ``drawDateTime``'s.

Then ``drawn_at`` is ``drawDateTime``, kept on the round's day when it is
further than a day from it (#357: "July 12" for a round of 2025-07-22).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

TOLERANCE_DAYS = 1
"""A round may be run up to a day after its date (UTC midnight); further is another day."""


def _near(stamp: datetime | None, day: date | None) -> bool:
    return (
        stamp is not None and day is not None and abs((stamp.date() - day).days) <= TOLERANCE_DAYS
    )


def agree_dates(
    draw_date: list[date | None],
    full: list[date | None],
    drawn: list[datetime | None],
    raw: pd.DataFrame,
    notes: list[list[str]],
) -> list[date | None]:
    """The day of each round by the rule of the module docstring; each repair in ``notes``."""
    columns = [
        raw[field].str.strip().fillna("").tolist()
        for field in ("drawDate", "drawDateFull", "drawDateTime")
    ]
    days = []
    for i, (short, long, stamp) in enumerate(zip(draw_date, full, drawn, strict=True)):
        evidence = (  # the three as published, for a note
            f"drawDate {columns[0][i]!r}, drawDateFull {columns[1][i]!r}, "
            f"drawDateTime {columns[2][i]!r}"
        )
        day = short
        if short is None:
            day = long if long is not None else (stamp.date() if stamp is not None else None)
            if day is not None:
                notes[i].append(f"drawDate missing: draw_date {day:%Y-%m-%d} from {evidence}")
        elif long is not None and long != short:
            if _near(stamp, long) and not _near(stamp, short):
                day = long
                notes[i].append(
                    f"drawDate disagrees with drawDateFull and drawDateTime ({evidence}): "
                    f"draw_date takes their day {long:%Y-%m-%d}"
                )
            else:
                notes[i].append(f"drawDateFull disagrees ({evidence}): drawDate kept")
        days.append(day)
    return days


def reconcile_drawn_at(
    days: list[date | None],
    drawn: list[datetime | None],
    published: pd.Series,
    notes: list[list[str]],
) -> tuple[list[datetime | None], list[int | None]]:
    """``drawn_at`` and its days from the draw date: kept on the day when further than a day."""
    mismatch: list[int | None] = []
    result: list[datetime | None] = []
    for i, (day, stamp) in enumerate(zip(days, drawn, strict=True)):
        if stamp is None or day is None:
            mismatch.append(None)
            result.append(stamp)
            continue
        offset = (stamp.date() - day).days
        mismatch.append(offset)
        if abs(offset) > TOLERANCE_DAYS:
            stamp = datetime.combine(day, stamp.time(), tzinfo=UTC)
            notes[i].append(
                f"drawDateTime {published.iloc[i].strip()!r} is {offset:+d} days from drawDate: "
                "drawn_at takes drawDate's day"
            )
        result.append(stamp)
    return result, mismatch
