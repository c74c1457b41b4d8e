"""Draw-size models on tiny synthetic data: known slopes, no look-ahead, errors, the forecaster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ee_trends import models
from ee_trends.events import regime_of
from ee_trends.models import structural


def synthetic_draws(slopes: dict[str, float], levels: dict[str, float], n: int = 60, seed=0):
    """Rounds every 14 days per program: cutoff = level + slope * log2(size) + noise."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, (program, slope) in enumerate(slopes.items()):
        dates = pd.date_range("2023-07-01", periods=n, freq="14D") + pd.Timedelta(days=k)
        size = np.round(2 ** rng.uniform(8, 13, n)).astype(int)
        cutoff = levels[program] + slope * np.log2(size) + rng.normal(0, 3, n)
        frames.append(
            pd.DataFrame(
                {
                    "draw_id": [f"{program}{i}" for i in range(n)],
                    "draw_number": np.arange(n) + 1000 * k,
                    "draw_date": dates,
                    "program": program,
                    "invitations": pd.array(size, dtype="Int64"),
                    "crs_cutoff": pd.array(np.round(cutoff).astype(int), dtype="Int64"),
                }
            )
        )
    draws = pd.concat(frames, ignore_index=True).sort_values("draw_date", ignore_index=True)
    return draws.assign(program=draws["program"].astype("category"))


TWO = synthetic_draws({"cec": -12.0, "french": -25.0}, {"cec": 640, "french": 700})


def test_the_2016_reform_starts_a_regime():
    dates = pd.Series(pd.to_datetime(["2016-11-18", "2016-11-19", "2020-03-18", "2023-06-28"]))
    assert list(regime_of(dates).astype(str)) == ["launch", "crs_2016", "pandemic", "categories"]


def test_size_effects_recovers_a_known_slope_in_every_row():
    # quirk: the truth is -12 (CEC) and -25 (French) per doubling; all rows share one interval kind
    effects = models.size_effects(TWO, programs=("cec", "french"))
    for program, truth in (("cec", -12.0), ("french", -25.0)):
        rows = effects[effects["program"] == program].set_index("estimate")
        assert list(rows.index) == ["within_regime", "full_sample", "median", "huber"]
        for estimate, row in rows.iterrows():
            assert row["ci_low"] <= truth <= row["ci_high"], estimate
        assert rows.loc["within_regime", "n"] == 59  # the first round has no days-since-previous
    assert set(effects["interval"]) == {"95% HAC"}
    assert effects.loc[effects["role"] == "headline", "qualifies"].all()


def test_one_extraordinary_round_is_named_and_disqualifies_the_headline():
    # quirk: like #176 (27,332 CEC invitations at CRS 75), one huge round at a tiny cutoff
    draws = TWO.copy()
    row = draws.index[(draws["program"] == "cec")][30]
    draws.loc[row, ["invitations", "crs_cutoff"]] = [27_332, 75]
    effects = models.size_effects(draws, programs=("cec",)).set_index("estimate")
    head = effects.loc["within_regime"]
    assert head["influential_round"] == draws.loc[row, "draw_id"]
    assert not head["qualifies"]
    assert head["ci_low"] <= -12 + 3 and abs(head["without_influential"] - -12) < 3
    # the drop-one estimate is OLS without the row; a refit without the round also changes
    # the next round's days since the previous one, so it differs a little
    again = models.size_effects(draws.drop(index=row), programs=("cec",))
    refit = again.set_index("estimate").loc["within_regime", "effect_per_doubling"]
    assert head["without_influential"] == pytest.approx(refit, abs=0.1)


def test_no_pooled_slope_without_program_effects():
    # quirk: the low-cutoff program runs small rounds, so the slope *across* programs is
    # positive; the pooled fit keeps program effects and recovers the within slope (-10)
    draws = synthetic_draws({"pnp": -10.0, "french": -10.0}, {"pnp": 900, "french": 520})
    draws.loc[draws["program"] == "french", "invitations"] //= 64
    effects = models.size_effects(draws, programs=("pnp", "french"))
    pooled = effects[effects["program"] == "all"].iloc[0]
    assert pooled["estimate"] == "pooled"
    assert pooled["ci_low"] <= -10 <= pooled["ci_high"]
    naive = np.polyfit(np.log2(draws["invitations"].astype(float)), draws["crs_cutoff"], 1)[0]
    assert naive > 0


