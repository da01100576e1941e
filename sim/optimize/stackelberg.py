"""Stackelberg equilibria of two-player normal-form games: the patrol side commits first.

The patrol side (the *leader*) commits to a mixed allocation; the smugglers (the *follower*)
see it and respond. Two follower models:

- **Best response** (`solve_stackelberg`): the strong Stackelberg equilibrium by the
  multiple-LPs method of Conitzer & Sandholm (2006, "Computing the optimal strategy to commit
  to", EC'06, section 4). For each follower pure strategy ``j`` one linear program finds the
  leader mix that maximises the leader's payoff subject to ``j`` being a best response; the
  best feasible LP wins. The incentive constraints are weak inequalities, so a follower that is
  indifferent plays what suits the leader: that is the *strong* equilibrium (ties broken in
  the leader's favour), the one the security-games literature (PROTECT, ARMOR) deploys.
- **Quantal response** (`solve_quantal_stackelberg`): the follower plays ``j`` with
  probability proportional to ``exp(rationality * follower payoff of j)`` (logit quantal
  response, as PROTECT's attacker: Shieh et al. 2012, AAMAS). The leader's payoff is then a
  smooth but non-concave function of its mix, so we maximise it numerically: a grid over the
  simplex to find the basin, then SLSQP from the best grid points. Meant for small games
  (a handful of leader strategies); the answer is a local optimum refined from the best of
  the grid, not a certificate.

Payoff arrays have shape (leader pure strategies, follower pure strategies); larger is better
for the player whose array it is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog, minimize

__all__ = [
    "StackelbergSolution",
    "QuantalSolution",
    "solve_stackelberg",
    "solve_quantal_stackelberg",
    "follower_best_responses",
]

_TIE_TOL = 1e-9
"""Relative tolerance (of the payoff range) for two LP values to count as a tie (assumption)."""


@dataclass(frozen=True)
class StackelbergSolution:
    """A strong Stackelberg equilibrium.

    Attributes:
        leader_mixed: the leader's committed mixed strategy (sums to 1).
        follower_response: index of the follower's best response (ties broken for the leader).
        leader_value: the leader's expected payoff at the equilibrium.
        follower_value: the follower's expected payoff at the equilibrium.
        feasible: for each follower pure strategy, whether some leader mix makes it a best
            response (whether its LP was feasible).
        lp_values: the optimum of each follower strategy's LP (NaN where infeasible).
    """

    leader_mixed: tuple[float, ...]
    follower_response: int
    leader_value: float
    follower_value: float
    feasible: tuple[bool, ...]
    lp_values: tuple[float, ...]

    @property
    def leader_array(self) -> np.ndarray:
        """The leader's mix as a numpy array."""
        return np.asarray(self.leader_mixed, dtype=float)


@dataclass(frozen=True)
class QuantalSolution:
    """The leader's best commitment against a logit quantal-responding follower.

    Attributes:
        leader_mixed: the leader's committed mixed strategy.
        follower_mixed: the follower's response probabilities at that commitment.
        leader_value: the leader's expected payoff.
        follower_value: the follower's expected payoff.
        rationality: the logit parameter (1/payoff unit): 0 is uniform play, large values
            approach the best response.
    """

    leader_mixed: tuple[float, ...]
    follower_mixed: tuple[float, ...]
    leader_value: float
    follower_value: float
    rationality: float


