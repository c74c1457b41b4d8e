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

# The age of the data and the limits of a forecast (fixed a priori, issue #15).
MAX_HORIZON_DAYS = 182
"""A forecast for a date more than 26 weeks after the newest round is refused."""
MIN_REGIME_ROUNDS = 3
"""A forecast of a program with fewer rounds since its last long pause is refused."""

# Interval scales per program (issue #15), chosen on the rounds before the test period.
SCALE_SINCE = "2019-01-01"
"""The interval scales are chosen on each program's forecast rounds from this date to the end
of the validation period (the validation period alone holds no CEC round)."""
MIN_SCALE_ROUNDS = 10
"""A program with fewer rounds to choose its interval scale on keeps the scale 1."""
SCALE_GRID: tuple[float, ...] = tuple(round(0.5 + 0.05 * k, 2) for k in range(31))
"""The interval scales compared (0.5 to 2.0)."""
INTERVAL_SCALES: dict[str, float] = {"general": 1.25, "cec": 0.85, "pnp": 1.2}
"""Per program, the factor on the spread of its predictive distribution
(:func:`ee_trends.models.select_interval_scales`; checked by the test suite); 1 when absent.

On the feed to 2026-08-07: French (5 rounds before 2024) and healthcare (2) have too few
rounds to choose on, so they keep 1."""


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

# Round timing and the chance of an invitation (issue #15).
GAP_ROUNDS = 12
"""Last gaps of a program (since its last long pause) that its next gaps are drawn from;
also its last sizes a simulated round's size is drawn from."""
GAP_JITTER = 0.15
"""A simulated gap is a recent gap times ``exp(GAP_JITTER x z)``, ``z`` standard normal
(fixed a priori: rounds keep their cadence to a few days)."""
PATHS = 4000
"""Simulated paths of rounds per program (a probability's Monte Carlo error is at most 0.8
percentage points)."""
SEED = 15
"""Seed of the simulations: every call gives the same answer."""
MAX_WEEKS = 26
"""The longest window of :func:`ee_trends.models.chances` and :func:`next_rounds`."""
BACKTEST_EVERY_DAYS = 14
"""Origins of the timing and chances backtests: every two weeks."""
BASELINE_WEEKS = 52
"""The baseline of the backtests: the share of the trailing 52 weeks' windows of that length
in which it happened."""
BACKTEST_BLOCK = 13
"""Consecutive origins per block of the block bootstrap of a Brier skill (half a year)."""


@dataclass(frozen=True)
class ChancesSettings:
    """How a simulated round's cutoff follows the previous one's.

    ``reversion``: the correlation of a round's error with the previous
    round's (0: independent; near 1: the cutoffs stay together, reverting
    slowly to the program's level). ``widen``: each round's distribution
    widens with the time since the program's last real round, as
    :func:`ee_trends.models.predict_cutoff` widens (``True``), or every round
    keeps the first round's width (``False``).
    """

    reversion: float
    widen: bool


CHANCES_GRID: tuple[ChancesSettings, ...] = tuple(
    ChancesSettings(r, w) for w in (True, False) for r in (0.0, 0.5, 0.8, 0.95, 0.99)
)
"""The settings compared on the origins before the test period
(:func:`ee_trends.models.select_chances_settings`)."""
CHANCES_CHOSEN = ChancesSettings(reversion=0.95, widen=False)
"""The one of lowest Brier score there (checked by the test suite)."""
