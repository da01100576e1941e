"""Ranking and selection: pick the best of k simulated alternatives and say how sure we are.

`kim_nelson` is the fully sequential procedure KN of Kim & Nelson (2001, "A fully sequential
procedure for indifference-zone selection in simulation", ACM TOMACS 11(3):251-273). Its
guarantee: if the outputs are normal (replication means over a simulated season are close to
normal) and the best alternative's mean is at least ``delta`` above every other (the
indifference zone), it selects the best with probability at least ``1 - alpha``. It allows
common random numbers: it works on the variances of *differences*, so positively correlated
outputs (the same replication seeds for every alternative) make it stop sooner.

The procedure, maximising:

1. Take ``n0`` replications of every alternative; ``S2[i, l]`` is the sample variance of
   ``X_i - X_l`` over them.
2. ``eta = ((2 alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1) / 2`` and ``h2 = 2 eta (n0 - 1)``.
3. At stage ``r`` (replications so far) alternative ``i`` is eliminated if, for some other
   survivor ``l``, ``mean_i(r) < mean_l(r) - max(0, delta / (2 r) * (h2 S2[i, l] / delta**2 - r))``.
4. Stop when one survivor is left; otherwise take one more replication of each survivor.

The continuation region closes at ``r = h2 S2 / delta**2``, so KN always ends; a replication
cap or a time limit may stop it earlier, and then the result says the selection is not settled
(no guarantee) and which alternatives are still in contention.

`ocba_allocation` is the fixed-budget alternative (Chen, Lin, Yücesan & Chick 2000, "Simulation
budget allocation for further enhancing the efficiency of ordinal optimization", DEDS 10:251-270):
how to split further replications to maximise an approximate probability of correct selection.
`approximate_pcs` is the Bonferroni-type estimate behind it, reported beside KN's guarantee.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

__all__ = [
    "SelectionResult",
    "kim_nelson",
    "kn_constants",
    "ocba_allocation",
    "approximate_pcs",
]

Sampler = Callable[[Sequence[int], int, int], np.ndarray]
"""``sample(systems, first, count) -> array (len(systems), count)``: outputs of replications
``first .. first + count - 1`` of each system; replication ``r`` must use the same random
numbers for every system (common random numbers)."""


@dataclass(frozen=True)
class SelectionResult:
    """What a ranking-and-selection run chose, and how sure it is.

    Attributes:
        selected: index of the chosen alternative (largest mean among the survivors).
        settled: True when exactly one alternative survived (KN's guarantee applies).
        survivors: alternatives still in contention at the end.
        eliminated_at: replication count at which each alternative was eliminated (0: never).
        n: replications taken of each alternative.
        means: sample mean of each alternative over its replications.
        stds: sample standard deviation of each alternative.
        delta: indifference zone (objective units).
        alpha: 1 - the promised probability of correct selection.
        stop_reason: "one survivor", "replication cap" or "time limit".
        history: per stage, ``(replications, survivors, means of all alternatives)``; the
            means of eliminated alternatives stay at their last value.
    """

    selected: int
    settled: bool
    survivors: tuple[int, ...]
    eliminated_at: tuple[int, ...]
    n: tuple[int, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]
    delta: float
    alpha: float
    stop_reason: str
    history: tuple[tuple[int, tuple[int, ...], tuple[float, ...]], ...] = field(repr=False)

    def statement(self, labels: Sequence[str] | None = None) -> str:
        """The guarantee in one sentence, or what is still unsettled (named by ``labels``)."""
        if self.settled:
            return (
                f"If the best alternative is at least {self.delta:g} better than every other, "
                f"this one is the best with probability >= {1 - self.alpha:.0%} "
                "(Kim-Nelson indifference zone; normal outputs)."
            )
        return (
            f"Not settled ({self.stop_reason}): "
            + ", ".join(labels[i] if labels else str(i) for i in self.survivors)
            + " are still in contention; the one with the highest mean is reported, without a "
            "guarantee."
        )


def kn_constants(k: int, alpha: float, n0: int) -> tuple[float, float]:
    """KN's ``eta`` and ``h2`` for k alternatives, error ``alpha`` and first stage ``n0``."""
    if k < 2:
        raise ValueError("selection needs at least two alternatives")
    eta = 0.5 * ((2.0 * alpha / (k - 1)) ** (-2.0 / (n0 - 1)) - 1.0)
    return eta, 2.0 * eta * (n0 - 1)


def kim_nelson(
    sample: Sampler,
    k: int,
    *,
    delta: float,
    alpha: float = 0.05,
    n0: int = 10,
    max_n: int | None = None,
    batch: int = 1,
    time_limit_s: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SelectionResult:
    """Select the alternative with the largest mean by Kim & Nelson's procedure KN.

    Args:
        sample: draws replications (see `Sampler`); called with the survivors only.
        k: number of alternatives.
        delta: indifference zone > 0: the smallest difference worth detecting (objective units).
        alpha: 1 - the promised probability of correct selection, in (0, 1 - 1/k).
        n0: first-stage replications (>= 2).
        max_n: cap on replications per alternative (None: until KN ends by itself).
        batch: replications requested per call after the first stage; the elimination test
            still runs after every single replication, so eliminations happen at the stage KN
            would make them (a survivor eliminated mid-batch just wastes a few replications).
        time_limit_s: stop (unsettled) once this many seconds have passed.
        clock: the time source (seconds); injectable for tests.

    Returns:
        The `SelectionResult`.

    Raises:
        ValueError: on parameters outside their ranges.
    """
    _check_kn_arguments(k, delta, alpha, n0, max_n)
    _, h2 = kn_constants(k, alpha, n0)
    t0 = clock()
    cap = max_n if max_n is not None else 10**9
    table = _Replications(k, n0 if max_n is None else max_n)
    alive = list(range(k))
    table.put(alive, 0, _checked(sample(alive, 0, n0), len(alive), n0))
    diffs = table.data[:, None, :n0] - table.data[None, :, :n0]
    s2 = diffs.var(axis=2, ddof=1)
    n_taken = np.full(k, n0)
    eliminated_at = np.zeros(k, dtype=int)
    history: list[tuple[int, tuple[int, ...], tuple[float, ...]]] = []
    r = n0
    have = n0  # replications of the survivors already in the table
    while True:
        means = _means(table.data, eliminated_at, r)
        out = _eliminated(alive, means, s2, r, delta, h2)
        for i in out:
            eliminated_at[i] = r
        alive = [i for i in alive if i not in out]
        history.append((r, tuple(alive), tuple(float(v) for v in means)))
        stop_reason = _stop_reason(len(alive), r >= cap, time_limit_s, clock, t0)
        if stop_reason:
            break
        if r >= have:
            count = min(max(1, batch), cap - r)
            table.put(alive, r, _checked(sample(alive, r, count), len(alive), count))
            for i in alive:
                n_taken[i] = r + count
            have = r + count
        r += 1
    return _result(table.data, alive, eliminated_at, n_taken, r, stop_reason, history, delta, alpha)


def _stop_reason(
    n_alive: int,
    at_cap: bool,
    time_limit_s: float | None,
    clock: Callable[[], float],
    t0: float,
) -> str:
    """Why KN stops after this stage ('' to go on): one survivor, the cap or the clock.

    The clock is read only when the first two do not stop it (as often as before the split).
    """
    if n_alive <= 1:
        return "one survivor"
    if at_cap:
        return "replication cap"
    if time_limit_s is not None and clock() - t0 >= time_limit_s:
        return "time limit"
    return ""


def _result(
    data: np.ndarray,
    alive: list[int],
    eliminated_at: np.ndarray,
    n_taken: np.ndarray,
    r: int,
    stop_reason: str,
    history: list[tuple[int, tuple[int, ...], tuple[float, ...]]],
    delta: float,
    alpha: float,
) -> SelectionResult:
    """The selection at stop: the best survivor by its mean, and every alternative's record."""
    final_means = _means(data, eliminated_at, r)
    stds = np.array(
        [np.std(data[i, : (eliminated_at[i] or r)], ddof=1) for i in range(data.shape[0])],
        dtype=float,
    )
    if not alive:  # cannot happen (the best survivor is never below itself), kept for safety
        alive = [int(np.argmax(final_means))]
    selected = max(alive, key=lambda i: final_means[i])
    return SelectionResult(
        selected=int(selected),
        settled=len(alive) == 1,
        survivors=tuple(int(i) for i in alive),
        eliminated_at=tuple(int(v) for v in eliminated_at),
        n=tuple(int(v) for v in n_taken),
        means=tuple(float(v) for v in final_means),
        stds=tuple(float(v) for v in stds),
        delta=float(delta),
        alpha=float(alpha),
        stop_reason=stop_reason,
        history=tuple(history),
    )


def _check_kn_arguments(k: int, delta: float, alpha: float, n0: int, max_n: int | None) -> None:
    """Refuse parameters outside the ranges for which KN's guarantee holds."""
    if not delta > 0:
        raise ValueError(f"delta (the indifference zone) must be > 0, got {delta}")
    if not 0 < alpha < 1 - 1 / k:
        raise ValueError(f"alpha must be in (0, {1 - 1 / k:.3f}) for k={k}, got {alpha}")
    if n0 < 2:
        raise ValueError(f"n0 must be at least 2, got {n0}")
    if max_n is not None and max_n < n0:
        raise ValueError(f"max_n ({max_n}) must be at least n0 ({n0})")


class _Replications:
    """Replication values by alternative (rows) and replication (columns), NaN where not taken.

    Without a cap KN does not know how many replications it will need: the table doubles
    its width when a batch would not fit.
    """

    def __init__(self, k: int, width: int) -> None:
        self.data = np.full((k, width), np.nan)

    def put(self, systems: Sequence[int], first: int, values: np.ndarray) -> None:
        """Store ``values`` (one row per system) from replication ``first`` on."""
        need = first + values.shape[1]
        if need > self.data.shape[1]:
            grown = np.full((self.data.shape[0], max(need, 2 * self.data.shape[1])), np.nan)
            grown[:, : self.data.shape[1]] = self.data
            self.data = grown
        self.data[list(systems), first:need] = values


def _means(data: np.ndarray, eliminated_at: np.ndarray, r: int) -> np.ndarray:
    """Each alternative's mean over its first r replications (or until it was eliminated)."""
    return np.array(
        [np.mean(data[i, : (eliminated_at[i] or r)]) for i in range(data.shape[0])], dtype=float
    )


def _eliminated(
    alive: Sequence[int], means: np.ndarray, s2: np.ndarray, r: int, delta: float, h2: float
) -> list[int]:
    """KN's screening at stage r: the survivors whose mean falls below another's minus W_ij(r)."""
    out = []
    for i in alive:
        for j in alive:
            if i == j:
                continue
            w = max(0.0, delta / (2.0 * r) * (h2 * s2[i, j] / delta**2 - r))
            if means[i] < means[j] - w:
                out.append(i)
                break
    return out


def _checked(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != (rows, cols):
        raise ValueError(f"sample() returned shape {arr.shape}, expected {(rows, cols)}")
    if not np.isfinite(arr).all():
        raise ValueError("sample() returned a non-finite output")
    return arr


def approximate_pcs(means: Sequence[float], ses: Sequence[float]) -> float:
    """Bonferroni lower estimate of P(correct selection) of the largest sample mean.

    ``1 - sum_i P(mean_i > mean_b)`` with normal differences of standard error
    ``sqrt(se_b**2 + se_i**2)`` (Chen et al. 2000's APCS-B), clipped to [0, 1]. It treats the
    sample means as the true means, so it is an estimate, not a guarantee; it ignores the
    positive correlation of common random numbers and so understates the certainty.
    """
    m = np.asarray(means, dtype=float)
    s = np.asarray(ses, dtype=float)
    b = int(np.argmax(m))
    total = 0.0
    for i in range(len(m)):
        if i == b:
            continue
        sd = float(np.hypot(s[b], s[i]))
        gap = m[b] - m[i]
        total += 0.5 if sd == 0 and gap == 0 else (0.0 if sd == 0 else stats.norm.sf(gap / sd))
    return float(min(1.0, max(0.0, 1.0 - total)))


def ocba_allocation(means: Sequence[float], stds: Sequence[float], budget: int) -> np.ndarray:
    """OCBA: how many replications each alternative should have out of ``budget`` in total.

    Asymptotic rule of Chen et al. (2000) for selecting the largest mean:
    ``N_i / N_j = (s_i / d_i)**2 / (s_j / d_j)**2`` for non-best ``i, j`` (``d`` the gap to
    the best) and ``N_b = s_b * sqrt(sum_i N_i**2 / s_i**2)``. Rounded to integers that sum to
    ``budget``, every alternative at least 1.
    """
    m = np.asarray(means, dtype=float)
    s = np.maximum(np.asarray(stds, dtype=float), 1e-12)
    k = len(m)
    if budget < k:
        raise ValueError(
            f"a budget of {budget} cannot give each of {k} alternatives one replication"
        )
    b = int(np.argmax(m))
    gaps = np.maximum(m[b] - m, 1e-9 * max(1.0, float(np.abs(m).max())))
    ratio = (s / gaps) ** 2
    ratio[b] = 0.0
    ratio[b] = s[b] * np.sqrt(np.sum(np.delete(ratio, b) ** 2 / np.delete(s, b) ** 2))
    share = ratio / ratio.sum()
    alloc = np.maximum(1, np.floor(share * budget)).astype(int)
    while alloc.sum() > budget:
        alloc[int(np.argmax(alloc))] -= 1
    while alloc.sum() < budget:
        alloc[int(np.argmax(share * budget - alloc))] += 1
    return alloc
