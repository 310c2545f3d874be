"""Teacher mode and the particle filter: hand-worked probabilities, exactness without noise,
the chain rule, unbiasedness against brute force, and simulated histories."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from sim.analysis.likelihood.decisions import history_decisions
from sim.data.datasets import load_data
from sim.data.history import build_history, risk_sets
from sim.data.inputs import build_inputs
from sim.data.observed import load_observed
from sim.data.scenario import load_scenario
from sim.model import chassis
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CONSTANTS
from sim.runs.filter import FLOOR, run_filter, teacher_forced


@pytest.fixture(scope="module")
def world():
    inputs = build_inputs(load_scenario("post-cold-war"), load_data())
    observed = load_observed()
    return inputs, observed, build_history(inputs, observed)


def test_status_distribution_by_hand():
    # H_R = H_N = h_bar: each side suspends with probability 1/2, both upgrade with 1/4
    d = chassis.status_distribution(np.array([2, 0, 3]), 3, np.ones(3), np.ones(3), 2.0, 1.0)
    np.testing.assert_allclose(d[0], [0.25 * 0.75, 0.75, 0.25 * 0.25])  # stay, suspend, up
    np.testing.assert_allclose(d[1], [0.75, 0.0, 0.25])  # suspended: only an upgrade
    np.testing.assert_allclose(d[2], [0.25, 0.75, 0.0])  # at the menu: no upgrade


def test_coercion_distribution_by_hand():
    # z = 2, non-member, beta = 1, c_F = 1: P(F >= k) = expit(2 - k)
    at_least = chassis.coercion_at_least(np.array([[2.0]]), np.zeros((1, 1)), 1.0, 1.0, 1.0)
    p = chassis.coercion_distribution(at_least)[0, 0]
    e1, e0, em1 = expit(1.0), 0.5, expit(-1.0)
    np.testing.assert_allclose(p, [1 - e1, e1 - e0, e0 - em1, em1])


def test_sampling_rules_draw_from_the_scored_distributions():
    rng = np.random.default_rng(5)
    n = 200_000
    s = np.full(n, 2)
    h_r, h_n = np.full(n, 0.8), np.full(n, 1.3)
    new, _ = chassis.institutions(s, 4, h_r, h_n, 2.0, 1.0, rng.random((n, 2)), rng.random(n))
    freq = [np.mean(new == 2), np.mean(new == 0), np.mean(new == 4)]
    np.testing.assert_allclose(freq, chassis.status_distribution(2, 4, 0.8, 1.3, 2.0, 1.0),
                               atol=0.004)
    z = np.full((n, 1), 1.7)
    _, level = chassis.coercion(z, z, np.zeros((n, 1)), np.ones(1, bool), 0.5, 2.0, 0.8,
                                1.0, rng.random((n, 1)))
    p = chassis.coercion_distribution(chassis.coercion_at_least(z[:1], 0.0, 2.0, 0.8, 1.0))
    np.testing.assert_allclose(np.bincount(level[:, 0], minlength=4) / n, p[0, 0], atol=0.004)


def _hand_loglik(inputs, history, paradigm, last):
    """The exact log-likelihood without latent noise, from a recorded teacher run and the
    decision formulas written out here (not the chassis functions)."""
    model = NatoRussiaModel(inputs=inputs, paradigm=paradigm, mode="teacher", history=history,
                            replicas=1, rng=0, latent_noise=False)
    model.run_until(last + 1.0)
    years, series, partners = model.recorded()
    beta, h_bar, mu = model.p["beta"], model.p["h_bar"], model.p["mu"]
    c_e, c_f = model.p["c_E"], model.p["c_F"]
    total, z = 0.0, np.zeros(len(inputs.partners))
    for i in range(len(years)):
        sets = risk_sets(history, i)
        s_prev, _, status_prev, _ = history.previous(i)
        h_r, h_n = series["H_R"][i, 0], series["H_N"][i, 0]
        if sets.status:
            p_r, p_n = expit(beta * (h_r - h_bar)), expit(beta * (h_n - h_bar))
            up = expit(beta * (h_bar - h_r)) * expit(beta * (h_bar - h_n))
            sus = 1 - (1 - p_r) * (1 - p_n) if s_prev > 0 else 0.0
            upg = (1 - sus) * up if s_prev < history.menu[i] else 0.0
            s_now = history.S[i]
            total += np.log(sus if s_now < s_prev else upg if s_now > s_prev else 1 - sus - upg)
        z = mu * z + (1 - mu) * partners["L_R"][i, 0]
        for j in sets.coercion:
            eff = z[j] - CONSTANTS["article5_cost"] * (status_prev[j] == 3)
            cum = [1.0] + [expit(beta * (eff - k * c_f)) for k in (1, 2, 3)] + [0.0]
            f = history.F[i, j]
            total += np.log(max(cum[f] - cum[f + 1], FLOOR))
        a, value = partners["alignment"][i, 0], partners["V_N"][i, 0]
        for j in sets.pfp:
            q = expit(beta * a[j])
            total += np.log(q if history.status[i, j] >= 1 else 1 - q)
        for j in sets.invitation:
            q = (a[j] > CONSTANTS["apply_threshold"]) * expit(beta * (value[j] - c_e))
            total += np.log(max(q if history.invited[i, j] else 1 - q, FLOOR))
        for j in sets.accession:
            q = float(years[i] - history.invited_year[j] >= CONSTANTS["accession_lag"])
            total += np.log(max(q if history.status[i, j] >= 3 else 1 - q, FLOOR))
    return total


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_filter_is_exact_without_latent_noise(world, paradigm):
    inputs, _, history = world
    exact = _hand_loglik(inputs, history, paradigm, 2003)
    for particles in (1, 7):
        result = run_filter(inputs, paradigm, [{}], history, particles=particles, seed=3,
                            until=2003, latent_noise=False)
        assert result.loglik()[0] == pytest.approx(exact, rel=1e-10, abs=1e-9)


def test_pointwise_table_sums_to_the_totals(world):
    inputs, observed, history = world
    paradigm = next(iter(PARADIGMS))
    pw = teacher_forced(inputs, paradigm, particles=16, seed=1, observed=observed, until=1999)
    assert pw.table["logp"].sum() == pytest.approx(pw.loglik)
    assert pw.by_year.sum() == pytest.approx(pw.loglik)
    assert list(pw.by_year.index) == list(range(1991, 2000))
    decisions = history_decisions(inputs, history)
    keys = ["year", "kind", "actor", "outcome"]
    expected = decisions.loc[decisions["year"] <= 1999, keys].reset_index(drop=True)
    assert pw.table[keys].equals(expected)  # same rows, same order as the decision table
    # the first year's rows sum to log mean_n prod_d q_nd (the joint predictive, by hand)
    model = NatoRussiaModel(inputs=inputs, paradigm=paradigm, mode="teacher",
                            history=history, replicas=16, rng=1)
    model.run_until(1992.0)
    last = model.teacher.last
    q = last.observed_probability()
    joint = np.log(np.mean(np.prod(np.maximum(q, FLOOR), axis=1)))
    assert pw.by_year[1991] == pytest.approx(joint, rel=1e-10)
    probs = pw.table[[f"p_{k}" for k in range(5)]].to_numpy()
    n_cat = pw.table["kind"].map({"status": 3, "coercion": 4}).fillna(2).to_numpy(int)
    np.testing.assert_allclose(np.nansum(probs, axis=1), 1.0)
    assert (np.isnan(probs) == (np.arange(5)[None, :] >= n_cat[:, None])).all()


def _brute_force(inputs, history, paradigm, last_year, replicas):
    """log mean over unresampled replicas of the product of their probabilities, and the
    effective sample size of those weights."""
    model = NatoRussiaModel(inputs=inputs, paradigm=paradigm, mode="teacher", history=history,
                            replicas=replicas, rng=11)
    logw = np.zeros(replicas)
    for year in range(int(inputs.years[0]), last_year + 1):
        model.run_until(year + 1.0)
        last = model.teacher.last
        q = last.observed_probability()
        logw += np.log(np.maximum(q, FLOOR)).sum(axis=1)
    w = np.exp(logw - logw.max())
    return np.log(np.mean(w)) + logw.max(), w.sum() ** 2 / (w ** 2).sum()


def test_filter_is_unbiased_against_brute_force(world):
    """Where plain Monte Carlo is reliable (effective sample size > 1000 of 8000), the
    filter's estimate agrees with it. The paradigm is picked by that computation."""
    inputs, _, history = world
    last_year = 1995
    brute = {p: _brute_force(inputs, history, p, last_year, 8000) for p in PARADIGMS}
    paradigm = max(brute, key=lambda p: brute[p][1])
    reference, ess = brute[paradigm]
    assert ess > 1000
    estimates = [run_filter(inputs, paradigm, [{}], history, particles=1000, seed=s,
                            until=last_year).loglik()[0] for s in range(3)]
    assert np.mean(estimates) == pytest.approx(reference, abs=0.1), (estimates, reference)
    noiseless = run_filter(inputs, paradigm, [{}], history, particles=1, seed=0,
                           until=last_year, latent_noise=False).loglik()[0]
    assert noiseless != pytest.approx(reference, abs=1e-3)  # the noise matters here


def test_batch_composition_does_not_change_a_points_score(world):
    inputs, _, history = world
    paradigm = next(iter(PARADIGMS))
    point = {"chassis": {"beta": 2.0, "c_F": 0.7}}
    alone = run_filter(inputs, paradigm, [point], history, particles=8, seed=4, until=1998)
    batch = run_filter(inputs, paradigm, [{}, point, {"chassis": {"mu": 0.2}}], history,
                       particles=8, seed=4, until=1998)
    np.testing.assert_allclose(batch.logp[1], alone.logp[0], rtol=1e-12)
    again = run_filter(inputs, paradigm, [point], history, particles=8, seed=4, until=1998)
    np.testing.assert_array_equal(again.logp, alone.logp)
