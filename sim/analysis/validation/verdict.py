"""The plain-language verdict, generated from the validation tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.validation.plan import MIN_YEARS, MIXTURE, Plan, Split

# =========================================================================== the verdict


def make_verdict(report: Mapping[str, pd.DataFrame], plan: Plan) -> pd.DataFrame:
    """The plain-language verdict table, generated from the numbers.

    Returns:
        Columns ``topic`` and ``finding``, one row per question answered.
    """
    skills, diffs = report["skills"], report["differences"]
    rows = [("overall", _overall(skills, diffs, plan))]
    for split in plan.splits:
        for sample in ("in sample", "out of sample"):
            rows.append((f"{split.name}, {sample}",
                         _best_sentence(skills, diffs, plan, split.name, sample)))
    if not report["horizons"].empty:
        rows.append(("rolling origins", _horizon_sentence(report["horizons"], plan)))
    if not report["mixture"].empty:
        for split in plan.splits:
            rows.append((f"encompassing, {split.name}",
                         _mixture_sentence(report["mixture"], skills, split.name)))
    if not report["frozen"].empty:
        for split in plan.splits:
            rows.append((f"frozen inputs, {split.name}",
                         _frozen_sentence(report["frozen"], report["frozen_differences"],
                                          diffs, split, plan)))
    return pd.DataFrame(rows, columns=["topic", "finding"])


def _ranked(skills: pd.DataFrame, split: str, sample: str,
            names: Sequence[str]) -> pd.DataFrame:
    rows = skills[(skills["split"] == split) & (skills["sample"] == sample)
                  & skills["forecaster"].isin(names)]
    return rows.sort_values("skill", ascending=False, kind="stable")


def _diff(diffs: pd.DataFrame, split: str, sample: str, a: str, b: str) -> dict[str, Any]:
    rows = diffs[(diffs["split"] == split) & (diffs["sample"] == sample)]
    hit = rows[(rows["a"] == a) & (rows["b"] == b)]
    if not hit.empty:
        return hit.iloc[0].to_dict()
    row = rows[(rows["a"] == b) & (rows["b"] == a)].iloc[0].to_dict()
    return {**row, "a": a, "b": b, "diff": -row["diff"], "lo": -row["hi"], "hi": -row["lo"]}


def _num(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _ci(lo: float, hi: float) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"[no interval: fewer than {MIN_YEARS} years]"
    return f"[{_num(lo)}, {_num(hi)}]"


def _against_baselines(lo: float, hi: float) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "too few years to compare with the baselines"
    if lo > 0:
        return "better than the reference baselines at 95 %"
    if hi < 0:
        return "worse than the reference baselines at 95 %"
    return "not distinguishable from the reference baselines at 95 %"


def _best_sentence(skills: pd.DataFrame, diffs: pd.DataFrame, plan: Plan, split: str,
                   sample: str) -> str:
    ranked = _ranked(skills, split, sample, plan.paradigms)
    best = ranked.iloc[0]
    window = best["window"]
    text = (f"{best['forecaster']} best {sample} ({window}), skill {_num(best['skill'])} "
            f"{_ci(best['lo'], best['hi'])}, {_against_baselines(best['lo'], best['hi'])}")
    for _, other in ranked.iloc[1:].iterrows():
        d = _diff(diffs, split, sample, best["forecaster"], other["forecaster"])
        verdict = ("distinguishable at 95 %" if d["distinguishable"] else
                   "not distinguishable at 95 %" if np.isfinite(d["lo"]) else "not testable")
        text += (f"; difference to {other['forecaster']} {_num(d['diff'])} "
                 f"{_ci(d['lo'], d['hi'])}: {verdict}")
    return text + "."


def _overall(skills: pd.DataFrame, diffs: pd.DataFrame, plan: Plan) -> str:
    if not plan.splits:
        return "no split fits inside the scenario's period: nothing to judge."
    split = plan.splits[0].name
    ranked = _ranked(skills, split, "out of sample", plan.paradigms)
    best = ranked.iloc[0]["forecaster"]
    if len(ranked) == 1:
        return f"only {best} was run: no comparison."
    others = [o for o in ranked["forecaster"].iloc[1:]]
    beaten = [o for o in others if _diff(diffs, split, "out of sample", best, o)["lo"] > 0]
    text = f"Out of sample on the {split} split, {best} reproduces the observed relations best"
    if len(beaten) == len(others):
        text += f", distinguishably better than {' and '.join(others)} at 95 %."
    elif beaten:
        tied = [o for o in others if o not in beaten]
        text += (f"; better than {' and '.join(beaten)} at 95 %, but not distinguishable "
                 f"from {' and '.join(tied)}.")
    else:
        text += (f", but it is not distinguishable from {' or '.join(others)} at 95 %: "
                 "the data do not single out one paradigm.")
    top = ranked.iloc[0]
    text += (f" Against the naive baselines, {best} is "
             f"{_against_baselines(float(top['lo']), float(top['hi']))} (skill "
             f"{_num(top['skill'])} {_ci(top['lo'], top['hi'])}).")
    if "realist" in plan.paradigms:
        text += " " + _ratti(diffs, split, plan, best, top)
    return text


def _ratti(diffs: pd.DataFrame, split: str, plan: Plan, best: str,
           top: pd.Series | None = None) -> str:
    """Ratti (2009) claims realism explains best: what this run says about it."""
    rivals = [p for p in plan.paradigms if p != "realist"]
    if not rivals:
        return ""
    beats_baselines = top is None or (best == "realist" and float(top.get("lo", np.nan)) > 0)
    worse = [p for p in rivals if _diff(diffs, split, "out of sample", "realist", p)["hi"] < 0]
    better = [p for p in rivals if _diff(diffs, split, "out of sample", "realist", p)["lo"] > 0]
    if len(better) == len(rivals) and beats_baselines:
        return "Ratti's (2009) claim that realism explains best is supported here."
    if len(better) == len(rivals):
        return ("Realism does better than its rivals at 95 %, but not better than the naive "
                "baselines: Ratti's (2009) claim is supported only relative to the other "
                "theories.")
    if worse:
        verb = "does" if len(worse) == 1 else "do"
        return (f"Ratti's (2009) claim that realism explains best is contradicted: "
                f"{' and '.join(worse)} {verb} better at 95 %.")
    return ("Ratti's (2009) claim that realism explains best is neither supported nor "
            f"contradicted at 95 % (realist {'is' if best == 'realist' else 'is not'} ranked "
            "first).")


def _horizon_sentence(horizons: pd.DataFrame, plan: Plan) -> str:
    rows = horizons[horizons["kind"] == "paradigm"]
    parts = []
    for h, group in rows.groupby("horizon", sort=True):
        means = group.groupby("forecaster")["skill"].mean().reindex(plan.paradigms)
        best = means.idxmax()
        wins = group.loc[group.groupby("origin")["skill"].idxmax(), "forecaster"]
        n_origins = group["origin"].nunique()
        parts.append(f"{h}-year horizon: {best} (mean skill {_num(means[best])}, first at "
                     f"{int((wins == best).sum())} of {n_origins} origins)")
    origins = ", ".join(str(o) for o in plan.origins)
    return f"Rolling origins {origins}: " + "; ".join(parts) + " (no intervals: one window " \
        "per origin)."


def _mixture_sentence(mixture: pd.DataFrame, skills: pd.DataFrame, split: str) -> str:
    rows = mixture[mixture["split"] == split]
    if rows.empty:
        return "not run."
    top = rows.sort_values("weight", ascending=False).iloc[0]
    weights = "; ".join(f"{r.component} {_num(r.weight)} {_ci(r.lo, r.hi)}"
                        for r in rows.itertuples())
    text = (f"mixture weights (train {rows['train'].iloc[0]}): {weights}; the largest weight "
            f"goes to {top['component']}")
    out = skills[(skills["split"] == split) & (skills["sample"] == "out of sample")]
    mix = out[out["forecaster"] == MIXTURE]
    single = out[out["kind"] == "paradigm"].sort_values("skill", ascending=False)
    if not mix.empty and not single.empty:
        m, s = mix.iloc[0], single.iloc[0]
        text += (f"; out of sample the mixture scores {_num(m['skill'])} "
                 f"{_ci(m['lo'], m['hi'])} against {_num(s['skill'])} for {s['forecaster']}")
    wide = rows[(rows["hi"] - rows["lo"]) > 0.5]
    if len(wide):
        text += "; the weights are poorly identified (wide intervals)"
    return text + "."


def _frozen_sentence(frozen: pd.DataFrame, frozen_diffs: pd.DataFrame, diffs: pd.DataFrame,
                     split: Split, plan: Plan) -> str:
    """Does the leading paradigm's advantage survive freezing Russian democracy and GDP?"""
    rows = frozen[(frozen["split"] == split.name) & frozen["forecaster"].isin(plan.paradigms)]
    best_real = rows.sort_values("skill", ascending=False).iloc[0]["forecaster"]
    best_frozen = rows.sort_values("skill_frozen", ascending=False).iloc[0]["forecaster"]
    changes = "; ".join(f"{r.forecaster} {_num(r.skill)} → {_num(r.skill_frozen)}"
                        for r in rows.itertuples())
    text = (f"with Russian democracy and GDP frozen after {split.train[1]}, test skill "
            f"{changes}. ")
    text += (f"{best_real} stays first" if best_real == best_frozen else
             f"the first place moves from {best_real} to {best_frozen}")
    lost = []
    for other in [p for p in plan.paradigms if p != best_real]:
        real = _diff(diffs, split.name, "out of sample", best_real, other)
        held = _diff(frozen_diffs, split.name, "out of sample, frozen inputs", best_real, other)
        text += (f"; lead over {other} {_num(real['diff'])} {_ci(real['lo'], real['hi'])} → "
                 f"{_num(held['diff'])} {_ci(held['lo'], held['hi'])}")
        if real["distinguishable"] != held["distinguishable"]:
            lost.append(other)
    depends = best_real != best_frozen or bool(lost)
    return text + (": the leading paradigm's advantage depends on these inputs." if depends else
                   ": no paradigm's lead depends on these inputs.")