def test_predict_uses_only_history_before_on():
    on = TWO["draw_date"].iloc[70]
    before = models.predict_cutoff(TWO, program="cec", invitations=3000, on=on)
    wild = TWO.copy()
    later = wild["draw_date"] >= on
    wild.loc[later, "crs_cutoff"] = 1
    wild.loc[later, "invitations"] = 99999
    after = models.predict_cutoff(wild, program="cec", invitations=3000, on=on)
    assert (before.estimate, before.low, before.high) == (after.estimate, after.low, after.high)
    assert before.low < before.quantile(0.5) < before.high


@settings(max_examples=40, deadline=None)
@given(small=st.integers(1, 50_000), factor=st.floats(1.01, 1000))
def test_more_invitations_never_raise_the_expected_cutoff(small, factor):
    large = min(int(small * factor) + 1, 50_000)
    on = TWO["draw_date"].max() + pd.Timedelta(days=10)
    a = models.predict_cutoff(TWO, program="cec", invitations=small, on=on)
    b = models.predict_cutoff(TWO, program="cec", invitations=large, on=on)
    assert b.estimate <= a.estimate


def test_the_size_moves_the_forecast_along_the_slope():
    on = TWO["draw_date"].max() + pd.Timedelta(days=10)
    small = models.predict_cutoff(TWO, program="cec", invitations=1000, on=on)
    large = models.predict_cutoff(TWO, program="cec", invitations=4000, on=on)
    assert large.estimate - small.estimate == pytest.approx(2 * small.slope_per_doubling)
    assert -16 < small.slope_per_doubling < -8  # the truth is -12
    assert small.slope_source == models.forecast.SLOPE_SOURCES[models.CHOSEN.slope]


def test_the_interval_widens_outside_the_sizes_seen_and_after_a_gap():
    on = TWO["draw_date"].max() + pd.Timedelta(days=10)
    seen = models.predict_cutoff(TWO, program="cec", invitations=2000, on=on)
    far = models.predict_cutoff(TWO, program="cec", invitations=40_000, on=on)
    late = models.predict_cutoff(
        TWO, program="cec", invitations=2000, on=on + pd.Timedelta(days=150)
    )
    lo, hi = seen.sizes_seen
    assert lo <= 2000 <= hi < 40_000
    assert seen.widening == pytest.approx(1.0)
    assert far.high - far.low > seen.high - seen.low
    assert late.high - late.low > seen.high - seen.low


def test_prob_at_most_is_the_distribution():
    on = TWO["draw_date"].max() + pd.Timedelta(days=10)
    p = models.predict_cutoff(TWO, program="cec", invitations=2000, on=on)
    assert p.prob_at_most(p.low - 100) == 0.0 and p.prob_at_most(p.high + 100) == 1.0
    scores = np.arange(int(p.low) - 5, int(p.high) + 5)
    probs = [p.prob_at_most(s) for s in scores]
    assert np.all(np.diff(probs) >= 0)
    assert p.prob_at_most(p.quantile(0.3) - 0.5) == pytest.approx(0.3)  # a whole score: +0.5
    assert list(p.quantiles) == list(models.settings.QUANTILES)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"program": "nope"}, models.UnknownProgramError, "give one of cec, french$"),
        ({"program": "other"}, models.UnknownProgramError, "give one of cec, french$"),
        ({"invitations": "3000"}, models.InvitationsError, "whole number, not '3000'"),
        ({"invitations": 2.5}, models.InvitationsError, "whole number, not 2.5"),
        ({"invitations": True}, models.InvitationsError, "whole number, not True"),
        ({"invitations": 0}, models.InvitationsError, "from 1 to 50,000"),
        ({"invitations": 60_000}, models.InvitationsError, "from 1 to 50,000"),
        ({"on": "2001-01-01"}, models.DateError, "no cec round before 2001-01-01"),
    ],
)
def test_what_cannot_be_answered_is_a_clear_error(kwargs, error, message):
    arguments = {"program": "cec", "invitations": 1000, "on": "2026-01-01", **kwargs}
    with pytest.raises(error, match=message):
        models.predict_cutoff(TWO, **arguments)


def test_program_is_matched_ignoring_case():
    on = TWO["draw_date"].max() + pd.Timedelta(days=10)
    upper = models.predict_cutoff(TWO, program="CEC", invitations=1000, on=on)
    assert upper.program == "cec"


