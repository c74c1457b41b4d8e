"""How draw size relates to the cutoff: effect estimates, a what-if forecaster, and its backtest.

The package: :mod:`.effects` (size effects), :mod:`.forecast` (the what-if
forecaster), :mod:`.backtest` (its evaluation), :mod:`.settings` (the
parameters, each with how it was chosen) and :mod:`.section` (the report's
section); everything public is importable from ``ee_trends.models``.

Three questions, three functions:

- :func:`size_effects`: by how much does the cutoff move when a round of a
  program is twice as large? Regression of the cutoff on ``log2``
  (invitations), within each program, with robustness fits.
- :func:`predict_cutoff`: if IRCC invites ``N`` people in a round of program
  ``P`` on a date, what cutoff should we expect, and how sure are we?
- :func:`backtest`: how good is that forecaster, out of sample, against the
  naive "same cutoff as last time" and a linear trend?
  :func:`backtest_periods` runs it over a validation and a test period, and
  :func:`select_combination` scores the combination settings on validation.

Read the slopes (of :func:`size_effects` and inside the forecaster) as
associations, not causal effects. The cutoff is an order
statistic of the pool (see :mod:`ee_trends.structural`), and IRCC chooses the
size of a round knowing the pool: a large round may be run *because* many
candidates sit just under the last cutoff. The size effect mixes the
mechanical effect (more invitations reach further down) with that choice.
Programs differ in both level and size (PNP rounds are small with cutoffs
above 700, French rounds large with cutoffs near 400), so a slope pooled
across programs without program effects would be dominated by that
confounding; every estimate here is within program.

The forecaster (:func:`predict_cutoff`) combines six candidate forecasts
(:data:`CANDIDATES`): the first design's model (a smoothed, size-adjusted
level, with the structural pool-based estimate for general and CEC rounds and
CEC's restart from the latest all-program round after a pause) and five
simple ones (the last cutoff, the mean of the last 3, and three forecasts
moved along an OLS size slope fitted on the program's last 20 rounds). Per
program and per origin, each candidate is scored by its out-of-sample
absolute errors on the program's last :data:`COMBINATION_WINDOW` rounds
(each forecast from the rounds before it) and the combination follows
:data:`WEIGHTING`. The 90% interval is conformal, from the combined
forecast's own past out-of-sample errors.

Evaluation protocol. The backtest (:func:`backtest_periods`) reports two
periods, every round forecast from the rounds (and pool distributions)
published before its date:

- **validation**, 2022-07-06 (all-program rounds restarted) to 2023-12-31,
  and for PNP, which had only 5 rounds then, 2019-01-01 to 2023-12-31
  (:data:`VALIDATION_SINCE`): 90 rounds, 30 all-program, 53 PNP, none CEC;
- **test**, 2024-01-01 on: the period of issue #4.

The first design (slope, smoothing, pause rules, interval) was built while
looking at the test period, so its test figures are optimistic. Every choice
made since is selected on the validation period only (or per origin on the
history before it), and the test figures are reported once, whatever they
are: the structural component for the programs drawn from the whole pool
(:data:`STRUCTURAL_PROGRAMS`, :data:`STRUCTURAL_WEIGHT`,
:data:`STRUCTURAL_RESIDUALS`, chosen on the 30 validation all-program
rounds; CEC, without validation rounds, borrows them), the decision not to
shrink the forecast toward the naive one, and the combination window and
weighting (:func:`select_combination`: windows 8, 12, 20 rounds, inverse-MAE
or best-only weights, lowest overall validation MAE). The candidate set
itself was prototyped while looking at the test period. The validation
differences between combination settings are small and rest largely on the
5 French validation rounds; nothing program-specific is selected on the few
French (5) and healthcare (2) validation rounds.

Which rounds an estimate rests on: the simple candidates and the weights
use only the program's own rounds since its last pause of more than
:data:`PAUSE_DAYS` days (with none, the model alone is used); the model uses
up to :data:`SLOPE_WINDOW` of them and the slope pooled over the main
programs; the interval, the last :data:`CALIBRATION_WINDOW` main-program
forecast errors. :attr:`Prediction.based_on` states them for one forecast.

statsmodels is imported inside the functions that need it, never by
``import ee_trends``.
"""

from ee_trends.models.backtest import (
    backtest,
    backtest_periods,
    backtest_summary,
    backtest_text,
    combination_scores,
    select_combination,
)
from ee_trends.models.effects import (
    model_frame,
    size_effects,
    size_influence,
)
from ee_trends.models.forecast import (
    Prediction,
    predict_curve,
    predict_cutoff,
)
from ee_trends.models.section import (
    report_section,
)
from ee_trends.models.settings import (
    CALIBRATION_WINDOW,
    CANDIDATES,
    COMBINATION_WINDOW,
    COVERAGE_AIM,
    GAIN_TARGET,
    LEVEL,
    MAIN_PROGRAMS,
    OUTLIER_ROUNDS,
    PAUSE_DAYS,
    PROXIES,
    REGRESSION_WINDOW,
    SCALE_WINDOW,
    SLOPE_HALF_LIFE_DAYS,
    SLOPE_PRIOR_ROUNDS,
    SLOPE_WINDOW,
    SMOOTHING_GRID,
    SMOOTHING_WINDOW,
    STRUCTURAL_PROGRAMS,
    STRUCTURAL_RESIDUALS,
    STRUCTURAL_WEIGHT,
    TEST_SINCE,
    VALIDATION,
    VALIDATION_SINCE,
    WEIGHTING,
)

__all__ = [
    "MAIN_PROGRAMS",
    "OUTLIER_ROUNDS",
    "LEVEL",
    "SMOOTHING_GRID",
    "SMOOTHING_WINDOW",
    "SLOPE_WINDOW",
    "SLOPE_PRIOR_ROUNDS",
    "CALIBRATION_WINDOW",
    "SCALE_WINDOW",
    "SLOPE_HALF_LIFE_DAYS",
    "PAUSE_DAYS",
    "PROXIES",
    "STRUCTURAL_PROGRAMS",
    "STRUCTURAL_WEIGHT",
    "STRUCTURAL_RESIDUALS",
    "VALIDATION",
    "VALIDATION_SINCE",
    "CANDIDATES",
    "REGRESSION_WINDOW",
    "COMBINATION_WINDOW",
    "WEIGHTING",
    "GAIN_TARGET",
    "COVERAGE_AIM",
    "TEST_SINCE",
    "model_frame",
    "size_effects",
    "size_influence",
    "Prediction",
    "predict_cutoff",
    "predict_curve",
    "backtest",
    "backtest_periods",
    "select_combination",
    "combination_scores",
    "backtest_summary",
    "backtest_text",
    "report_section",
]
