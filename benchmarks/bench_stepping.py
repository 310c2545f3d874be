"""Benchmark: the model's replay stepping against the reference kernel (benchmarks/kernel.py),
measured in the same run, per registered paradigm.

Run with ``.venv/bin/python benchmarks/bench_stepping.py`` (``--replicas 1 1000 100000`` by
default; ``--repeat`` timings, the best is kept). Prints one JSON line per paradigm and K
with the model's and the kernel's seconds per 34-year replay and their ratio
(model / kernel). The machine is noisy: read the ratio, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kernel import replay  # noqa: E402

from sim.model.model import NatoRussiaModel  # noqa: E402
from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.runs.experiments import resolve  # noqa: E402


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 1000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    inputs = resolve("post-cold-war")[2]
    for K in args.replicas:
        repeat = args.repeat if K < 100000 else 1
        inner = 20 if K == 1 else 1  # K = 1: average over several replays per timing
        for name, cls in PARADIGMS.items():
            def model_run(K=K, name=name, inner=inner):
                for _ in range(inner):
                    NatoRussiaModel(paradigm=name, replicas=K, rng=args.seed,
                                    inputs=inputs).run()

            def kernel_run(K=K, cls=cls, inner=inner):
                for _ in range(inner):
                    replay(inputs, cls(), K, args.seed)

            # interleaved, so both see the same machine load
            t_kernel = best_of(repeat, kernel_run) / inner
            t_model = best_of(repeat, model_run) / inner
            print(json.dumps({"replicas": K, "paradigm": name,
                              "model_s": round(t_model, 5), "kernel_s": round(t_kernel, 5),
                              "ratio": round(t_model / t_kernel, 2)}), flush=True)


if __name__ == "__main__":
    main()
