"""Timing, chances, interval scales and the age of the data on the real feed and its captures."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from ee_trends import models
from ee_trends.errors import StaleDataWarning

FRESH = "2026-08-08"


def test_forecasts_from_the_captures_before_a_round_equal_the_backtest(
    real_tables, vintages, capture_tables
):
    draws, _ = real_tables
    results = models.backtest(draws, periods=False)
    files = sorted(vintages.glob("*.json.gz"))
    stamps = [pd.Timestamp(re.search(r"_(\d{8}T\d{6})Z", f.name).group(1)) for f in files]
    checked = refused = 0
    for k, (path, stamp) in enumerate(zip(files, stamps, strict=True)):
        captured = capture_tables[path][0]
        until = stamps[k + 1] if k + 1 < len(stamps) else pd.Timestamp.max
        # rounds after this capture and before the next, whose earlier rounds it all holds
        for _, row in results[results["draw_date"] > stamp].iterrows():
            if row["draw_date"] > until:
                break
            if draws.loc[draws["draw_date"] < row["draw_date"], "draw_date"].max() > (
                captured["draw_date"].max()
            ):
                break
            try:
                p = models.predict_cutoff(
                    captured,
                    program=row["program"],
                    invitations=int(row["invitations"]),
                    on=row["draw_date"],
                )
            except models.TooFewRoundsError:  # refused by the what-if, scored by the backtest
                refused += 1
                continue
            checked += 1
            assert (p.estimate, p.low, p.high) == pytest.approx(
                (row["estimate"], row["low"], row["high"]), abs=1e-9
            ), row["draw_id"]
    assert checked >= 70 and refused <= 5


def test_a_distribution_is_known_from_the_round_that_published_it(real_tables):
    # quirk: #292's distribution date is before #293's; the next day's #293 published its own
    draws, pool = real_tables
    for draw_id in ("279", "292"):
        row = draws[draws["draw_id"] == draw_id].iloc[0]
        known = draws[draws["draw_date"] < row["draw_date"]]["draw_id"]
        published_before = pool[pool["draw_id"].isin(known)]
        program = str(row["program"])
        if program not in models.MAIN_PROGRAMS:
            program = "cec"
        full = models.pool_slope(draws, pool, program, row["draw_date"])
        cut = models.pool_slope(draws, published_before, program, row["draw_date"])
        assert full == pytest.approx(cut, nan_ok=True), draw_id


def test_interval_scales_are_the_ones_chosen_before_the_test_period(real_tables):
    table = models.select_interval_scales(*real_tables).set_index("program")
    chosen = {p: s for p, s in table["scale"].items() if s != 1.0}
    assert chosen == models.INTERVAL_SCALES
    assert table.loc["cec", "rounds"] >= 10  # from 2019: the validation period holds none
    assert table.loc["healthcare", "rounds"] < 10 and table.loc["healthcare", "scale"] == 1.0


def test_chances_settings_are_the_best_before_the_test_period(real_tables):
    table = models.select_chances_settings(*real_tables)
    best = table.iloc[0]
    chosen = models.CHANCES_CHOSEN
    assert (best["reversion"], best["widen"]) == (chosen.reversion, chosen.widen)
    assert len(table) == len(models.settings.CHANCES_GRID)


def test_the_chances_backtest_and_its_evaluation(real_tables):
    draws, pool = real_tables
    results = models.chances_backtest(draws, pool)
    assert results["origin"].min() == pd.Timestamp(models.TEST_SINCE)
    end = draws["draw_date"].max() + pd.Timedelta(days=1)
    assert (results["origin"] + pd.to_timedelta(7 * results["weeks"], "D") <= end).all()
    assert set(results["program"]) == {"cec", "french", "healthcare", "general", "pnp"}
    assert set(results.loc[results["program"] == "pnp", "score"]) == set(range(700, 801, 10))
    # monotone by construction, at every origin
    wide = results.pivot_table(
        index=["origin", "program", "weeks"], columns="score", values="probability"
    )
    assert (wide.diff(axis=1).fillna(0).to_numpy() >= 0).all()
    evaluation = models.chances_evaluation(results)
    assert len(evaluation.by_program) == 20
    overall = evaluation.overall.iloc[0]
    assert overall["skill_low"] <= overall["skill"] <= overall["skill_high"]
    assert evaluation.reliability["forecasts"].sum() == len(results.dropna(subset=["baseline"]))
    assert "Brier" in evaluation.to_text()


def test_next_rounds_and_the_timing_backtest(real_tables):
    draws, _ = real_tables
    cec = models.next_rounds(draws, "cec", on=FRESH)
    assert cec.usual_gap == 14.0 and cec.table["probability"].is_monotonic_increasing
    assert "newest round #434 of 2026-08-07, 1 day before 2026-08-08" in cec.to_text()
    general = models.next_rounds(draws, "general", on=FRESH)
    assert general.table["probability"].max() < 0.2 < 0.5 < general.no_round  # since 2024-04
    evaluation = models.timing_evaluation(models.timing_backtest(draws))
    overall = evaluation[evaluation["program"] == "all"].set_index("weeks")
    assert list(overall.index) == [2, 4, 8]
    assert (overall["brier"] < overall["baseline_brier"]).all()


def test_answers_on_the_real_feed_know_how_old_it_is(real_tables, monkeypatch):
    from ee_trends.analysis import age

    draws, pool = real_tables
    monkeypatch.setattr(age, "today", lambda: pd.Timestamp("2026-12-02"))
    with pytest.warns(StaleDataWarning, match="117 days before 2026-12-02"):
        result = models.chances(505, draws, pool, programs=("cec", "french"))
    assert result.on == pd.Timestamp("2026-12-02") and result.start == pd.Timestamp(FRESH)
    assert "newest round #434 of 2026-08-07, 117 days before 2026-12-02" in result.to_text()
    with pytest.raises(models.HorizonError):
        models.predict_cutoff(draws, program="cec", invitations=3000, on="2100-12-31")
    with pytest.raises(models.TooFewRoundsError, match="military has 1 round"):
        models.predict_cutoff(draws, program="military", invitations=3000, on=FRESH)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh = models.chances(505, draws, pool, programs=("cec",), on=FRESH)
    assert fresh.programs == ("cec", "general")


def test_effects_and_evaluation_are_complete(real_tables):
    draws, pool = real_tables
    effects = models.size_effects(draws, pool)
    assert set(effects.loc[effects["role"] == "headline", "program"]) == set(models.MAIN_PROGRAMS)
    healthcare = effects[effects["program"] == "healthcare"]
    assert list(healthcare["estimate"]) == ["too_few_rounds"]
    evaluation = models.evaluation(models.backtest(draws, pool=pool))
    table = evaluation.set_index(["period", "forecaster"])
    validation = table.loc[("validation", "forecaster")]
    assert validation["rounds_cec"] == 0 and np.isnan(validation["ratio_cec"])
    test = table.loc[("test", "forecaster")]
    ratios = [test[f"ratio_{p}"] for p in models.MAIN_PROGRAMS]
    assert test["geometric_ratio"] == pytest.approx(np.exp(np.mean(np.log(ratios))))
    assert "This period holds no round of Canadian Experience Class." in models.evaluation_text(
        evaluation
    )
