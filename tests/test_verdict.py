"""The verdict follows its numbers in both directions: made-up tables for each case.

Paradigm names here are placeholders (``a``, ``b``, ``c``): the verdict's rule is the same
for every paradigm, so nothing in it may depend on which one is which.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.analysis import validation as val
from sim.analysis.scoring import BASELINES

NAMES = ("a", "b", "c")


def report(skill: dict[str, float], *, diff_lo: float = -0.05, diff_hi: float = 0.05,
           base: float = 0.0, dm_p: float = 0.01, seeds: list[dict[str, float]] | None = None
           ) -> dict:
    """One split; ``skill`` per paradigm; every baseline at ``base``; every paired
    difference ``d + [diff_lo, diff_hi]``; DM p-value ``dm_p`` for every paradigm-baseline
    pair, with the sign of (paradigm skill - base)."""
    rows, diffs, tests = [], [], []
    for sample, window in (("in sample", "1991-2007"), ("out of sample", "2008-2024")):
        for name, value in skill.items():
            rows.append({"split": "primary", "sample": sample, "window": window,
                         "forecaster": name, "kind": "paradigm", "skill": value,
                         "lo": value - 0.1, "hi": value + 0.1})
        for b in BASELINES:
            rows.append({"split": "primary", "sample": sample, "window": window,
                         "forecaster": b, "kind": "baseline", "skill": base,
                         "lo": base - 0.1, "hi": base + 0.1})
        names = list(skill)
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                d = skill[x] - skill[y]
                diffs.append({"split": "primary", "sample": sample, "a": x, "b": y, "diff": d,
                              "lo": d + diff_lo, "hi": d + diff_hi, "share_a_better": 0.5,
                              "distinguishable": bool(d + diff_lo > 0 or d + diff_hi < 0)})
        for name, value in skill.items():
            for b in BASELINES:
                tests.append({"split": "primary", "sample": sample, "paradigm": name,
                              "baseline": b, "loss_diff": base - value, "dm": 0.0,
                              "p": dm_p if value != base else 1.0, "n": 17})
    empty = pd.DataFrame()
    seed_rows = []
    for k, table in enumerate(seeds or []):
        for name, value in table.items():
            seed_rows.append({"seed": k, "forecaster": name, "skill": value,
                              "kind": "baseline" if name in BASELINES else "paradigm"})
    return {"skills": pd.DataFrame(rows), "differences": pd.DataFrame(diffs),
            "tests": pd.DataFrame(tests), "horizons": empty, "mixture": empty,
            "frozen": empty, "frozen_differences": empty,
            "seed_skills": pd.DataFrame(seed_rows)}


def plan() -> val.Plan:
    return val.Plan(paradigms=NAMES, splits=(val.SPLITS[0],), origins=(), last=2024,
                    notes=())


@dataclass(frozen=True)
class Settings:
    budget: int


def overall(rep: dict, **kwargs) -> str:
    return val.make_verdict(rep, plan(), **kwargs).set_index("topic").loc["overall",
                                                                            "finding"]


def test_none_beats_the_baselines_first_sentence_says_so() -> None:
    text = overall(report({"a": 0.10, "b": 0.05, "c": -0.2}, base=0.2))
    first = text.split(". ")[0]
    assert first.startswith("No paradigm beats every naive baseline out of sample")
    assert "highest-scoring paradigm is a" in text
    # mirrored: lift a above the baselines and the first sentence names it as beating them
    text = overall(report({"a": 0.30, "b": 0.05, "c": -0.2}, base=0.2))
    assert text.startswith("Out of sample on the primary split, a scores highest (0.30) and "
                           "beats every naive baseline")
    assert "significantly against each" in text
    text = overall(report({"a": 0.30, "b": 0.05, "c": -0.2}, base=0.2, dm_p=0.5))
    assert "not significantly against each" in text


def test_supported_and_contradicted_are_mirrored() -> None:
    # a beats b and c at 95 % and every baseline: a supported; b and c contradicted by a
    text = overall(report({"a": 0.5, "b": 0.1, "c": 0.0}, base=-0.1))
    assert "the claim that a explains best is supported" in text
    assert "the claim that b explains best is contradicted (by a)" in text
    assert "the claim that c explains best is contradicted (by a and b)" in text  # b > c too
    # same differences, but nobody beats the baselines: a not supported, nobody contradicted
    text = overall(report({"a": 0.5, "b": 0.1, "c": 0.0}, base=0.9))
    assert "supported" not in text.replace("neither supported", "")
    assert "contradicted (by" not in text
    assert text.count("neither supported nor contradicted") == 3
    # the rule is symmetric: swapping the numbers of a and c swaps the wording
    text = overall(report({"a": 0.0, "b": 0.1, "c": 0.5}, base=-0.1))
    assert "the claim that c explains best is supported" in text
    assert "the claim that a explains best is contradicted (by b and c)" in text


def test_not_distinguishable_is_neither() -> None:
    text = overall(report({"a": 0.21, "b": 0.20, "c": 0.19}, diff_lo=-0.3, diff_hi=0.3,
                          base=-0.5))
    assert text.count("neither supported nor contradicted") == 3


def test_seed_agreement_is_counted() -> None:
    seeds = [{"a": 0.3, "b": 0.1, "c": 0.0, **{b: 0.2 for b in BASELINES}},
             {"a": 0.1, "b": 0.3, "c": 0.0, **{b: 0.2 for b in BASELINES}},
             {"a": 0.3, "b": 0.1, "c": 0.0, **{b: 0.5 for b in BASELINES}},
             {"a": 0.3, "b": 0.1, "c": 0.0, **{b: 0.2 for b in BASELINES}},
             {"a": 0.3, "b": 0.1, "c": 0.0, **{b: 0.2 for b in BASELINES}}]
    text = overall(report({"a": 0.3, "b": 0.1, "c": 0.0}, base=0.2, seeds=seeds))
    # a is first in seeds 0, 2, 3, 4; the first paradigm beats the baselines in 0, 1, 3, 4
    assert "Over 5 seeds (model and optimiser), 4 of 5 rank a first" in text
    assert "in 4 of 5 the first paradigm beats every naive baseline" in text


def test_budget_warning_and_bounds_are_in_the_verdict() -> None:
    from sim.analysis.calibration import DEFAULT_BUDGET

    rep = report({"a": 0.3, "b": 0.1, "c": 0.0})
    low = overall(rep, settings=Settings(budget=10),
                  at_bounds=["a (train to 2007): a.x = 1 sits at its upper bound 1"])
    assert f"Warning: budget 10 is below the documented default {DEFAULT_BUDGET}" in low
    assert "Parameters at a bound: a (train to 2007): a.x = 1 sits at its upper bound 1" in low
    full = overall(rep, settings=Settings(budget=DEFAULT_BUDGET))
    assert "Warning" not in full and "at a bound" not in full
