"""Benchmark: batched optimiser candidates (one vectorised model run per batch) against
sequential trials, in the same run.

Run with ``.venv/bin/python benchmarks/bench_batched.py [--budget N]``. For every paradigm
one calibration on 1991-2007 at the given budget (default: the documented default) with
``batch = 1`` (sequential: one model run per trial) and ``batch = DEFAULT_BATCH``, one
process; prints the seconds of each, the ratio sequential / batched and the best loss of
each (batched asks change the search, so the losses differ a little). The machine may be
shared: the load average is printed with the numbers, and only the ratio is comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

from sim.analysis import calibration as cal
from sim.data.observed import load_observed
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import resolve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=cal.DEFAULT_BUDGET)
    args = parser.parse_args()
    _, _, inputs = resolve("post-cold-war")
    observed = load_observed()
    out = {"budget": args.budget, "batch": cal.DEFAULT_BATCH, "load": os.getloadavg()[0]}
    total = {1: 0.0, cal.DEFAULT_BATCH: 0.0}
    for paradigm in PARADIGMS:
        problem = cal.make_problem(inputs, observed, paradigm)
        for batch in (1, cal.DEFAULT_BATCH):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = cal.calibrate_problem(problem, args.budget, batch=batch)
            seconds = time.perf_counter() - start
            total[batch] += seconds
            out[f"{paradigm}_batch{batch}_s"] = round(seconds, 2)
            out[f"{paradigm}_batch{batch}_loss"] = round(result.loss, 4)
        print(f"{paradigm}: sequential {out[f'{paradigm}_batch1_s']:.1f} s, batched "
              f"{out[f'{paradigm}_batch{cal.DEFAULT_BATCH}_s']:.1f} s; best loss "
              f"{out[f'{paradigm}_batch1_loss']:.4f} vs "
              f"{out[f'{paradigm}_batch{cal.DEFAULT_BATCH}_loss']:.4f}")
    out["ratio_sequential_over_batched"] = round(total[1] / total[cal.DEFAULT_BATCH], 2)
    print(f"sequential / batched: {out['ratio_sequential_over_batched']:.2f}x "
          f"(load {out['load']:.2f})")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
