"""The headline comparison repeated over several seeds (model and optimiser).

Each further seed refits every paradigm on the primary split's training years with that
seed (same budget, replicas and optimiser) and scores the evaluation runs out of sample, so
the verdict can say how many seeds agree.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sim.analysis import calibration as cal
from sim.analysis.validation.bootstrap import test_rows
from sim.analysis.validation.jobs import calibrate_job, evaluate, make_job, run_jobs
from sim.analysis.validation.plan import Plan, Settings
from sim.data.inputs import Inputs
from sim.data.observed import Observed

SEED_STEP = 1000  # seed k of the repeat is settings.seed + k * SEED_STEP


def seed_list(settings: Settings) -> list[int]:
    """The seeds of the repeat: the settings' seed first."""
    return [settings.seed + k * SEED_STEP for k in range(max(1, settings.seeds))]


def repeat_rows(inputs: Inputs, observed: Observed, plan: Plan, settings: Settings,
                first: pd.DataFrame, first_tests: pd.DataFrame, progress=None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Out-of-sample aggregate skill and DM tests on the primary split for every seed.

    Args:
        first: the skills table of the main run (its seed is the first one).
        first_tests: the tests table of the main run.

    Returns:
        ``(skills, tests)`` with a ``seed`` column: ``seed, forecaster, kind, skill`` and
        the rows of :func:`~sim.analysis.validation.bootstrap.test_rows`.
    """
    split = plan.splits[0]
    seeds = seed_list(settings)
    pick = (first["split"] == split.name) & (first["sample"] == "out of sample")
    skills = [first.loc[pick, ["forecaster", "kind", "skill"]].assign(seed=seeds[0])]
    tpick = (first_tests["split"] == split.name) & (first_tests["sample"] == "out of sample")
    tests = [first_tests[tpick].assign(seed=seeds[0])]
    jobs = [make_job(inputs, observed, p, (plan.first, split.train[1]), replace(settings, seed=s))
            for s in seeds[1:] for p in plan.paradigms]
    fits = run_jobs(calibrate_job, jobs, settings.processes, progress)
    target = cal.Target(observed, split.test, split.train, settings.mode)
    for k, s in enumerate(seeds[1:]):
        chunk = fits[k * len(plan.paradigms):(k + 1) * len(plan.paradigms)]
        run_settings = replace(settings, seed=s)
        sims = {p: evaluate(inputs, observed, p, f.params, run_settings).sim
                for p, f in zip(plan.paradigms, chunk, strict=True)}
        contrib = target.contributions(sims)
        point = contrib.aggregate()[:, 0]
        skills.append(pd.DataFrame({
            "forecaster": contrib.names, "skill": point, "seed": s,
            "kind": ["paradigm" if n in plan.paradigms else "baseline" for n in contrib.names]}))
        tests.append(test_rows(contrib, plan.paradigms, split.name, "out of sample", s)
                     .assign(seed=s))
        for p, f in zip(plan.paradigms, chunk, strict=True):
            skills[-1].loc[skills[-1]["forecaster"] == p, "at_bounds"] = "; ".join(f.at_bounds)
    return pd.concat(skills, ignore_index=True), pd.concat(tests, ignore_index=True)
