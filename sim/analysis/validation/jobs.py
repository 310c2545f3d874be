"""The protocol's jobs: calibrations (through the one executor) and evaluation runs."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis import calibration as cal
from sim.analysis.validation.plan import (
    FROZEN_FIELDS,
    MIXTURE,
    THEORIES,
    Plan,
    Progress,
    Settings,
)
from sim.data.inputs import Inputs, freeze_inputs
from sim.data.observed import Observed
from sim.runs import executor

# --------------------------------------------------------------------------- calibrations


def calibrate_all(inputs: Inputs, observed: Observed, plan: Plan, settings: Settings,
                   progress: Progress | None) -> dict[tuple[str, int], cal.Calibration]:
    """Every paradigm on every training window, then the mixture on each split."""
    jobs = [make_job(inputs, observed, p, (plan.first, end), settings)
            for end in sorted(plan.train_ends, reverse=True) for p in plan.paradigms]
    keys = [(j["paradigm"], j["train"][1]) for j in jobs]
    results = dict(zip(keys, run_jobs(calibrate_job, jobs, settings.processes,
                                      _stage(progress, "calibrating")), strict=True))
    if plan.with_mixture:
        mix_jobs = [make_job(inputs, observed, MIXTURE, s.train, settings,
                         fixed=mixture_fixed(results, s.train[1])) for s in plan.splits]
        mixed = run_jobs(calibrate_job, mix_jobs, settings.processes,
                         _stage(progress, "encompassing mixture"))
        results.update({(MIXTURE, s.train[1]): r for s, r in zip(plan.splits, mixed,
                                                                  strict=True)})
    return results


def make_job(inputs: Inputs, observed: Observed, paradigm: str, train: tuple[int, int],
         settings: Settings, fixed: Mapping[str, Mapping[str, float]] | None = None
         ) -> dict[str, Any]:
    return {"inputs": inputs, "observed": observed, "paradigm": paradigm, "train": train,
            "budget": settings.budget, "replicas": settings.replicas, "seed": settings.seed,
            "mode": settings.mode, "fixed": fixed}


def calibrate_job(job: Mapping[str, Any]) -> cal.Calibration:
    """One calibration (runs in a worker process). Bound warnings are kept in the result."""
    problem = cal.make_problem(job["inputs"], job["observed"], job["paradigm"],
                               train=job["train"], replicas=job["replicas"], seed=job["seed"],
                               mode=job["mode"], fixed=job["fixed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cal.BoundWarning)
        return cal.calibrate_problem(problem, job["budget"])


def mixture_fixed(results: Mapping[tuple[str, int], cal.Calibration],
                  train_end: int) -> dict[str, dict[str, float]]:
    """The mixture's fixed values: each component's calibrated own parameters, and the
    element-wise mean of the three calibrated chassis (no paradigm's chassis privileged)."""
    fits = {p: results[(p, train_end)].params for p in THEORIES}
    chassis = {n: float(np.mean([f["chassis"][n] for f in fits.values()]))
               for n in fits[THEORIES[0]]["chassis"]}
    return {"chassis": chassis, **{p: dict(f[p]) for p, f in fits.items()}}


def run_jobs(fn: Callable[[Any], Any], jobs: Sequence[Any], processes: int | None,
             progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(job) for job in jobs]`` through :func:`sim.runs.executor.run_jobs` (results in
    job order whatever the number of processes; ``None``: every usable core)."""
    return executor.run_jobs(fn, jobs, processes=processes, progress=progress)


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


# --------------------------------------------------------------------------- evaluation runs


@dataclass(frozen=True)
class Run:
    """One evaluation run: its summary for scoring, and its records if asked for."""

    sim: cal.Simulated
    records: Any = None


def evaluate(inputs: Inputs, observed: Observed, paradigm: str,
             params: Mapping[str, Mapping[str, float]], settings: Settings,
             keep_records: bool = False) -> Run:
    """Run a fitted model over the whole period with the evaluation seed and replicas."""
    from sim.model.model import NatoRussiaModel

    model = NatoRussiaModel(
        paradigm=cal.build_paradigm(paradigm, params), mode=settings.mode,
        replicas=settings.eval_replicas, rng=settings.eval_seed, inputs=inputs,
        **params.get("chassis", {})).run()
    years, series, partners = model.recorded()
    sim = cal.summarise(years, series, partners, tuple(inputs.partners),
                        tuple(observed.coercion.index))
    if not keep_records:
        return Run(sim=sim)
    records = model.records()
    records.meta.update({"seed": settings.eval_seed, "paradigms": [paradigm]})
    return Run(sim=sim, records=records)


def evaluate_all(inputs: Inputs, observed: Observed, plan: Plan,
                  fitted: Mapping[tuple[str, int], cal.Calibration],
                  settings: Settings) -> dict[tuple[str, int, str], Run]:
    """Evaluation runs: every calibration on the real inputs; the split calibrations also
    with Russian democracy and GDP frozen after the training window."""
    split_ends = {s.train[1] for s in plan.splits}
    runs = {(p, end, "real"): evaluate(inputs, observed, p, result.params, settings,
                                       keep_records=end in split_ends)
            for (p, end), result in fitted.items()}
    for split in plan.splits:
        frozen = freeze_inputs(inputs, split.train[1], FROZEN_FIELDS)
        for p in (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ())):
            params = fitted[(p, split.train[1])].params
            runs[(p, split.train[1], "frozen")] = evaluate(frozen, observed, p, params,
                                                           settings)
    return runs