def test_backtest_is_predict_cutoff_round_by_round():
    results = models.backtest(TWO, periods=False)
    for row in results.iloc[[5, 40, -1]].itertuples():
        single = models.predict_cutoff(
            TWO, program=row.program, invitations=row.invitations, on=row.draw_date
        )
        assert (row.estimate, row.low, row.high) == pytest.approx(
            (single.estimate, single.low, single.high)
        )


def test_what_if_curve_is_predict_cutoff_at_each_size():
    on = TWO["draw_date"].max() + pd.Timedelta(days=14)
    curve = models.predict_curve(TWO, program="cec", on=on, invitations=[500, 2000, 8000])
    for row in curve.itertuples():
        single = models.predict_cutoff(TWO, program="cec", invitations=row.invitations, on=on)
        assert (row.estimate, row.low, row.high) == pytest.approx(
            (single.estimate, single.low, single.high)
        )
    assert curve["estimate"].is_monotonic_decreasing


def test_evaluation_of_a_forecaster_equal_to_naive():
    # quirk: identical errors: ratio 1 with a degenerate bootstrap interval, DM undefined
    results = pd.DataFrame(
        {
            "period": "test",
            "program": ["cec", "pnp"] * 6,
            "draw_date": pd.date_range("2024-01-01", periods=12, freq="7D"),
            "error": np.arange(12.0) - 6,
            "benchmark_error": np.arange(12.0) - 6,
            "naive_error": np.arange(12.0) - 6,
            "covered50": [True, False] * 6,
            "covered": True,
            "pinball": 1.0,
            "naive_pinball": 2.0,
        }
    )
    table = models.evaluation(results).set_index("forecaster")
    row = table.loc["forecaster"]
    assert (row["ratio"], row["ratio_low"], row["ratio_high"]) == (1.0, 1.0, 1.0)
    assert np.isnan(row["dm_stat"])
    assert (row["coverage50"], row["coverage"]) == (0.5, 1.0)
    assert (row["rounds_cec"], row["rounds_pnp"], row["rounds_general"]) == (6, 6, 0)
    assert (row["ratio_cec"], row["ratio_pnp"], row["geometric_ratio"]) == (1.0, 1.0, 1.0)
    assert np.isnan(row["ratio_general"])  # no round: no ratio, never a 0


def test_structural_inversion_by_hand():
    # quirk: 10 candidates per score from 491 to 500 (100 in all), nothing above; inviting
    # 30 reaches down to 498 (scores 498, 499, 500); an even spread is kept in 10-point ranges
    ranges = pd.DataFrame(
        {
            "score_min": [0, 491, 501, 601],
            "score_max": [490, 500, 600, 1200],
            "candidates": [0, 100, 0, 0],
        }
    )
    density = structural.score_density(ranges)
    assert density.sum() == pytest.approx(100)
    assert structural.invert(density, 30) == pytest.approx(498)
    assert structural.invert(density, 100) == pytest.approx(491)
    taken = structural.deplete(density, 498, 30)
    assert structural.invert(taken, 30) == pytest.approx(495)
    # doubling 30 to 60 invitations moves the cutoff from 498 to 495; 200 is more than the pool
    whole = structural.Share(0.0, 0.0, 0.0, 1200.0)
    effect = structural.doubling_effect(density, whole, np.array([30.0, 100.0]), nominees=False)
    assert effect[0] == pytest.approx(-3.0)
    assert np.isnan(effect[1])


def test_wide_range_is_not_spread_evenly():
    ranges = pd.DataFrame(
        {"score_min": [491, 501], "score_max": [500, 600], "candidates": [1000, 2000]}
    )
    density = structural.score_density(ranges)
    assert density[501:601].sum() == pytest.approx(2000)
    assert density[501] > density[550] > density[600]
    assert density[501] == pytest.approx(100, rel=0.2)


def test_cache_key_changes_with_any_value():
    from ee_trends.models.memo import content_key

    changed = TWO.copy()
    changed.loc[changed.index[-1], "crs_cutoff"] += 1
    swapped = TWO.iloc[[1, 0, *range(2, len(TWO))]]
    keys = {content_key(TWO), content_key(changed), content_key(swapped)}
    assert len(keys) == 3 and content_key(TWO.copy()) == content_key(TWO)
