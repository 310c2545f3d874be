"""``natosim likelihood``: score every paradigm on the probability it gave each observed
decision (teacher forcing), against the rivals, and write the comparison and its verdict."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    DEFAULT_PROCESSES,
    ForceOption,
    FormatOption,
    ParadigmsOption,
    ProcessesOption,
    ScenarioArg,
    app,
    check_processes,
    check_seed,
    default_out_dir,
    format_args,
    load_scenario_arg,
    parse_formats,
    parse_paradigms,
)
from sim.core.errors import ParameterError

MAX_BUDGET = 100_000
MAX_PARTICLES = 10_000
MAX_SEEDS = 50


def _check_range(option: str, value: int, lo: int, hi: int) -> None:
    if not lo <= value <= hi:
        raise ParameterError(option, "", f"expected {lo} to {hi:,}, got {value}")


@app.command()
def likelihood(
    scenario: ScenarioArg,
    paradigms: ParadigmsOption = "all",
    seed: Annotated[int, typer.Option(help="Main seed (fits and particle filter).")] = 0,
    seeds: Annotated[
        int, typer.Option(help="Seeds seed, seed+1, ... for the ranking's stability (>= 5 "
                          "recommended).")
    ] = 5,
    budget: Annotated[
        int | None, typer.Option(help="Points evaluated per likelihood fit [default: "
                                 "sim.analysis.likelihood.fit.DEFAULT_BUDGET].")
    ] = None,
    particles: Annotated[
        int | None, typer.Option(help="Particles of the filter [default: "
                                 "sim.analysis.likelihood.fit.DEFAULT_PARTICLES].")
    ] = None,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: results/<scenario-name>/likelihood]."),
    ] = None,
    force: ForceOption = False,
    chart_format: FormatOption = "png",
) -> None:
    """Fit every paradigm and rival by likelihood, compare them out of sample, write all."""
    from sim.analysis.likelihood.fit import DEFAULT_BUDGET, DEFAULT_PARTICLES
    from sim.model.paradigms import PARADIGMS

    names = parse_paradigms(paradigms, list(PARADIGMS))
    formats = parse_formats(chart_format)
    check_seed(seed, "--seed")
    _check_range("--seeds", seeds, 1, MAX_SEEDS)
    check_seed(seed + seeds - 1, "--seed")
    budget = DEFAULT_BUDGET if budget is None else budget
    particles = DEFAULT_PARTICLES if particles is None else particles
    _check_range("--budget", budget, 1, MAX_BUDGET)
    _check_range("--particles", particles, 1, MAX_PARTICLES)
    check_processes(processes)
    loaded = load_scenario_arg(scenario)
    out = out if out is not None else default_out_dir(loaded.name) / "likelihood"

    from sim.outputs.folders import prepare_output_dir

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.analysis.likelihood.protocol import Settings, run_protocol
    from sim.analysis.likelihood.report import build_report
    from sim.data.datasets import load_data
    from sim.data.inputs import build_inputs
    from sim.data.observed import load_observed
    from sim.outputs.likelihood import write_likelihood

    started = time.perf_counter()
    data, observed = load_data(), load_observed()
    inputs = build_inputs(loaded, data)
    from sim.data.history import build_history

    build_history(inputs, observed, loaded.source_file)  # every partner in the record: one line
    period = (int(inputs.years[0]), int(inputs.years[-1]))
    if period[1] - period[0] < 3:
        raise ParameterError(str(scenario), "period", f"{period[0]}-{period[1]} is too short "
                             "for a training and a test window")
    settings = Settings.from_seed(seed, seeds, budget=budget, particles=particles,
                                  processes=processes)
    result = run_protocol(inputs, observed, names, settings)
    report = build_report(result)
    meta = {"scenario": loaded.name, "mode": "teacher", "seed": seed, "replicas": particles,
            "paradigms": names, "params": {},
            "milestones": [{"time": m.time, "label": m.label, "id": m.id, "role": m.role}
                           for m in loaded.milestones]}
    command = ["natosim", "likelihood", scenario, "--paradigms", ",".join(names),
               "--seed", str(seed), "--seeds", str(seeds), "--budget", str(budget),
               "--particles", str(particles), *format_args(formats), "--out", str(out)]
    write_likelihood(report, result, out, force=force, scenario_name=loaded.name,
                     scenario_sha256=loaded.sha256, data_hashes=data.hashes,
                     observed_hashes=observed.hashes, command=command, meta=meta,
                     formats=formats)
    elapsed = time.perf_counter() - started
    from rich.console import Console

    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print("[bold]Likelihood verdict[/bold]")
    for sentence in report.verdict:
        console.print(f"- {sentence}", highlight=False, markup=False)
    console.print(f"results written to {out} ({elapsed:.0f} s)", highlight=False,
                  markup=False)
