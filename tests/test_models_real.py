"""Draw-size models on the real feed: robust headlines, chosen settings, the section, the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ee_trends import models
from ee_trends.output import model_section
from ee_trends.output.content import Figure, Section, Table, Text


def test_cec_and_general_headlines_survive_dropping_any_round(real_tables):
    draws, pool = real_tables
    effects = models.size_effects(draws, pool)
    head = effects[effects["estimate"] == "within_regime"].set_index("program")
    for program in ("cec", "general"):
        row = head.loc[program]
        assert row["qualifies"], program
        influence = models.size_influence(draws, program)
        assert influence["slope_change"].abs().max() < 3  # every round, not only the top one
        assert row["ci_low"] < row["effect_per_doubling"] < row["ci_high"] < 0
    full = effects.set_index(["program", "estimate"]).loc[("cec", "full_sample")]
    assert full["influential_round"] == "176"  # 27,332 invitations at CRS 75, named
    implied = effects.set_index(["program", "estimate"]).loc[("cec", "pool_implied")]
    assert -20 < implied["effect_per_doubling"] < -5


def test_chosen_settings_are_the_best_on_validation(real_tables):
    selection = models.select_settings(*real_tables)
    best = selection.iloc[0]
    chosen = models.CHOSEN
    assert (best["last_weight"], best["rounds"], best["slope"]) == (
        chosen.last_weight,
        chosen.rounds,
        chosen.slope,
    )
    assert len(selection) == len(models.SETTINGS_GRID)


def test_backtest_periods_and_evaluation(real_tables):
    draws, pool = real_tables
    results = models.backtest(draws, pool=pool)
    assert set(results["period"]) == {"validation", "test"}
    test = results[results["period"] == "test"]
    assert test["draw_date"].min() >= pd.Timestamp(models.TEST_SINCE)
    assert (results["low"] <= results["q25"]).all() and (results["q75"] <= results["high"]).all()
    table = models.evaluation(results).set_index(["period", "forecaster"])
    row = table.loc[("test", "forecaster")]
    assert row["ratio_low"] <= row["ratio"] <= row["ratio_high"]
    assert row["mae"] == pytest.approx(test["error"].abs().mean())
    assert 0 < row["coverage50"] < row["coverage"] <= 1


def test_real_what_if_responds_to_size(real_tables):
    draws, pool = real_tables
    estimates = [
        models.predict_cutoff(draws, program="cec", invitations=n, on="2026-09-01", pool=pool)
        for n in (500, 1000, 3000, 8000, 20000)
    ]
    values = np.array([p.estimate for p in estimates])
    assert np.all(np.diff(values) < 0)
    assert estimates[-1].widening > estimates[2].widening  # 20,000 is beyond the sizes seen
    text = estimates[1].to_text(score=510)
    assert "Canadian Experience Class" in text and "Chance that the cutoff is 510" in text


def test_report_section_is_content(real_tables):
    section = model_section.report_section(*real_tables)
    assert isinstance(section, Section)
    assert (section.key, section.title) == ("models", "Draw size and cutoff")
    kinds = [type(block) for block in section.blocks]
    assert kinds[0] is Text and Table in kinds and Figure in kinds
    assert "associations conditional on the pool" in section.blocks[1].text
    for block in section.blocks:
        if isinstance(block, Table):
            shown = block.formatted()
            assert not shown.empty
            assert not any("_" in header for header in shown.columns)  # human headers
        if isinstance(block, Figure):
            assert block.alt and block.caption


def test_cli_predict(newest_feed, capsys):
    from ee_trends.cli import main

    arguments = ["predict", "--source", str(newest_feed), "--on", "2026-08-20"]
    code = main([*arguments, "--program", "CEC", "--invitations", "3000", "--score", "510"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Canadian Experience Class, a round of 3,000 invitations on 2026-08-20" in out
    assert "Chance that the cutoff is 510 or lower" in out
    # refused against the programs of the rounds: the keys offered are those accepted
    assert main([*arguments, "--program", "nope", "--invitations", "3000"]) == 2
    assert "unknown program 'nope': give one of agriculture, cec," in capsys.readouterr().err
    with pytest.raises(SystemExit) as too_large:
        main([*arguments, "--program", "cec", "--invitations", "60000"])
    assert too_large.value.code == 2
    assert "60000: give a number from 1 to 50,000" in capsys.readouterr().err


def test_report_section_of_a_history_too_short_to_backtest(real_tables):
    # quirk: before 2019 no round falls in the validation or test periods
    draws, _ = real_tables
    section = model_section.report_section(draws[draws["draw_date"] < "2019-01-01"], None)
    tables = [block.name for block in section.blocks if isinstance(block, Table)]
    assert "size_effects_headline" in tables
    assert "forecast_evaluation" not in tables
    assert section.data["backtest"].empty
