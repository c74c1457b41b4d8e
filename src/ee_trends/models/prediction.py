"""A forecast's predictive distribution and the :class:`Prediction` it is returned as.

The distribution is the forecaster's own past out-of-sample errors on the
main programs (the last :data:`CALIBRATION_WINDOW`), standardised by their
error scale and widening (:class:`~ee_trends.models.history.Run`), rescaled
to one forecast.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ee_trends.analysis.age import DataAge
from ee_trends.formatting import plural
from ee_trends.models.history import History, Run
from ee_trends.models.settings import CALIBRATION_WINDOW, MAIN_PROGRAMS, MIN_CALIBRATION, QUANTILES


def calibration_errors(run: Run, history: History, on) -> np.ndarray:
    """The standardised errors of the main-program forecasts dated before ``on`` (the last
    :data:`CALIBRATION_WINDOW`), sorted; a normal sample when there are too few."""
    before = int(np.searchsorted(history.frame["draw_date"].to_numpy(), np.datetime64(on, "ns")))
    main = history.frame["program"].isin(MAIN_PROGRAMS).to_numpy()[:before]
    values = run.standard_error[:before][main]
    values = values[np.isfinite(values)][-CALIBRATION_WINDOW:]
    if len(values) < MIN_CALIBRATION:
        return _normal_errors()
    return np.sort(values)


def error_quantile(errors: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """The ``p`` quantile of sorted ``errors``, each at plotting position ``(k + 0.5) / m``:
    the inverse of :meth:`Prediction.prob_at_most`."""
    m = len(errors)
    return np.interp(p, (np.arange(m) + 0.5) / m, errors)


@functools.cache
def _normal_errors() -> np.ndarray:
    """A normal sample of mean absolute value 1 (the unit of the error scale), as quantiles."""
    from scipy.stats import norm

    return norm.ppf((np.arange(200) + 0.5) / 200) * math.sqrt(math.pi / 2)


@dataclass(frozen=True)
class Prediction:
    """A what-if forecast of the cutoff of one round, with its predictive distribution.

    ``estimate`` is the expected cutoff; ``low``-``high`` the central
    ``level`` interval; :meth:`quantile` and :meth:`prob_at_most` read the
    distribution (``estimate + spread x e`` over the past standardised
    errors ``e``, ``spread = scale x widening``). ``slope_per_doubling`` is
    the size slope used and ``slope_source`` where it comes from, in plain
    words; ``sizes_seen`` the smallest and largest of the program's recent
    rounds; ``last_round``, ``last_date``, ``last_invitations`` and
    ``last_cutoff`` its latest round; ``start_cutoff`` the size-adjusted
    level the forecast started from, as the expected cutoff at the last
    round's size; ``widening`` how much wider than usual the distribution is
    (outside the seen sizes, after a long gap); ``interval_scale`` the
    program's scale of the distribution (:data:`INTERVAL_SCALES`), included
    in ``spread``; ``usual_gap`` the median of its recent gaps in days;
    ``age`` how old the data is (:class:`~ee_trends.analysis.age.DataAge`).
    """

    program: str
    invitations: int
    on: pd.Timestamp
    estimate: float
    low: float
    high: float
    level: float
    slope_per_doubling: float
    slope_source: str
    sizes_seen: tuple[int, int]
    rounds_used: int
    last_round: str
    last_date: pd.Timestamp
    last_invitations: int
    last_cutoff: int
    start_cutoff: float
    widening: float
    spread: float
    errors: np.ndarray = field(repr=False)
    interval_scale: float = 1.0
    usual_gap: float = 30.0
    age: DataAge | None = None

    def __repr__(self) -> str:
        return (
            f"Prediction({self.program}, {self.invitations:,} invitations on {self.on:%Y-%m-%d}: "
            f"{self.estimate:.0f}, {self.level:.0%} interval {self.low:.0f} to {self.high:.0f}; "
            f"{self.age!r})"
        )

    def to_dict(self, score: float | None = None) -> dict:
        """The forecast as plain values (the CLI's ``--json``): dates as ``YYYY-MM-DD``; with
        ``score``, also ``score`` and ``prob_at_most`` (the chance it is invited)."""
        record = {
            "program": self.program,
            "invitations": self.invitations,
            "on": f"{self.on:%Y-%m-%d}",
            "expected_cutoff": round(self.estimate, 1),
            "level": self.level,
            "interval": [round(self.low, 1), round(self.high, 1)],
            "quantiles": {f"{p:.2f}": round(q, 1) for p, q in self.quantiles.items()},
            "slope_per_doubling": round(self.slope_per_doubling, 2),
            "slope_source": self.slope_source,
            "sizes_seen": list(self.sizes_seen),
            "rounds_used": self.rounds_used,
            "last_round": self.last_round,
            "last_date": f"{self.last_date:%Y-%m-%d}",
            "last_invitations": self.last_invitations,
            "last_cutoff": self.last_cutoff,
            "start_cutoff": round(self.start_cutoff, 1),
            "widening": round(self.widening, 2),
            "interval_scale": self.interval_scale,
            "spread": round(self.spread, 2),
            "data_age": self.age.to_dict() if self.age is not None else None,
        }
        if score is not None:
            record["score"] = score
            record["prob_at_most"] = round(self.prob_at_most(score), 3)
        return record

    def quantile(self, p: float) -> float:
        """The ``p`` quantile of the cutoff (``0 < p < 1``)."""
        if not 0 < p < 1:
            raise ValueError(f"quantile p must be between 0 and 1, not {p}")
        return float(self.estimate + self.spread * error_quantile(self.errors, p))

    @property
    def quantiles(self) -> dict[float, float]:
        """The quantiles of :data:`QUANTILES`, by probability."""
        return {p: self.quantile(p) for p in QUANTILES}

    def prob_at_most(self, score: float) -> float:
        """Probability that the cutoff is at or below ``score``: that ``score`` would be invited.

        Tie-breaks aside; the cutoff is a whole score, so this is the
        probability of a cutoff below ``score + 0.5``.
        """
        z = (float(score) + 0.5 - self.estimate) / self.spread
        m = len(self.errors)
        positions = (np.arange(m) + 0.5) / m
        return float(np.interp(z, self.errors, positions, left=0.0, right=1.0))

    def to_text(self, score: float | None = None) -> str:
        """The forecast in plain words (with ``score``: the chance it is invited)."""
        lo, hi = self.sizes_seen
        inside = lo <= self.invitations <= hi
        slope = self.slope_per_doubling
        text = (
            f"{_label(self.program)}, a round of {self.invitations:,} invitations on "
            f"{self.on:%Y-%m-%d}: expected cutoff {self.estimate:.0f} (a {self.level:.0%} chance "
            f"that it falls between {self.low:.0f} and {self.high:.0f}).\n"
            f"It starts from the latest round, #{self.last_round} on {self.last_date:%Y-%m-%d} "
            f"({self.last_invitations:,} invitations, cutoff {self.last_cutoff}), and the cutoffs "
            f"of its last {plural(self.rounds_used, 'round')}, adjusted for their sizes, which "
            f"put a round of {self.last_invitations:,} at {self.start_cutoff:.0f}.\n"
            f"A round twice as large has an expected cutoff {abs(slope):.1f} points "
            f"{'higher' if slope > 0 else 'lower'}, {self.slope_source}.\n"
            f"Its recent rounds had {lo:,} to {hi:,} invitations (this size is "
            f"{'inside' if inside else 'outside'} that range) and its latest round was "
            f"{plural((self.on - self.last_date).days, 'day')} before"
            + (
                f": the range is {self.widening:.1f} times its usual width."
                if self.widening > 1.005
                else "."
            )
        )
        if score is not None:
            text += (
                f"\nChance that the cutoff is {score:.0f} or lower (a candidate with "
                f"{score:.0f} points invited, tie-breaks aside): {self.prob_at_most(score):.0%}."
            )
        if self.age is not None:
            text += f"\nData: {self.age.to_text()}."
        return text

    def __str__(self) -> str:
        return self.to_text()


def _label(program: str) -> str:
    from ee_trends.programs import program_label

    return program_label(program)
