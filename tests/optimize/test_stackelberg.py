"""The multiple-LPs Stackelberg solver against published games and brute-force enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.optimize import (
    follower_best_responses,
    solve_quantal_stackelberg,
    solve_stackelberg,
)

# Conitzer & Sandholm (2006), "Computing the optimal strategy to commit to", introduction: the
# row player's Nash payoff is 2 (Up, Left); committing to Down gives 3; committing to
# (1/2, 1/2) makes the column player (breaking the tie for the leader) play Right, worth 3.5.
# The same instance and answer are in OpenSpiel's stackelberg_lp tests. Re-derived by hand:
# with x = P(Up), the follower prefers Right iff 1 - x >= x, i.e. x <= 1/2; the leader then gets
# 4x + 3(1 - x) = 3 + x, largest at x = 1/2.
CS06_LEADER = [[2, 4], [1, 3]]
CS06_FOLLOWER = [[1, 0], [0, 1]]

# A 2x3 instance from the same OpenSpiel tests ("based on Conitzer & Sandholm'06"); by hand: with
# x = P(row 0), the follower's payoffs are 0, 3x - 1 and 9x - 4 for its three columns, so column
# 0 is a best response iff x <= 1/3, where the leader gets 2x + (1 - x) = 1 + x; at x = 1/3
# columns 0 and 1 tie and the strong equilibrium breaks the tie for the leader (column 0, 4/3;
# column 1 would give the leader 0). Columns 1 and 2 give the leader 0 wherever they are played.
TIE_LEADER = [[2, 0, 0], [1, 0, 0]]
TIE_FOLLOWER = [[0, 2, 5], [0, -1, -4]]


def test_conitzer_sandholm_introduction_game():
    """The published 2x2 example: commit to (1/2, 1/2), the follower plays Right, value 3.5."""
    sol = solve_stackelberg(CS06_LEADER, CS06_FOLLOWER)
    assert sol.leader_mixed == pytest.approx((0.5, 0.5), abs=1e-9)
    assert sol.follower_response == 1
    assert sol.leader_value == pytest.approx(3.5, abs=1e-9)
    assert sol.follower_value == pytest.approx(0.5, abs=1e-9)
    assert sol.feasible == (True, True)
    # the LP for Left is solved by pure Up (payoff 2): commitment to Down-ish mixes is worth more
    assert sol.lp_values[0] == pytest.approx(2.0, abs=1e-9)


def test_ties_go_to_the_leader_strong_equilibrium():
    """At the commitment the follower is indifferent, and plays what suits the leader."""
    sol = solve_stackelberg(TIE_LEADER, TIE_FOLLOWER)
    assert sol.leader_mixed == pytest.approx((1 / 3, 2 / 3), abs=1e-9)
    assert sol.follower_response == 0
    assert sol.leader_value == pytest.approx(4 / 3, abs=1e-9)
    # the follower is indifferent between columns 0 and 1 at the commitment
    assert set(follower_best_responses(TIE_FOLLOWER, sol.leader_array, tol=1e-7)) == {0, 1}


def test_a_strategy_that_can_never_be_a_best_response_has_an_infeasible_lp():
    """A dominated follower strategy has an infeasible LP and is never the answer."""
    # column 1 is strictly dominated for the follower: no commitment makes it a best response
    sol = solve_stackelberg([[0, 9], [1, 9]], [[1, 0], [1, 0]])
    assert sol.feasible == (True, False)
    assert np.isnan(sol.lp_values[1])
    assert sol.follower_response == 0
    assert sol.leader_value == pytest.approx(1.0)


def test_zero_sum_game_gives_the_minimax_value():
    """In a zero-sum game commitment is worth exactly the value of the game."""
    # matching pennies: commitment cannot beat the value of the game, 0 at (1/2, 1/2)
    a = np.array([[1.0, -1.0], [-1.0, 1.0]])
    sol = solve_stackelberg(a, -a)
    assert sol.leader_value == pytest.approx(0.0, abs=1e-9)
    assert sol.leader_mixed == pytest.approx((0.5, 0.5), abs=1e-9)


def test_bad_shapes_are_refused():
    """Payoff arrays of different shapes, or with NaN, are refused with a clear message."""
    with pytest.raises(ValueError, match="same non-empty shape"):
        solve_stackelberg([[1, 2]], [[1], [2]])
    with pytest.raises(ValueError, match="finite"):
        solve_stackelberg([[np.nan, 1]], [[0, 1]])


def _vertices(b: np.ndarray, j: int) -> list[np.ndarray]:
    """All vertices of {x in simplex : j is a best response to x}, by exhaustive enumeration."""
    m, n = b.shape
    rows = [np.eye(m)[i] for i in range(m)]  # x_i >= 0
    rows += [b[:, j] - b[:, k] for k in range(n) if k != j]  # x @ (b_j - b_k) >= 0
    out = []
    for active in itertools.combinations(range(len(rows)), m - 1):
        mat = np.vstack([np.ones(m), *[rows[r] for r in active]])
        if abs(np.linalg.det(mat)) < 1e-12:
            continue
        x = np.linalg.solve(mat, np.eye(m)[0])
        if all(r @ x >= -1e-9 for r in rows):
            out.append(x)
    return out


def _brute_force_value(a: np.ndarray, b: np.ndarray) -> float:
    """Best leader payoff over every vertex of every follower best-response region."""
    best = -np.inf
    for j in range(a.shape[1]):
        for x in _vertices(b, j):
            best = max(best, float(x @ a[:, j]))
    return best


small_games = st.integers(1, 3).flatmap(
    lambda m: st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(-5, 5), min_size=n, max_size=n), min_size=m, max_size=m),
            st.lists(st.lists(st.integers(-5, 5), min_size=n, max_size=n), min_size=m, max_size=m),
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(small_games)
def test_lp_agrees_with_vertex_enumeration_on_random_small_games(game):
    """The LP optimum equals the best vertex of all best-response regions."""
    a, b = (np.array(g, dtype=float) for g in game)
    sol = solve_stackelberg(a, b)
    x = sol.leader_array
    assert x.sum() == pytest.approx(1.0) and (x >= -1e-12).all()
    # the reported response really is a best response to the reported mix, worth what it says
    assert sol.follower_response in follower_best_responses(b, x, tol=1e-7)
    assert sol.leader_value == pytest.approx(float(x @ a[:, sol.follower_response]), abs=1e-9)
    # and no vertex of any best-response region does better (the optimum of an LP is a vertex)
    assert sol.leader_value == pytest.approx(_brute_force_value(a, b), abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(small_games)
def test_no_grid_point_beats_the_lp(game):
    """No commitment on a 1/30 grid of the simplex does better than the LP's."""
    a, b = (np.array(g, dtype=float) for g in game)
    sol = solve_stackelberg(a, b)
    m = a.shape[0]
    steps = 30
    for c in itertools.product(range(steps + 1), repeat=m - 1):
        if sum(c) > steps:
            continue
        x = np.array([*c, steps - sum(c)], dtype=float) / steps
        best_for_leader = max(float(x @ a[:, j]) for j in follower_best_responses(b, x))
        assert best_for_leader <= sol.leader_value + 1e-7


