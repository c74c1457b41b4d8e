"""The models' findings in plain words, computed from their tables (never typed in)."""

from __future__ import annotations

import pandas as pd

from ee_trends.models.settings import COVERAGE_AIM, DROP_ONE_LIMIT, GAIN_TARGET, MAIN_PROGRAMS
from ee_trends.programs import program_label

CAVEAT = (
    "These are associations conditional on the pool: IRCC chooses the size of a round "
    "knowing the pool, so a large round may be run because many candidates sit just under "
    "the last cutoff."
)


def _points(value: float) -> str:
    return f"{abs(value):.1f} points {'lower' if value < 0 else 'higher'}"


def effects_text(effects: pd.DataFrame) -> str:
    """The headline effects of :func:`ee_trends.models.size_effects`, a sentence per program."""
    sentences = []
    for program, rows in effects[effects["role"] == "headline"].groupby("program", sort=False):
        rows = rows.set_index("estimate")
        name = program_label(program)
        parts = []
        if "within_regime" in rows.index:
            r = rows.loc["within_regime"]
            parts.append(
                f"{name}: when a round is twice as large, its cutoff is "
                f"{_points(r['effect_per_doubling'])}"
                f" (95% interval {r['ci_low']:+.1f} to {r['ci_high']:+.1f}; "
                f"{int(r['n'])} rounds from {r['first_date']:%Y-%m-%d} "
                f"to {r['last_date']:%Y-%m-%d})"
            )
            if not r["qualifies"]:
                parts[-1] += (
                    f", but leaving out round #{r['influential_round']} moves it to "
                    f"{r['without_influential']:+.1f}, more than {DROP_ONE_LIMIT:.0f} points, "
                    "so it is not a firm figure"
                )
        if "too_few_rounds" in rows.index:
            parts.append(f"{name}: no estimate ({rows.loc['too_few_rounds', 'note']})")
        if "pool_implied" in rows.index and rows.loc["pool_implied", "qualifies"]:
            r = rows.loc["pool_implied"]
            parts.append(
                f"the latest published pool implies {r['effect_per_doubling']:+.1f} per doubling"
            )
        if parts:
            sentences.append("; ".join(parts) + ".")
    return " ".join(sentences)


def robustness_text(effects: pd.DataFrame) -> str:
    """How the full-sample fits differ from the headline, and which round drives them."""
    sentences = []
    for program, rows in effects[effects["role"] == "robustness"].groupby("program", sort=False):
        rows = rows.set_index("estimate")
        if "full_sample" not in rows.index:
            continue
        full = rows.loc["full_sample"]
        sentences.append(
            f"{program_label(program)}, all rounds since {full['first_date']:%Y}: OLS "
            f"{full['effect_per_doubling']:+.1f} ({full['without_influential']:+.1f} without round "
            f"#{full['influential_round']} of {full['influential_date']:%Y-%m-%d}), median "
            f"regression {rows.loc['median', 'effect_per_doubling']:+.1f}, Huber "
            f"{rows.loc['huber', 'effect_per_doubling']:+.1f}."
        )
    return " ".join(sentences)


def evaluation_text(table: pd.DataFrame) -> str:
    """The :func:`ee_trends.models.evaluation` in plain words: the test figures first."""
    sentences = []
    labels = (
        ("test", "On the test rounds (since 2024)"),
        ("validation", "On the validation rounds (mid-2022 to 2023; PNP from 2019)"),
    )
    for period, label in labels:
        rows = table[table["period"] == period].set_index("forecaster")
        if rows.empty:
            continue
        f, b = rows.loc["forecaster"], rows.loc["benchmark"]
        sentences.append(
            f"{label}, {int(f['rounds'])} rounds, the forecaster misses the cutoff by "
            f"{f['mae']:.1f} points on average against {f['naive_mae']:.1f} for the previous "
            f"cutoff: a ratio of {f['ratio']:.2f} (90% bootstrap interval {f['ratio_low']:.2f} "
            f"to {f['ratio_high']:.2f}; Diebold-Mariano z {f['dm_stat']:+.2f}, p "
            f"{f['dm_p_value']:.2f}); the simple benchmark scores {b['mae']:.1f} (ratio "
            f"{b['ratio']:.2f}). Its 50% and 90% intervals held {f['coverage50']:.0%} and "
            f"{f['coverage']:.0%} of the cutoffs; its mean pinball loss is {f['pinball']:.2f} "
            f"against {f['naive_pinball']:.2f} for the previous cutoff with its past errors."
        )
        if "geometric_ratio" in f:
            sentences.append(_program_ratios_text(f))
        if period == "test":
            low, high = COVERAGE_AIM
            ratio_met = f["ratio"] <= 1 - GAIN_TARGET
            coverage_met = low <= f["coverage"] <= high
            sentences.append(
                f"The aim was a ratio of {1 - GAIN_TARGET:.2f} or less with {low:.0%} to "
                f"{high:.0%} of the cutoffs inside the 90% intervals: the ratio "
                f"{'meets' if ratio_met else 'misses'} it, the coverage "
                f"{'meets' if coverage_met else 'misses'} it."
            )
    return " ".join(sentences)


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
        f"By program, the ratio to the previous cutoff is {', '.join(ratios)}; their geometric "
        f"mean, which counts every program once, is {row['geometric_ratio']:.2f}."
    )
    if missing:
        text += f" This period holds no round of {' or '.join(missing)}."
    return text
