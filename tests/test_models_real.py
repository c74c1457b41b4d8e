"""Draw-size models on the real feed: robust headlines, chosen settings, the section, the CLI."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from ee_trends import models
from ee_trends.output import model_section
from ee_trends.output.content import Figure, Heading, Section, Table, Text
from ee_trends.programs import program_label

METHOD_NAMES = ("OLS", "Huber", "HAC", "Newey", "Diebold", "pinball", "regression")
"""Methods the section names, in its "How this is computed" part only."""
JARGON = (*METHOD_NAMES, "quantile", "shrink", "shrunk")
"""Words a candidate should not meet in the plain part."""


@pytest.fixture(scope="module")
def section(real_tables):
    """The "Draw size and cutoff" section of the real feed (built once for this module)."""
    return model_section.report_section(*real_tables)


def words(blocks) -> str:
    """What a reader of ``blocks`` reads: paragraphs, figures' alt texts and captions, tables'
    captions and headers."""
    said = []
    for block in blocks:
        if isinstance(block, Text):
            said.append(block.text)
        elif isinstance(block, Figure):
            said += [block.alt, block.caption]
        elif isinstance(block, Table):
            said += [block.caption, *(header for header, _ in block.columns.values())]
    return "\n".join(said)


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


def test_report_section_is_content(section):
    assert isinstance(section, Section)
    assert (section.key, section.title) == ("models", "Draw size and cutoff")
    kinds = [type(block) for block in section.blocks]
    assert kinds[0] is Text and Table in kinds and Figure in kinds
    assert Text(models.CAVEAT) in section.blocks
    for block in section.blocks:
        if isinstance(block, Table):
            shown = block.formatted()
            assert not shown.empty
            assert not any("_" in header for header in shown.columns)  # human headers
        if isinstance(block, Figure):
            assert block.alt and block.caption


def test_report_section_in_plain_words_then_how_it_is_computed(section):
    at = [i for i, block in enumerate(section.blocks) if isinstance(block, Heading)]
    assert [section.blocks[i].text for i in at] == ["How this is computed"]
    plain, methods = words(section.blocks[: at[0]]), words(section.blocks[at[0] + 1 :])
    for word in JARGON:
        assert not re.search(rf"\b{word}", plain, re.IGNORECASE), word
    for word in METHOD_NAMES:
        assert re.search(rf"\b{word}", methods, re.IGNORECASE), word
    # the plain part says each program's effect as a range, computed, and which are not firm
    head = section.data["size_effects"]
    head = head[head["role"] == "headline"].set_index(["program", "estimate"])
    cec = head.loc[("cec", "within_regime")]
    assert cec["ci_high"] < 0  # a range of lower cutoffs, said from the nearer end
    assert f"between {-cec['ci_high']:.0f} and {-cec['ci_low']:.0f} points lower" in plain
    unsure = [p for (p, e), row in head.iterrows() if e != "pool_implied" and not row["qualifies"]]
    assert {"pnp", "healthcare"} <= set(unsure)
    for program in unsure:
        assert re.search(rf"{program_label(program)}: [^\n]*no firm answer", plain)
    record = models.evaluation(section.data["backtest"]).set_index(["period", "forecaster"])
    test = record.loc[("test", "forecaster")]
    assert (
        f"{test['mae']:.1f} points on average, against {test['naive_mae']:.1f} for simply "
        "taking the previous cutoff" in plain
    )


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
