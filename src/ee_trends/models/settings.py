"""Settings of the models: the programs modelled, the forecaster's parameters, the periods.

Each was fixed a priori or selected on the validation period, as its
docstring says (see :mod:`ee_trends.models`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAIN_PROGRAMS: tuple[str, ...] = ("general", "cec", "pnp", "french", "healthcare")
"""The programs with enough rounds for a per-program model; their errors calibrate the intervals."""

LEVEL = 0.90
"""Coverage of the main prediction interval."""
QUANTILES: tuple[float, ...] = tuple(round(0.05 * k, 2) for k in range(1, 20))
"""The quantiles a forecast carries (and the pinball loss is averaged over)."""

# Size effects (fixed a priori, issue #8).
HEADLINE_ROUNDS = 20
"""A headline slope rests on at least this many rounds: the current regime, extended back."""
DROP_ONE_LIMIT = 3.0
"""A headline that leaving out one round moves by this many points per doubling is not one."""
POOL_SIZE_ROUNDS = 10
POOL_SIZE_STEPS = 7
"""Sizes (evenly spaced on a log scale) at which a doubling is read off a distribution."""
"""Last rounds of a program whose sizes the pool-implied effect is read over."""

# The forecaster: fixed a priori.
SLOPE_WINDOW = 40
"""Last rounds of a program whose changes estimate its size slope."""
SLOPE_PRIOR_ROUNDS = 10.0
"""Shrinkage of a program's own slope: the pooled within-program slope counts as this many."""
SLOPE_HALF_LIFE_DAYS = 365.0
"""Weight of a cutoff change in the slope halves with each year of age."""
PAUSE_DAYS = 180
"""A program paused longer than this starts afresh: its level uses no round before the pause."""
CALIBRATION_WINDOW = 100
"""Last out-of-sample errors (all main programs) that calibrate the predictive distribution."""
SCALE_WINDOW = 12
"""Last forecast errors of a program (else cutoff changes) that set its error scale."""
MIN_CALIBRATION = 20
"""Fewer past errors than this: a normal distribution of the error scale instead."""
SIZE_WIDENING = 0.25
"""The interval widens by this share per doubling outside the sizes the program has seen."""
MAX_TIME_WIDENING = 3.0
"""Widening with the time since the program's last round: ``sqrt(gap / usual gap)``, capped."""
MAX_INVITATIONS = 50_000
"""No round this large has been run (the largest: 27,332); a larger what-if is refused."""


@dataclass(frozen=True)
class ForecastSettings:
    """The forecaster's level and slope: ``last_weight`` x last + the rest x mean of ``rounds``.

    The level is a weighted mean of the program's size-adjusted cutoffs
    (``cutoff - slope x log2 invitations``): ``last_weight`` on the last one,
    the rest on the mean of the last ``rounds``. ``slope`` is where the size
    slope comes from: ``pooled`` (within-program, pooled over the main
    programs), ``own`` (the program's, shrunk toward the pooled one) or
    ``pool`` (read off the latest published pool distribution).
    """

    last_weight: float
    rounds: int
    slope: str


BENCHMARK = ForecastSettings(last_weight=0.3, rounds=8, slope="pooled")
"""The simple shrinkage forecaster of issue #8, a benchmark row of every evaluation."""
SETTINGS_GRID: tuple[ForecastSettings, ...] = tuple(
    ForecastSettings(w, k, s)
    for s in ("pooled", "own", "pool")
    for w in (0.3, 0.5, 1.0)
    for k in (4, 8, 12)
)
"""The settings compared on the validation period (:func:`ee_trends.models.select_settings`)."""
CHOSEN = ForecastSettings(last_weight=0.3, rounds=4, slope="own")
"""The setting of lowest validation MAE in :data:`SETTINGS_GRID` (checked by the test suite).

On the feed to 2026-08-07: the program's own (shrunk) slope beat the pooled
one, and the pool-implied slope lost to both, so it is not used."""

VALIDATION: tuple[str, str] = ("2022-07-06", "2023-12-31")
"""Validation period: every setting is selected on it."""
VALIDATION_SINCE: dict[str, str] = {"pnp": "2019-01-01"}
"""Programs whose validation period starts earlier: 2022-07 to 2023 holds 5 PNP rounds."""
TEST_SINCE = "2024-01-01"
"""Test period: from this date on, reported, never used to select."""
GAIN_TARGET = 0.15
"""The aim on the test period: a mean absolute error 15% below the naive forecast's."""
COVERAGE_AIM = (0.85, 0.95)
"""The aim for the share of cutoffs inside the 90% intervals."""
BOOTSTRAP_BLOCK = 5
"""Consecutive rounds per block in the block bootstrap of the MAE ratio."""
BOOTSTRAP_DRAWS = 2000
"""Bootstrap resamples."""
