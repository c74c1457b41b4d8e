"""A round in context: how one round compares with the rounds before it.

Everything is computed from the ``draws`` (and optionally ``pool``) tables,
never typed in, so a news claim ("the largest draw in over 16 months") can be
checked in one call::

    context = draw_context(draws, "384", pool=pool)
    context.largest_in_months("program")      # months since a larger round of its program
    print(context.to_text())

Only rounds up to and including the round are history: later rounds never
change its context.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pandas as pd

from ee_trends.analysis import aggregate
from ee_trends.data.identity import canonical_id
from ee_trends.formatting import iso_date, plural
from ee_trends.programs import program_label

MONTH_DAYS = 365.25 / 12
"""Days in a mean month, for gaps in months."""

SCOPES = ("program", "all")
"""``program``: rounds of the same program; ``all``: rounds of every program."""


@dataclass(frozen=True)
class Round:
    """The round itself: as published, dates ``YYYY-MM-DD``; ``crs_cutoff`` None when absent."""

    draw_id: str
    draw_date: str
    program: str
    draw_name: str
    invitations: int
    crs_cutoff: int | None


@dataclass(frozen=True)
class Rank:
    """Its rank by size in one scope (``program``, ``all``) and window (``last 12 months``,
    ``since <date>``, ``all time``; ``start`` its first day, None for all time): ``rank`` is
    1 + the rounds larger than it, ``tied`` the other rounds as large, ``rounds`` the rounds
    in the window (itself included)."""

    scope: str
    window: str
    start: str | None
    rank: int
    tied: int
    rounds: int


@dataclass(frozen=True)
class Earlier:
    """An earlier round, ``rounds_since`` rounds of its scope before this one, and the gap."""

    rounds_since: int
    draw_id: str
    draw_date: str
    program: str
    invitations: int
    crs_cutoff: int | None
    gap_days: int
    gap_months: float


@dataclass(frozen=True)
class Previous:
    """Per scope and comparison (``at least as large``, ``larger``), the latest earlier round
    that was so (``round``; None when none was)."""

    scope: str
    comparison: str
    round: Earlier | None


@dataclass(frozen=True)
class CutoffChange:
    """The cutoff against the previous ``recent_rounds`` rounds of its program: the previous
    round (all None without one), the change since it, their median and the cutoff's
    distance from it."""

    previous_draw_id: str | None
    previous_date: str | None
    previous_cutoff: int | None
    change: int | None
    recent_rounds: int
    recent_draw_ids: list[str]
    recent_median: float | None
    versus_median: float | None


@dataclass(frozen=True)
class YearToDate:
    """Invitations of one scope and year from 1 January to ``end`` (the round's day and month;
    this year: up to and including the round)."""

    scope: str
    year: int
    end: str
    invitations: int
    rounds: int


@dataclass(frozen=True)
class PoolPart:
    """Candidates at or above the cutoff in the distribution published with the round, as a
    range (``at_or_above_min`` to ``at_or_above_max``: the CRS ranges are
    10 to 600 points wide, :data:`~ee_trends.data.fields.RANGE_WIDTHS`)."""

    as_of: str
    cutoff: int
    at_or_above_min: int | None
    at_or_above_max: int | None
    pool_total: int | None
    recovered: bool


@dataclass(frozen=True)
class DrawContext:
    """One round against its history, in typed parts; :meth:`to_dict` gives them as plain,
    JSON-able values.

    Attributes
    ----------
    draw
        The round (:class:`Round`).
    ranks
        Its rank by size per scope and window (:class:`Rank`).
    previous
        Per scope and comparison, the latest earlier round that was as large or larger
        (:class:`Previous`).
    cutoff
        The CRS cutoff against the previous ``recent`` rounds of its program
        (:class:`CutoffChange`).
    year_to_date
        Per scope and year, invitations from 1 January to the round's day (:class:`YearToDate`).
    pool
        Where a distribution was published with the round, the candidates at or above the
        cutoff (:class:`PoolPart`); None otherwise.
    """

    draw: Round
    ranks: list[Rank]
    previous: list[Previous]
    cutoff: CutoffChange
    year_to_date: list[YearToDate]
    pool: PoolPart | None = None

    def __repr__(self) -> str:
        d = self.draw
        pool = "no pool part" if self.pool is None else f"pool of {self.pool.as_of}"
        return (
            f"<DrawContext #{d.draw_id} {d.draw_date} {d.program}: "
            f"{d.invitations:,} invitations, CRS {d.crs_cutoff}; {pool}>"
        )

    # -- questions a claim asks ---------------------------------------------------------

    def previous_round(self, scope: str = "program", *, larger: bool = True) -> Earlier | None:
        """The latest earlier round larger (or, ``larger=False``, at least as large), or None."""
        comparison = "larger" if larger else "at least as large"
        for item in self.previous:
            if item.scope == scope and item.comparison == comparison:
                return item.round
        raise ValueError(f"unknown scope {scope!r}; expected one of {SCOPES}")

    def largest_in_months(self, scope: str = "program") -> float | None:
        """Months since an earlier round was larger; None if none ever was."""
        found = self.previous_round(scope, larger=True)
        return None if found is None else found.gap_months

    def largest_since(self, day: str | date, scope: str = "program") -> bool:
        """Whether no round of the scope from ``day`` on (before this one) was larger."""
        found = self.previous_round(scope, larger=True)
        return found is None or found.draw_date < pd.Timestamp(day).date().isoformat()

    # -- output -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (dates as ISO strings)."""
        return asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def table(self) -> pd.DataFrame:
        """The rank of the round by size, per scope and window."""
        frame = pd.DataFrame([asdict(rank) for rank in self.ranks])
        scope = frame["scope"].map(
            {"program": program_label(self.draw.program), "all": "all programs"}
        )
        return pd.DataFrame(
            {
                "among": scope,
                "window": frame["window"],
                "rank": frame["rank"],
                "tied": frame["tied"],
                "rounds": frame["rounds"],
            }
        )

    def _verdict(self) -> str:
        """One sentence on "the largest in ...": within its program, then across all."""
        program = program_label(self.draw.program)
        mine = self.previous_round("program", larger=True)
        every = self.previous_round("all", larger=True)
        if mine is not None and mine.rounds_since == 0:
            return (
                f"So: not a large round for {program}: the previous one, "
                f"#{mine.draw_id} ({mine.draw_date}), was larger."
            )
        if every is None:
            return "So: the largest round on record, of its program and of all programs."
        within = "on record" if mine is None else f"in {_gap(mine)}"
        if mine is not None and mine.draw_id == every.draw_id:
            return f"So: the largest {program} round {within}, and of all programs too."
        return (
            f"So: the largest {program} round {within}, but not across all programs: "
            f"#{every.draw_id} ({program_label(every.program)}, {every.draw_date}) "
            "was larger, "
            f"{_gap(every)} earlier."
        )

    def to_text(self) -> str:
        """A short readable paragraph."""
        d = self.draw
        program = program_label(d.program)
        lines = [
            f"Round #{d.draw_id} on {d.draw_date}: {d.invitations:,} invitations, "
            f"{d.draw_name}, CRS cutoff {d.crs_cutoff}."
        ]
        for scope, kind in (("program", f"{program} round"), ("all", "round")):
            larger = self.previous_round(scope, larger=True)
            same = self.previous_round(scope, larger=False)
            lead = "Across all programs, " if scope == "all" else ""
            if larger is None:
                text = f"{lead}the largest {kind} on record: no earlier round was larger."
                lines.append(text[0].upper() + text[1:])
                continue
            of = f" ({program_label(larger.program)})" if scope == "all" else ""
            if larger.rounds_since == 0:  # "the largest since" would be empty
                text = (
                    f"{lead}smaller than the previous {kind}, #{larger.draw_id}{of} on "
                    f"{larger.draw_date} ({larger.invitations:,} invitations, "
                    f"{_gap(larger)} earlier)"
                )
                lines.append(text[0].upper() + text[1:] + ".")
                continue
            text = (
                f"{lead}the largest {kind} since {larger.draw_date}, when "
                f"#{larger.draw_id}{of} invited {larger.invitations:,} "
                f"({_gap(larger)} earlier)"
            )
            if same is not None and same.draw_id != larger.draw_id:
                text += (
                    f"; #{same.draw_id} ({program_label(same.program)}, {same.draw_date}, "
                    f"{_gap(same)} earlier) was as large ({same.invitations:,})"
                )
            lines.append(text[0].upper() + text[1:] + ".")
        lines.append(self._verdict())
        c = self.cutoff
        if c.previous_draw_id is not None:
            lines.append(
                f"Cutoff {d.crs_cutoff}: {c.change:+d} since the previous {program} round "
                f"(#{c.previous_draw_id}, {c.previous_cutoff}); median of the previous "
                f"{c.recent_rounds} {program} rounds {c.recent_median:g}."
            )
        this_year = [y for y in self.year_to_date if y.year == int(d.draw_date[:4])]
        for item in this_year:
            earlier = [
                y for y in self.year_to_date if y.scope == item.scope and y.year == item.year - 1
            ]
            among = program if item.scope == "program" else "all programs"
            text = (
                f"Year to date ({among}): {item.invitations:,} invitations "
                f"in {plural(item.rounds, 'round')}"
            )
            if earlier:
                text += f" (same period of {earlier[0].year}: {earlier[0].invitations:,})"
            lines.append(text + ".")
        if self.pool is not None:
            p = self.pool
            count = aggregate.CountRange(p.at_or_above_min, p.at_or_above_max).to_text()
            total = "the" if p.pool_total is None else f"{p.pool_total:,}"
            lines.append(
                f"Pool on {p.as_of}: {count} of {total} candidates (all programs) "
                f"had a CRS score at or above {p.cutoff}."
            )
        return "\n".join(lines)


