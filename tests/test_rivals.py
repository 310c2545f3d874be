"""The rivals: base rates, persistence and the logit, on hand tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.likelihood import rivals
from sim.analysis.likelihood.decisions import FLOOR, POINTWISE_COLUMNS


def _rows(kind: str, outcomes: list[int], prev: list[int] | None = None, *, n_cat: int = 4,
          start: int = 2000, actor: str = "UKR", **covariates: list[float]) -> pd.DataFrame:
    n = len(outcomes)
    return pd.DataFrame({
        "year": np.arange(start, start + n), "kind": kind, "actor": actor,
        "outcome": outcomes, "n_categories": n_cat,
        "prev_state": prev if prev is not None else [0] * n, **covariates,
    })


def test_base_rates_on_a_hand_table() -> None:
    # Training coercion outcomes 0, 0, 0, 1, 2 over K = 4 categories: counts (3, 1, 1, 0),
    # add-one: (4, 2, 2, 1) / 9.
    train = _rows("coercion", [0, 0, 0, 1, 2])
    fit = rivals.fit_base_rates(train, {"coercion": 4})
    probs = fit.predict(_rows("coercion", [3], start=2010))
    assert probs[0, :4] == pytest.approx([4 / 9, 2 / 9, 2 / 9, 1 / 9])
    assert np.isnan(probs[0, 4])
    assert fit.n_params == 3


def test_persistence_on_a_hand_sequence() -> None:
    # F(t-1) -> F(t): 0->0, 0->0, 0->1, 1->1, 1->0: the state repeats 3 times of 5, so
    # p_stay = (3 + 1) / (5 + 2) = 4/7. A scored row with F(t-1) = 1 gets 4/7 on F = 1 and
    # (1 - 4/7) / 3 = 1/7 on each of 0, 2, 3.
    train = _rows("coercion", [0, 0, 1, 1, 0], prev=[0, 0, 0, 1, 1])
    fit = rivals.fit_persistence(train, {"coercion": 4})
    probs = fit.predict(_rows("coercion", [2], prev=[1], start=2010))
    assert probs[0, :4] == pytest.approx([1 / 7, 4 / 7, 1 / 7, 1 / 7])
    # A binary event (PfP): "the state repeats" is "no event", category 0.
    pfp = rivals.fit_persistence(_rows("pfp", [0, 0, 0, 1], n_cat=2), {"pfp": 2})
    # 3 of 4 stay: p = 4/6.
    assert pfp.predict(_rows("pfp", [1], n_cat=2, start=2010))[0, :2] == pytest.approx(
        [4 / 6, 2 / 6])


def test_status_persistence_means_no_transition() -> None:
    # Status outcomes are transitions (0 stay, 1 suspend, 2 upgrade): whatever S(t-1) was,
    # the state repeats when the outcome is 0. 2 of 3 stay: p_stay = 3/5, others 1/5 each.
    train = _rows("status", [0, 1, 0], prev=[4, 4, 0], n_cat=3)
    fit = rivals.fit_persistence(train, {"status": 3})
    assert fit.predict(_rows("status", [0], prev=[3], n_cat=3))[0, :3] == pytest.approx(
        [3 / 5, 1 / 5, 1 / 5])


def test_logit_recovers_a_known_binary_model() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=3000)
    p = 1 / (1 + np.exp(-(-1.0 + 1.5 * x)))
    train = _rows("invitation", list((rng.random(3000) < p).astype(int)), n_cat=2, x=list(x))
    fit = rivals.fit_logit(train, {"invitation": 2}, ["x"])
    assert fit.info[0]["method"] == "mle"
    grid = _rows("invitation", [0, 0, 0], n_cat=2, x=[-1.0, 0.0, 1.0])
    truth = 1 / (1 + np.exp(-(-1.0 + 1.5 * np.array([-1.0, 0.0, 1.0]))))
    assert fit.predict(grid)[:, 1] == pytest.approx(truth, abs=0.05)


def test_separation_falls_back_without_a_crash() -> None:
    # x separates the outcomes perfectly: the plain MLE diverges, so the fit must fall back
    # to a penalised one and still give finite probabilities that sum to one.
    x = [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0]
    binary = _rows("invitation", [0, 0, 0, 1, 1, 1], n_cat=2, x=x)
    ordinal = _rows("coercion", [0, 0, 1, 1, 2, 2], x=x)
    for rows, kinds in ((binary, {"invitation": 2}), (ordinal, {"coercion": 4})):
        fit = rivals.fit_logit(rows, kinds, ["x"])
        assert fit.info[0]["method"] == "ridge"
        probs = fit.predict(rows)
        assert np.all(np.isfinite(probs[:, : int(rows["n_categories"].iloc[0])]))
        assert np.nansum(probs, axis=1) == pytest.approx(np.ones(len(rows)))


def test_one_category_in_training_is_a_base_rate() -> None:
    train = _rows("accession", [0, 0, 0], n_cat=2, x=[0.1, 0.2, 0.3])
    fit = rivals.fit_logit(train, {"accession": 2}, ["x"])
    assert fit.info[0]["method"].startswith("base rate")
    # add-one: (3 + 1) / 5 and 1 / 5
    assert fit.predict(train)[0, :2] == pytest.approx([0.8, 0.2])


def test_unseen_category_keeps_its_add_one_mass() -> None:
    # Training coercion 0/1 only (N = 40, 30 zeros, 10 ones): categories 2 and 3 get their
    # add-one base rate 1/44 each; the binary logit shares the remaining 42/44.
    x = list(np.linspace(-1, 1, 40))
    train = _rows("coercion", [0, 1, 0, 0] * 10, x=x)
    fit = rivals.fit_logit(train, {"coercion": 4}, ["x"])
    probs = fit.predict(train)
    assert probs[:, 2] == pytest.approx(np.full(40, 1 / 44))
    assert probs[:, 3] == pytest.approx(np.full(40, 1 / 44))
    assert probs[:, :2].sum(axis=1) == pytest.approx(np.full(40, 42 / 44))


def test_test_years_never_influence_a_rival_fit() -> None:
    rng = np.random.default_rng(5)
    n = 40
    table = pd.concat([
        _rows("coercion", list(rng.integers(0, 3, n)), prev=list(rng.integers(0, 3, n)),
              start=1991, x=list(rng.normal(size=n))),
        _rows("invitation", list(rng.integers(0, 2, n)), n_cat=2, start=1991,
              x=list(rng.normal(size=n))),
    ], ignore_index=True)
    poisoned = table.copy()
    test = poisoned["year"] > 2007
    poisoned.loc[test, "outcome"] = 1 - (poisoned.loc[test, "outcome"] > 0).astype(int)
    poisoned.loc[test, "x"] = 1e6
    a, _, _ = rivals.score_rivals(table, (1991, 2007))
    b, _, _ = rivals.score_rivals(poisoned, (1991, 2007))
    # same fitted probabilities wherever the scored rows themselves are unchanged
    keep = a["year"] <= 2007
    pd.testing.assert_frame_equal(a.loc[keep], b.loc[keep])


def test_pointwise_rows_follow_the_schema_and_the_floor() -> None:
    rows = _rows("invitation", [1, 0], n_cat=2)
    probs = np.array([[1.0, 0.0, np.nan, np.nan, np.nan], [0.5, 0.5, np.nan, np.nan, np.nan]])
    table = rivals.to_pointwise(rows, probs, "someone")
    assert tuple(table.columns) == POINTWISE_COLUMNS
    assert table["floored"].tolist() == [True, False]
    assert table["logp"].tolist() == pytest.approx([np.log(FLOOR), np.log(0.5)])


def test_the_logit_ignores_the_time_index() -> None:
    rows = _rows("invitation", [0, 1] * 5, n_cat=2, year_index=list(range(10)),
                 x=list(np.linspace(0, 1, 10)))
    assert rivals.covariate_columns(rows) == ["prev_state", "x"]
