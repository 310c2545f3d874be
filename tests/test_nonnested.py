"""Vuong and Clarke tests, AIC/BIC and the block bootstrap against hand-worked examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.likelihood import nonnested as nn
from sim.analysis.likelihood.compare import Split, information_criteria


def test_vuong_matches_hand_computation() -> None:
    # m = (0.5, -0.2, 0.3, 0.4), n = 4: LR = 1.0, mean = 0.25,
    # mean(m^2) = (0.25 + 0.04 + 0.09 + 0.16) / 4 = 0.135, omega^2 = 0.135 - 0.0625 = 0.0725,
    # Z = 1.0 / (sqrt(4) * sqrt(0.0725)) = 1 / 0.538516 = 1.856953,
    # p = 2 * (1 - Phi(1.856953)) = 2 * 0.031659 = 0.063318.
    v = nn.vuong(np.array([0.5, -0.2, 0.3, 0.4]))
    assert v.lr == pytest.approx(1.0)
    assert v.omega**2 == pytest.approx(0.0725)
    assert v.z == pytest.approx(1.856953, abs=1e-6)
    assert v.p == pytest.approx(0.063318, abs=1e-6)


def test_vuong_schwarz_correction_by_hand() -> None:
    # k_A = 3, k_B = 1, n = 4: correction (3 - 1) / 2 * ln 4 = ln 4 = 1.386294;
    # LR~ = 1 - 1.386294 = -0.386294, Z = -0.386294 / 0.538516 = -0.717331 (now favours B),
    # p = 2 * (1 - Phi(0.717331)) = 0.473170.
    corr = nn.schwarz(3, 1, 4)
    assert corr == pytest.approx(math.log(4))
    v = nn.vuong(np.array([0.5, -0.2, 0.3, 0.4]), corr)
    assert v.z == pytest.approx(-0.717331, abs=1e-6)
    assert v.p == pytest.approx(0.473170, abs=1e-6)


def test_equal_parameter_counts_cancel_the_corrections() -> None:
    m = np.array([0.5, -0.2, 0.3, 0.4, 0.1, -0.3, 0.2])
    years = np.arange(2000, 2007)
    row = nn.paired_test(m, years, 9, 9, seed=1, n_boot=99)
    assert row["corrections_cancel"]
    assert row["vuong_z_bic"] == row["vuong_z"] and row["lr_aic"] == row["lr"]
    assert row["clarke_b_bic"] == row["clarke_b"] and row["clarke_p_bic"] == row["clarke_p"]


def test_clarke_sign_test_by_hand() -> None:
    # m = (0.5, -0.2, 0.3, 0.4, 0.0, 0.1): the tie is dropped, B = 4 of n = 5.
    # Two-sided binomial(5, 1/2): P(X >= 4) + P(X <= 1) = (5 + 1)/32 + (1 + 5)/32 = 0.375.
    c = nn.clarke(np.array([0.5, -0.2, 0.3, 0.4, 0.0, 0.1]))
    assert (c.b, c.n) == (4, 5)
    assert c.p == pytest.approx(0.375)


def test_clarke_schwarz_correction_by_hand() -> None:
    # k_A = 2, k_B = 1, n = 6: each m_i loses ln(6) / (2 * 6) = 0.149313, giving
    # (0.351, -0.349, 0.151, 0.251, -0.149, -0.049): B = 3 of 6, two-sided p = 1.
    m = np.array([0.5, -0.2, 0.3, 0.4, 0.0, 0.1])
    c = nn.clarke(m, nn.schwarz(2, 1, 6))
    assert (c.b, c.n) == (3, 6)
    assert c.p == pytest.approx(1.0)


def test_block_bootstrap_is_seeded_and_reproducible() -> None:
    rng = np.random.default_rng(3)
    years = np.repeat(np.arange(2000, 2012), 4)
    m = rng.normal(0.1, 1.0, size=len(years))
    a = nn.paired_test(m, years, 1, 1, seed=7, n_boot=199)
    b = nn.paired_test(m, years, 1, 1, seed=7, n_boot=199)
    c = nn.paired_test(m, years, 1, 1, seed=8, n_boot=199)
    assert a == b
    assert a["boot_se"] != c["boot_se"]
    assert a["mean_diff_lo"] < m.mean() < a["mean_diff_hi"]


def test_block_bootstrap_sees_dependence_within_years() -> None:
    # The same difference repeated by every decision of a year: 10 decisions a year carry
    # the information of one. The i.i.d. Vuong test is then overconfident; the block version
    # is not (its standard error is that of the 12 yearly sums, not of 120 decisions).
    rng = np.random.default_rng(4)
    per_year = rng.normal(0.2, 1.0, size=12)
    years = np.repeat(np.arange(2000, 2012), 10)
    m = np.repeat(per_year, 10)
    row = nn.paired_test(m, years, 1, 1, seed=0, n_boot=999)
    assert row["vuong_p_block"] > row["vuong_p"]


def test_pairwise_table_has_every_pair_once_and_names_the_winner() -> None:
    years = np.repeat(np.arange(2000, 2012), 3)
    rows = []
    for name, logp in (("sharp", -0.05), ("vague", -1.0), ("mid", -0.5)):
        rows += [{"forecaster": name, "year": y, "kind": "coercion", "actor": f"P{i % 3}",
                  "logp": logp + 0.01 * (i % 2)} for i, y in enumerate(years)]
    table = nn.pairwise_tests(pd.DataFrame(rows), {"sharp": 1, "vague": 1, "mid": 1}, seed=0,
                              n_boot=99)
    # pairs in the table's forecaster order: (sharp, vague), (sharp, mid), (vague, mid)
    assert list(zip(table["a"], table["b"], strict=True)) == [
        ("sharp", "vague"), ("sharp", "mid"), ("vague", "mid")]
    assert table.set_index(["a", "b"]).loc[("vague", "mid"), "favours"] == "mid"
    assert set(table.loc[table["a"] == "sharp", "favours"]) == {"sharp"}


def test_aic_bic_by_hand() -> None:
    # Two training decisions per forecaster. "a": log L = log 0.5 + log 0.25 = -2.079442,
    # k = 2, n = 2: AIC = 4 + 4.158883 = 8.158883, BIC = 2 ln 2 + 4.158883 = 5.545177.
    # "b": log L = 2 log 0.5 = -1.386294, k = 9: AIC = 18 + 2.772589 = 20.772589,
    # BIC = 9 ln 2 + 2.772589 = 9.010913.
    split = Split("primary", (2000, 2001), (2002, 2002))
    scored = pd.DataFrame({
        "seed": 0, "split": "primary", "forecaster": ["a", "a", "b", "b", "a", "b"],
        "year": [2000, 2001, 2000, 2001, 2002, 2002], "kind": "status", "actor": "X",
        "logp": [math.log(0.5), math.log(0.25), math.log(0.5), math.log(0.5), -9.0, -9.0],
    })
    fits = pd.DataFrame({"seed": 0, "split": "primary", "forecaster": ["a", "b"],
                         "role": ["rival", "paradigm"], "n_params": [2, 9]})
    ic = information_criteria(scored, fits, [split]).set_index("forecaster")
    assert ic.loc["a", "aic"] == pytest.approx(8.158883, abs=1e-6)
    assert ic.loc["a", "bic"] == pytest.approx(5.545177, abs=1e-6)
    assert ic.loc["b", "aic"] == pytest.approx(20.772589, abs=1e-6)
    assert ic.loc["b", "bic"] == pytest.approx(9.010913, abs=1e-6)
    assert ic.loc["b", "penalty_cancels"] and not ic.loc["a", "penalty_cancels"]
