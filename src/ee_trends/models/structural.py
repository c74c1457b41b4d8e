"""A structural estimate of the cutoff: invert the published CRS distribution of the pool.

IRCC invites the top ``N`` eligible candidates, so the cutoff of a round is
the score ``c`` at which the number of eligible candidates scoring ``c`` or
more reaches ``N``. With the pool distribution published with each round
(:func:`ee_trends.load_pool`), that is an order statistic we can compute:

1. **Spread each range over its scores** (:func:`score_density`). The 10-point
   ranges of 401-500 are spread evenly, which is harmless. The wide ranges are
   not: the density falls steeply above 500, so an even spread over 501-600
   puts far too many candidates near 600 and biases the cutoff up. Inside
   501-600 the density is an exponential that continues the 491-500 density
   (continuous at 500) and holds exactly the published count. Inside 601-1200
   (candidates with a provincial nomination, +600 points) the shape is the
   pool's own shape over 1-600 shifted by 600, scaled to the published count.
2. **Take the rounds of the same pool out in order** (:func:`deplete`). Every
   round of a week is published with the same distribution, dated before the
   first of them; each later round of that week draws from a pool the
   earlier rounds have already invited from. A round with cutoff ``c_k`` and
   ``n_k`` invitations removes ``n_k`` candidates from the scores ``>= c_k``,
   in proportion to the density there (its invitees are some of the
   candidates above its cutoff, not all of the top ones).
3. **Scale the pool to the candidates eligible for the round**
   (:func:`eligible_share`). A program round (CEC, French, healthcare ...)
   draws only from its eligible candidates. The share ``f`` of candidates
   above the cutoff who were eligible, ``f = N / S(c)``, is measured on the
   program's earlier rounds with a published distribution (the median of
   the last ten, on the log scale), and the cutoff of a new round solves
   ``S(c) = N / f``.

Limits: the pool is a snapshot taken days before the round (new profiles and
expiries in between are ignored); ``f`` drifts as a program's share of the
pool changes; and for PNP rounds, which invite almost every candidate above
600, the cutoff is the lowest nominee's score, which the counts barely pin
down. :func:`structural_check` reports how close the estimate comes, round by
round, on the rounds whose distribution was published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ee_trends.analysis.aggregate import in_round_order
from ee_trends.data.fields import MAX_SCORE

ELIGIBLE_WINDOW = 10
"""Earlier rounds of a program whose eligible share ``f`` is averaged."""


def score_density(ranges: pd.DataFrame) -> np.ndarray:
    """Candidates at each CRS score 0..1200 from one published distribution.

    Parameters
    ----------
    ranges
        The pool rows of one round: ``score_min``, ``score_max``, ``candidates``
        (the 15 leaf ranges of :func:`ee_trends.load_pool`).

    Returns
    -------
    numpy.ndarray
        Length 1201; element ``s`` is the (fractional) number of candidates
        with score ``s``. Each range holds exactly its published count.
    """
    density = np.zeros(MAX_SCORE + 1)
    rows = ranges[["score_min", "score_max", "candidates"]].to_numpy(float, na_value=np.nan)
    rows = rows[~np.isnan(rows[:, 2])]
    wide = {}
    for lo, hi, count in rows[np.argsort(rows[:, 0], kind="stable")]:
        lo, hi = int(lo), int(hi)
        if lo >= 501:
            wide[(lo, hi)] = count
            continue
        density[lo : hi + 1] = count / (hi - lo + 1)
    if (501, 600) in wide:
        density[501:601] = _exponential_fill(density[491:501].mean(), wide[(501, 600)], 100)
    if (601, 1200) in wide:
        base = density[1:601]
        total = base.sum()
        shape = base / total if total > 0 else np.full(600, 1 / 600)
        density[601:1201] = wide[(601, 1200)] * shape
    for (lo, hi), count in wide.items():
        if (lo, hi) not in {(501, 600), (601, 1200)}:
            density[lo : hi + 1] = count / (hi - lo + 1)
    return density


def _exponential_fill(start: float, count: float, width: int) -> np.ndarray:
    """``width`` values ``a exp(-k i)`` continuing density ``start``, adding up to ``count``."""
    if count <= 0:
        return np.zeros(width)
    steps = np.arange(1, width + 1)
    if start <= 0:
        start = count / width

    def excess(rate: float) -> float:
        return float((start * np.exp(-rate * steps)).sum() - count)

    try:
        rate = brentq(excess, -0.2, 2.0)
    except ValueError:  # the count cannot be matched from that start: even spread
        return np.full(width, count / width)
    return start * np.exp(-rate * steps)


def survival(density: np.ndarray) -> np.ndarray:
    """``S[s]``: candidates with score ``s`` or more."""
    return density[::-1].cumsum()[::-1]


def invert(density: np.ndarray, target: float) -> float:
    """The score ``c`` at which the candidates scoring ``c`` or more reach ``target``.

    The highest whole score whose count reaches ``target``, plus the fraction
    of the next score's candidates needed (so the answer is continuous in
    ``target``). Returns 0 when the whole pool holds fewer than ``target``
    candidates.
    """
    return _invert_counts(survival(density), target)


def _invert_counts(above: np.ndarray, target: float) -> float:
    """Invert a non-increasing count-above curve: see :func:`invert`."""
    reached = np.flatnonzero(above >= target)
    if len(reached) == 0:
        return 0.0
    c = int(reached[-1])
    if c >= MAX_SCORE:
        return float(MAX_SCORE)
    step = above[c] - above[c + 1]
    return float(c + ((above[c] - target) / step if step > 0 else 0.0))


def deplete(density: np.ndarray, cutoff: float, invitations: float) -> np.ndarray:
    """The density after a round invited ``invitations`` candidates scoring ``cutoff`` or more."""
    out = density.copy()
    start = int(np.ceil(cutoff))
    above = out[start:].sum()
    if above <= 0:
        return out
    out[start:] *= max(0.0, 1 - invitations / above)
    return out


def pool_density(pool: pd.DataFrame, draw_id: str) -> np.ndarray:
    """:func:`score_density` of the distribution published with round ``draw_id``."""
    return score_density(pool[pool["draw_id"] == draw_id])


def _depleted(density: np.ndarray, rounds: pd.DataFrame, since: pd.Timestamp) -> np.ndarray:
    """``density`` less, in order, every round of ``rounds`` dated on or after ``since``."""
    rounds = rounds[rounds["draw_date"] >= since]
    for cutoff, invitations in zip(rounds["crs_cutoff"], rounds["invitations"], strict=True):
        density = deplete(density, float(cutoff), float(invitations))
    return density


@dataclass(frozen=True)
class Share:
    """``log f(c) = a + b (clamp(c, lo, hi) - 500) / 100``: the eligible share at score ``c``."""

    a: float
    b: float
    lo: float
    hi: float

    def at(self, scores: np.ndarray | float) -> np.ndarray:
        clamped = np.clip(scores, self.lo, self.hi)
        return np.exp(np.clip(self.a + self.b * (clamped - 500) / 100, -20, 0))


def eligible_share(history: pd.DataFrame, window: int = ELIGIBLE_WINDOW) -> Share:
    """The share of candidates eligible for a program, as a function of the score.

    ``log f(c) = a + b (c' - 500) / 100`` with ``c'`` the score clamped to the
    range of the cutoffs it was fitted on (no extrapolation of the slope),
    fitted by least squares to the
    realised shares ``f = N / S(cutoff)`` of the last ``window`` rounds in
    ``history`` (columns ``realised_share`` and ``crs_cutoff``). The share
    changes with the score (a program's candidates are not spread like the
    whole pool), so a small round and a large one see different shares. The
    slope is shrunk toward 0 (a ridge penalty worth three rounds) and needs
    cutoffs at least 5 points apart; with one round the share is its share,
    with none it is 1 (the whole pool).
    """
    frame = history[["realised_share", "crs_cutoff"]].dropna()
    frame = frame[frame["realised_share"] > 0].tail(window)
    if frame.empty:
        return Share(0.0, 0.0, 0.0, MAX_SCORE)
    y = np.log(frame["realised_share"].to_numpy(float))
    x = (frame["crs_cutoff"].to_numpy(float) - 500) / 100
    lo, hi = float(frame["crs_cutoff"].min()), float(frame["crs_cutoff"].max())
    if len(frame) < 3 or np.ptp(x) < 0.05:
        return Share(float(np.median(y)), 0.0, lo, hi)
    xc = x - x.mean()
    slope = float((xc * (y - y.mean())).sum() / ((xc**2).sum() + 3 * 0.25**2))
    return Share(float(np.median(y - slope * x)), slope, lo, hi)


def invert_eligible(density: np.ndarray, target: float, share: Share) -> float:
    """The score ``c`` with ``f(c) S(c) = target``: :func:`invert` on the eligible candidates."""
    scores = np.arange(MAX_SCORE + 1)
    eligible = survival(density) * share.at(scores)
    # eligible count above c, made non-increasing so the inversion is well defined
    eligible = np.minimum.accumulate(eligible)
    return _invert_counts(eligible, target)


_SHARE_COLUMNS = ["realised_share", "crs_cutoff"]


def doubling_effect(
    density: np.ndarray, share: Share, sizes: np.ndarray, *, nominees: bool
) -> np.ndarray:
    """``c(2N) - c(N)`` for each ``N`` of ``sizes``: the effect of doubling a round, off a pool.

    ``share`` is the program's eligible share; without ``nominees`` (every
    program but PNP) the 601+ block of the distribution is left out. NaN
    where the eligible pool holds fewer than ``2 N`` candidates.
    """
    if not nominees:
        density = density.copy()
        density[601:] = 0.0
    cutoffs = np.array([invert_eligible(density, n, share) for n in (*sizes, *(2 * sizes))])
    cutoffs[cutoffs <= 0] = np.nan  # the eligible pool holds fewer than that: no answer
    return cutoffs[len(sizes) :] - cutoffs[: len(sizes)]


def recent_doubling_effects(
    density: np.ndarray,
    draws: pd.DataFrame,
    shares: dict[str, pd.DataFrame],
    program: str,
    *,
    before: pd.Timestamp | None = None,
) -> np.ndarray:
    """:func:`doubling_effect` of ``program`` on ``density`` at its recent sizes.

    The sizes run from the smallest to half the largest of the program's last
    :data:`~ee_trends.models.settings.POOL_SIZE_ROUNDS` rounds (before
    ``before``, when given), or the smallest alone; the eligible share is
    fitted on its rounds of ``shares`` (:func:`shares_by_program`) before
    ``before``. Empty when the program has no such round.
    """
    from ee_trends.models.settings import POOL_SIZE_STEPS

    seen = recent_size_range(draws, program, before=before)
    if seen is None:
        return np.array([])
    mine = shares.get(program, pd.DataFrame(columns=["draw_date", *_SHARE_COLUMNS]))
    if before is not None:
        mine = mine[mine["draw_date"] < before]
    lo, hi = seen
    sizes = np.geomspace(lo, max(lo, hi / 2), POOL_SIZE_STEPS)
    return doubling_effect(density, eligible_share(mine), sizes, nominees=program == "pnp")


def recent_size_range(
    draws: pd.DataFrame, program: str, *, before: pd.Timestamp | None = None
) -> tuple[float, float] | None:
    """Smallest and largest size of the program's last ``POOL_SIZE_ROUNDS`` rounds (before
    ``before``, when given); None without a round."""
    from ee_trends.models.settings import POOL_SIZE_ROUNDS

    own = draws[draws["program"].astype(str) == program]
    if before is not None:
        own = own[own["draw_date"] < before]
    if own.empty:
        return None
    sizes = own.sort_values("draw_date", kind="stable")["invitations"].astype(float)
    lo, hi = sizes.tail(POOL_SIZE_ROUNDS).agg(["min", "max"])
    return float(lo), float(hi)


def shares_by_program(draws: pd.DataFrame, pool: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per program, the realised eligible shares of :func:`structural_check`, computed once.

    Program -> its rounds with a distribution: ``draw_date``,
    ``realised_share``, ``crs_cutoff`` (oldest first); the input of
    :func:`eligible_share`. Cached on the content of ``draws`` and ``pool``.
    """
    from ee_trends.models.memo import cached, content_key

    def compute() -> dict[str, pd.DataFrame]:
        check = structural_check(draws, pool)
        if check.empty:
            return {}
        columns = ["draw_date", "realised_share", "crs_cutoff"]
        return {str(p): part[columns] for p, part in check.groupby("program", sort=False)}

    key = content_key(
        draws[["draw_id", "draw_date", "program", "invitations", "crs_cutoff", "pool_as_of"]], pool
    )
    return cached("shares_by_program", key, compute)


