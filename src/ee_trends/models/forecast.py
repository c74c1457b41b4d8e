"""The what-if forecaster: a size-adjusted level with a predictive distribution.

For a round of ``N`` invitations of program ``P`` on a date, from the rounds
before it:

1. **Size slope** ``b`` (points per doubling, never above 0): by default the
   within-program slope pooled over the main programs, a Huber-weighted
   regression of each program's cutoff changes on its log2 size changes
   (program levels cancel); see :class:`ForecastSettings` for the others.
2. **Level**: the program's size-adjusted cutoffs ``cutoff - b log2 N`` since
   its last pause, ``w`` x the last one + ``(1 - w)`` x the mean of the last ``k``.
3. **Expected cutoff** ``level + b log2 N``: more invitations never raise it.
4. **Distribution**: the forecaster's own past out-of-sample errors on the
   main programs (the last :data:`CALIBRATION_WINDOW`), each divided by its
   program's error scale and widening at the time, rescaled to this forecast:
   quantiles and ``prob_at_most``. It widens outside the sizes the program has
   seen and with the time since its last round.

The past forecasts are computed once per history
(:func:`~ee_trends.models.history.forecast_history`), cached on its content,
and shared by the backtest and every what-if; the distribution and the
:class:`~ee_trends.models.prediction.Prediction` it is returned as are in
:mod:`.prediction`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ee_trends import programs
from ee_trends.analysis.age import data_age, default_date, warn_if_stale
from ee_trends.data.feed import whole_number
from ee_trends.errors import (
    DateError,
    HorizonError,
    InvitationsError,
    TooFewRoundsError,
)
from ee_trends.formatting import plural
from ee_trends.models.history import (
    error_scale,
    forecast_history,
    point_forecast,
    pool_slope,
    segment_start,
    slopes_for,
    usual_gap,
)
from ee_trends.models.prediction import Prediction, calibration_errors, error_quantile
from ee_trends.models.settings import (
    CHOSEN,
    INTERVAL_SCALES,
    LEVEL,
    MAX_HORIZON_DAYS,
    MAX_INVITATIONS,
    MIN_REGIME_ROUNDS,
    SLOPE_WINDOW,
    ForecastSettings,
)

SLOPE_SOURCES: dict[str, str] = {
    "pooled": "judging by how the cutoffs of the main programs moved with the size of their rounds",
    "own": "judging by how this program's cutoffs moved with the size of its rounds, weighed "
    "together with the other main programs'",
    "pool": "judging by the scores in the latest published pool",
}
"""Where a forecast's size slope comes from, in plain words."""


def check_program(draws: pd.DataFrame, program: str) -> str:
    """The program key of ``draws`` matching ``program`` (any case): :func:`ee_trends.programs.
    check_program` among the programs of ``draws``, so the keys an error offers are the ones
    a forecast accepts."""
    return programs.check_program(program, draws["program"].astype(str).unique())


def regime_rounds(draws: pd.DataFrame, program: str, on) -> int:
    """The rounds of ``program`` dated before ``on`` since its last long pause (0 without any)."""
    own = draws.loc[draws["program"].astype(str) == program, "draw_date"]
    dates = np.sort(own[own < pd.Timestamp(on)].to_numpy())
    return len(dates) - segment_start(dates, len(dates)) if len(dates) else 0


