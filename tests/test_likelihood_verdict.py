"""The likelihood verdict's wording, in both directions, on made-up tables; and a forecaster
that puts probability 1 on every observed outcome beats every rival."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.likelihood import compare as cmp
from sim.analysis.likelihood.nonnested import pairwise_tests
from sim.analysis.likelihood.rivals import score_rivals
from sim.analysis.likelihood.verdict import make_verdict
from sim.model.paradigms import PARADIGMS

THEORIES = list(PARADIGMS)  # whatever the registry holds; no names typed here
RIVALS = ["persistence", "base rate", "logit"]


def _scores(values: dict[str, list[float]], split: str = "primary") -> pd.DataFrame:
    """log_scores rows: ``values[name][s]`` is the total of seed s."""
    rows = []
    for name, per_seed in values.items():
        for seed, v in enumerate(per_seed):
            rows.append({"seed": seed, "split": split, "test": "2008-2024", "forecaster": name,
                         "kind": cmp.ALL, "n": 500, "log_score": v, "mean": v / 500,
                         "floored": 0, "floored_share": 0.0})
    return pd.DataFrame(rows)


def _pairwise(winner: str | None, names: list[str], split: str = "primary") -> pd.DataFrame:
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            fav = winner if winner in (a, b) else "neither"
            rows.append({"split": split, "sample": "test", "a": a, "b": b,
                         "vuong_p_block_bic": 0.01 if fav != "neither" else 0.4,
                         "vuong_p_bic": 0.01, "favours": fav})
    return pd.DataFrame(rows)


def _stacking(names: list[str]) -> pd.DataFrame:
    w = np.full(len(names), 1.0 / len(names))
    return pd.DataFrame({"forecaster": names, "elpd": -np.arange(len(names), dtype=float),
                         "weight": w})


def _verdict(values: dict[str, list[float]], winner: str | None) -> list[str]:
    names = list(values)
    return make_verdict(_scores(values), _pairwise(winner, names), _stacking(names),
                        dict.fromkeys(names, 9), THEORIES, RIVALS, seed=0,
                        splits=("primary",))


def test_when_no_theory_beats_the_naive_rivals_the_first_sentence_says_so() -> None:
    values = {p: [-300.0 - 10 * i] * 5 for i, p in enumerate(THEORIES)}
    values.update({"persistence": [-150.0] * 5, "base rate": [-160.0] * 5,
                   "logit": [-400.0] * 5})
    verdict = _verdict(values, "persistence")
    assert verdict[0].startswith("No theory beats the naive rivals")
    assert "persistence" in verdict[0] and THEORIES[0] in verdict[0]
    assert not any("beats every rival" in s for s in verdict)


def test_a_theory_that_beats_every_rival_is_named_with_that_claim() -> None:
    best = THEORIES[-1]
    values = {p: [-300.0] * 5 for p in THEORIES}
    values[best] = [-100.0] * 5
    values.update({"persistence": [-150.0] * 5, "base rate": [-160.0] * 5,
                   "logit": [-140.0] * 5})
    verdict = _verdict(values, best)
    assert verdict[0].startswith(f"{best} is the best forecaster")
    assert "beats every rival" in verdict[0] and "logit" in verdict[0]
    assert "significant" in verdict[0] and "not significant" not in verdict[0]


def test_beating_the_naive_rivals_but_not_the_logit_is_said() -> None:
    best = THEORIES[0]
    values = {p: [-300.0] * 5 for p in THEORIES}
    values[best] = [-140.0] * 5
    values.update({"persistence": [-150.0] * 5, "base rate": [-160.0] * 5,
                   "logit": [-120.0] * 5})
    first = _verdict(values, "logit")[0]
    assert "beats the naive rivals" in first and "does not beat every rival" in first


def test_best_is_never_said_without_the_rivals() -> None:
    for logit in (-400.0, -120.0, -50.0):
        values = {p: [-130.0 - i] * 5 for i, p in enumerate(THEORIES)}
        values.update({"persistence": [-150.0] * 5, "base rate": [-160.0] * 5,
                       "logit": [logit] * 5})
        for sentence in _verdict(values, None):
            if " best paradigm" in sentence or "best forecaster" in sentence:
                assert "rival" in sentence or "seeds" in sentence


def test_the_stability_over_seeds_is_stated_in_both_directions() -> None:
    stable = {p: [-200.0 - 10 * i] * 5 for i, p in enumerate(THEORIES)}
    stable.update({r: [-300.0] * 5 for r in RIVALS})
    text = " ".join(_verdict(stable, None))
    assert "Over 5 seeds the paradigms' ranking is stable" in text
    if len(THEORIES) > 1:
        flip = dict(stable)
        flip[THEORIES[0]] = [-200.0, -220.0, -200.0, -220.0, -200.0]
        flip[THEORIES[1]] = [-210.0] * 5
        text = " ".join(_verdict(flip, None))
        assert "Over 5 seeds the paradigms' ranking is not stable" in text
        assert "in 3 of 5" in text


def test_fewer_than_five_seeds_are_called_too_few() -> None:
    values = {p: [-200.0 - 10 * i] * 2 for i, p in enumerate(THEORIES)}
    values.update({r: [-300.0] * 2 for r in RIVALS})
    text = " ".join(_verdict(values, None))
    assert "Over 2 seeds" in text and "too few to judge" in text


def test_equal_parameter_counts_are_said_to_cancel() -> None:
    values = {p: [-200.0 - i] * 5 for i, p in enumerate(THEORIES)}
    values.update({r: [-300.0] * 5 for r in RIVALS})
    text = " ".join(_verdict(values, None))
    assert "corrections cancel between paradigms" in text


def test_a_forecaster_certain_of_every_outcome_beats_every_rival() -> None:
    rng = np.random.default_rng(2)
    rows = []
    for year in range(1991, 2025):
        for actor in ("A", "B", "C"):
            f = int(rng.integers(0, 4))
            rows.append({"year": year, "kind": "coercion", "actor": actor, "outcome": f,
                         "n_categories": 4, "prev_state": float(rng.integers(0, 4)),
                         "dem": rng.random()})
        rows.append({"year": year, "kind": "invitation", "actor": "A",
                     "outcome": int(rng.integers(0, 2)), "n_categories": 2, "prev_state": 0.0,
                     "dem": rng.random()})
    decisions = pd.DataFrame(rows)
    pointwise, _, k = score_rivals(decisions, (1991, 2007))
    oracle = pointwise.loc[pointwise["forecaster"] == "persistence"].copy()
    oracle["forecaster"], oracle["logp"] = "oracle", 0.0  # probability 1 on the outcome
    both = pd.concat([pointwise, oracle], ignore_index=True)
    test = both.loc[both["year"] >= 2008].assign(seed=0, split="primary")
    scores = cmp.log_scores(test, [cmp.Split("primary", (1991, 2007), (2008, 2024))])
    totals = scores.loc[scores["kind"] == cmp.ALL].set_index("forecaster")["log_score"]
    assert totals.idxmax() == "oracle" and (totals.drop("oracle") < 0).all()
    pairs = pairwise_tests(test, {**k, "oracle": 0}, seed=0, n_boot=199)
    vs = pairs.loc[(pairs["a"] == "oracle") | (pairs["b"] == "oracle")]
    assert len(vs) == 3 and (vs["favours"] == "oracle").all()
    verdict = make_verdict(scores, pairs.assign(split="primary", sample="test"),
                           pd.DataFrame(), {**k, "oracle": 0}, ["oracle"], RIVALS, seed=0,
                           splits=("primary",))
    assert verdict[0].startswith("oracle is the best forecaster") and (
        "beats every rival" in verdict[0])