def structural_check(draws: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """The structural estimate of every round with a published distribution, against its cutoff.

    Each round is estimated from its own published distribution (less the
    earlier rounds of the same snapshot) and the eligible share of its
    program measured on the *earlier* rounds only, so the share is never
    fitted on the round it predicts. The distribution itself is published with
    the round, so this checks the mechanism, it is not a forecast.

    Returns
    -------
    pandas.DataFrame
        One row per round with a distribution: ``draw_id``, ``draw_date``,
        ``program``, ``invitations``, ``crs_cutoff``, ``whole_pool_estimate``
        (``S(c) = N`` on the whole pool), ``eligible_share`` (``f`` used),
        ``structural_estimate`` (``S(c) = N / f``), ``error``
        (estimate minus cutoff), ``realised_share`` (``N / S(cutoff)``).
    """
    draws = _ordered(draws, pool)
    published = {str(k): part for k, part in pool.groupby("draw_id", sort=False, observed=True)}
    rows = []
    shares: dict[str, list[float]] = {}
    for position, row in enumerate(draws.itertuples(index=False)):
        if pd.isna(row.pool_as_of) or str(row.draw_id) not in published:
            continue  # no distribution published with this round
        # the pool it faced: its distribution less the earlier rounds drawn from it
        density = _depleted(
            score_density(published[str(row.draw_id)]), draws.iloc[:position], row.pool_as_of
        )
        program, invitations, cutoff = str(row.program), float(row.invitations), int(row.crs_cutoff)
        share = eligible_share(pd.DataFrame(shares.get(program, []), columns=_SHARE_COLUMNS))
        realised = invitations / max(survival(density)[cutoff], 1.0)
        estimate = invert_eligible(density, invitations, share)
        rows.append(
            {
                "draw_id": row.draw_id,
                "draw_date": row.draw_date,
                "program": program,
                "invitations": int(row.invitations),
                "crs_cutoff": cutoff,
                "whole_pool_estimate": invert(density, invitations),
                "eligible_share": float(share.at(estimate)),
                "structural_estimate": estimate,
                "error": estimate - cutoff,
                "realised_share": realised,
            }
        )
        shares.setdefault(program, []).append((realised, cutoff))
    return pd.DataFrame(rows)


def structural_accuracy(check: pd.DataFrame) -> pd.DataFrame:
    """Per program and overall: rounds, mean absolute and mean error of the structural estimate.

    Shown with the whole-pool estimate (no eligible share) for comparison.
    Only rounds with at least one earlier round of their program (so with a
    share measured on history) are counted, except for all-program
    (``general``) rounds, which are all counted: their first round, with no
    earlier one, is estimated on the whole pool (share 1), and an
    all-program round draws from the whole pool anyway.
    """
    scored = check[check.duplicated("program", keep="first") | (check["program"] == "general")]
    scored = scored.assign(
        abs_error=scored["error"].abs(),
        whole_pool_abs_error=(scored["whole_pool_estimate"] - scored["crs_cutoff"]).abs(),
    )

    def summary(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(
            {
                "rounds": len(frame),
                "first_date": frame["draw_date"].min(),
                "last_date": frame["draw_date"].max(),
                "mae": frame["abs_error"].mean(),
                "median_abs_error": frame["abs_error"].median(),
                "mean_error": frame["error"].mean(),
                "within_10_points": (frame["abs_error"] <= 10).mean(),
                "whole_pool_mae": frame["whole_pool_abs_error"].mean(),
            }
        )

    table = scored.groupby("program", observed=True, sort=False).apply(summary)
    table.loc["overall"] = summary(scored)
    return table.reset_index().rename(columns={"index": "program"})


def _ordered(draws: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Rounds oldest first, ``pool_as_of`` set to the date of the snapshot actually published.

    IRCC sometimes republishes a snapshot under a later date: the distribution
    of round #252 (dated 2023-06-28) is, count for count, that of #251 (dated
    2023-06-27), so #251's 4,300 invitations were already out of it. A
    distribution identical to one published with an earlier round takes that
    round's date (only earlier rounds are looked at: no look-ahead).
    """
    draws = in_round_order(draws).reset_index(drop=True)
    counts = pool.pivot_table(
        index="draw_id", columns="score_min", values="candidates", aggfunc="first"
    )
    signature = counts.fillna(-1).astype("int64").astype(str).agg("|".join, axis=1)
    key = draws["draw_id"].map(signature)
    snapshot = draws["pool_as_of"].groupby(key).cummin()
    return draws.assign(pool_as_of=snapshot.reindex(draws.index).fillna(draws["pool_as_of"]))
