"""The aggregations behind the charts: pure pandas, no plotting.

Every function takes the tidy tables of :func:`ee_trends.load_draws` (``draws``)
or :func:`ee_trends.load_pool` (``pool``), or any frame with the columns it
names, and returns a new tidy frame (or a Series for a single total).

A month, quarter or year without a round is a true zero (no invitations were
issued), so the tables by period list every period between the first and the
last round; a pool distribution that was not published stays missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ee_trends.data.fields import ROUND_ORDER

PERIODS: dict[str, str] = {"month": "M", "quarter": "Q", "year": "Y"}
"""Period names accepted by the functions below, and their pandas period codes."""

POOL_GROUPS: tuple[tuple[int, int, str], ...] = (
    (601, 1200, "601-1200"),
    (501, 600, "501-600"),
    (451, 500, "451-500"),
    (401, 450, "401-450"),
    (351, 400, "351-400"),
    (301, 350, "301-350"),
    (0, 300, "0-300"),
)
"""Coarse CRS ranges (highest first) used to group the pool's 15 published ranges."""


def _period_code(period: str) -> str:
    try:
        return PERIODS[period]
    except KeyError:
        raise ValueError(f"period must be one of {sorted(PERIODS)}, not {period!r}") from None


def period_start(dates: pd.Series, period: str = "month") -> pd.Series:
    """The first day of the month, quarter or year of each date."""
    return dates.dt.to_period(_period_code(period)).dt.start_time.astype("datetime64[ns]")


def used_programs(draws: pd.DataFrame) -> list[str]:
    """Programs that have rounds, in the order of the program table."""
    program = draws["program"]
    if isinstance(program.dtype, pd.CategoricalDtype):
        present = set(program.dropna())
        return [key for key in program.cat.categories if key in present]
    return sorted(program.dropna().unique())