def predict_cutoff(
    draws: pd.DataFrame,
    *,
    program: str,
    invitations: int,
    on: str | pd.Timestamp | None = None,
    pool: pd.DataFrame | None = None,
    level: float = LEVEL,
    settings: ForecastSettings = CHOSEN,
) -> Prediction:
    """Expected cutoff and predictive distribution of a round of ``invitations`` in ``program``.

    Uses only the rounds of ``draws`` dated before ``on`` (later rows,
    including rounds on ``on`` itself, are ignored) and, with ``pool``,
    the distributions published before ``on``. The method is in the
    module docstring; the settings (:data:`CHOSEN`) were selected on the
    validation period. More invitations never raise the expected cutoff.

    ``on`` defaults to :func:`ee_trends.analysis.age.default_date`. The result
    names the newest round and its age (``age``); past :data:`STALE_DAYS` it
    warns (:class:`ee_trends.errors.StaleDataWarning`).

    Two forecasts are refused rather than given a wide interval: a date more
    than :data:`MAX_HORIZON_DAYS` after the newest round (policy and the pool
    change over half a year; nothing in the rounds says how), and a program
    with fewer than :data:`MIN_REGIME_ROUNDS` rounds since its last long
    pause (its level and error scale would rest on one or two cutoffs, so
    any interval would look more certain than it is).

    Raises
    ------
    UnknownProgramError
        ``program`` is not a program key of ``draws`` (matched ignoring case).
    InvitationsError
        ``invitations`` is not a whole number from 1 to :data:`MAX_INVITATIONS`.
    DateError
        ``on`` is not after the program's first round.
    HorizonError
        ``on`` is more than :data:`MAX_HORIZON_DAYS` after the newest round.
    TooFewRoundsError
        the program has fewer than :data:`MIN_REGIME_ROUNDS` rounds since its last pause.
    """
    program = check_program(draws, program)
    if not whole_number(invitations):
        raise InvitationsError(f"invitations must be a whole number, not {invitations!r}")
    if not 1 <= invitations <= MAX_INVITATIONS:
        raise InvitationsError(
            f"invitations must be from 1 to {MAX_INVITATIONS:,} (the largest round so far "
            f"invited {int(draws['invitations'].max()):,}), not {invitations:,}"
        )
    on = default_date(draws) if on is None else pd.Timestamp(on)
    age = data_age(draws, on)
    if age.days > MAX_HORIZON_DAYS:
        raise HorizonError(
            f"{on:%Y-%m-%d} is {age.days} days after the newest round (#{age.newest_round} of "
            f"{age.newest_date:%Y-%m-%d}): forecasts reach at most {MAX_HORIZON_DAYS} days "
            "(26 weeks) past it"
        )
    history = forecast_history(draws, pool if settings.slope == "pool" else None)
    series = history.series[program]
    n = int(np.searchsorted(series.dates, on.to_datetime64()))
    if n == 0:
        raise DateError(
            f"no {program} round before {on:%Y-%m-%d}: its rounds start "
            f"{pd.Timestamp(series.dates[0]):%Y-%m-%d}"
        )
    count = regime_rounds(draws, program, on)
    if count < MIN_REGIME_ROUNDS:
        raise TooFewRoundsError(
            f"{program} has {plural(count, 'round')} since its last pause before "
            f"{on:%Y-%m-%d}; a forecast needs at least {MIN_REGIME_ROUNDS}"
        )
    warn_if_stale(age)
    counts = {
        key: int(np.searchsorted(s.dates, on.to_datetime64())) for key, s in history.series.items()
    }
    pool_value = np.nan
    if settings.slope == "pool" and pool is not None:
        pool_value = pool_slope(draws, pool, program, on)
    slopes = slopes_for(history.series, counts, program, pool_value)
    size = math.log2(invitations)
    point = point_forecast(
        history.series, counts, program, size, on.to_datetime64(), slopes, settings
    )
    run = history.run(settings)
    own_rows = np.flatnonzero((history.frame["program"] == program).to_numpy())[:n]
    own_errors = history.frame["cutoff"].to_numpy()[own_rows] - run.estimate[own_rows]
    interval_scale = INTERVAL_SCALES.get(program, 1.0)
    scale = error_scale(own_errors, point.scale) * interval_scale
    errors = calibration_errors(run, history, on)
    spread = scale * point.widening
    tail = (1 - level) / 2
    seen = 2 ** series.size[max(0, n - SLOPE_WINDOW) : n]
    last_size = float(series.size[n - 1])
    last_row = history.frame.iloc[own_rows[-1]]
    return Prediction(
        program=program,
        invitations=int(invitations),
        on=on,
        estimate=point.estimate,
        low=float(point.estimate + spread * error_quantile(errors, tail)),
        high=float(point.estimate + spread * error_quantile(errors, 1 - tail)),
        level=level,
        slope_per_doubling=point.slope,
        slope_source=SLOPE_SOURCES[point.slope_source],
        sizes_seen=(int(round(seen.min())), int(round(seen.max()))),
        rounds_used=min(settings.rounds, n - point.start),
        last_round=str(last_row["draw_id"]),
        last_date=pd.Timestamp(last_row["draw_date"]),
        last_invitations=int(last_row["invitations"]),
        last_cutoff=int(last_row["crs_cutoff"]),
        start_cutoff=point.level + point.slope * last_size,
        widening=point.widening,
        spread=spread,
        errors=errors,
        interval_scale=interval_scale,
        usual_gap=usual_gap(series, n),
        age=age,
    )


def predict_curve(
    draws: pd.DataFrame,
    *,
    program: str,
    on: str | pd.Timestamp,
    invitations: list[int] | np.ndarray | None = None,
    pool: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`predict_cutoff` over a range of sizes: the what-if curve.

    By default 25 sizes spread (log scale) from half the smallest to twice
    the largest of the sizes the program has seen. Returns ``invitations``,
    ``estimate``, ``low``, ``high`` (the 90% interval), ``q25``, ``q75`` and
    ``seen_low``, ``seen_high`` (the sizes seen).
    """
    first = predict_cutoff(draws, program=program, invitations=1000, on=on, pool=pool)
    if invitations is None:
        lo, hi = first.sizes_seen
        invitations = np.unique(
            np.geomspace(max(lo / 2, 1), min(hi * 2, MAX_INVITATIONS), 25).round()
        )
    predictions = [
        predict_cutoff(draws, program=program, invitations=int(n), on=on, pool=pool)
        for n in invitations
    ]
    return pd.DataFrame(
        {
            "invitations": [p.invitations for p in predictions],
            "estimate": [p.estimate for p in predictions],
            "low": [p.low for p in predictions],
            "high": [p.high for p in predictions],
            "q25": [p.quantile(0.25) for p in predictions],
            "q75": [p.quantile(0.75) for p in predictions],
            "seen_low": first.sizes_seen[0],
            "seen_high": first.sizes_seen[1],
        }
    )