def draw_context(
    draws: pd.DataFrame,
    draw_id: str | int,
    *,
    pool: pd.DataFrame | None = None,
    since: str | date | None = None,
    recent: int = 5,
) -> DrawContext:
    """Summarise one round against the rounds before it.

    Parameters
    ----------
    draws
        The table of :func:`ee_trends.load_draws`.
    draw_id
        The round, as IRCC names it (``"384"``, ``"91a"``, in any case; an int is accepted).
    pool
        The table of :func:`ee_trends.load_pool` read from the same source as
        ``draws``, for the candidates at or above the cutoff; None leaves that
        part out. It is not loaded here: a draws table does not say which
        source it came from, and a pool from another source (say a newer
        capture) would be silently wrong. ``draws, pool =
        ee_trends.data.load.load_tables(source)`` gives both from one read.
    since
        Adds a ``since <date>`` window to the ranks.
    recent
        How many previous rounds of its program the cutoff is compared with.

    Raises
    ------
    KeyError
        If no round has that ``draw_id`` (matched as a canonical id:
        ``"0384"`` is 384, ``"91A"`` is 91a); the message names the
        rounds there are.
    ValueError
        If ``since`` is after the round.
    """
    history = aggregate.in_round_order(draws).reset_index(drop=True)
    wanted = canonical_id(str(draw_id))
    matches = history.index[history["draw_id"].astype(str).map(canonical_id) == wanted]
    if len(matches) == 0:
        raise KeyError(f"no round {draw_id!r}: {_rounds_held(history)}")
    position = int(matches[0])
    history = history.iloc[: position + 1]
    row = history.iloc[position]
    day = pd.Timestamp(row["draw_date"])
    if since is not None and pd.Timestamp(since) > day:
        raise ValueError(
            f"since {iso_date(since)} is after round #{row['draw_id']} of {iso_date(day)}: "
            "give a day on or before the round"
        )
    same_program = history["program"] == row["program"]
    scopes = {"program": history[same_program], "all": history}
    size = int(row["invitations"])

    draw = Round(
        draw_id=str(row["draw_id"]),
        draw_date=iso_date(day),
        program=str(row["program"]),
        draw_name=str(row["draw_name"]),
        invitations=size,
        crs_cutoff=_int(row["crs_cutoff"]),
    )
    # (name, first day in the window)
    windows = [("last 12 months", aggregate.months_start(day, 12))]
    if since is not None:
        windows.append((f"since {iso_date(since)}", pd.Timestamp(since)))
    windows.append(("all time", None))
    ranks = []
    for scope, rounds in scopes.items():
        for window, start in windows:
            inside = rounds if start is None else rounds[rounds["draw_date"] >= start]
            sizes = inside["invitations"]
            ranks.append(
                Rank(
                    scope=scope,
                    window=window,
                    start=None if start is None else iso_date(start),
                    rank=int((sizes > size).sum()) + 1,
                    tied=int((sizes == size).sum()) - 1,
                    rounds=len(inside),
                )
            )
    previous = [
        Previous(
            scope, comparison, _previous(rounds.iloc[:-1], size, day, strict=comparison == "larger")
        )
        for scope, rounds in scopes.items()
        for comparison in ("at least as large", "larger")
    ]
    return DrawContext(
        draw=draw,
        ranks=ranks,
        previous=previous,
        cutoff=_cutoff(scopes["program"], recent),
        year_to_date=[
            item for scope, rounds in scopes.items() for item in _year_to_date(rounds, day, scope)
        ],
        pool=None if pool is None else _pool(pool, row),
    )