def test_quantal_response_at_zero_rationality_faces_a_uniform_follower():
    """Rationality 0: the follower plays uniformly whatever the leader does."""
    a = np.array([[3.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    b = np.zeros_like(a)
    sol = solve_quantal_stackelberg(a, b, rationality=0.0)
    assert sol.follower_mixed == pytest.approx((1 / 3,) * 3)
    # against uniform play row 0 is worth 1 and row 1 is worth 1: any mix is optimal; value 1
    assert sol.leader_value == pytest.approx(1.0)


def test_quantal_response_approaches_the_strong_equilibrium_as_rationality_grows():
    """As rationality grows the quantal value rises towards the strong equilibrium's 3.5."""
    values = [
        solve_quantal_stackelberg(CS06_LEADER, CS06_FOLLOWER, rationality=lam).leader_value
        for lam in (1.0, 10.0, 100.0, 1000.0)
    ]
    # at most the SSE value (a quantal follower cannot be steered onto a tie) and converging to it
    assert all(v <= 3.5 + 1e-9 for v in values)
    assert values[-1] == pytest.approx(3.5, abs=0.01)
    assert values[-1] >= values[1]


@settings(max_examples=30, deadline=None)
@given(small_games, st.floats(0.0, 5.0))
def test_quantal_optimum_is_no_worse_than_any_grid_point(game, lam):
    """The refined quantal optimum is at least as good as every point of a 1/20 grid."""
    a, b = (np.array(g, dtype=float) for g in game)
    sol = solve_quantal_stackelberg(a, b, rationality=lam)
    assert sum(sol.follower_mixed) == pytest.approx(1.0)
    m = a.shape[0]
    steps = 20
    for c in itertools.product(range(steps + 1), repeat=m - 1):
        if sum(c) > steps:
            continue
        x = np.array([*c, steps - sum(c)], dtype=float) / steps
        u = lam * (x @ b)
        q = np.exp(u - u.max())
        q /= q.sum()
        assert float((x @ a) @ q) <= sol.leader_value + 1e-7


def test_quantal_refuses_negative_rationality():
    """A negative rationality parameter is refused."""
    with pytest.raises(ValueError, match="rationality"):
        solve_quantal_stackelberg(CS06_LEADER, CS06_FOLLOWER, rationality=-1.0)
