"""Benchmark: a 10,000-evaluation Sobol analysis (one replica per point) of one paradigm.

The issue's target: under 2 minutes on the project's 2-core machine. Measured in one run:

1. ``per_point`` (the baseline): the serial cost of one point run on its own (one-replica
   ``run_ensemble`` on the full 1991-2024 replay plus the outcome), over ``--probe`` points
   of the design, split into the model run and the Records/outcome part; times the number
   of evaluations, it estimates the point-by-point analysis;
2. ``sobol``: the whole analysis, :func:`sim.analysis.sensitivity.sensitivity` with
   ``N = sobol_base_n(budget, 3)`` (2,048 for 10,000: 10,240 evaluations). With one replica
   per point it runs blocks of points as one model with per-replica parameter vectors and
   common draws (replica i = point i's own run, exactly; tested in tests/test_model.py);
3. ``vectorised``: one plain ensemble with as many replicas as the analysis has points.

Run with ``.venv/bin/python benchmarks/bench_sobol.py`` (``--budget 2000`` for a quick look).
The machine is noisy: compare ratios within one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from sim.analysis.sensitivity import evaluations, sensitivity, sobol_base_n
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.designs import design, parse_space
from sim.runs.experiments import resolve, run_ensemble
from sim.runs.outcomes import OUTCOMES


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def per_point_cost(scenario, data, inputs, paradigm, outcome, space, probe: int, seed: int):
    """Serial seconds per point: total, model run only, Records + outcome."""
    points = design("random", space, probe, seed=seed)
    params = [{d.name.split(".")[1]: float(row[d.name]) for d in space}
              for _, row in points.iterrows()]
    run_ensemble(scenario, paradigm, replicas=1, seed=seed, inputs=inputs)  # warm-up
    t_model, _ = timed(lambda: [
        NatoRussiaModel(paradigm=paradigm, replicas=1, rng=seed, inputs=inputs, **p).run()
        for p in params])
    t_total, _ = timed(lambda: [
        OUTCOMES[outcome](run_ensemble(scenario, paradigm, replicas=1, seed=seed,
                                       params={paradigm: p}, inputs=inputs))
        for p in params])
    return t_total / probe, t_model / probe, (t_total - t_model) / probe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=10_000, help="model evaluations")
    parser.add_argument("--paradigm", default=next(iter(PARADIGMS)), choices=list(PARADIGMS))
    parser.add_argument("--outcome", default="R_2008", choices=list(OUTCOMES))
    parser.add_argument("--scenario", default="post-cold-war")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--probe", type=int, default=200, help="points for the serial cost")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    scenario, data, inputs = resolve(args.scenario)
    names = [f"{args.paradigm}.{n}" for n in PARADIGMS[args.paradigm].parameters]
    space = parse_space(names)
    n = sobol_base_n(args.budget, len(space))
    n_eval = evaluations("sobol", n, len(space))
    workers = args.workers or os.cpu_count() or 1

    per_point, per_model, per_records = per_point_cost(
        scenario, data, inputs, args.paradigm, args.outcome, space, args.probe, args.seed)
    t_sobol, indices = timed(lambda: sensitivity(
        scenario, args.paradigm, args.outcome, names, n=n, seed=args.seed, replicas=1,
        workers=workers))
    t_vector, _ = timed(lambda: NatoRussiaModel(
        paradigm=args.paradigm, replicas=n_eval, rng=args.seed, inputs=inputs).run())
    t_vector_rec, _ = timed(lambda: OUTCOMES[args.outcome](run_ensemble(
        scenario, args.paradigm, replicas=n_eval, seed=args.seed, inputs=inputs)))

    result = {
        "paradigm": args.paradigm, "outcome": args.outcome, "parameters": names,
        "sobol_N": n, "evaluations": n_eval, "workers": workers,
        "per_point_s": per_point, "per_point_model_s": per_model,
        "per_point_records_outcome_s": per_records,
        "serial_estimate_s": per_point * n_eval,
        "sobol_s": t_sobol, "points_per_s": n_eval / t_sobol,
        "speedup_vs_point_by_point": per_point * n_eval / t_sobol,
        "target_s": 120.0, "meets_target": t_sobol < 120.0,
        "vectorised_model_s": t_vector, "vectorised_with_records_s": t_vector_rec,
        "sobol_over_vectorised": t_sobol / t_vector_rec,
        "indices": indices.round(4).to_dict("records"),
    }
    print(f"{args.paradigm}: Sobol N={n}, {n_eval:,} evaluations on {workers} workers: "
          f"{t_sobol:.1f} s ({n_eval / t_sobol:,.0f} points/s); target 120 s: "
          f"{'met' if t_sobol < 120 else 'MISSED'}")
    print(f"  serial per point {per_point * 1e3:.1f} ms (model {per_model * 1e3:.1f} ms, "
          f"Records + outcome {per_records * 1e3:.1f} ms); serial estimate "
          f"{per_point * n_eval:.0f} s; the vectorised analysis is "
          f"x{result['speedup_vs_point_by_point']:.0f} faster")
    print(f"  baseline: one {n_eval:,}-replica vectorised ensemble {t_vector:.2f} s "
          f"({t_vector_rec:.2f} s with Records); the Sobol analysis takes "
          f"x{result['sobol_over_vectorised']:.0f} that")
    print(indices.round(3).to_string(index=False))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)


if __name__ == "__main__":
    main()