def invitations_by_period(draws: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Rounds and invitations by period and program, long and tidy.

    Returns
    -------
    pandas.DataFrame
        ``period_start`` (datetime), ``program`` (category), ``rounds`` and
        ``invitations`` (int). Every period from the first round's to the
        last round's and every program that has a round are listed; a period
        without a round of a program has 0 rounds and 0 invitations.
    """
    programs = used_programs(draws)
    frame = pd.DataFrame(
        {
            "period_start": period_start(draws["draw_date"], period),
            "program": draws["program"].astype("object"),
            "invitations": draws["invitations"].astype("Int64"),
        }
    )
    totals = frame.groupby(["period_start", "program"]).agg(
        rounds=("invitations", "size"), invitations=("invitations", "sum")
    )
    if frame.empty:
        starts = pd.DatetimeIndex([], dtype="datetime64[ns]")
    else:
        code = _period_code(period)
        span = pd.period_range(
            frame["period_start"].min().to_period(code),
            frame["period_start"].max().to_period(code),
            freq=code,
        )
        starts = span.start_time.astype("datetime64[ns]")
    index = pd.MultiIndex.from_product([starts, programs], names=["period_start", "program"])
    out = totals.reindex(index, fill_value=0).reset_index()
    out["program"] = pd.Categorical(out["program"], categories=programs)
    return out.astype({"rounds": "int64", "invitations": "int64"})


def wide_by_program(table: pd.DataFrame, value: str = "invitations") -> pd.DataFrame:
    """A long table by period and program as a wide one: periods down, programs across."""
    wide = table.pivot_table(
        index="period_start", columns="program", values=value, aggfunc="sum", observed=True
    )
    return wide.fillna(0).astype("int64").rename_axis(columns=None)


def yearly_invitations(draws: pd.DataFrame) -> pd.Series:
    """Invitations issued in each calendar year (the year-end totals of IRCC's reports)."""
    years = draws["draw_date"].dt.year.rename("year")
    return draws["invitations"].astype("int64").groupby(years).sum().rename("invitations")


def year_to_date(draws: pd.DataFrame) -> pd.DataFrame:
    """Cumulative invitations within each year, round by round.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``draw_date``, ``day_of_year`` (1 on January 1),
        ``invitations`` (of the round) and ``cumulative_invitations`` (since
        January 1 of that year, this round included), oldest first.
    """
    frame = in_round_order(draws)[["draw_date", "invitations"]]
    frame = frame.assign(invitations=frame["invitations"].astype("int64"))
    frame.insert(0, "year", frame["draw_date"].dt.year)
    frame.insert(2, "day_of_year", frame["draw_date"].dt.day_of_year)
    frame["cumulative_invitations"] = frame.groupby("year")["invitations"].cumsum()
    return frame.reset_index(drop=True)


def year_to_date_comparison(draws: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Rounds and invitations of each year up to the same day of the year as ``as_of``.

    ``as_of`` defaults to the newest round's date. Every year from the first
    round's to the last round's is listed. Returns ``year``, ``end`` (the
    day and month of ``as_of`` in that year; 28 February for a 29 February
    in a common year), ``rounds`` and ``to_date`` (rounds and invitations
    from January 1 to ``end``, both included) and ``full_year`` (the year's
    invitations, NA for an unfinished year).
    """
    columns = ["year", "end", "rounds", "to_date", "full_year"]
    if draws.empty:
        return pd.DataFrame(columns=columns)
    dates = draws["draw_date"]
    as_of = pd.Timestamp(as_of) if as_of is not None else dates.max()
    years = pd.RangeIndex(dates.dt.year.min(), dates.dt.year.max() + 1, name="year")
    ends = pd.Series(
        [as_of - pd.DateOffset(years=as_of.year - year) for year in years], index=years
    )
    year = dates.dt.year
    inside = dates <= year.map(ends)
    invitations = draws["invitations"].astype("int64")

    def by_year(values: pd.Series) -> pd.Series:
        return values.groupby(year).sum().reindex(years, fill_value=0).astype("int64")

    full = by_year(invitations).astype("Int64")
    full[years >= as_of.year] = pd.NA
    out = pd.DataFrame(
        {
            "end": ends,
            "rounds": by_year(inside),
            "to_date": by_year(invitations.where(inside, 0)),
            "full_year": full,
        }
    )
    return out.reset_index()[columns]


def rolling_cutoffs(draws: pd.DataFrame, window: int = 5) -> pd.DataFrame:
    """The CRS cutoff of each round beside the rolling median of its program's last rounds.

    Returns
    -------
    pandas.DataFrame
        ``draw_id``, ``draw_date``, ``program``, ``crs_cutoff`` and
        ``cutoff_median``: the median cutoff of the program's last ``window``
        rounds up to and including this one (fewer at the start of a program).
    """
    columns = ["draw_id", "draw_date", "program", "crs_cutoff"]
    frame = in_round_order(draws)[columns].reset_index(drop=True)
    cutoffs = frame["crs_cutoff"].astype("float64")
    frame["cutoff_median"] = cutoffs.groupby(frame["program"], observed=True).transform(
        lambda s: s.rolling(window, min_periods=1).median()
    )
    return frame


def latest_by_program(draws: pd.DataFrame) -> pd.DataFrame:
    """The newest round of each program: its date, cutoff, size and label, newest first."""
    columns = ["program", "draw_id", "draw_date", "crs_cutoff", "invitations", "draw_name"]
    frame = in_round_order(draws)
    newest = frame.groupby("program", observed=True).tail(1)
    newest = newest[[c for c in columns if c in newest.columns]]
    newest = newest.assign(program=newest["program"].astype("string"))
    return newest.sort_values("draw_date", ascending=False, kind="stable").reset_index(drop=True)


def months_start(as_of: pd.Timestamp, months: int = 12) -> pd.Timestamp:
    """First day of the ``months`` months up to and including ``as_of``: the day after
    the same day ``months`` months earlier (2024-12-11 for 12 months to 2025-12-10)."""
    return pd.Timestamp(as_of) - pd.DateOffset(months=months) + pd.Timedelta(days=1)


def recent_invitations(
    draws: pd.DataFrame, months: int = 12, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Rounds and invitations by program in the ``months`` up to ``as_of``.

    ``as_of`` defaults to the newest round's date; the window runs from
    :func:`months_start` to ``as_of``. Returns ``program``, ``rounds``,
    ``invitations`` and ``share`` (of the window's invitations), largest first.
    """
    as_of = pd.Timestamp(as_of) if as_of is not None else draws["draw_date"].max()
    start = months_start(as_of, months)
    window = draws[(draws["draw_date"] >= start) & (draws["draw_date"] <= as_of)]
    out = (
        window.assign(
            program=window["program"].astype("string"),
            invitations=window["invitations"].astype("int64"),
        )
        .groupby("program")
        .agg(rounds=("invitations", "size"), invitations=("invitations", "sum"))
        .reset_index()
        .sort_values(["invitations", "program"], ascending=[False, True])
        .reset_index(drop=True)
    )
    total = out["invitations"].sum()
    out["share"] = out["invitations"] / total if total else 0.0
    return out


def pool_distribution(pool: pd.DataFrame, *, coarse: bool = False) -> pd.DataFrame:
    """Candidates in the pool by CRS range on each published date, long and tidy.

    Rounds of one week share a distribution: each ``pool_as_of`` date is kept
    once. With ``coarse``, the 15 published ranges are summed into the seven
    of :data:`POOL_GROUPS` (NA when one of the ranges summed was not published).

    Returns
    -------
    pandas.DataFrame
        ``pool_as_of``, ``crs_range`` (ordered category, highest range first),
        ``score_min``, ``score_max`` and ``candidates`` (Int64, NA when not published).
    """
    first = pool.drop_duplicates(["pool_as_of", "score_min"], keep="last")
    frame = first[["pool_as_of", "score_min", "score_max", "candidates"]].copy()
    if coarse:
        low = pd.Series(0, index=frame.index, dtype="int64")
        high = pd.Series(0, index=frame.index, dtype="int64")
        for group_low, group_high, _ in POOL_GROUPS:
            inside = (frame["score_min"] >= group_low) & (frame["score_max"] <= group_high)
            low[inside], high[inside] = group_low, group_high
        frame = frame.assign(score_min=low, score_max=high)
        groups = frame.groupby(["pool_as_of", "score_min", "score_max"])["candidates"]
        summed = groups.sum(min_count=1).astype("Int64")
        summed[groups.apply(lambda s: s.isna().any())] = pd.NA
        frame = summed.reset_index()
    frame = frame.sort_values(["pool_as_of", "score_min"], ascending=[True, False])
    labels = frame["score_min"].astype(str) + "-" + frame["score_max"].astype(str)
    order = sorted(set(labels), key=lambda text: -int(text.split("-")[0]))
    frame.insert(1, "crs_range", pd.Categorical(labels, categories=order, ordered=True))
    frame["candidates"] = frame["candidates"].astype("Int64")
    return frame.reset_index(drop=True)


def pool_totals(draws: pd.DataFrame) -> pd.DataFrame:
    """Candidates in the pool on each published date: ``pool_as_of``, ``pool_total``."""
    frame = draws.dropna(subset=["pool_as_of", "pool_total"])
    frame = frame.drop_duplicates("pool_as_of", keep="last")[["pool_as_of", "pool_total"]]
    return frame.sort_values("pool_as_of").reset_index(drop=True)


def data_date(draws: pd.DataFrame) -> pd.Timestamp | None:
    """Date of the newest round: the date the data runs to."""
    newest = draws["draw_date"].max()
    return None if pd.isna(newest) else pd.Timestamp(newest)


# --------------------------------------------------------------------------- now


def in_round_order(draws: pd.DataFrame) -> pd.DataFrame:
    """``draws`` oldest first in :data:`~ee_trends.data.fields.ROUND_ORDER` (the columns it has)."""
    return draws.sort_values([c for c in ROUND_ORDER if c in draws.columns], kind="stable")


def recent_rounds(draws: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The ``n`` newest rounds, newest first, as IRCC lists them.

    Returns ``draw_id``, ``draw_date``, ``program``, ``draw_name``,
    ``invitations``, ``crs_cutoff`` and ``tie_break_at`` (UTC; NaT when not
    published).
    """
    columns = ["draw_id", "draw_date", "program", "draw_name", "invitations", "crs_cutoff"]
    columns.append("tie_break_at")
    out = in_round_order(draws).tail(n).iloc[::-1][columns].reset_index(drop=True)
    return out.assign(program=out["program"].astype("string"))


def latest_changes(draws: pd.DataFrame, days: int = 7) -> pd.DataFrame:
    """The rounds of the last ``days`` days to the newest round, each beside the
    previous round of its program.

    Returns, newest first: ``draw_id``, ``draw_date``, ``program``,
    ``invitations``, ``crs_cutoff``, then ``previous_draw_id``,
    ``previous_date``, ``previous_invitations``, ``previous_cutoff`` (NA when
    the program had no earlier round) and ``cutoff_change`` (CRS points).
    """
    frame = in_round_order(draws).reset_index(drop=True)
    previous = frame.groupby("program", observed=True)[
        ["draw_id", "draw_date", "invitations", "crs_cutoff"]
    ].shift(1)
    out = frame[["draw_id", "draw_date", "program", "invitations", "crs_cutoff"]].join(
        previous.add_prefix("previous_").rename(
            columns={
                "previous_draw_date": "previous_date",
                "previous_crs_cutoff": "previous_cutoff",
            }
        )
    )
    out["cutoff_change"] = (out["crs_cutoff"] - out["previous_cutoff"]).astype("Int64")
    newest = out["draw_date"].max()
    out = out[out["draw_date"] > newest - pd.Timedelta(days=days)]
    out = out.assign(program=out["program"].astype("string"))
    return out.iloc[::-1].reset_index(drop=True)


# --------------------------------------------------------------------------- the pool


@dataclass(frozen=True)
class PublishedDistributions:
    """How many pool distributions were published: the one definition used everywhere.

    IRCC publishes the pool's CRS distribution with a round; the rounds of one
    week share one distribution (same ``pool_as_of`` date). So there are two
    counts, both true, and every text names which one it gives.
    """

    distributions: int
    """Distinct published distributions (distinct ``pool_as_of`` dates)."""
    rounds: int
    """Rounds published with a distribution (several rounds share one)."""
    first: pd.Timestamp | None
    last: pd.Timestamp | None

    def to_text(self) -> str:
        """One sentence giving both counts."""
        if not self.distributions:
            return "No pool distribution was published in this data."
        return (
            f"{self.distributions} published pool distributions, {self.first:%Y-%m-%d} to "
            f"{self.last:%Y-%m-%d}, given with {self.rounds} rounds "
            "(the rounds of one week share one distribution)."
        )


def published_distributions(pool: pd.DataFrame) -> PublishedDistributions:
    """Count the published pool distributions and the rounds that carry them."""
    dates = pool["pool_as_of"].dropna()
    return PublishedDistributions(
        distributions=int(dates.nunique()),
        rounds=int(pool["draw_id"].nunique()),
        first=None if dates.empty else pd.Timestamp(dates.min()),
        last=None if dates.empty else pd.Timestamp(dates.max()),
    )


@dataclass(frozen=True)
class CountRange:
    """A count known only to lie between ``low`` and ``high`` (equal when exact).

    The pool's CRS ranges are 10 to 600 points wide (:data:`~ee_trends.data.fields.
    RANGE_WIDTHS`): for a score inside a range,
    the candidates of that range may be above or below it.
    """

    low: int | None
    high: int | None
    """Both None when a range needed was not published."""

    @property
    def exact(self) -> bool:
        return self.low is not None and self.low == self.high

    def to_text(self) -> str:
        if self.low is None:
            return "an unknown number (ranges not published)"
        if self.exact:
            return f"{self.low:,}"
        return f"between {self.low:,} and {self.high:,}"


def candidates_at_or_above(leaves: pd.DataFrame, score: int) -> CountRange:
    """Candidates of one distribution (its 15 CRS ranges) with a score at or above ``score``.

    ``low`` counts the ranges wholly at or above the score, ``high`` also the
    range the score falls inside (unless the score is its lowest point).
    """
    above = leaves.loc[leaves["score_min"] >= score, "candidates"]
    reaching = leaves.loc[leaves["score_max"] >= score, "candidates"]
    if above.isna().any() or reaching.isna().any():
        return CountRange(None, None)
    return CountRange(int(above.sum()), int(reaching.sum()))


def latest_distribution(pool: pd.DataFrame) -> pd.DataFrame:
    """The 15 CRS ranges of the newest published distribution (empty when none)."""
    if pool.empty:
        return pool
    newest = pool["pool_as_of"].max()
    rows = pool[pool["pool_as_of"] == newest]
    last_round = rows["draw_id"].iloc[-1]
    return rows[rows["draw_id"] == last_round].sort_values("score_min").reset_index(drop=True)
