"""Benchmark: the calibration loss, one calibration per paradigm, and the full validation.

Run with ``.venv/bin/python benchmarks/bench_validate.py`` (``--quick`` skips the full
``validate``). Reports

* the scoring step alone: :class:`sim.analysis.calibration.Target` against
  ``sim.analysis.scoring.score`` on
  the same run (both give the same number; see tests/test_calibration.py);
* loss evaluations per second (model run to the training end + scoring), per paradigm;
* the time of one calibration per paradigm at the default budget (one process);
* the wall time of the full protocol with the default settings (``validate``, every core),
  which must stay under 10 minutes on a 2-core machine.

The machine may be shared: the load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

from sim.analysis import calibration as cal
from sim.analysis import validation as val
from sim.analysis.scoring import score
from sim.data.observed import load_observed
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import resolve


def per_call(fn, repeat: int) -> float:
    """Best-of-three mean seconds per call over ``repeat`` calls."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def bench_scoring(inputs, observed) -> dict[str, float]:
    model = NatoRussiaModel(paradigm=next(iter(PARADIGMS)), replicas=cal.DEFAULT_REPLICAS, rng=1,
                            inputs=inputs)
    model.run_until(2008.0)
    target = cal.Target(cal.truncate_observed(observed, 2007), (1991, 2007), (1991, 2007))
    fast = per_call(lambda: target.loss(cal.summarise_model(model, observed)), 50)
    slow = per_call(lambda: score(model.records(), observed, (1991, 2007), (1991, 2007)), 5)
    return {"target_ms": 1e3 * fast, "scorecard_ms": 1e3 * slow, "speedup": slow / fast}


def bench_loss(inputs, observed) -> dict[str, float]:
    out = {}
    for name in PARADIGMS:
        problem = cal.make_problem(inputs, observed, name, train=cal.DEFAULT_TRAIN)
        seconds = per_call(lambda p=problem: p.loss(p.space.defaults), 30)
        out[name] = 1.0 / seconds
    return out


def bench_calibrate(inputs, observed, budget: int) -> dict[str, float]:
    out = {}
    for name in PARADIGMS:
        problem = cal.make_problem(inputs, observed, name, train=cal.DEFAULT_TRAIN)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cal.BoundWarning)
            cal.calibrate_problem(problem, budget)
        out[name] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--budget", type=int, default=cal.DEFAULT_BUDGET)
    parser.add_argument("--quick", action="store_true", help="skip the full validate")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    _, _, inputs = resolve("post-cold-war")
    observed = load_observed()
    result: dict[str, object] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0],
                                 "budget": args.budget, "replicas": cal.DEFAULT_REPLICAS}
    result["scoring"] = scoring = bench_scoring(inputs, observed)
    print(f"scoring 1991-2007: Target {scoring['target_ms']:.2f} ms, sim.analysis.scoring.score "
          f"{scoring['scorecard_ms']:.1f} ms (x{scoring['speedup']:.0f})")
    result["loss_evaluations_per_s"] = rates = bench_loss(inputs, observed)
    for name, rate in rates.items():
        print(f"loss evaluations/s, {name:15s} {rate:6.1f} (K={cal.DEFAULT_REPLICAS}, "
              "1991-2007)")
    result["calibrate_s"] = fits = bench_calibrate(inputs, observed, args.budget)
    for name, seconds in fits.items():
        print(f"calibrate {name:15s} budget {args.budget}: {seconds:6.1f} s (one process)")
    if not args.quick:
        start = time.perf_counter()
        val.validate("post-cold-war", settings=val.Settings(budget=args.budget),
                     observed=observed)
        result["validate_s"] = elapsed = time.perf_counter() - start
        print(f"validate post-cold-war, defaults, {os.cpu_count()} processes: {elapsed:.0f} s "
              f"({'under' if elapsed < 600 else 'OVER'} the 10-minute limit)")
    result["load_after"] = os.getloadavg()[0]
    print(f"load average: {result['load_before']:.1f} before, {result['load_after']:.1f} after")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)


if __name__ == "__main__":
    main()
