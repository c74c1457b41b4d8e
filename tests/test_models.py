"""Draw-size models: known slopes, no pooled slope, no look-ahead, the backtest, the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ee_trends import models, structural


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


def test_size_effects_recovers_a_known_slope():
    # quirk: the main specification is within one program, HAC errors; the truth is -12/doubling
    draws = synthetic_draws({"cec": -12.0, "french": -25.0}, {"cec": 640, "french": 700})
    effects = models.size_effects(draws).set_index(["program", "specification"])
    for program, truth in (("cec", -12.0), ("french", -25.0)):
        row = effects.loc[(program, "ols_hac")]
        assert row["ci_low"] <= truth <= row["ci_high"]
        assert row["n"] == 59  # the first round has no days-since-previous
    assert {"quantreg_median", "huber_rlm"} <= set(effects.loc["cec"].index)


def test_no_pooled_slope_without_program_effects():
    # quirk: the low-cutoff program runs small rounds, so the slope *across* programs is
    # positive; a pooled fit must keep program effects and recover the within slope (-10)
    draws = synthetic_draws({"pnp": -10.0, "french": -10.0}, {"pnp": 900, "french": 520})
    draws.loc[draws["program"] == "french", "invitations"] //= 64  # small rounds, low cutoffs
    effects = models.size_effects(draws)
    pooled = effects[effects["program"] == "all"].iloc[0]
    assert pooled["specification"] == "ols_hac_program_effects"
    assert pooled["ci_low"] <= -10 <= pooled["ci_high"]
    naive = np.polyfit(np.log2(draws["invitations"].astype(float)), draws["crs_cutoff"], 1)[0]
    assert naive > 0  # the confounded slope a pooled fit would report


def test_predict_uses_only_history_before_on():
    draws = synthetic_draws({"cec": -12.0, "french": -25.0}, {"cec": 640, "french": 700})
    on = draws["draw_date"].iloc[70]
    before = models.predict_cutoff(draws, program="cec", invitations=3000, on=on)
    wild = draws.copy()
    later = wild["draw_date"] >= on
    wild.loc[later, "crs_cutoff"] = 1  # rounds on or after `on` must change nothing
    wild.loc[later, "invitations"] = 99999
    after = models.predict_cutoff(wild, program="cec", invitations=3000, on=on)
    assert (before.estimate, before.low, before.high) == (after.estimate, after.low, after.high)
    assert before.low <= before.estimate <= before.high


@pytest.mark.parametrize("weighting", ["inverse", "best"])
def test_combination_weights_use_only_rounds_before_on(weighting):
    draws = synthetic_draws({"cec": -12.0, "french": -25.0}, {"cec": 640, "french": 700})
    on = draws["draw_date"].iloc[70]
    kwargs = {"program": "cec", "invitations": 3000, "on": on, "weighting": weighting}
    before = models.predict_cutoff(draws, **kwargs)
    weights = before.components["weights"]
    assert set(weights) == set(models.CANDIDATES) == set(before.components["forecasts"])
    assert sum(weights.values()) == pytest.approx(1.0)
    assert min(weights.values()) >= 0
    assert before.components["weight_rounds"] == models.COMBINATION_WINDOW
    if weighting == "best":
        assert sorted(weights.values())[-1] == 1.0
    estimate = sum(w * before.components["forecasts"][k] for k, w in weights.items() if w > 0)
    assert before.estimate == pytest.approx(estimate)
    # a round on `on` and a later one, far off, change neither the weights nor the forecast
    extra = (
        draws[draws["program"] == "cec"]
        .tail(2)
        .assign(
            draw_id=["x1", "x2"], draw_date=[on, on + pd.Timedelta(days=3)], crs_cutoff=[100, 1000]
        )
    )
    after = models.predict_cutoff(pd.concat([draws, extra], ignore_index=True), **kwargs)
    assert after.components["weights"] == weights
    assert (after.estimate, after.low, after.high) == (before.estimate, before.low, before.high)


def test_program_with_a_single_past_round():
    # quirk: no past forecast of its own to weigh the candidates: the model alone is used
    draws = synthetic_draws(
        {"french": -25.0, "healthcare": -5.0}, {"french": 700, "healthcare": 480}
    )
    first = draws[draws["program"] == "healthcare"]["draw_date"].iloc[0]
    history = draws[(draws["program"] == "french") | (draws["draw_date"] <= first)]
    on = first + pd.Timedelta(days=14)
    p = models.predict_cutoff(history, program="healthcare", invitations=1000, on=on)
    assert p.components["weights"]["model"] == 1.0
    assert p.components["weight_rounds"] == 0
    assert np.isfinite(p.estimate) and p.low < p.estimate < p.high
    assert "1 healthcare rounds" in p.based_on


def test_predict_larger_round_lower_cutoff():
    draws = synthetic_draws({"cec": -12.0, "french": -25.0}, {"cec": 640, "french": 700})
    on = draws["draw_date"].max() + pd.Timedelta(days=1)
    small = models.predict_cutoff(draws, program="cec", invitations=500, on=on)
    large = models.predict_cutoff(draws, program="cec", invitations=8000, on=on)
    assert large.estimate < small.estimate
    with pytest.raises(ValueError, match="no 'pnp' round"):
        models.predict_cutoff(draws, program="pnp", invitations=500, on=on)


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
    taken = structural.deplete(density, 498, 30)  # a round took them out of the pool
    assert structural.invert(taken, 30) == pytest.approx(495)


def test_wide_range_is_not_spread_evenly():
    # quirk: the density falls above 500; 501-600 continues it, it is not flat
    ranges = pd.DataFrame(
        {"score_min": [491, 501], "score_max": [500, 600], "candidates": [1000, 2000]}
    )
    density = structural.score_density(ranges)
    assert density[501:601].sum() == pytest.approx(2000)
    assert density[501] > density[550] > density[600]
    assert density[501] == pytest.approx(100, rel=0.2)  # continuous with 100 per score below


@pytest.fixture(scope="module")
def real_tables(request):
    feed = request.getfixturevalue("newest_feed")
    from ee_trends.load import load_tables

    return load_tables(feed, cache=False)


@pytest.fixture(scope="module")
def real_draws(real_tables):
    return real_tables[0]


@pytest.fixture(scope="module")
def real_backtest(real_tables):
    return models.backtest_periods(*real_tables)


def test_backtest_on_the_real_feed(real_tables, real_backtest):
    draws, pool = real_tables
    results = real_backtest
    assert set(results["program"]) == set(models.MAIN_PROGRAMS)
    # quirk: PNP's validation starts in 2019 (5 PNP rounds in 2022-07..2023), the others' 2022-07
    starts = results["program"].map(models.VALIDATION_SINCE).fillna(models.VALIDATION[0])
    assert (results["draw_date"] >= pd.to_datetime(starts)).all()
    assert (results.loc[results["program"] == "pnp", "draw_date"] < models.VALIDATION[0]).any()
    validation = results["period"] == "validation"
    assert (results.loc[validation, "draw_date"] <= models.VALIDATION[1]).all()
    assert (results.loc[~validation, "draw_date"] >= models.TEST_SINCE).all()
    summary = models.backtest_summary(results)
    expected = {"period", "program", "rounds", "mae", "naive_mae", "trend_mae", "coverage"}
    assert expected <= set(summary.columns)
    overall = summary[summary["program"] == "overall"]
    assert list(overall["period"]) == ["validation", "test"]
    # no leakage: a backtest row equals predict_cutoff on the rounds and pool before its date;
    # one row of each program in each period (CEC has no validation round)
    sample = results.groupby(["program", "period"]).sample(1, random_state=1)
    assert len(sample) == 2 * len(models.MAIN_PROGRAMS) - 1
    for _, row in sample.iterrows():
        history = draws[draws["draw_date"] < row["draw_date"]]
        p = models.predict_cutoff(
            history,
            program=row["program"],
            invitations=row["invitations"],
            on=row["draw_date"],
            pool=pool[pool["draw_id"].isin(history["draw_id"])],
        )
        assert p.estimate == pytest.approx(row["estimate"])
        assert (p.low, p.high) == pytest.approx((row["low"], row["high"]))
    assert (results["low"] <= results["estimate"]).all()
    assert (results["estimate"] <= results["high"]).all()


def test_backtest_until(real_draws, real_backtest):
    # quirk: `until` is inclusive; the rows are those of the longer run (same origins)
    results = models.backtest(real_draws, since="2023-01-01", until="2023-06-30")
    assert len(results) > 0
    assert results["draw_date"].between("2023-01-01", "2023-06-30").all()
    without_pool = models.backtest(real_draws, since=models.VALIDATION[0])
    longer = without_pool.set_index("draw_id").loc[results["draw_id"], "estimate"]
    assert np.allclose(results["estimate"], longer)


def test_pool_used_without_leakage(real_tables):
    # quirk: pool rows of rounds on or after `on` (and rows dated on or after it) change
    # nothing; the pool does change a CEC forecast (structural component)
    draws, pool = real_tables
    on = pd.Timestamp("2025-06-10")
    plain = models.predict_cutoff(draws, program="cec", invitations=3000, on=on)
    used = models.predict_cutoff(draws, program="cec", invitations=3000, on=on, pool=pool)
    assert np.isfinite(used.components["structural_corrected"])
    assert used.estimate != pytest.approx(plain.estimate)
    later_ids = draws.loc[draws["draw_date"] >= on, "draw_id"]
    wild = pool.copy()
    late = wild["draw_id"].isin(later_ids)
    wild.loc[late, "candidates"] = wild.loc[late, "candidates"] * 50
    earlier = draws.loc[draws["draw_date"] < on, "draw_id"].iloc[-1]
    dated_late = wild[wild["draw_id"] == earlier].assign(pool_as_of=on, candidates=10**6)
    wild = pd.concat([wild[wild["draw_id"] != earlier], dated_late], ignore_index=True)
    leaky = models.predict_cutoff(draws, program="cec", invitations=3000, on=on, pool=wild)
    clean = pool[pool["draw_id"] != earlier]
    fair = models.predict_cutoff(draws, program="cec", invitations=3000, on=on, pool=clean)
    assert (leaky.estimate, leaky.low, leaky.high) == (fair.estimate, fair.low, fair.high)


def test_backtest_of_a_tiny_feed_is_empty_not_an_error():
    from conftest import make_feed, make_round
    from ee_trends.content import Text
    from ee_trends.load import load_tables

    feed = make_feed(make_round("301", drawName="Canadian Experience Class"), make_round("300"))
    draws, pool = load_tables(feed)
    results = models.backtest(draws, pool=pool)
    assert results.empty
    assert {"draw_id", "estimate", "naive", "error", "covered"} <= set(results.columns)
    section = models.report_section(draws, pool)
    texts = " ".join(b.text for b in section.blocks if isinstance(b, Text))
    assert "no round could be forecast" in texts


def test_size_effects_on_the_real_feed(real_draws):
    effects = models.size_effects(real_draws)
    main = effects[effects["specification"] == "ols_hac"]
    assert set(models.MAIN_PROGRAMS) <= set(main["program"])
    cec = effects[(effects["program"] == "cec")]
    dropped = cec.loc[cec["specification"] == "ols_hac_without_influential", "note"].iloc[0]
    assert "#176" in dropped  # the 27,332-invitation round at CRS 75 is named, not hidden


def test_cli_predict(newest_feed, capsys):
    from ee_trends.cli import main

    with pytest.raises(SystemExit) as done:
        main(["predict", "--help"])
    assert done.value.code == 0
    capsys.readouterr()
    code = main(
        [
            "predict",
            "--program",
            "cec",
            "--invitations",
            "3000",
            "--on",
            "2026-08-20",
            "--source",
            str(newest_feed),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "cec round of 3,000 on 2026-08-20: expected cutoff" in out


def test_what_if_curve_is_predict_cutoff_at_each_size():
    draws = synthetic_draws({"cec": -15.0}, {"cec": 480.0})
    on = draws["draw_date"].max() + pd.Timedelta(days=14)
    curve = models.predict_curve(draws, program="cec", on=on, invitations=[500, 2000, 8000])
    for row in curve.itertuples():
        single = models.predict_cutoff(draws, program="cec", invitations=row.invitations, on=on)
        assert (row.estimate, row.low, row.high) == pytest.approx(
            (single.estimate, single.low, single.high)
        )
        assert row.model == pytest.approx(single.components["forecasts"]["model"])
        assert row.leading in models.CANDIDATES
    assert curve["model"].is_monotonic_decreasing  # the size-adjusted model responds to size
