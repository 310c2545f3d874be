"""Benchmark: 100 ``run_ensemble(K=1)`` calls by scenario name against the same loop with
``inputs=`` given, measured in the same run (issue 10: the by-name loop must stay within
1.5x of the other, since inputs are cached by content and not re-read on every call).

Run with ``.venv/bin/python benchmarks/bench_inputs.py``. The machine is noisy: compare the
ratio, not the absolute numbers; each loop is timed ``--repeat`` times, best kept.
"""

from __future__ import annotations

import argparse
import json
import time

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
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", default="post-cold-war")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    paradigm = next(iter(PARADIGMS))
    scenario, data, inputs = resolve(args.scenario)  # the first load is not timed

    def by_name() -> None:
        for seed in range(args.calls):
            run_ensemble(args.scenario, paradigm, replicas=1, seed=seed)

    def with_inputs() -> None:
        for seed in range(args.calls):
            run_ensemble(scenario, paradigm, replicas=1, seed=seed, data=data, inputs=inputs)

    given = best_of(args.repeat, with_inputs)
    named = best_of(args.repeat, by_name)
    row = {"calls": args.calls, "paradigm": paradigm, "with_inputs_s": given,
           "by_name_s": named, "ratio": named / given, "limit": 1.5}
    print(f"{args.calls} run_ensemble(K=1) calls: inputs= {given:.3f} s, by name {named:.3f} s,"
          f" ratio x{row['ratio']:.2f} (limit x1.5)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(row, fh, indent=2)


if __name__ == "__main__":
    main()
