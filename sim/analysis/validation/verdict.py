"""The plain-language verdict, generated from the validation tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.validation.plan import MIN_YEARS, MIXTURE, Plan, Split

# =========================================================================== the verdict


def make_verdict(report: Mapping[str, pd.DataFrame], plan: Plan, *, settings: Any = None,
                 at_bounds: Sequence[str] = ()) -> pd.DataFrame:
    """The plain-language verdict table, generated from the numbers.

    The first row (``overall``) follows :func:`headline`; the rest describe each split,
    sample, horizon, the mixture and the frozen inputs.

    Returns:
        Columns ``topic`` and ``finding``, one row per question answered.
    """
    skills, diffs = report["skills"], report["differences"]
    rows = [("overall", headline(report, plan, settings=settings, at_bounds=at_bounds))]
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


# =========================================================================== the headline

SIGNIFICANCE = 0.05  # two-sided DM test size; 95 % intervals for paired differences


def beats(tests: pd.DataFrame, paradigm: str, baseline: str) -> int:
    """+1: the paradigm's loss is lower at 5 % (DM-HLN); -1: higher at 5 %; 0: neither."""
    row = tests[(tests["paradigm"] == paradigm) & (tests["baseline"] == baseline)]
    if row.empty or not np.isfinite(row["p"].iloc[0]) or row["p"].iloc[0] >= SIGNIFICANCE:
        return 0
    return 1 if row["loss_diff"].iloc[0] < 0 else -1


def headline(report: Mapping[str, pd.DataFrame], plan: Plan, *, settings: Any = None,
             at_bounds: Sequence[str] = ()) -> str:
    """The overall verdict, by one rule applied to every paradigm alike.

    On the primary split out of sample, with P the paradigm of highest aggregate skill:

    * first sentence: whether any paradigm beats EVERY naive baseline (higher aggregate
      skill than each baseline; "significantly" when the DM-HLN test agrees at 5 %). When
      none does, the sentence says so before naming P;
    * a paradigm's claim to explain best is *supported* when it beats every rival (paired
      bootstrap difference > 0 at 95 %) and every baseline (DM at 5 %); it is
      *contradicted* when some rival beats it (difference < 0 at 95 %) and that rival beats
      every baseline (DM at 5 %): mirrored conditions; otherwise neither;
    * how many seeds (model and optimiser) agree on P and on P beating every baseline;
    * a warning when the budget is below the documented default, and the parameters at a
      bound.
    """
    split = plan.splits[0].name
    out = report["skills"]
    out = out[(out["split"] == split) & (out["sample"] == "out of sample")]
    tests = report["tests"]
    tests = tests[(tests["split"] == split) & (tests["sample"] == "out of sample")]
    par = out[out["forecaster"].isin(plan.paradigms)].sort_values("skill", ascending=False,
                                                                  kind="stable")
    base = out[out["kind"] == "baseline"].sort_values("skill", ascending=False, kind="stable")
    best, top = par.iloc[0]["forecaster"], float(par.iloc[0]["skill"])
    top_base, top_base_skill = base.iloc[0]["forecaster"], float(base.iloc[0]["skill"])
    winners = [p for p in par["forecaster"] if float(par.set_index("forecaster").loc[p, "skill"])
               > top_base_skill]
    base_text = f"the best baseline, {top_base.replace('_', ' ')}, scores {_num(top_base_skill)}"
    if not winners:
        text = (f"No paradigm beats every naive baseline out of sample on the {split} split "
                f"({base_text}). The highest-scoring paradigm is {best} ({_num(top)}).")
    else:
        sig = all(beats(tests, best, b) == 1 for b in base["forecaster"])
        text = (f"Out of sample on the {split} split, {best} scores highest ({_num(top)}) and "
                f"beats every naive baseline ({base_text}); "
                + ("significantly against each (DM-HLN, 5 %)." if sig else
                   "not significantly against each (DM-HLN, 5 %)."))
    text += " " + _claims(report["differences"], tests, plan, split, base["forecaster"].tolist())
    text += _seed_sentence(report, plan, best)
    if settings is not None:
        from sim.analysis.calibration import DEFAULT_BUDGET

        if settings.budget < DEFAULT_BUDGET:
            text += (f" Warning: budget {settings.budget} is below the documented default "
                     f"{DEFAULT_BUDGET}; the fits may not have converged.")
    if at_bounds:
        text += " Parameters at a bound: " + "; ".join(at_bounds) + "."
    return text


def _claims(diffs: pd.DataFrame, tests: pd.DataFrame, plan: Plan, split: str,
            baselines: Sequence[str]) -> str:
    """Supported / contradicted / neither for each paradigm, by mirrored conditions."""
    if len(plan.paradigms) < 2:
        return f"Only {plan.paradigms[0]} was run: no comparison between paradigms."
    parts = []
    for p in plan.paradigms:
        rivals = [q for q in plan.paradigms if q != p]
        d = {q: _diff(diffs, split, "out of sample", p, q) for q in rivals}
        beats_all_base = {q: all(beats(tests, q, b) == 1 for b in baselines)
                          for q in plan.paradigms}
        if all(d[q]["lo"] > 0 for q in rivals) and beats_all_base[p]:
            parts.append(f"that {p} explains best is supported")
        elif any(d[q]["hi"] < 0 and beats_all_base[q] for q in rivals):
            by = [q for q in rivals if d[q]["hi"] < 0 and beats_all_base[q]]
            parts.append(f"that {p} explains best is contradicted (by {' and '.join(by)})")
        else:
            parts.append(f"that {p} explains best is neither supported nor contradicted")
    return "At 95 %, the claim " + "; the claim ".join(parts) + "."


def _seed_sentence(report: Mapping[str, pd.DataFrame], plan: Plan, best: str) -> str:
    seeds = report.get("seed_skills")
    if seeds is None or seeds.empty:
        return ""
    n = seeds["seed"].nunique()
    agree = beat = 0
    for _, grp in seeds.groupby("seed"):
        par = grp[grp["forecaster"].isin(plan.paradigms)].sort_values("skill", ascending=False,
                                                                      kind="stable")
        base = grp[grp["kind"] == "baseline"]["skill"].max()
        agree += par.iloc[0]["forecaster"] == best
        beat += float(par.iloc[0]["skill"]) > float(base)
    return (f" Over {n} seeds (model and optimiser), {agree} of {n} rank {best} first, and in "
            f"{beat} of {n} the first paradigm beats every naive baseline.")
