"""The models' findings in words, computed from their tables (never typed in).

Two registers. In plain words, for a candidate, without a method's name:
:data:`CAVEAT`, :func:`effects_text` (what a larger round does to the cutoff)
and :func:`record_text` (how the forecaster did against the previous cutoff).
For the technical reader, with the methods and their figures:
:func:`effects_method_text`, :func:`robustness_text`, :func:`forecaster_text`
and :func:`evaluation_text`. Each returns its paragraphs separated by a blank
line (Markdown's paragraphs; the report makes each one a paragraph).
"""

from __future__ import annotations

import pandas as pd

from ee_trends.formatting import plural
from ee_trends.models.settings import (
    BENCHMARK,
    CHOSEN,
    COVERAGE_AIM,
    DROP_ONE_LIMIT,
    GAIN_TARGET,
    HEADLINE_ROUNDS,
    LEVEL,
    MAIN_PROGRAMS,
    SLOPE_PRIOR_ROUNDS,
    SLOPE_WINDOW,
    TEST_SINCE,
    VALIDATION,
    VALIDATION_SINCE,
)
from ee_trends.programs import program_label

PARAGRAPH = "\n\n"
"""What separates the paragraphs of a text."""

CAVEAT = (
    "These figures say what went together in past rounds, not what a larger round causes: "
    "IRCC picks the size of a round knowing the pool, so a large round may be held because "
    "many candidates sit just under the last cutoff."
)

SLOPE_METHODS: dict[str, str] = {
    "pooled": "a Huber-weighted regression of the cutoff changes on the log2 size changes, "
    "pooled over the main programs",
    "own": "the program's own Huber-weighted regression of its cutoff changes on its log2 size "
    f"changes over its last {SLOPE_WINDOW} rounds, shrunk toward the slope pooled over the "
    f"main programs (which counts as {SLOPE_PRIOR_ROUNDS:.0f} rounds)",
    "pool": "read off the latest published pool distribution",
}
"""Each setting of the forecaster's size slope, for the technical reader."""

# --------------------------------------------------------------------------- plain words


def _number(value: float, percent: bool) -> str:
    return f"{abs(value):.0%}" if percent else f"{abs(value):.0f}"


def _change(value: float, *, percent: bool = False) -> str:
    """A change in plain words: ``6 points lower``, ``1 point higher``, ``13% smaller``."""
    if percent:
        return f"{_number(value, True)} {'smaller' if value < 0 else 'larger'}"
    points = plural(round(abs(value)), "point")
    return f"{points} {'lower' if value < 0 else 'higher'}"


def _between(low: float, high: float, *, percent: bool = False) -> str:
    """The range of a change: ``between 5 and 8 points lower``, or ``anywhere from 9 points
    lower to 1 point higher`` when it holds changes both ways."""
    if low < 0 < high:
        return f"anywhere from {_change(low, percent=percent)} to {_change(high, percent=percent)}"
    near, far = sorted((low, high), key=abs)
    return f"between {_number(near, percent)} and {_change(far, percent=percent)}"


def effects_text(effects: pd.DataFrame) -> str:
    """The headline effects of :func:`ee_trends.models.size_effects` in plain words: a
    paragraph per program, with how sure it is as a range, and the programs with no firm
    answer said so."""
    paragraphs = [
        "What happens to the cutoff (the lowest score invited) when a round is twice as large, "
        "by program, judging by its recent rounds:"
    ]
    for program, rows in effects[effects["role"] == "headline"].groupby("program", sort=False):
        parts = _program_effect(rows.set_index("estimate"))
        if parts:
            paragraphs.append(f"{program_label(program)}: " + "; ".join(parts) + ".")
    return PARAGRAPH.join(paragraphs)


def _program_effect(rows: pd.DataFrame) -> list[str]:
    """One program's headline rows (indexed by estimate) as clauses in plain words."""
    parts = []
    if "within_regime" in rows.index:
        r = rows.loc["within_regime"]
        parts.append(
            f"{_change(r['effect_per_doubling'])}, very likely "
            f"{_between(r['ci_low'], r['ci_high'])} ({int(r['n'])} rounds from "
            f"{r['first_date']:%Y-%m-%d} to {r['last_date']:%Y-%m-%d})"
        )
        if not r["qualifies"]:
            parts.append(
                f"no firm answer: leaving out one round (#{r['influential_round']}) alone "
                f"makes it {_change(r['without_influential'])}"
            )
    if "too_few_rounds" in rows.index:
        parts.append(f"no firm answer yet, too few rounds ({rows.loc['too_few_rounds', 'note']})")
    if "pool_implied" in rows.index and rows.loc["pool_implied", "qualifies"]:
        effect = rows.loc["pool_implied", "effect_per_doubling"]
        parts.append(f"the scores in the latest published pool point to {_change(effect)}")
    return parts


