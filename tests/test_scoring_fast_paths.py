"""The scoring fast paths give the numbers of the slow code they replace, bit for bit.

Each fast path is checked against the library call it stands in for (``binomtest``,
``nanquantile``, ``pivot_table``) on hand-made inputs, including the cases that must fall
back to the slow path (NaN, missing or repeated rows).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from sim.analysis.scoring import contributions
from sim.analysis.scoring.metrics import binomial_sf_half, sign_test
from sim.analysis.scoring.proper import band, nan_quantiles


def test_binomial_sf_half_is_binomtest_bit_for_bit():
    for n in range(1, 121):
        for hits in range(n + 1):
            expected = binomtest(hits, n, 0.5, alternative="greater").pvalue
            assert binomial_sf_half(hits, n) == float(expected), (hits, n)


def test_sign_test_hand_worked():
    # 3 milestones with a move in the record, 2 signs agree: P(X >= 2 | n=3) = 4/8
    hits, n, p = sign_test(np.array([0.1, -0.2, 0.3, 5.0]), np.array([1.0, 1.0, 2.0, 0.0]))
    assert (hits, n) == (2, 3)
    assert p == 0.5
    assert np.isnan(sign_test(np.array([1.0]), np.array([0.0]))[2])


def _quantile_cases():
    rng = np.random.default_rng(5)
    for m in (1, 2, 7, 200):
        a = rng.normal(size=(9, m)) * 3.0
        yield a
        rounded = np.round(a, 1)  # ties
        yield rounded
        holed = a.copy()
        holed[rng.random(holed.shape) < 0.2] = np.nan
        holed[4] = np.nan  # a row with nothing
        yield holed


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_nan_quantiles_match_nanquantile(level):
    tail = (1.0 - level) / 2.0
    for fct in _quantile_cases():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN row
            expected = np.nanquantile(fct, [tail, 1.0 - tail], axis=1)
            got = nan_quantiles(fct, [tail, 1.0 - tail])
            lo, hi = band(fct, level)
        assert np.array_equal(got, expected, equal_nan=True)
        assert np.array_equal(lo, expected[0], equal_nan=True)
        assert np.array_equal(hi, expected[1], equal_nan=True)


def test_band_hand_worked():
    # five members 0..4: the 80 % band is the 10th and 90th percentiles, 0.4 and 3.6
    lo, hi = band(np.arange(5.0)[None, :], 0.8)
    assert lo[0] == pytest.approx(0.4)
    assert hi[0] == pytest.approx(3.6)


def _records_like(rng, years, replicas, partners):
    series = pd.DataFrame([(y, r) for r in replicas for y in years], columns=["year", "replica"])
    for c in (*contributions.SERIES_COLUMNS, "S"):
        series[c] = rng.integers(0, 5, len(series)) if c == "S" else rng.normal(size=len(series))
    part = pd.DataFrame([(y, r, p) for r in replicas for y in years for p in partners],
                        columns=["year", "replica", "partner"])
    part["partner"] = pd.Categorical(part["partner"], categories=sorted(set(partners)))
    for c in (*contributions.PARTNER_COLUMNS, "status", "coercion"):
        part[c] = rng.normal(size=len(part)) if c == "alignment" else \
            rng.integers(0, 4, len(part)).astype(np.int8)
    return series, part


def _pivots(series, part, years, codes):
    """What simulated_from_records computed before the fast path (pivot_table)."""
    out = {c: series.pivot_table(index="year", columns="replica", values=c, aggfunc="first")
           .reindex(years).to_numpy(dtype=float) for c in (*contributions.SERIES_COLUMNS, "S")}
    for c in (*contributions.PARTNER_COLUMNS, "status", "coercion"):
        wide = part.pivot_table(index=["year", "replica"], columns="partner", values=c,
                                aggfunc="first").reindex(columns=list(codes))
        n_rep = wide.index.get_level_values("replica").nunique()
        out[c] = wide.reindex(years, level="year").to_numpy(dtype=float).reshape(
            len(years), n_rep, len(codes))
    return out


def test_grid_is_the_pivot_of_a_complete_grid():
    rng = np.random.default_rng(3)
    years, replicas, partners = [1991, 1992, 1993], [0, 1, 5, 7], ["UKR", "POL", "GEO"]
    series, part = _records_like(rng, years, replicas, partners)
    series = series.sample(frac=1.0, random_state=1)  # row order must not matter
    ys = np.array(years)
    got_s = contributions._grid(series, ["year", "replica"],
                                (*contributions.SERIES_COLUMNS, "S"), [ys])
    got_p = contributions._grid(part, ["year", "replica", "partner"],
                                (*contributions.PARTNER_COLUMNS, "status", "coercion"),
                                [ys, None, tuple(partners)])
    expected = _pivots(series, part, ys, tuple(partners))
    assert got_s is not None and got_p is not None
    for c, grid in {**got_s, **got_p}.items():
        assert np.array_equal(grid, expected[c]), c
    # the partner axis follows the codes given (order of appearance), not sorted order
    assert np.array_equal(got_p["alignment"][0, 0],
                          part["alignment"].to_numpy()[:3])


def test_grid_refuses_what_pivot_would_fill_or_drop():
    rng = np.random.default_rng(4)
    years = np.array([2000, 2001])
    series, _ = _records_like(rng, [2000, 2001], [0, 1], ["UKR"])
    keys, cols = ["year", "replica"], (*contributions.SERIES_COLUMNS, "S")
    assert contributions._grid(series, keys, cols, [years]) is not None
    assert contributions._grid(series.iloc[1:], keys, cols, [years]) is None  # a hole
    repeated = series.copy()
    repeated.loc[repeated.index[1], keys] = repeated.loc[repeated.index[0], keys].to_numpy()
    assert contributions._grid(repeated, keys, cols, [years]) is None  # a key twice
    holed = series.copy()
    holed.loc[holed.index[0], "R"] = np.nan
    assert contributions._grid(holed, keys, cols, [years]) is None  # pivot skips NaN
    assert contributions._grid(series, keys, cols, [np.array([2000, 2002])]) is None
    _, part = _records_like(rng, [2000, 2001], [0, 1], ["UKR", "POL"])
    part.loc[part["partner"] == "POL", "partner"] = np.nan  # rows without a partner key
    # as text the missing key reads "nan" and would fill the grid; pivot_table drops them
    assert contributions._grid(part, ["year", "replica", "partner"], ("alignment",),
                               [years, None, ("UKR", "nan")]) is None


def test_nan_quantiles_without_members_is_nanquantile():
    empty = np.empty((3, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.array_equal(nan_quantiles(empty, [0.1, 0.9]),
                              np.nanquantile(empty, [0.1, 0.9], axis=1), equal_nan=True)
