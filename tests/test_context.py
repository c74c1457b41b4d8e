"""A round in context: ranks, earlier rounds at least as large, cutoff, year to date, pool."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import make_feed, make_round
from ee_trends import draw_context
from ee_trends.analysis import findings
from ee_trends.cli import main
from ee_trends.data.load import build_tables

LABELS = {
    "general": "No Program Specified",
    "cec": "Canadian Experience Class",
    "french": "French language proficiency (Version 1)",
}
HISTORY = [
    # (round, date, program, invitations, cutoff)
    ("1", "2023-01-10", "general", "5,000", "500"),
    ("2", "2023-06-01", "cec", "3,000", "520"),
    ("3", "2024-01-15", "cec", "4,000", "510"),
    ("4", "2024-05-01", "french", "4,500", "400"),
    ("5", "2024-08-01", "cec", "2,000", "530"),
    ("6", "2024-09-01", "cec", "3,500", "525"),
    ("7", "2024-10-01", "cec", "9,000", "540"),  # after #6: never part of its history
]


def _round(number, day, program, size, cutoff, **fields):
    when = date.fromisoformat(day)
    return make_round(
        number,
        drawDate=day,
        drawDateTime=f"{when:%B} {when.day}, {when.year} at 14:00:00 UTC",
        drawCutOff=f"{when:%B} {when.day}, {when.year} at 10:00:00 UTC",
        drawName=LABELS[program],
        drawSize=size,
        drawCRS=cutoff,
        **fields,
    )


@pytest.fixture(scope="module")
def tables():
    feed = make_feed(*(_round(*row) for row in reversed(HISTORY)))
    return build_tables([("feed", feed)])


@pytest.fixture(scope="module")
def context(tables):
    draws, pool = tables
    return draw_context(draws, "6", pool=pool, since="2024-01-01", recent=5)


def test_the_round(context):
    assert context.to_dict()["draw"] == {
        "draw_id": "6",
        "draw_date": "2024-09-01",
        "program": "cec",
        "draw_name": "Canadian Experience Class",
        "invitations": 3500,
        "crs_cutoff": 525,
    }
    assert context.draw.invitations == 3500 and context.draw.crs_cutoff == 525


def test_a_one_line_repr(context):
    assert repr(context) == (
        "<DrawContext #6 2024-09-01 cec: 3,500 invitations, CRS 525; pool of 2024-06-17>"
    )


def test_ranks_count_only_earlier_rounds(context):
    ranks = {(r.scope, r.window): (r.rank, r.tied, r.rounds) for r in context.ranks}
    assert ranks[("program", "all time")] == (2, 0, 4)
    assert ranks[("program", "last 12 months")] == (2, 0, 3)
    assert ranks[("program", "since 2024-01-01")] == (2, 0, 3)
    assert ranks[("all", "all time")] == (4, 0, 6)
    assert ranks[("all", "since 2024-01-01")] == (3, 0, 4)


def test_previous_round_at_least_as_large(context):
    mine = context.previous_round("program", larger=False)
    assert (mine.draw_id, mine.draw_date, mine.gap_days) == ("3", "2024-01-15", 230)
    assert mine.gap_months == pytest.approx(230 / (365.25 / 12), abs=0.01)
    every = context.previous_round("all", larger=True)
    assert (every.draw_id, every.program, every.invitations) == ("4", "french", 4500)
    assert context.largest_in_months("all") == pytest.approx(4.04, abs=0.01)
    assert context.largest_since("2024-02-01", "program")
    assert not context.largest_since("2024-02-01", "all")


def test_ties_count_as_at_least_as_large_not_larger(tables):
    draws, _ = tables
    draws = draws.copy()
    draws.loc[draws["draw_id"] == "5", "invitations"] = 3500
    context = draw_context(draws, "6")
    assert context.previous_round("program", larger=False).draw_id == "5"
    assert context.previous_round("program", larger=True).draw_id == "3"


def test_a_round_smaller_than_the_one_before_is_not_called_the_largest(tables):
    # quirk: #434 (300 transport invitations) came 28.8 months after a transport round of
    # 975; "the largest since then" would be true of an empty stretch, so it is not said
    draws, _ = tables
    draws = draws.copy()
    draws.loc[draws["draw_id"] == "6", "invitations"] = 100
    context = draw_context(draws, "6")
    assert context.previous_round("program").rounds_since == 0
    text = context.to_text()
    assert "the largest" not in text.lower()
    assert "Smaller than the previous Canadian Experience Class round, #5 on 2024-08-01" in text
    assert "Across all programs, smaller than the previous round, #5" in text
    assert "So: not a large round for Canadian Experience Class" in text


def test_first_round_has_nothing_before_it(tables):
    context = draw_context(tables[0], "1")
    assert context.previous_round("all") is None
    assert context.largest_in_months("all") is None
    assert "on record" in context.to_text()


def test_cutoff_against_recent_rounds(context):
    cutoff = context.cutoff
    assert cutoff.previous_draw_id == "5" and cutoff.change == -5
    assert cutoff.recent_draw_ids == ["2", "3", "5"]
    assert cutoff.recent_median == 520


def test_year_to_date(context):
    ytd = {(y.scope, y.year): (y.invitations, y.rounds) for y in context.year_to_date}
    assert ytd[("program", 2024)] == (9500, 3)
    assert ytd[("program", 2023)] == (3000, 1)
    assert ytd[("all", 2024)] == (14000, 4)


def test_pool_at_or_above_the_cutoff(context):
    # Cutoff 525 falls in 501-600: at least 601-1200 (100), at most + 501-600 (1,000).
    assert context.pool.at_or_above_min == 100
    assert context.pool.at_or_above_max == 1100
    assert context.pool.pool_total == 10_400


@pytest.mark.parametrize(
    ("cutoff", "count"),
    [
        ("525", "between 100 and 1,100 of the candidates"),  # 501-600 and above published
        ("425", "an unknown number (ranges not published) of the candidates"),  # 421-430 blank
    ],
)
def test_pool_of_a_partly_published_distribution(cutoff, count):
    # As #226 in an early capture: dd3 and dd11-dd18 (the total among them) left at "0".
    blanks = {f"dd{i}": "0" for i in (3, 11, 12, 13, 14, 15, 16, 17, 18)}
    feed = make_feed(_round("1", "2024-06-19", "general", "1,000", cutoff, **blanks))
    draws, pool = build_tables([("feed", feed)])
    context = draw_context(draws, "1", pool=pool)
    assert context.pool.pool_total is None
    assert f"Pool on 2024-06-17: {count} (all programs) had a CRS score at or above {cutoff}." in (
        context.to_text()
    )


def test_json_and_text(context):
    assert json.loads(context.to_json())["draw"]["draw_id"] == "6"
    text = context.to_text()
    assert "The largest Canadian Experience Class round since 2024-01-15" in text
    assert "Across all programs, the largest round since 2024-05-01" in text
    assert list(context.table().columns) == ["among", "window", "rank", "tied", "rounds"]


def test_unknown_round(tables):
    with pytest.raises(KeyError, match="999"):
        draw_context(tables[0], "999")


@pytest.mark.shared_data
def test_news_claims_about_round_384(real_tables):
    draws, pool = real_tables
    context = draw_context(draws, 384, pool=pool, since="2022-01-01")
    assert context.draw.program == "cec"
    assert context.draw.invitations == 6000  # "6,000 invitations under the CEC": holds
    assert context.draw.crs_cutoff == 520  # "minimum CRS 520": holds
    cec = context.previous_round("program")
    assert (cec.draw_date, cec.invitations) == ("2024-07-17", 6300)
    assert cec.gap_months == pytest.approx(16.8, abs=0.05)
    every = context.previous_round("all")
    assert (every.draw_date, every.program, every.invitations) == (
        "2025-03-21",
        "french",
        7500,
    )
    # "the largest draw in over 16 months": only within CEC.
    assert context.largest_in_months("program") > 16 > context.largest_in_months("all")
    # "the highest number since early 2022": neither within CEC nor across programs.
    assert not context.largest_since("2022-01-01", "program")
    assert not context.largest_since("2022-01-01", "all")
    text = context.to_text()
    cec_text = "The largest Canadian Experience Class round since 2024-07-17, when #304 invited"
    assert f"{cec_text} 6,300" in text
    assert "16.8 months" in text
    assert "Across all programs, the largest round since 2025-03-21, when #341 (French" in text


def test_claims(context, tables):
    text = findings.claims(
        context, invitations=3500, program="cec", cutoff=520, months=4, since="2024-02-01"
    )
    assert text.splitlines() == [
        '- "3,500 invitations": holds (3,500 invited).',
        '- "a cec round": holds (Canadian Experience Class, cec).',
        '- "minimum CRS 520": does not hold (the cutoff was 525).',
        '- "the largest in over 4 months": holds within cec (last larger round: #3, cec, '
        "2024-01-15, 4,000 invitations, 7.6 months earlier); holds across all programs "
        "(last larger round: #4, french, 2024-05-01, 4,500 invitations, 4.0 months earlier).",
        '- "the largest since 2024-02-01": holds within cec (last larger round: #3, cec, '
        "2024-01-15, 4,000 invitations, 7.6 months earlier); does not hold across all programs "
        "(last larger round: #4, french, 2024-05-01, 4,500 invitations, 4.0 months earlier).",
    ]
    first = draw_context(tables[0], "1")
    assert findings.claims(first, months=12) == (
        '- "the largest in over 12 months": holds within general (no earlier round was larger); '
        "holds across all programs (no earlier round was larger)."
    )


@pytest.mark.shared_data
def test_claims_about_round_384_in_the_notebook(real_tables):
    draws, pool = real_tables
    context = draw_context(draws, 384, pool=pool, since="2022-01-01")
    text = findings.claims(
        context, invitations=6000, program="cec", cutoff=520, months=16, since="2022-01-01"
    )
    lines = text.splitlines()
    assert [line.split(": ", 1)[1].split(" (")[0] for line in lines[:3]] == ["holds"] * 3
    assert lines[3].startswith('- "the largest in over 16 months": holds within cec')
    assert "does not hold across all programs (last larger round: #341, french" in lines[3]
    assert lines[4].startswith('- "the largest since 2022-01-01": does not hold within cec')


@pytest.mark.shared_data
def test_cli_context_of_226_with_a_partly_published_distribution(vintages, capsys):
    # After the merge #226 keeps the ranges above the cutoff, but not the pool total.
    assert main(["context", "226", "--source", str(vintages)]) == 0
    out = capsys.readouterr().out
    assert "Pool on 2022-07-11: between 669 and 8,686 of the candidates" in out


@pytest.mark.shared_data
def test_cli_context_json(newest_feed, capsys):
    assert main(["context", "384", "--json", "--source", str(newest_feed)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["draw"]["draw_id"] == "384"


@pytest.mark.shared_data
def test_cli_context_text_and_unknown_round(newest_feed, capsys):
    assert main(["context", "384", "--source", str(newest_feed)]) == 0
    assert "16.8 months" in capsys.readouterr().out
    assert main(["context", "9999", "--source", str(newest_feed)]) == 2
    assert "9999" in capsys.readouterr().err


def test_repr_is_one_short_line(context):
    text = repr(context)
    assert "\n" not in text and len(text) < 160
    assert text.startswith("<DrawContext #") and "CRS" in text


def test_without_a_pool_the_pool_part_is_left_out(tables):
    draws, _ = tables
    newest = draws["draw_id"].iloc[-1]
    context = draw_context(draws, newest)
    assert context.pool is None and "no pool part" in repr(context)
    assert "Pool on" not in context.to_text()


def test_a_missing_round_names_the_rounds_there_are(tables):
    draws, _ = tables
    with pytest.raises(
        KeyError,
        match=r"no round '99999': the rounds are #1 \(2023-01-10\) to "
        r"#7 \(2024-10-01\), 7 in all",
    ):
        draw_context(draws, "99999")


def test_draw_ids_are_matched_as_canonical_ids():
    feed = make_feed(
        _round("92", "2018-06-01", "cec", "3,000", "440"),
        _round("91a", "2018-05-30", "general", "500", "288"),
    )
    draws, _ = build_tables([("feed", feed)])
    assert draw_context(draws, "91A").draw.draw_id == "91a"
    assert draw_context(draws, " 91a ").draw.draw_id == "91a"
    assert draw_context(draws, "092").draw.draw_id == "92"


def test_since_after_the_round_says_so(tables):
    draws, pool = tables
    with pytest.raises(ValueError, match="since 2030-01-01 is after round #6 of 2024-09-01"):
        draw_context(draws, "6", pool=pool, since="2030-01-01")
    same_day = draw_context(draws, "6", since="2024-09-01")
    assert [r.rounds for r in same_day.ranks if r.window.startswith("since")] == [1, 1]
