"""Round timing, the chance of an invitation and the age of the data, on synthetic histories
whose answers are known."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ee_trends import models
from ee_trends.analysis import age
from ee_trends.errors import StaleDataWarning
from ee_trends.models import calibration, timing


def regular(
    programs: dict[str, int], *, n: int = 40, every: int = 14, start="2024-01-03", noise=0.0
):
    """Rounds of each program exactly every ``every`` days at a fixed cutoff (plus ``noise``),
    3,000 invitations each."""
    rng = np.random.default_rng(1)
    frames = []
    for k, (program, cutoff) in enumerate(programs.items()):
        cutoffs = cutoff + np.round(rng.normal(0, noise, n)) if noise else np.full(n, cutoff)
        frames.append(
            pd.DataFrame(
                {
                    "draw_id": [f"{program}{i}" for i in range(n)],
                    "draw_number": np.arange(n) + 1000 * k,
                    "draw_date": pd.date_range(start, periods=n, freq=f"{every}D")
                    + pd.Timedelta(days=k),
                    "program": program,
                    "invitations": pd.array(np.full(n, 3000), dtype="Int64"),
                    "crs_cutoff": pd.array(cutoffs.astype(int), dtype="Int64"),
                }
            )
        )
    draws = pd.concat(frames, ignore_index=True).sort_values("draw_date", ignore_index=True)
    return draws.assign(program=draws["program"].astype("category"))


FIXED = regular({"cec": 500})
NEWEST = FIXED["draw_date"].max()
NEXT_DAY = NEWEST + pd.Timedelta(days=1)
NOISY = regular({"cec": 500, "french": 450, "general": 520}, noise=8.0)
NOISY_NEXT = NOISY["draw_date"].max() + pd.Timedelta(days=1)


# --------------------------------------------------------------------------- the age of the data


def test_data_age_names_the_newest_round_and_its_days():
    draws = pd.DataFrame(
        {"draw_id": ["433", "434"], "draw_date": pd.to_datetime(["2026-08-06", "2026-08-07"])}
    )
    fresh, stale = age.data_age(draws, "2026-08-20"), age.data_age(draws, "2026-12-02")
    assert fresh.to_text() == "newest round #434 of 2026-08-07, 13 days before 2026-08-20"
    assert not fresh.stale and fresh.warning() == ""
    assert stale.days == 117 and stale.stale
    assert stale.to_text().startswith("newest round #434 of 2026-08-07, 117 days before 2026-12-02")
    assert "`ee-trends fetch`" in stale.warning() and "starts from that round" in stale.warning()
    assert stale.to_text(answer=False).endswith("are unknown (`ee-trends fetch` brings them)")
    assert fresh.to_text(answer=False) == fresh.to_text()
    assert repr(stale) == "DataAge(newest round #434 of 2026-08-07, 117 days before 2026-12-02)"
    assert age.data_age(draws, "2026-08-06").to_text().endswith("1 day after 2026-08-06")
    assert stale.to_dict() == {
        "newest_round": "434",
        "newest_date": "2026-08-07",
        "on": "2026-12-02",
        "days": 117,
        "stale": True,
    }


@pytest.mark.parametrize(
    ("today", "expected"), [(21, NEXT_DAY), (22, NEWEST + pd.Timedelta(22, "D"))]
)
def test_the_default_date_is_the_day_after_the_newest_round_while_fresh(
    monkeypatch, today, expected
):
    monkeypatch.setattr(age, "today", lambda: NEWEST + pd.Timedelta(days=today))
    assert age.default_date(FIXED) == expected


def test_a_forecast_warns_past_three_weeks_only():
    on = NEWEST + pd.Timedelta(days=age.STALE_DAYS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh = models.predict_cutoff(FIXED, program="cec", invitations=3000, on=on)
    with pytest.warns(StaleDataWarning, match="rounds held since are unknown"):
        stale = models.predict_cutoff(
            FIXED, program="cec", invitations=3000, on=on + pd.Timedelta(days=1)
        )
    assert fresh.age.days == 21 and stale.age.days == 22
    assert "Data: newest round #cec39" in stale.to_text()


def test_a_prediction_prints_as_one_line_and_as_plain_values():
    p = models.predict_cutoff(FIXED, program="cec", invitations=3000, on=NEXT_DAY)
    text = repr(p)
    assert "\n" not in text and len(text) < 200
    assert text.startswith(f"Prediction(cec, 3,000 invitations on {NEXT_DAY:%Y-%m-%d}: 500,")
    record = json.loads(json.dumps(p.to_dict()))
    assert record["expected_cutoff"] == 500.0 and record["data_age"]["days"] == 1
    assert record["last_round"] == "cec39" and len(record["quantiles"]) == 19


def test_forecasts_too_far_ahead_or_from_too_few_rounds_are_refused():
    far = NEWEST + pd.Timedelta(days=models.settings.MAX_HORIZON_DAYS + 1)
    with pytest.raises(models.HorizonError, match="183 days after the newest round"):
        models.predict_cutoff(FIXED, program="cec", invitations=3000, on=far)
    with pytest.raises(models.HorizonError):
        models.next_rounds(FIXED, "cec", on=far)
    two = FIXED.head(2)
    after = two["draw_date"].max() + pd.Timedelta(days=1)
    with pytest.raises(models.TooFewRoundsError, match="2 rounds since its last pause.*at least 3"):
        models.predict_cutoff(two, program="cec", invitations=3000, on=after)
    with pytest.raises(models.TooFewRoundsError):
        models.chances(550, two, None, on=after)


# --------------------------------------------------------------------------- round timing


def test_rounds_every_14_days_come_within_4_and_8_weeks_for_sure():
    result = models.next_rounds(FIXED, "cec", on=NEXT_DAY)
    table = result.table.set_index("weeks")
    assert list(table.index) == [2, 4, 8]
    assert table.loc[4, "probability"] == 1.0 and table.loc[8, "probability"] == 1.0
    assert 0.3 < table.loc[2, "probability"] < 1.0  # the next round is due on day 13
    assert table.loc[8, "rounds_0"] == 0.0 and table.loc[8, "expected_rounds"] > 3.5
    row_sums = table[["rounds_0", "rounds_1", "rounds_2", "rounds_3_or_more"]].sum(axis=1)
    np.testing.assert_allclose(row_sums, 1.0)
    assert result.no_round == 0.0  # the history holds no pause
    assert result.usual_gap == 14.0
    assert result.next_low <= NEWEST + pd.Timedelta(days=14) <= result.next_high
    assert "Canadian Experience Class: a round within 2 weeks" in result.to_text()
    assert "rounds recently every 14 days" in result.to_text()
    assert "\n" not in repr(result)
    json.dumps(result.to_dict())


def test_next_rounds_is_the_same_on_every_call():
    first = models.next_rounds(NOISY, "french", on=NOISY_NEXT)
    second = models.next_rounds(NOISY, "french", on=NOISY_NEXT)
    pd.testing.assert_frame_equal(first.table, second.table)


def test_a_program_long_past_its_usual_gaps_is_most_likely_paused():
    # quirk: all-program rounds stop a year before the data ends; CEC goes on every 14 days
    general = regular({"general": 520}, n=22, start="2022-01-05")
    cec = regular({"cec": 500}, n=50, start="2022-01-06")
    draws = pd.concat([general, cec], ignore_index=True).sort_values("draw_date")
    on = draws["draw_date"].max() + pd.Timedelta(days=1)
    assert (on - general["draw_date"].max()).days > 365
    stopped = models.next_rounds(draws, "general", on=on)
    active = models.next_rounds(draws, "cec", on=on).table.set_index("weeks")
    assert stopped.table["probability"].max() < 0.3 < 0.99 <= active.loc[8, "probability"]
    assert stopped.no_round > 0.7


def test_the_stale_timing_starts_from_the_newest_round_and_says_so():
    on = NEWEST + pd.Timedelta(days=60)
    with pytest.warns(StaleDataWarning):
        result = models.next_rounds(FIXED, "cec", on=on)
    assert result.start == NEXT_DAY
    assert "the simulation starts on" in result.to_text()
    assert "rounds held since are unknown" in result.to_text()


def test_bad_windows_and_programs_are_refused_with_the_keys():
    with pytest.raises(models.WindowError, match="from 1 to 26"):
        models.next_rounds(FIXED, "cec", on=NEXT_DAY, weeks=(0, 4))
    with pytest.raises(models.UnknownProgramError, match="give one of cec"):
        models.next_rounds(FIXED, "nope", on=NEXT_DAY)


def test_the_trailing_share_by_hand():
    # events on days 0 and 20; origin day 70: 4-week windows start on days -294 .. 42, weekly
    base = pd.Timestamp("2025-01-01")
    events = np.asarray([base, base + pd.Timedelta(days=20)], dtype="datetime64[ns]")
    origin = base + pd.Timedelta(days=70)
    starts = pd.date_range(
        origin - pd.Timedelta(weeks=52), origin - pd.Timedelta(days=28), freq="7D"
    )
    hits = [
        (s <= base < s + pd.Timedelta(days=28)) or (s <= events[1] < s + pd.Timedelta(days=28))
        for s in starts
    ]
    assert timing.trailing_share(events, origin, 28) == pytest.approx(np.mean(hits))


def test_brier_table_by_hand():
    results = pd.DataFrame(
        {
            "weeks": [2, 2, 2],
            "probability": [0.9, 0.2, 0.5],
            "baseline": [0.5, 0.5, np.nan],
            "outcome": [True, False, True],
        }
    )
    table = timing.brier_table(results, ["weeks"])
    expected = pd.DataFrame(
        {
            "weeks": [2],
            "forecasts": [2],
            "brier": [(0.01 + 0.04) / 2],
            "baseline_brier": [0.25],
            "skill": [1 - 0.025 / 0.25],
        }
    )
    pd.testing.assert_frame_equal(table, expected)


# --------------------------------------------------------------------------- chances


def test_rounds_at_a_fixed_cutoff_give_a_chance_of_0_or_1():
    below = models.chances(450, FIXED, None, on=NEXT_DAY)
    above = models.chances(550, FIXED, None, on=NEXT_DAY)
    expected = pd.DataFrame({"weeks": [4, 8, 12, 26], "probability": [0.0, 0.0, 0.0, 0.0]})
    pd.testing.assert_frame_equal(below.table[["weeks", "probability"]], expected)
    pd.testing.assert_frame_equal(
        above.table[["weeks", "probability"]], expected.assign(probability=1.0)
    )
    assert (below.table["expected_reachable"] == 0).all()
    assert above.programs == ("cec",)  # no all-program rounds in this history
    assert above.table["expected_rounds"].is_monotonic_increasing


def test_chances_prints_as_one_line_and_as_plain_values():
    result = models.chances(505, NOISY, None, programs=("cec", "french"), on=NOISY_NEXT)
    assert result.programs == ("cec", "french", "general")
    assert "\n" not in repr(result) and repr(result).startswith("Chances(505 in cec+french+general")
    text = result.to_text()
    assert "Canadian Experience Class or French-language proficiency, with all-program" in text
    assert "tie-break" in text and "policy" in text
    record = json.loads(json.dumps(result.to_dict()))
    assert [w["weeks"] for w in record["windows"]] == [4, 8, 12, 26]
    assert record["data_age"]["days"] == 1


@pytest.mark.parametrize(
    ("score", "kwargs", "error", "message"),
    [
        (1201, {}, ValueError, "from 0 to 1200"),
        (505.5, {}, ValueError, "whole number"),
        ("abc", {}, ValueError, "whole number"),
        (
            505,
            {"programs": ("nope",)},
            models.UnknownProgramError,
            "give one of cec, french, general",
        ),
        (505, {"weeks": (4, 27)}, models.WindowError, "from 1 to 26"),
    ],
)
def test_bad_chances_input_is_refused(score, kwargs, error, message):
    with pytest.raises(error, match=message):
        models.chances(score, NOISY, None, on=NOISY_NEXT, **kwargs)


@settings(max_examples=12, deadline=None)
@given(
    low=st.integers(400, 600),
    step=st.integers(0, 60),
    extra=st.sampled_from([(), ("french",)]),
)
def test_a_higher_score_a_longer_window_or_one_more_program_never_lowers_the_chance(
    low, step, extra
):
    base = models.chances(low, NOISY, None, programs=("cec",), on=NOISY_NEXT)
    higher = models.chances(low + step, NOISY, None, programs=("cec",), on=NOISY_NEXT)
    more = models.chances(low, NOISY, None, programs=("cec", *extra), on=NOISY_NEXT)
    p = base.table["probability"].to_numpy()
    assert np.all(np.diff(p) >= 0)
    assert np.all(higher.table["probability"].to_numpy() >= p)
    assert np.all(more.table["probability"].to_numpy() >= p)


def test_chances_by_score_gives_what_one_call_per_score_gives():
    from ee_trends.models.invitation import chances_by_score

    scores = [470, 500, 505, 530]
    table = chances_by_score(
        scores, NOISY, None, programs=("cec", "french"), weeks=(8, 4), on=NOISY_NEXT
    )
    assert list(table.columns) == ["score", "weeks_4", "weeks_8"]
    for row in table.itertuples():
        one = models.chances(
            row.score, NOISY, None, programs=("cec", "french"), weeks=(4, 8), on=NOISY_NEXT
        )
        assert [row.weeks_4, row.weeks_8] == list(one.table["probability"])
    assert table["weeks_8"].is_monotonic_increasing and table["weeks_8"].iloc[-1] > 0.5
    with pytest.raises(ValueError, match="from 0 to 1200, not 1300"):
        chances_by_score([500, 1300], NOISY, None, on=NOISY_NEXT)


def test_chances_use_only_the_rounds_before_the_date():
    on = NOISY["draw_date"].iloc[60]
    before = models.chances(505, NOISY, None, programs=("cec", "french"), on=on)
    cut = NOISY[NOISY["draw_date"] < on]
    odd = NOISY[NOISY["draw_date"] >= on].assign(
        crs_cutoff=pd.array([200] * (len(NOISY) - 60), dtype="Int64")
    )
    changed = pd.concat([cut, odd], ignore_index=True)
    after = models.chances(505, changed, None, programs=("cec", "french"), on=on)
    pd.testing.assert_frame_equal(before.table, after.table)


def test_the_backtest_gives_what_chances_gives_at_each_origin(monkeypatch):
    monkeypatch.setattr(calibration, "BACKTEST_SCORES", {"cec": (500, 510), "general": (520,)})
    results = calibration.chances_backtest(NOISY, None, since="2024-06-05")
    origin = results["origin"].iloc[0]
    direct = models.chances(510, NOISY, None, programs=("cec",), on=origin).table
    rows = results[(results["origin"] == origin) & (results["program"] == "cec")]
    rows = rows[rows["score"] == 510].reset_index(drop=True)
    np.testing.assert_array_equal(rows["weeks"], direct["weeks"])
    np.testing.assert_array_equal(rows["probability"], direct["probability"])
    first = NOISY[(NOISY["draw_date"] >= origin) & (NOISY["program"].isin(["cec", "general"]))]
    within = first[first["draw_date"] < origin + pd.Timedelta(weeks=4)]
    assert rows.loc[0, "outcome"] == bool((within["crs_cutoff"] <= 510).any())


def test_chances_evaluation_and_reliability_by_hand():
    origins = pd.date_range("2024-01-03", periods=4, freq="14D")
    results = pd.DataFrame(
        {
            "origin": origins.repeat(2),
            "program": "cec",
            "score": 500,
            "weeks": [4, 8] * 4,
            "probability": [0.05, 0.95, 0.15, 0.85, 0.05, 0.95, 0.15, 0.85],
            "baseline": 0.5,
            "outcome": [False, True] * 4,
        }
    )
    evaluation = calibration.chances_evaluation(results)
    overall = evaluation.overall.iloc[0]
    brier = np.mean(np.array([0.05, 0.05, 0.15, 0.15, 0.05, 0.05, 0.15, 0.15]) ** 2)
    assert overall["brier"] == pytest.approx(brier)
    assert overall["skill"] == pytest.approx(1 - brier / 0.25)
    assert overall["skill_low"] <= overall["skill"] <= overall["skill_high"]
    expected = pd.DataFrame(
        {
            "decile": [0.0, 0.1, 0.8, 0.9],
            "forecasts": [2, 2, 2, 2],
            "probability": [0.05, 0.15, 0.85, 0.95],
            "observed": [0.0, 0.0, 1.0, 1.0],
            "gap": [0.05, 0.15, -0.15, -0.05],
        }
    )
    pd.testing.assert_frame_equal(evaluation.reliability, expected)
    assert "No program and window does worse" in evaluation.to_text()
    assert "at most 0.15" in evaluation.to_text()


# --------------------------------------------------------------------------- effects


def test_size_effects_names_a_main_program_with_too_few_rounds():
    many = regular({"cec": 500}, n=30, noise=5.0)
    few = regular({"healthcare": 470}, n=6, noise=5.0)
    draws = pd.concat([many, few], ignore_index=True).sort_values("draw_date", ignore_index=True)
    effects = models.size_effects(
        draws.assign(
            invitations=draws["invitations"] + pd.array(np.arange(len(draws)) * 37, dtype="Int64")
        )
    )
    row = effects[effects["program"] == "healthcare"]
    assert list(row["estimate"]) == ["too_few_rounds"]
    assert row["effect_per_doubling"].isna().all() and not row["qualifies"].any()
    assert row["note"].iloc[0].startswith("5 usable rounds since")
    assert row["note"].iloc[0].endswith("a headline needs 20")
    said = "Healthcare occupations: no firm answer yet, too few rounds (5 usable rounds"
    assert said in models.effects_text(effects)


def test_today_can_be_fixed_by_the_environment(monkeypatch):
    monkeypatch.setenv(age.TODAY_VARIABLE, "2027-03-01")
    assert age.today() == pd.Timestamp("2027-03-01")
    assert age.default_date(FIXED) == pd.Timestamp("2027-03-01")
    monkeypatch.setenv(age.TODAY_VARIABLE, "")
    assert age.today() == pd.Timestamp.today().normalize()
    monkeypatch.setenv(age.TODAY_VARIABLE, "soon")
    with pytest.raises(ValueError, match="EE_TRENDS_TODAY='soon' is not a date"):
        age.today()
