"""Benchmark: a 1,000-replica ensemble of the 1991-2024 replay, per paradigm, against
``mesa.batch_run`` over the same 1,000 seeds, measured in the same run.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_ensemble.py``). Reports
replays per second for both and their ratio. The machine is noisy: compare the ratio, not
the absolute numbers, and take the best of ``--repeat`` timings.
"""

from __future__ import annotations

import argparse
import json
import time

import mesa

from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import resolve, run_ensemble


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", default="post-cold-war")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    scenario, data, inputs = resolve(args.scenario)  # cached: both paths start from loaded,
    # validated inputs (batch_run's models find them in the content cache)
    n_years = len(inputs.years)
    seeds = list(range(args.replicas))
    rows = []
    for name in PARADIGMS:
        ens = best_of(args.repeat, lambda name=name: run_ensemble(
            scenario, name, replicas=args.replicas, seed=1, data=data, inputs=inputs))
        batch = best_of(1, lambda name=name: mesa.batch_run(
            NatoRussiaModel, {"scenario": args.scenario, "paradigm": name}, rng=seeds,
            max_steps=n_years, number_processes=1, display_progress=False))
        rows.append({
            "paradigm": name, "replicas": args.replicas,
            "ensemble_s": ens, "ensemble_replays_per_s": args.replicas / ens,
            "batch_run_s": batch, "batch_run_replays_per_s": args.replicas / batch,
            "speedup": batch / ens,
        })
        r = rows[-1]
        print(f"{name:15s} ensemble {r['ensemble_s']:.3f} s ({r['ensemble_replays_per_s']:,.0f}"
              f" replays/s)  batch_run {r['batch_run_s']:.2f} s "
              f"({r['batch_run_replays_per_s']:,.0f} replays/s)  speed-up x{r['speedup']:.0f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