def _check(leader_payoff: np.ndarray, follower_payoff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(leader_payoff, dtype=float)
    b = np.asarray(follower_payoff, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or 0 in a.shape:
        raise ValueError(
            "leader_payoff and follower_payoff must be 2-D arrays of the same non-empty shape "
            f"(leader strategies x follower strategies); got {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("payoffs must be finite numbers")
    return a, b


def follower_best_responses(
    follower_payoff: np.ndarray, leader_mixed: np.ndarray, tol: float = 1e-9
) -> np.ndarray:
    """Indices of the follower's best responses to a leader mix (within ``tol``)."""
    u = np.asarray(leader_mixed, dtype=float) @ np.asarray(follower_payoff, dtype=float)
    return np.flatnonzero(u >= u.max() - tol)


def solve_stackelberg(
    leader_payoff: np.ndarray, follower_payoff: np.ndarray
) -> StackelbergSolution:
    """Strong Stackelberg equilibrium by one LP per follower pure strategy (HiGHS).

    For follower strategy ``j`` the LP is: maximise ``x @ leader_payoff[:, j]`` over the
    simplex, subject to ``x @ (follower_payoff[:, j] - follower_payoff[:, k]) >= 0`` for every
    ``k``. Among feasible LPs the largest optimum wins; an exact tie between follower
    strategies goes to the one the follower prefers, then the lowest index (deterministic).

    Args:
        leader_payoff: (m, n) payoffs of the leader (patrol side).
        follower_payoff: (m, n) payoffs of the follower (smugglers).

    Returns:
        The equilibrium; see `StackelbergSolution`.

    Raises:
        ValueError: on arrays of the wrong shape or with non-finite entries.
    """
    a, b = _check(leader_payoff, follower_payoff)
    m, n = a.shape
    scale = max(float(np.ptp(a)), 1.0)
    feasible: list[bool] = []
    values: list[float] = []
    mixes: list[np.ndarray | None] = []
    for j in range(n):
        # linprog minimises c @ x subject to A_ub @ x <= b_ub: negate objective and constraints.
        others = [k for k in range(n) if k != j]
        a_ub = (b[:, others] - b[:, [j]]).T if others else None
        b_ub = np.zeros(len(others)) if others else None
        res = linprog(
            -a[:, j],
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=np.ones((1, m)),
            b_eq=np.ones(1),
            bounds=[(0.0, 1.0)] * m,
            method="highs",
        )
        ok = res.status == 0
        feasible.append(bool(ok))
        if ok:
            x = np.clip(res.x, 0.0, None)
            x = x / x.sum()
            mixes.append(x)
            values.append(float(x @ a[:, j]))
        else:
            mixes.append(None)
            values.append(float("nan"))
    best_val = max(v for v in values if not np.isnan(v))  # some LP is always feasible
    tied = [j for j in range(n) if feasible[j] and values[j] >= best_val - _TIE_TOL * scale]
    j_star = max(tied, key=lambda j: (float(mixes[j] @ b[:, j]), -j))
    x_star = mixes[j_star]
    assert x_star is not None
    return StackelbergSolution(
        leader_mixed=tuple(float(v) for v in x_star),
        follower_response=int(j_star),
        leader_value=float(x_star @ a[:, j_star]),
        follower_value=float(x_star @ b[:, j_star]),
        feasible=tuple(feasible),
        lp_values=tuple(values),
    )


def _quantal(b: np.ndarray, x: np.ndarray, rationality: float) -> np.ndarray:
    u = rationality * (x @ b)
    w = np.exp(u - u.max())
    return np.asarray(w / w.sum())


def _simplex_grid(m: int, steps: int) -> np.ndarray:
    """All points of the simplex in R^m with coordinates in multiples of 1/steps."""
    pts = [c for c in itertools.product(range(steps + 1), repeat=m - 1) if sum(c) <= steps]
    arr = np.array([[*c, steps - sum(c)] for c in pts], dtype=float)
    return arr / steps


def solve_quantal_stackelberg(
    leader_payoff: np.ndarray,
    follower_payoff: np.ndarray,
    rationality: float,
    *,
    grid_steps: int | None = None,
    starts: int = 5,
) -> QuantalSolution:
    """The leader's best commitment against a logit quantal response (small games).

    The follower plays ``j`` with probability ``softmax(rationality * x @ follower_payoff)_j``.
    The leader's expected payoff ``sum_j q_j(x) * x @ leader_payoff[:, j]`` is evaluated on a
    regular grid over the simplex, and SLSQP refines the ``starts`` best grid points.

    Args:
        leader_payoff: (m, n) leader payoffs.
        follower_payoff: (m, n) follower payoffs.
        rationality: logit parameter >= 0 (1/follower-payoff unit); PROTECT fitted it to
            human-subject data, here it is declared by the analyst (assumption).
        grid_steps: grid resolution per coordinate (default: 200 for m = 2, 40 for m = 3,
            12 for m = 4, 6 above; grids grow as steps^(m-1)).
        starts: number of grid points refined locally.

    Raises:
        ValueError: on bad arrays or a negative rationality.
    """
    a, b = _check(leader_payoff, follower_payoff)
    if not rationality >= 0 or not np.isfinite(rationality):
        raise ValueError(f"rationality must be a finite number >= 0, got {rationality}")
    m = a.shape[0]
    lam = float(rationality)

    def value(x: np.ndarray) -> float:
        q = _quantal(b, x, lam)
        return float((x @ a) @ q)

    if m == 1:
        x_best = np.ones(1)
    else:
        steps = grid_steps or {2: 200, 3: 40, 4: 12}.get(m, 6)
        grid = _simplex_grid(m, steps)
        vals = np.array([value(x) for x in grid])
        order = np.argsort(-vals)[: max(1, starts)]
        x_best, v_best = grid[order[0]], float(vals[order[0]])
        cons = [{"type": "eq", "fun": lambda x: float(np.sum(x) - 1.0)}]
        for k in order:
            res = minimize(
                lambda x: -value(np.clip(x, 0.0, None) / max(np.clip(x, 0.0, None).sum(), 1e-12)),
                grid[k],
                method="SLSQP",
                bounds=[(0.0, 1.0)] * m,
                constraints=cons,
            )
            x = np.clip(res.x, 0.0, None)
            x = x / x.sum()
            v = value(x)
            if v > v_best:
                x_best, v_best = x, v
    q = _quantal(b, x_best, lam)
    return QuantalSolution(
        leader_mixed=tuple(float(v) for v in x_best),
        follower_mixed=tuple(float(v) for v in q),
        leader_value=float((x_best @ a) @ q),
        follower_value=float((x_best @ b) @ q),
        rationality=lam,
    )
