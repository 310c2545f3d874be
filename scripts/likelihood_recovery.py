"""Recovery and identification of the teacher-forced likelihood (numbers for docs/likelihood.md).

Run by hand (a few minutes on 2 cores), never by tests::

    .venv/bin/python scripts/likelihood_recovery.py [--replications 5] [--processes 2]

Writes, atomically, into ``docs/likelihood/`` (and the figure into ``docs/img/``):

* ``confusion.csv``: model recovery. For every registered paradigm, ``--replications``
  decision histories are simulated by the teacher-mode model with parameters drawn away from
  the defaults (``random_truth``), every paradigm is fitted by maximum likelihood with the
  same settings, and the lowest BIC wins. Rows: generating paradigm; columns: winner.
  ``model_recovery.csv`` holds every fit's log-likelihood and BIC.
* ``parameter_recovery.csv``: joint recovery of all searched parameters on the same kind of
  histories (paradigm, replication, parameter, truth, estimate, scaled_error).
* ``profiles.csv`` and ``identification.csv``: profile likelihoods on the observed training
  record (1991-2007). For every paradigm and searched parameter, the parameter is fixed at
  each of ``--grid`` values across its range and the others are re-fitted; each grid value
  is then also evaluated with every other grid value's re-fitted others, and the profile
  is the best of these (``refit_loglik`` is the re-fit alone); ``drop`` is the fall of the
  profile below its maximum. Verdict: ``identified`` (the profile falls by at
  least 1.92, the 95 % likelihood-ratio cut, on both sides of its maximum), ``one-sided``
  (on one side only: bounded, e.g. "at least this sharp") or ``flat`` (nowhere).
* ``docs/img/likelihood_profiles.png``: the profiles.
* ``recovery.json``: the settings and the time taken.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.likelihood.fit import (
    DEFAULT_BUDGET,
    DEFAULT_PARTICLES,
    fit_likelihood,
    parameter_specs,
    searched_parameters,
    train_loglik,
)
from sim.analysis.likelihood.recovery import parameter_recovery, random_truth, simulate_history
from sim.core.files import save_figure_atomic, write_csv_atomic, write_text_atomic
from sim.data.datasets import load_data
from sim.data.history import build_history
from sim.data.inputs import build_inputs
from sim.data.observed import load_observed
from sim.data.scenario import load_scenario
from sim.model.paradigms import PARADIGMS
from sim.runs.executor import run_jobs

ROOT = Path(__file__).resolve().parents[1]
TRAIN = (1991, 2007)
LR_CUT = 1.92  # half the 95 % chi-square(1) quantile


def _model_job(shared, job):
    inputs, settings = shared
    gen, rep = job
    seed = settings["seed"] + rep
    history = simulate_history(inputs, gen, random_truth(gen, seed), seed=seed)
    window = (int(inputs.years[0]), int(inputs.years[-1]))
    rows = []
    for name in PARADIGMS:
        fit = fit_likelihood(inputs, None, name, train=window, budget=settings["budget"],
                             seed=settings["seed"], particles=settings["particles"],
                             history=history)
        rows.append({"generated": gen, "replication": rep, "fitted": name,
                     "loglik": fit.train_loglik, "n_params": fit.n_params, "n_obs": fit.n_obs,
                     "bic": fit.n_params * np.log(fit.n_obs) - 2.0 * fit.train_loglik})
    return rows


def _parameter_job(shared, job):
    inputs, settings = shared
    paradigm, rep = job
    table = parameter_recovery(inputs, paradigm, seed=settings["seed"] + rep,
                               budget=settings["budget"], particles=settings["particles"])
    return table.assign(paradigm=paradigm, replication=rep)


def _profile_job(shared, job):
    inputs, history, settings = shared
    paradigm, name, value, searched = job
    others = tuple(n for n in searched if n != name)
    fit = fit_likelihood(inputs, None, paradigm, train=TRAIN, budget=settings["profile_budget"],
                         seed=settings["seed"], particles=settings["particles"],
                         history=history, searched=others, fixed={name: value})
    flat = {f"{g}.{k}": v for g, d in fit.params.items() for k, v in d.items()}
    return {"paradigm": paradigm, "parameter": name, "value": value,
            "refit_loglik": fit.train_loglik, "others": {n: flat[n] for n in others}}


def _envelope_job(shared, job):
    """Each grid value of one parameter evaluated with every grid value's re-fitted others
    (one vectorised run): the profile is the best of them, which repairs a re-fit that
    stopped short of its optimum (profiles are maximisations, so any point is a lower
    bound)."""
    inputs, history, settings = shared
    paradigm, name, values, others = job
    defaults = {n: p.default for n, p in parameter_specs(paradigm).items()}
    points = [{**defaults, **o, name: v} for v in values for o in others]
    ll = train_loglik(inputs, paradigm, points, history, TRAIN,
                      particles=settings["particles"], seed=settings["seed"])
    return ll.reshape(len(values), len(others)).max(axis=1)


def identification(profiles: pd.DataFrame) -> pd.DataFrame:
    """The verdict per paradigm and parameter from its profile (see the module docstring)."""
    rows = []
    for (paradigm, name), group in profiles.groupby(["paradigm", "parameter"], sort=False):
        ll = group.sort_values("value")["profile_loglik"].to_numpy()
        best = int(np.argmax(ll))
        left = ll[best] - ll[:best].min() if best > 0 else 0.0
        right = ll[best] - ll[best + 1:].min() if best < len(ll) - 1 else 0.0
        sides = int(left >= LR_CUT) + int(right >= LR_CUT)
        verdict = "identified" if sides == 2 else "one-sided" if sides == 1 else "flat"
        if sides == 1 and (best == 0 or best == len(ll) - 1):
            verdict = "one-sided"
        rows.append({"paradigm": paradigm, "parameter": name, "verdict": verdict,
                     "max_drop_left": left, "max_drop_right": right,
                     "argmax": float(group.sort_values("value")["value"].iloc[best])})
    return pd.DataFrame(rows)


def _figure(profiles: pd.DataFrame):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(PARADIGMS)
    width = max(profiles.groupby("paradigm")["parameter"].nunique())
    fig, axes = plt.subplots(len(names), width, figsize=(2.0 * width, 2.0 * len(names)),
                             squeeze=False)
    for r, paradigm in enumerate(names):
        params = list(dict.fromkeys(profiles.loc[profiles.paradigm == paradigm, "parameter"]))
        for c in range(width):
            ax = axes[r, c]
            if c >= len(params):
                ax.axis("off")
                continue
            rows = profiles[(profiles.paradigm == paradigm) & (profiles.parameter == params[c])]
            rows = rows.sort_values("value")
            ax.plot(rows["value"], rows["drop"], marker="o", ms=3)
            ax.axhline(LR_CUT, color="grey", lw=0.8, ls="--")
            ax.invert_yaxis()
            ax.set_title(f"{paradigm}\n{params[c]}", fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("Profile log-likelihood drop, observed 1991-2007 (dashed: 1.92)", fontsize=9)
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--budget", type=int, default=DEFAULT_BUDGET)
    parser.add_argument("--profile-budget", type=int, default=DEFAULT_BUDGET // 2)
    parser.add_argument("--particles", type=int, default=DEFAULT_PARTICLES)
    parser.add_argument("--grid", type=int, default=7)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "likelihood")
    parser.add_argument("--figure", type=Path,
                        default=ROOT / "docs" / "img" / "likelihood_profiles.png")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    inputs = build_inputs(load_scenario("post-cold-war"), load_data())
    history = build_history(inputs, load_observed())
    settings = {"budget": args.budget, "profile_budget": args.profile_budget,
                "particles": args.particles, "seed": args.seed}
    reps = range(args.replications)
    model_rows = run_jobs(_model_job, [(g, r) for g in PARADIGMS for r in reps],
                          processes=args.processes, shared=(inputs, settings))
    fits = pd.DataFrame([row for rows in model_rows for row in rows])
    winners = fits.loc[fits.groupby(["generated", "replication"])["bic"].idxmin()]
    confusion = pd.crosstab(winners["generated"], winners["fitted"]).reindex(
        index=list(PARADIGMS), columns=list(PARADIGMS), fill_value=0)
    params = pd.concat(run_jobs(_parameter_job, [(p, r) for p in PARADIGMS for r in reps],
                                processes=args.processes, shared=(inputs, settings)))
    jobs = []
    for paradigm in PARADIGMS:
        searched = searched_parameters(inputs, history, paradigm, train=TRAIN,
                                       particles=args.particles, seed=args.seed)
        specs = parameter_specs(paradigm)
        for name in searched:
            jobs += [(paradigm, name, float(v), searched)
                     for v in np.linspace(*specs[name].bounds, args.grid)]
    refits = pd.DataFrame(run_jobs(_profile_job, jobs, processes=args.processes,
                                   shared=(inputs, history, settings)))
    groups = list(refits.groupby(["paradigm", "parameter"], sort=False))
    envelopes = run_jobs(_envelope_job, [(p, n, g["value"].tolist(), g["others"].tolist())
                                         for (p, n), g in groups],
                         processes=args.processes, shared=(inputs, history, settings))
    profiles = pd.concat([g.assign(profile_loglik=np.maximum(env, g["refit_loglik"]))
                          for ((_, g), env) in zip(groups, envelopes, strict=True)])
    profiles = profiles.drop(columns="others")
    profiles["drop"] = (profiles.groupby(["paradigm", "parameter"])["profile_loglik"]
                        .transform("max") - profiles["profile_loglik"])
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_csv_atomic(confusion.reset_index(), out / "confusion.csv")
    write_csv_atomic(fits, out / "model_recovery.csv")
    write_csv_atomic(params, out / "parameter_recovery.csv")
    write_csv_atomic(profiles, out / "profiles.csv")
    write_csv_atomic(identification(profiles), out / "identification.csv")
    save_figure_atomic(_figure(profiles), args.figure)
    summary = {**settings, "replications": args.replications, "grid": args.grid,
               "processes": args.processes, "train": list(TRAIN),
               "seconds": round(time.perf_counter() - start, 1)}
    write_text_atomic(out / "recovery.json", json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
