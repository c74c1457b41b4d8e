"""Policy changes that break the series: a table of dated events, and the regime of each round.

The table is data: each event has its date, a short label for charts, what
changed, and its source. The regimes (the spans between the events that
change how rounds are run) are the regime dummies of the models.
"""

from __future__ import annotations

import pandas as pd

EVENTS: tuple[dict[str, str], ...] = (
    {
        "date": "2016-11-19",
        "label": "CRS reform: job-offer points cut",
        "regime": "crs_2016",
        "detail": "Points for arranged employment cut from 600 to 50 or 200, and points "
        "for Canadian study added; cutoffs fell from the 450-500s toward the 430s-440s.",
        "source": "IRCC notice, 2016-11-14 (effective 2016-11-19)",
    },
    {
        "date": "2020-03-18",
        "label": "Pandemic: program-specific rounds",
        "regime": "pandemic",
        "detail": "First PNP-only round of the COVID-19 period; rounds split by program "
        "from here until July 2022, all-program rounds ran only in the second half of 2020.",
        "source": "IRCC rounds feed: round #139, 'Provincial Nominee Program', 2020-03-18",
    },
    {
        "date": "2021-01-07",
        "label": "All-program rounds paused",
        "regime": "",
        "detail": "After round #170 (2020-12-23) no all-program round until July 2022; "
        "CEC-only rounds until September 2021, then PNP-only rounds.",
        "source": "IRCC rounds feed: rounds #170-#225",
    },
    {
        "date": "2022-07-06",
        "label": "All-program rounds restart",
        "regime": "restart",
        "detail": "Round #226, the first all-program round since December 2020; "
        "pool distributions are published from 2022.",
        "source": "IRCC rounds feed: round #226, 2022-07-06",
    },
    {
        "date": "2023-06-28",
        "label": "Category-based rounds begin",
        "regime": "categories",
        "detail": "Category-based selection (healthcare, STEM, trades, transport, "
        "agriculture, French) under the 2023 Ministerial Instructions; first round 2023-06-28.",
        "source": "IRCC news release, 2023-05-31; rounds feed round #252, 2023-06-28",
    },
    {
        "date": "2025-03-25",
        "label": "Arranged-employment points removed",
        "regime": "no_job_offer_points",
        "detail": "CRS points for arranged employment (50 or 200) no longer awarded.",
        "source": "IRCC notice, 2024-12-23 (effective 2025-03-25)",
    },
    {
        "date": "2026-02-06",
        "label": "2026 categories",
        "regime": "categories_2026",
        "detail": "Rounds under the 2026 category versions, then new categories "
        "(physicians, senior managers, military recruits).",
        "source": "IRCC rounds feed: first round labelled '2026-Version', 2026-02-06",
    },
)

FIRST_REGIME = "launch"
"""The regime from the first round (2015-01-31) to the 2016 CRS reform."""


def load_events() -> pd.DataFrame:
    """The policy events as a frame: ``event_date``, ``label``, ``regime``, ``detail``, ``source``.

    ``regime`` is the regime that starts on that date, NA for an event that
    marks a change inside a regime.
    """
    frame = pd.DataFrame(list(EVENTS))
    frame.insert(0, "event_date", pd.to_datetime(frame.pop("date")).astype("datetime64[ns]"))
    frame["regime"] = frame["regime"].replace("", pd.NA).astype("string")
    return frame.astype({"label": "string", "detail": "string", "source": "string"})


def regimes() -> list[str]:
    """The regimes in time order (the categories of :func:`regime_of`)."""
    return [FIRST_REGIME, *load_events()["regime"].dropna()]


def regime_of(dates: pd.Series) -> pd.Series:
    """The regime in force on each date, as an ordered categorical."""
    starts = load_events().dropna(subset=["regime"])
    labels = pd.Series(FIRST_REGIME, index=dates.index, dtype="object")
    for start, regime in zip(starts["event_date"], starts["regime"], strict=True):
        labels[dates >= start] = regime
    return pd.Series(pd.Categorical(labels, categories=regimes(), ordered=True), index=dates.index)
