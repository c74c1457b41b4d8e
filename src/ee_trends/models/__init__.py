"""How draw size relates to the cutoff: effects, a what-if forecaster, its evaluation.

Three questions, three functions:

- :func:`size_effects`: by how much does the cutoff move when a round of a
  program is twice as large? Per program, the headline effect within the
  current regime and the effect implied by the latest published pool, then
  robustness rows; every regression row with a 95% Newey-West interval, its
  rounds, its most influential round and the estimate without it.
- :func:`predict_cutoff`: if IRCC invites ``N`` people in a round of program
  ``P`` on a date, what cutoff should we expect, and how sure are we? A
  size-adjusted level plus a size slope (more invitations never raise the
  expected cutoff), with quantiles and :meth:`Prediction.prob_at_most`.
- :func:`backtest`: each round of the validation and test periods forecast
  from the rounds before it; :func:`evaluation` compares it with the previous
  cutoff (block-bootstrap interval of the MAE ratio, Diebold-Mariano test,
  calibration, pinball loss) and with the simple shrinkage :data:`BENCHMARK`.
- :func:`next_rounds`: when are the next rounds of a program likely? Simulated
  from the gaps between its recent rounds, with a chance of a pause
  (:func:`timing_backtest`, :func:`timing_evaluation`).
- :func:`chances`: with this score, eligible for these programs, what is the
  chance of an invitation within N weeks? Simulated rounds and cutoffs
  (:func:`chances_backtest`, :func:`chances_evaluation`).

Every time-dependent answer names the newest round and its age
(:class:`DataAge`) and warns past three weeks (``StaleDataWarning``).

The slopes are associations conditional on the pool, not causal effects.
The cutoff is an order statistic of the pool (:mod:`.structural`), and IRCC
chooses the size of a round knowing the pool: a large round may be run
*because* many candidates sit just under the last cutoff. Every estimate is
within program (PNP rounds are small with cutoffs above 700, French rounds
large with cutoffs near 400: a slope across programs would measure that).

Evaluation protocol: **validation**, 2022-07-06 to 2023-12-31 (PNP from
2019, :data:`VALIDATION_SINCE`), chooses every setting
(:func:`select_settings`: :data:`CHOSEN` is the lowest validation MAE of
:data:`SETTINGS_GRID`; a component is kept only if it wins there);
**test**, 2024 on, is reported once, whatever it is.

Modules: :mod:`.effects`, :mod:`.forecast` (with :mod:`.history`, the past forecasts, and
:mod:`.prediction`, the distribution), :mod:`.backtest`,
:mod:`.timing`, :mod:`.invitation` (chances), :mod:`.calibration`, :mod:`.text`
(findings in plain words), :mod:`.settings`, :mod:`.structural` (the pool
inverted), :mod:`.memo`; the charts and the report's section are in
:mod:`ee_trends.output`. statsmodels and matplotlib are imported inside the functions
that need them.
"""

from ee_trends.analysis.age import DataAge, data_age, default_date
from ee_trends.errors import (
    DateError,
    HorizonError,
    InvitationsError,
    PredictionError,
    TooFewRoundsError,
    UnknownProgramError,
    WindowError,
)
from ee_trends.models.backtest import (
    backtest,
    backtest_summary,
    evaluation,
    select_interval_scales,
    select_settings,
)
from ee_trends.models.calibration import (
    ChancesEvaluation,
    chances_backtest,
    chances_evaluation,
    select_chances_settings,
)
from ee_trends.models.effects import ESTIMATES, model_frame, size_effects, size_influence
from ee_trends.models.forecast import predict_curve, predict_cutoff
from ee_trends.models.history import pool_slope
from ee_trends.models.invitation import Chances, chances
from ee_trends.models.prediction import Prediction
from ee_trends.models.settings import (
    BENCHMARK,
    CHANCES_CHOSEN,
    CHOSEN,
    COVERAGE_AIM,
    GAIN_TARGET,
    INTERVAL_SCALES,
    LEVEL,
    MAIN_PROGRAMS,
    MAX_INVITATIONS,
    SETTINGS_GRID,
    TEST_SINCE,
    VALIDATION,
    VALIDATION_SINCE,
    ChancesSettings,
    ForecastSettings,
)
from ee_trends.models.text import (
    CAVEAT,
    effects_text,
    evaluation_text,
    record_text,
    robustness_text,
)
from ee_trends.models.timing import (
    NextRounds,
    next_rounds,
    timing_backtest,
    timing_evaluation,
)

__all__ = [
    "BENCHMARK",
    "CAVEAT",
    "CHANCES_CHOSEN",
    "CHOSEN",
    "INTERVAL_SCALES",
    "COVERAGE_AIM",
    "ESTIMATES",
    "GAIN_TARGET",
    "LEVEL",
    "MAIN_PROGRAMS",
    "MAX_INVITATIONS",
    "SETTINGS_GRID",
    "TEST_SINCE",
    "VALIDATION",
    "VALIDATION_SINCE",
    "Chances",
    "ChancesEvaluation",
    "ChancesSettings",
    "DataAge",
    "DateError",
    "ForecastSettings",
    "HorizonError",
    "InvitationsError",
    "NextRounds",
    "Prediction",
    "PredictionError",
    "TooFewRoundsError",
    "UnknownProgramError",
    "WindowError",
    "backtest",
    "backtest_summary",
    "chances",
    "chances_backtest",
    "chances_evaluation",
    "data_age",
    "default_date",
    "effects_text",
    "evaluation",
    "evaluation_text",
    "model_frame",
    "next_rounds",
    "pool_slope",
    "predict_cutoff",
    "predict_curve",
    "record_text",
    "robustness_text",
    "select_chances_settings",
    "select_interval_scales",
    "select_settings",
    "size_effects",
    "size_influence",
    "timing_backtest",
    "timing_evaluation",
]