def _rounds_held(history: pd.DataFrame) -> str:
    """The rounds a draws table holds, for an error: "the rounds are #1 (2015-01-31) to ..."."""
    if history.empty:
        return "the draws table holds no round"
    first, last = history.iloc[0], history.iloc[-1]
    return (
        f"the rounds are #{first['draw_id']} ({iso_date(first['draw_date'])}) to "
        f"#{last['draw_id']} ({iso_date(last['draw_date'])}), {len(history):,} in all"
    )


def _previous(
    earlier: pd.DataFrame, size: int, day: pd.Timestamp, *, strict: bool
) -> Earlier | None:
    hits = (
        earlier[earlier["invitations"] > size]
        if strict
        else earlier[earlier["invitations"] >= size]
    )
    if hits.empty:
        return None
    hit = hits.iloc[-1]
    gap = (day - pd.Timestamp(hit["draw_date"])).days
    return Earlier(
        rounds_since=int((earlier.index > hits.index[-1]).sum()),
        draw_id=str(hit["draw_id"]),
        draw_date=iso_date(hit["draw_date"]),
        program=str(hit["program"]),
        invitations=int(hit["invitations"]),
        crs_cutoff=_int(hit["crs_cutoff"]),
        gap_days=int(gap),
        gap_months=round(gap / MONTH_DAYS, 2),
    )