def record_text(table: pd.DataFrame) -> str:
    """The forecaster's record on the test rounds of :func:`ee_trends.models.evaluation` in
    plain words: its misses against the previous cutoff's, the programs where it did worse,
    how often its ranges held the cutoff; ``""`` without test rounds."""
    rows = table[table["period"] == "test"].set_index("forecaster")
    if rows.empty:
        return ""
    f = rows.loc["forecaster"]
    text = (
        f"How well the forecaster does: each of the {int(f['rounds'])} rounds since "
        f"{TEST_SINCE} was forecast from the rounds before it, as the next round is. It missed "
        f"the cutoff by {f['mae']:.1f} points on average, against {f['naive_mae']:.1f} for simply "
        f"taking the previous cutoff: misses {_change(f['ratio'] - 1, percent=True)}, likely "
        f"{_between(f['ratio_low'] - 1, f['ratio_high'] - 1, percent=True)}."
    )
    worse = [program_label(p) for p in MAIN_PROGRAMS if f.get(f"ratio_{p}", 0) > 1]
    if worse:
        text += f" It did worse than the previous cutoff for {' and '.join(worse)}."
    return text + (
        f" Its ranges meant to hold {LEVEL:.0%} of the cutoffs held {f['coverage']:.0%} of them."
    )


# --------------------------------------------------------------------------- the methods


def effects_method_text() -> str:
    """How the size effects are computed, a paragraph per idea."""
    return PARAGRAPH.join(
        [
            "Each program's headline is an OLS regression of the cutoff on log2 of the "
            "invitations, the log of the days since the program's previous round and regime "
            f"dummies, on the rounds of its current regime extended back to {HEADLINE_ROUNDS} "
            "rounds. Its interval is a 95% Newey-West (HAC) interval.",
            f"A headline is firm when leaving out any one round moves it by less than "
            f"{DROP_ONE_LIMIT:.0f} points per doubling.",
            "The pool-implied effect reads the cutoff of a round, and of one twice as large, off "
            "the latest published distribution of the pool's scores, at the program's recent "
            "sizes.",
        ]
    )


def robustness_text(effects: pd.DataFrame) -> str:
    """How the full-sample fits (OLS, median, Huber) differ from the headline, and which round
    drives them: a paragraph saying what they are, then one per program; ``""`` without."""
    paragraphs = []
    for program, rows in effects[effects["role"] == "robustness"].groupby("program", sort=False):
        rows = rows.set_index("estimate")
        if "full_sample" not in rows.index:
            continue
        full = rows.loc["full_sample"]
        paragraphs.append(
            f"{program_label(program)}, all rounds since {full['first_date']:%Y}: OLS "
            f"{full['effect_per_doubling']:+.1f} ({full['without_influential']:+.1f} without round "
            f"#{full['influential_round']} of {full['influential_date']:%Y-%m-%d}), median "
            f"regression {rows.loc['median', 'effect_per_doubling']:+.1f}, Huber "
            f"{rows.loc['huber', 'effect_per_doubling']:+.1f}."
        )
    if not paragraphs:
        return ""
    intro = (
        "The robustness checks fit all of a program's rounds three ways: OLS, median regression "
        "and Huber regression; the OLS fit is also given without the round that moves it most."
    )
    return PARAGRAPH.join([intro, *paragraphs])


def forecaster_text() -> str:
    """How the what-if forecaster (:data:`CHOSEN`) and its intervals are computed."""
    return PARAGRAPH.join(
        [
            f"The forecaster's level is {CHOSEN.last_weight:.1f} x the program's last "
            f"size-adjusted cutoff + {1 - CHOSEN.last_weight:.1f} x the mean of its last "
            f"{CHOSEN.rounds}; its size slope is {SLOPE_METHODS[CHOSEN.slope]}.",
            "Its predictive distribution is its own past out-of-sample errors on the main "
            "programs, scaled to the forecast at hand; it widens outside the sizes a program "
            "has seen and after a long gap since its last round.",
        ]
    )


