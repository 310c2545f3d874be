"""Benchmark: the parts of ``natosim likelihood`` against a baseline measured in the same run.

Run with ``.venv/bin/python benchmarks/bench_likelihood_cli.py`` (``--quick``: budget 24, 2
seeds). The baseline is one teacher-forced filter pass of every paradigm at its default
parameters with 200 particles over 1991-2024, timed in this process just before the parts,
so the ratios are comparable on a shared machine (the load average is printed with them).
Parts:

* the rivals fitted on every split (deterministic: once per split);
* the whole protocol (paradigm fits on every split for the main seed, primary and vantage
  for the other seeds, rivals) at the command's defaults;
* the report (Vuong/Clarke with the block bootstrap for every pair, AIC/BIC, stacking).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from sim.analysis.likelihood.compare import likelihood_splits
from sim.analysis.likelihood.decisions import observed_decisions
from sim.analysis.likelihood.protocol import Settings, run_protocol
from sim.analysis.likelihood.report import build_report
from sim.analysis.likelihood.rivals import score_rivals
from sim.data.datasets import load_data
from sim.data.inputs import build_inputs
from sim.data.observed import load_observed
from sim.data.scenario import load_scenario
from sim.model.paradigms import PARADIGMS
from sim.runs.filter import teacher_forced


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario("post-cold-war")
    data, observed = load_data(), load_observed()
    inputs = build_inputs(scenario, data)
    names = list(PARADIGMS)
    _, baseline = timed(lambda: [teacher_forced(inputs, p, particles=200, seed=0,
                                                observed=observed) for p in names])
    decisions = observed_decisions(inputs, observed)
    splits = likelihood_splits(int(inputs.years[0]), int(inputs.years[-1]))
    _, rivals = timed(lambda: [score_rivals(decisions, s.train) for s in splits])
    settings = (Settings.from_seed(0, 2, budget=24, processes=args.processes) if args.quick
                else Settings.from_seed(0, processes=args.processes))
    result, protocol = timed(lambda: run_protocol(inputs, observed, names, settings))
    _, report = timed(lambda: build_report(result))
    out = {"load_average": os.getloadavg()[0], "baseline_run_s": baseline,
           "rivals_s": rivals, "protocol_s": protocol, "report_s": report,
           "rivals_ratio": rivals / baseline, "protocol_ratio": protocol / baseline,
           "report_ratio": report / baseline, "seeds": list(settings.seeds),
           "budget": settings.budget, "processes": settings.processes}
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()},
                     indent=1))


if __name__ == "__main__":
    main()