def _cutoff(rounds: pd.DataFrame, recent: int) -> CutoffChange:
    this = rounds.iloc[-1]
    before = rounds.iloc[:-1].dropna(subset=["crs_cutoff"]).tail(recent)
    if before.empty:
        return CutoffChange(None, None, None, None, 0, [], None, None)
    last = before.iloc[-1]
    median = float(before["crs_cutoff"].astype("float64").median())
    cutoff = _int(this["crs_cutoff"])
    return CutoffChange(
        previous_draw_id=str(last["draw_id"]),
        previous_date=iso_date(last["draw_date"]),
        previous_cutoff=_int(last["crs_cutoff"]),
        change=None if cutoff is None else cutoff - int(last["crs_cutoff"]),
        recent_rounds=len(before),
        recent_draw_ids=[str(x) for x in before["draw_id"]],
        recent_median=median,
        versus_median=None if cutoff is None else cutoff - median,
    )


def _year_to_date(rounds: pd.DataFrame, day: pd.Timestamp, scope: str) -> list[YearToDate]:
    table = aggregate.year_to_date_comparison(rounds, as_of=day)
    return [
        YearToDate(scope, int(row.year), iso_date(row.end), int(row.to_date), int(row.rounds))
        for row in table.itertuples()
    ]


def _pool(pool: pd.DataFrame, row: pd.Series) -> PoolPart | None:
    leaves = pool[pool["draw_id"] == row["draw_id"]]
    cutoff = _int(row["crs_cutoff"])
    if leaves.empty or cutoff is None:
        return None
    count = aggregate.candidates_at_or_above(leaves, cutoff)
    total = row["pool_total"]
    return PoolPart(
        as_of=iso_date(leaves["pool_as_of"].iloc[0]),
        cutoff=cutoff,
        at_or_above_min=count.low,
        at_or_above_max=count.high,
        pool_total=None if pd.isna(total) else int(total),
        recovered=bool(leaves["recovered_from"].notna().any())
        if "recovered_from" in leaves
        else False,
    )


def _gap(found: Earlier) -> str:
    if found.gap_days < 31:
        return plural(found.gap_days, "day")
    return f"{found.gap_months:.1f} months"


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)