def evaluation_text(table: pd.DataFrame) -> str:
    """The :func:`ee_trends.models.evaluation` with its figures, the test period first: per
    period a paragraph each on the errors (with the Diebold-Mariano test), the shrinkage
    benchmark, the intervals and pinball loss, the programs (and for the test period the
    aim)."""
    paragraphs = []
    labels = (
        ("test", f"Test rounds (since {TEST_SINCE})", "Test rounds"),
        ("validation", _validation_label(), "Validation rounds"),
    )
    for period, first, label in labels:
        rows = table[table["period"] == period].set_index("forecaster")
        if rows.empty:
            continue
        f, b = rows.loc["forecaster"], rows.loc["benchmark"]
        paragraphs.append(_errors_text(first, f))
        paragraphs.append(
            f"{label}: the simple shrinkage benchmark ({BENCHMARK.last_weight:.1f} x last + "
            f"{1 - BENCHMARK.last_weight:.1f} x the mean of the last {BENCHMARK.rounds} "
            f"size-adjusted cutoffs, pooled slope) scores {b['mae']:.1f} (ratio {b['ratio']:.2f})."
        )
        paragraphs.append(
            f"{label}: the 50% and 90% intervals held {f['coverage50']:.0%} and "
            f"{f['coverage']:.0%} of the cutoffs; the mean pinball loss is {f['pinball']:.2f} "
            f"against {f['naive_pinball']:.2f} for the previous cutoff with its past errors."
        )
        if "geometric_ratio" in f:
            paragraphs.append(f"{label}: {_program_ratios_text(f)}")
        if period == "test":
            paragraphs.append(_aim_text(f))
    return PARAGRAPH.join(paragraphs)


def _validation_label() -> str:
    """The validation period, with the programs whose period starts earlier."""
    earlier = "".join(f"; {program_label(p)} from {d}" for p, d in VALIDATION_SINCE.items())
    return f"Validation rounds ({VALIDATION[0]} to {VALIDATION[1]}{earlier})"


def _errors_text(label: str, f: pd.Series) -> str:
    """The forecaster's mean absolute error in a period against the previous cutoff's."""
    return (
        f"{label}, {int(f['rounds'])} rounds: the forecaster's mean absolute error is "
        f"{f['mae']:.1f} points against {f['naive_mae']:.1f} for the previous cutoff, a ratio "
        f"of {f['ratio']:.2f} (90% block-bootstrap interval {f['ratio_low']:.2f} to "
        f"{f['ratio_high']:.2f}); the Diebold-Mariano test of equal accuracy gives z "
        f"{f['dm_stat']:+.2f}, p {f['dm_p_value']:.2f}."
    )


def _aim_text(f: pd.Series) -> str:
    """Whether the test figures meet the aims fixed beforehand."""
    low, high = COVERAGE_AIM
    ratio_met = f["ratio"] <= 1 - GAIN_TARGET
    coverage_met = low <= f["coverage"] <= high
    return (
        f"The aim was a ratio of {1 - GAIN_TARGET:.2f} or less with {low:.0%} to "
        f"{high:.0%} of the cutoffs inside the 90% intervals: the ratio "
        f"{'meets' if ratio_met else 'misses'} it, the coverage "
        f"{'meets' if coverage_met else 'misses'} it."
    )


def _program_ratios_text(row: pd.Series) -> str:
    """Each main program's ratio to the previous cutoff, their geometric mean, and the programs
    without a round in the period."""
    ratios = [
        f"{program_label(p)} {row[f'ratio_{p}']:.2f} ({int(row[f'rounds_{p}'])} rounds)"
        for p in MAIN_PROGRAMS
        if row.get(f"rounds_{p}", 0) > 0
    ]
    missing = [program_label(p) for p in MAIN_PROGRAMS if row.get(f"rounds_{p}", 0) == 0]
    text = (
        f"by program, the ratio to the previous cutoff is {', '.join(ratios)}; their geometric "
        f"mean, which counts every program once, is {row['geometric_ratio']:.2f}."
    )
    if missing:
        text += f" This period holds no round of {' or '.join(missing)}."
    return text
