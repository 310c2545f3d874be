"""Hand-worked cases for the proper scores, PIT, interval score, Diebold–Mariano, the model
confidence set and the level map (arithmetic in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis import scoring as sc
from sim.analysis.calibration import truncate_observed
from sim.data.observed import load_observed


def test_crps_of_a_small_ensemble_by_hand() -> None:
    # ensemble {0, 1, 3}, y = 2: E|X - y| = (2 + 1 + 1) / 3 = 4/3;
    # E|X - X'| over the 9 ordered pairs = 2 (1 + 3 + 2) / 9 = 4/3, half of it 2/3;
    # CRPS = 4/3 - 2/3 = 2/3
    # ensemble {1, 1, 1}, y = 1: 0.  A point forecast 5 for y = 2: |5 - 2| = 3.
    out = sc.crps_ensemble(np.array([2.0, 1.0]), np.array([[0.0, 1.0, 3.0], [1.0, 1.0, 1.0]]))
    assert out == pytest.approx([2 / 3, 0.0])
    assert sc.crps_ensemble(np.array([2.0]), np.array([5.0])) == pytest.approx([3.0])
    assert np.isnan(sc.crps_ensemble(np.array([np.nan]), np.array([[1.0, 2.0]]))[0])


def test_crps_rewards_spread_that_covers_the_outcome() -> None:
    # y = 0: a point forecast at 1 scores 1; the ensemble {-1, 1} scores
    # (1 + 1)/2 - (0 + 2 + 2 + 0)/4/2 = 1 - 0.5 = 0.5
    assert sc.crps_ensemble(np.array([0.0]), np.array([[-1.0, 1.0]])) == pytest.approx([0.5])


def test_pit_by_hand() -> None:
    # {0, 1, 3} and y = 2: two members below, none tied -> 2/3
    # {1, 2, 2, 5} and y = 2: one below, two tied -> (1 + 1) / 4 = 0.5
    fct = np.array([[0.0, 1.0, 3.0, np.nan], [1.0, 2.0, 2.0, 5.0]])
    assert sc.pit(np.array([2.0, 2.0]), fct) == pytest.approx([2 / 3, 0.5])
    # histogram of 0.05, 0.15, 0.95, 1.0 in 10 bins: 1 in bin 0, 1 in bin 1, 2 in bin 9
    hist = sc.pit_histogram(np.array([0.05, 0.15, 0.95, 1.0]))
    assert hist.tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_interval_score_and_coverage_by_hand() -> None:
    # 80 % band [1, 3] (alpha = 0.2, 2/alpha = 10):
    # y = 2 inside: width 2; y = 4 above: 2 + 10 * 1 = 12; y = 0.5 below: 2 + 10 * 0.5 = 7
    lo, hi = np.array([1.0, 1.0, 1.0]), np.array([3.0, 3.0, 3.0])
    obs = np.array([2.0, 4.0, 0.5])
    assert sc.interval_score(obs, lo, hi, 0.80) == pytest.approx([2.0, 12.0, 7.0])
    assert sc.coverage(obs, lo, hi) == pytest.approx(1 / 3)
    # band of {0, 10} at 80 %: quantiles 0.1 and 0.9 by linear interpolation -> 1 and 9
    lo, hi = sc.band(np.array([[0.0, 10.0]]), 0.80)
    assert (lo[0], hi[0]) == pytest.approx((1.0, 9.0))


def test_bounded_skill_is_a_monotone_transform_of_skill() -> None:
    # score 1 vs ref 2: (2 - 1)/(2 + 1) = 1/3 = s/(2 - s) with s = 0.5
    # score 2 vs ref 1: (1 - 2)/(1 + 2) = -1/3 (skill -1); score 0: 1; both 0: 0
    out = sc.bounded_skill(np.array([1.0, 2.0, 0.0, 0.0]), np.array([2.0, 1.0, 3.0, 0.0]))
    assert out == pytest.approx([1 / 3, -1 / 3, 1.0, 0.0])
    scores = np.linspace(0, 10, 101)
    bounded = sc.bounded_skill(scores, 2.0)
    assert np.all(np.diff(bounded) < 0) and bounded.min() > -1  # unclipped, order kept
    skill = 1 - scores / 2.0
    assert bounded == pytest.approx(skill / (2 - skill))


def test_ordinal_log_score_by_hand() -> None:
    # P(y) = 0.5 -> ln 2; P(y) = 0 -> clipped at eps = 0.01 -> ln 100
    probs = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    out = sc.ordinal_log_score(probs, np.array([1, 2]), eps=0.01)
    assert out == pytest.approx([math.log(2), math.log(100)])


def test_diebold_mariano_with_hln_correction_by_hand() -> None:
    # d = (1, 2, 3, 4): mean 2.5; gamma_0 = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25;
    # V = 1.25 / 4 = 0.3125; DM = 2.5 / sqrt(0.3125) = 4.47214;
    # HLN (h = 1): sqrt((4 + 1 - 2) / 4) = sqrt(0.75) -> DM* = 3.87298; t with 3 df
    result = sc.diebold_mariano(np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4))
    assert result.mean == 2.5 and result.n == 4
    assert result.statistic == pytest.approx(3.872983, rel=1e-6)
    from scipy import stats

    assert result.pvalue == pytest.approx(2 * stats.t.sf(3.872983, 3), rel=1e-5)
    # h = 2 adds gamma_1 = ((-1.5)(-0.5) + (-0.5)(0.5) + (0.5)(1.5)) / 4 = 1.25 / 4 = 0.3125:
    # V = (1.25 + 0.625) / 4 = 0.46875; DM = 2.5 / 0.684653 = 3.651484;
    # HLN: sqrt((4 + 1 - 4 + 2 * 1 / 4) / 4) = sqrt(0.375) = 0.612372 -> 2.236068
    two = sc.diebold_mariano(np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4), horizon=2)
    assert two.statistic == pytest.approx(2.236068, rel=1e-6)
    # antisymmetric in its arguments
    back = sc.diebold_mariano(np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0]))
    assert back.statistic == pytest.approx(-result.statistic)


def test_model_confidence_set_keeps_the_clearly_best() -> None:
    rng = np.random.default_rng(3)
    losses = rng.random((30, 3)) + np.array([0.0, 2.0, 2.0])  # column 0 is far better
    out = sc.confidence_set(losses, ["a", "b", "c"], seed=1)
    assert out.included == ("a",)
    assert out.pvalues["a"] == 1.0
    same = sc.confidence_set(np.tile(rng.random((30, 1)), (1, 2)) + rng.random((30, 2)) * 1e-3,
                             ["x", "y"], seed=1)
    assert set(same.included) == {"x", "y"}


def test_level_map_by_hand() -> None:
    # x = 0, 1, 2 and y = 1, 3, 5: y = 1 + 2x exactly
    assert sc.level_map(np.array([[0.0, 1.0, 2.0]]), np.array([[1.0, 3.0, 5.0]])) == \
        pytest.approx((1.0, 2.0))
    # a negative slope is not allowed: a = mean(y), b = 0
    assert sc.level_map(np.array([[0.0, 1.0, 2.0]]), np.array([[5.0, 3.0, 1.0]])) == \
        pytest.approx((3.0, 0.0))
    # a flat x carries no information: a = mean(y), b = 0
    assert sc.level_map(np.array([[1.0, 1.0]]), np.array([[2.0, 4.0]])) == \
        pytest.approx((3.0, 0.0))


def test_level_map_is_fitted_on_training_years_only() -> None:
    # poison every year after the training window: the fitted maps and the training-window
    # scores are identical, and test-window scores use the same map
    observed = load_observed()
    rng = np.random.default_rng(0)
    poisoned = observed.net_coop.copy()
    poisoned[poisoned.index > 2007] = rng.normal(0, 100, (poisoned.index > 2007).sum())
    from dataclasses import replace

    bad = replace(observed, net_coop=poisoned,
                  unga_rus_usa=observed.unga_rus_usa.where(observed.unga_rus_usa.index <= 2007,
                                                           0.99))
    years = np.arange(1991, 2025)
    k = 5
    series = {c: rng.normal(size=(len(years), k)) for c in (*sc.contributions.SERIES_COLUMNS,)}
    series["S"] = np.zeros((len(years), k), dtype=int)
    partners = {c: np.zeros((len(years), k, 22)) for c in ("alignment", "status", "coercion")}
    codes = tuple(observed.coercion.index)
    sim = sc.summarise(years, series, partners, codes, codes)
    clean_t = sc.Target(observed, (2008, 2024), (1991, 2007))
    bad_t = sc.Target(bad, (2008, 2024), (1991, 2007))
    for i, spec in enumerate(sc.CONTINUOUS):
        if spec[4]:
            continue
        clean, dirty = clean_t.mapped(sim, i), bad_t.mapped(sim, i)
        np.testing.assert_array_equal(clean, dirty)
    train = sc.Target(truncate_observed(observed, 2007), (1991, 2007), (1991, 2007))
    train_bad = sc.Target(bad, (1991, 2007), (1991, 2007))
    np.testing.assert_array_equal(train.sim_rows(sim)[0], train_bad.sim_rows(sim)[0])


def test_crps_equals_the_energy_form_on_random_ensembles() -> None:
    import scoringrules as sr

    rng = np.random.default_rng(2)
    obs, fct = rng.normal(size=40), rng.normal(size=(40, 7))
    energy = np.abs(fct - obs[:, None]).mean(axis=1) - 0.5 * np.abs(
        fct[:, :, None] - fct[:, None, :]).mean(axis=(1, 2))
    np.testing.assert_allclose(sc.crps_ensemble(obs, fct), energy, rtol=1e-12)
    np.testing.assert_allclose(sr.crps_ensemble(obs, fct, estimator="nrg"), energy, rtol=1e-12)
