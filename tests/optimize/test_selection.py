"""Ranking and selection on synthetic normal "simulations" whose best arm is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.optimize.selection import (
    approximate_pcs,
    kim_nelson,
    kn_constants,
    ocba_allocation,
)


class NormalArms:
    """k normal arms; replication r shares a common shock across arms (common random numbers).

    Output of arm i in replication r: ``mu_i + sd * (sqrt(rho) Z_r + sqrt(1 - rho) E_ir)``, so
    any two arms are correlated with coefficient ``rho``. Replication r's draws depend only on
    (trial seed, r), as the simulation's replication seeds do (4,000 replications at most).
    """

    def __init__(self, mu, sd, rho, seed):
        self.mu = np.asarray(mu, dtype=float)
        self.sd = np.broadcast_to(np.asarray(sd, dtype=float), self.mu.shape)
        self.rho = rho
        self.seed = seed
        self.calls = 0
        self._noise = np.random.default_rng(seed).standard_normal((4000, len(self.mu) + 1))

    def __call__(self, systems, first, count):
        """Outputs of replications first .. first + count - 1 of the given arms."""
        self.calls += 1
        block = self._noise[first : first + count]  # row r: replication r's common and own shocks
        z, e = block[:, :1], block[:, 1:]
        x = self.mu + self.sd * (np.sqrt(self.rho) * z + np.sqrt(1 - self.rho) * e)
        return x[:, list(systems)].T


def _binomial_floor(trials: int, promised: float, level: float = 0.01) -> int:
    """Fewest successes not rejecting 'rate >= promised' at one-sided level ``level``."""
    return int(stats.binom.ppf(level, trials, promised))


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_kn_selects_the_best_at_least_at_the_promised_rate(rho):
    """In the least favourable configuration KN selects the best at least 95% of the time.

    Slippage configuration: the best is exactly delta above four equal arms. Over 400 trials the
    test fails if the count falls below the 1% quantile of Binomial(400, 0.95).
    """
    delta, alpha, trials = 0.5, 0.05, 400
    mu = [0.0, 0.0, 0.0, 0.0, delta]
    hits = 0
    for t in range(trials):
        res = kim_nelson(NormalArms(mu, 1.0, rho, seed=t), 5, delta=delta, alpha=alpha, n0=10)
        assert res.settled
        hits += res.selected == 4
    floor = _binomial_floor(trials, 1 - alpha)
    print(f"rho={rho}: KN selected the best in {hits}/{trials} trials (floor {floor})")
    assert hits >= floor


def test_kn_picks_one_within_delta_when_arms_are_close():
    """Arms inside the indifference zone: the chosen one is within delta of the best.

    The observed rate is checked at 95% with the same binomial floor.
    """
    delta, alpha, trials = 0.5, 0.05, 300
    mu = [0.0, 0.3, 0.45, 0.5, 0.1]
    good = 0
    for t in range(trials):
        res = kim_nelson(NormalArms(mu, 1.0, 0.3, seed=1000 + t), 5, delta=delta, alpha=alpha)
        good += mu[res.selected] >= max(mu) - delta
        # chosen "within delta" here means any of arms 1, 2, 3; arm 0 and 4 are outside
    assert good >= _binomial_floor(trials, 1 - alpha)


def test_common_random_numbers_make_kn_stop_sooner():
    """Correlated outputs need fewer replications (KN works on difference variances)."""
    mu = [0.0, 0.0, 0.5]

    def mean_total(rho):
        totals = [
            sum(kim_nelson(NormalArms(mu, 1.0, rho, seed=s), 3, delta=0.5, n0=10).n)
            for s in range(40)
        ]
        return float(np.mean(totals))

    assert mean_total(0.8) < 0.5 * mean_total(0.0)


def test_a_replication_cap_leaves_the_answer_unsettled_and_says_so():
    """Identical arms cannot be told apart: at the cap both survive, and the result says so."""
    res = kim_nelson(NormalArms([0.0, 0.0], 1.0, 0.0, seed=1), 2, delta=0.01, n0=5, max_n=20)
    assert not res.settled
    assert res.stop_reason == "replication cap"
    assert set(res.survivors) == {0, 1}
    assert res.n == (20, 20)
    assert "Not settled" in res.statement()


def test_a_time_limit_stops_the_procedure():
    """The clock is injected: after the first stage it reads past the limit, so KN stops there."""
    ticks = iter([0.0, 100.0, 100.0, 100.0])
    res = kim_nelson(
        NormalArms([0.0, 0.0, 0.1], 1.0, 0.0, seed=2),
        3,
        delta=0.01,
        n0=5,
        time_limit_s=10.0,
        clock=lambda: next(ticks),
    )
    assert res.stop_reason == "time limit"
    assert max(res.n) == 5


def test_batches_do_not_change_the_answer():
    """Sampling in batches of 7 eliminates at the same stages as one replication at a time."""
    mu = [0.0, 0.2, 0.6, 0.1]
    one = kim_nelson(NormalArms(mu, 1.0, 0.4, seed=5), 4, delta=0.3, n0=8)
    arms = NormalArms(mu, 1.0, 0.4, seed=5)
    seven = kim_nelson(arms, 4, delta=0.3, n0=8, batch=7)
    assert seven.selected == one.selected
    assert seven.eliminated_at == one.eliminated_at
    assert arms.calls < sum(one.n) / 4


def test_kn_constants_match_the_paper_formula():
    """KN constants: eta = ((2 alpha / (k - 1)) ** (-2 / (n0 - 1)) - 1) / 2, h2 = 2 eta (n0 - 1)."""
    eta, h2 = kn_constants(k=10, alpha=0.05, n0=10)
    assert eta == pytest.approx(0.5 * ((0.1 / 9) ** (-2 / 9) - 1))
    assert h2 == pytest.approx(2 * eta * 9)


def test_bad_parameters_are_refused():
    """Zero indifference zone, alpha too large, n0 of 1."""
    arms = NormalArms([0, 1], 1.0, 0.0, seed=0)
    with pytest.raises(ValueError, match="delta"):
        kim_nelson(arms, 2, delta=0.0)
    with pytest.raises(ValueError, match="alpha"):
        kim_nelson(arms, 2, delta=1.0, alpha=0.6)
    with pytest.raises(ValueError, match="n0"):
        kim_nelson(arms, 2, delta=1.0, n0=1)


def test_approximate_pcs_rises_with_the_gap():
    """The Bonferroni estimate is 1/2 for a tie and near 1 for a gap of many standard errors."""
    assert approximate_pcs([0.0, 0.0], [1.0, 1.0]) == pytest.approx(0.5)
    assert approximate_pcs([0.0, 10.0], [1.0, 1.0]) > 0.999
    assert approximate_pcs([0.0, 1.0, 1.0], [0.1, 0.1, 0.1]) == pytest.approx(0.5)


def test_ocba_spends_the_budget_on_the_close_competitors():
    """The best and the nearest competitor get most replications, a distant arm few."""
    alloc = ocba_allocation([1.0, 0.9, 0.0], [1.0, 1.0, 1.0], 100)
    assert alloc.sum() == 100
    assert alloc.min() >= 1
    assert alloc[2] < alloc[1] and alloc[2] < alloc[0]
