"""How draw size relates to the cutoff (rewrite in progress)."""

from ee_trends.models.backtest import backtest, backtest_summary, backtest_text, evaluation, select_settings
from ee_trends.models.effects import model_frame, size_effects, size_influence
from ee_trends.models.forecast import Prediction, predict_cutoff, predict_curve
from ee_trends.models.settings import MAIN_PROGRAMS, CHOSEN, BENCHMARK
