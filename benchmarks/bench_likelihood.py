"""Benchmark: the teacher-forced likelihood (filter, fits, the whole protocol).

The issue's target: the whole protocol (fits of every paradigm and the rivals on both
splits, the rolling origins and 5 seeds) under 3 minutes on the project's 2-core machine.
Measured in one run, each as a ratio to the baseline:

1. ``baseline``: one replay run of one replica over 1991-2024 (``NatoRussiaModel(...).run()``),
   the median of 5;
2. ``filter``: one paradigm's pointwise table on the observed record 1991-2024
   (:func:`sim.runs.filter.teacher_forced`) at the fit's particles and at the scoring
   particles, per registered paradigm;
3. ``fit``: one maximum-likelihood fit on 1991-2007 with the default settings
   (:func:`sim.analysis.likelihood.fit.fit_likelihood`), per paradigm;
4. ``noise``: the seed spread (SD over 5 seeds) and mean of the log-likelihood at the fitted
   parameters, per number of particles;
5. ``protocol``: :func:`sim.analysis.likelihood.protocol.run_protocol` with 5 seeds and
   ``--processes`` workers (skipped with ``--no-protocol``).

Run with ``.venv/bin/python benchmarks/bench_likelihood.py``; prints one JSON object. The
machine is noisy: compare ratios within one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from sim.analysis.likelihood.fit import DEFAULT_PARTICLES, fit_likelihood
from sim.data.datasets import load_data
from sim.data.history import build_history
from sim.data.inputs import build_inputs
from sim.data.observed import load_observed
from sim.data.scenario import load_scenario
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.filter import SCORE_PARTICLES, teacher_forced


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-protocol", action="store_true")
    args = parser.parse_args(argv)
    inputs = build_inputs(load_scenario("post-cold-war"), load_data())
    observed = load_observed()
    history = build_history(inputs, observed)
    first = next(iter(PARADIGMS))
    base = statistics.median(
        timed(lambda: NatoRussiaModel(inputs=inputs, paradigm=first, replicas=1, rng=0).run())[0]
        for _ in range(5))
    out: dict = {"baseline_replay_s": round(base, 4), "paradigms": {}}
    for paradigm in PARADIGMS:
        row: dict = {}
        for particles in (DEFAULT_PARTICLES, SCORE_PARTICLES):
            t, pw = timed(lambda p=particles, name=paradigm: teacher_forced(
                inputs, name, particles=p, seed=0, history=history))
            row[f"filter_{particles}_s"] = round(t, 3)
            row[f"filter_{particles}_x_baseline"] = round(t / base, 1)
        row["floored_cells_defaults"] = int(pw.table["floored"].sum())
        row["floored_share_defaults"] = round(pw.floored_share, 4)
        t, fit = timed(lambda name=paradigm: fit_likelihood(inputs, observed, name,
                                                            history=history))
        row["fit_s"] = round(t, 2)
        row["fit_x_baseline"] = round(t / base, 1)
        row["fit_train_loglik"] = round(fit.train_loglik, 2)
        row["n_params"] = fit.n_params
        for particles in (DEFAULT_PARTICLES, 64, SCORE_PARTICLES):
            ll = [teacher_forced(inputs, paradigm, fit.params, particles=particles, seed=s,
                                 history=history).loglik for s in range(5)]
            row[f"loglik_{particles}_mean"] = round(float(np.mean(ll)), 2)
            row[f"loglik_{particles}_sd"] = round(float(np.std(ll, ddof=1)), 2)
        pw = teacher_forced(inputs, paradigm, fit.params, seed=0, history=history)
        row["floored_cells_fit"] = int(pw.table["floored"].sum())
        row["floored_share_fit"] = round(pw.floored_share, 4)
        out["paradigms"][paradigm] = row
    if not args.no_protocol:
        from sim.analysis.likelihood.protocol import Settings, run_protocol

        settings = Settings.from_seed(0, processes=args.processes)
        t, result = timed(lambda: run_protocol(inputs, observed, list(PARADIGMS), settings))
        out["protocol_s"] = round(t, 1)
        out["protocol_x_baseline"] = round(t / base, 0)
        out["protocol_fits"] = int(len(result.fits))
        out["protocol_processes"] = args.processes
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
