"""``natosim calibrate`` and ``natosim validate``: fits on training years, out-of-sample tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_PROCESSES,
    ForceOption,
    FormatOption,
    ModeOption,
    ParadigmOption,
    ParadigmsOption,
    ProcessesOption,
    ScenarioArg,
    app,
    check_processes,
    check_run_options,
    default_out_dir,
    format_args,
    load_scenario_arg,
    one_paradigm,
    parse_formats,
    parse_paradigms,
    stderr_console,
)
from sim.core.errors import InputError, ParameterError
from sim.core.periods import parse_period

if TYPE_CHECKING:
    from rich.console import Console



def _manual_progress(console: Console) -> Any:
    """A rich progress bar refreshed only by its callbacks: no refresh thread, so worker
    processes can be forked safely while it is shown."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True, auto_refresh=False,
        disable=not console.is_terminal,
    )  # fmt: skip


@app.command()
def calibrate(
    scenario: ScenarioArg,
    paradigm: ParadigmOption = None,
    train: Annotated[str, typer.Option(help="Training window (the only years scored).")] = (
        "1991-2007"
    ),
    budget: Annotated[int | None, typer.Option(help="Loss evaluations [default: 600].")] = None,
    replicas: Annotated[
        int | None, typer.Option(help="Replicas per evaluation [default: 24].")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the model and the optimiser.")] = 1,
    mode: ModeOption = "replay",
    out: Annotated[
        Path | None,
        typer.Option(help="Parameter file to write, .toml or .yaml [default: "
                     "results/calibration/<scenario>_<paradigm>_train-<years>.toml]."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Fit a paradigm's three parameters and the shared chassis on a training window."""
    import warnings

    from sim.analysis import calibration as cal

    name = [one_paradigm(paradigm)]
    budget = cal.DEFAULT_BUDGET if budget is None else budget
    replicas = cal.DEFAULT_REPLICAS if replicas is None else replicas
    check_run_options(mode, replicas, seed)
    if budget < 1:
        raise ParameterError("--budget", "", f"expected a positive integer, got {budget}")
    window = parse_period(train, "--train")
    loaded = load_scenario_arg(scenario)
    safe = default_out_dir(loaded.name).name
    out = out or Path("results/calibration") / f"{safe}_{name[0]}_train-{train.strip()}.toml"
    if out.exists() and not force:
        raise InputError(str(out), "", "file exists; use --force to replace it")
    console = stderr_console()
    with _manual_progress(console) as bar, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cal.BoundWarning)
        task = bar.add_task(f"calibrating {name[0]} on {train}", total=budget)

        def on_trial(done: int, total: int, best: float) -> None:
            bar.update(task, completed=done, description=f"calibrating {name[0]} on {train} "
                       f"(best skill {1.0 - best:.3f})")
            bar.refresh()

        result = cal.calibrate(loaded, name[0], train=window, budget=budget, replicas=replicas,
                               seed=seed, mode=mode, progress=on_trial)
    cal.write_calibration(result, out)
    _print_calibration(result, out, [str(w.message) for w in caught])


def _print_calibration(result: Any, out: Path, warned: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result.paradigm}: fitted on {result.provenance['train']} "
                  f"(in-sample aggregate skill {result.skill:.3f})")
    for column in ("parameter", "value", "at bound"):
        table.add_column(column)
    for name, value in result.fitted.items():
        flagged = any(m.startswith(f"{name} =") for m in result.at_bounds)
        table.add_row(name, f"{value:.4g}", "yes" if flagged else "")
    Console().print(table)
    for message in warned:
        typer.echo(f"warning: {message}", err=True)
    typer.echo(f"parameters written to {out} (use with --params)")


@app.command()
def validate(
    scenario: ScenarioArg,
    paradigms: ParadigmsOption = "all",
    budget: Annotated[
        int | None, typer.Option(help="Loss evaluations per calibration [default: 600].")
    ] = None,
    replicas: Annotated[
        int | None, typer.Option(help="Replicas per loss evaluation [default: 24].")
    ] = None,
    eval_replicas: Annotated[
        int, typer.Option(help="Replicas of each fitted model's evaluation run.")
    ] = 100,
    seed: Annotated[int, typer.Option(help="Seed of fits (evaluation runs use seed+1).")] = 1,
    mode: ModeOption = "replay",
    seeds: Annotated[
        int, typer.Option(help="Seeds (model and optimiser) of the headline verdict.")
    ] = 5,
    headline: Annotated[
        bool, typer.Option("--headline", help="Only the overall verdict's part: the primary "
                           "split (no rolling origins, no mixture).")
    ] = False,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: results/<scenario-name>/validate]."),
    ] = None,
    force: ForceOption = False,
    chart_format: FormatOption = "png",
) -> None:
    """Calibrate every paradigm identically and test it out of sample; write the verdict."""
    from sim.analysis import calibration as cal
    from sim.analysis import validation as val
    from sim.model.paradigms import PARADIGMS
    from sim.outputs.validation import write_validation

    names = parse_paradigms(paradigms, list(PARADIGMS))
    formats = parse_formats(chart_format)
    settings = val.Settings(
        budget=cal.DEFAULT_BUDGET if budget is None else budget,
        replicas=cal.DEFAULT_REPLICAS if replicas is None else replicas,
        seed=seed, eval_replicas=eval_replicas, mode=mode, processes=processes, seeds=seeds,
        headline=headline,
    )  # fmt: skip
    if seeds < 1:
        raise ParameterError("--seeds", str(seeds), "expected a positive integer")
    check_run_options(mode, settings.replicas, seed)
    check_run_options(mode, eval_replicas, seed, option="--eval-replicas")
    check_processes(processes)
    if settings.budget < 1:
        raise ParameterError("--budget", "", f"expected a positive integer, got {budget}")
    loaded = load_scenario_arg(scenario)
    out = out if out is not None else default_out_dir(loaded.name) / "validate"
    from sim.outputs.folders import prepare_output_dir

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.data.datasets import load_data

    data = load_data()
    console = stderr_console()
    with _manual_progress(console) as bar:
        tasks: dict[str, Any] = {}

        def on_job(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)
            bar.refresh()

        result = val.validate(loaded, names, settings, progress=on_job)
    command = ["natosim", "validate", scenario, "--paradigms", ",".join(names), "--budget",
               str(settings.budget), "--replicas", str(settings.replicas), "--eval-replicas",
               str(eval_replicas), "--seed", str(seed), "--seeds", str(seeds), "--mode", mode,
               *(["--headline"] if headline else []), *format_args(formats),
               "--out", str(out)]
    write_validation(result, out, force=force, scenario_name=loaded.name,
                         scenario_sha256=loaded.sha256, data_hashes=data.hashes, command=command,
                     formats=formats)
    _print_validation(result, out)


def _print_validation(result: Any, out: Path) -> None:
    """The skills table, the verdict table, then the overall verdict as the last words (every
    table wraps its text at spaces: nothing is cut at 80 columns)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=None if sys.stdout.isatty() else 100)
    skills = Table(title="aggregate skill vs the reference baselines (95 % block-bootstrap)")
    for column in ("split", "sample", "forecaster", "skill", "interval"):
        skills.add_column(column)
    for row in result.skills.itertuples():
        skills.add_row(row.split, row.sample, row.forecaster, f"{row.skill:.3f}",
                       f"[{row.lo:.3f}, {row.hi:.3f}]")
    verdict = Table(title="verdict", show_lines=True)
    verdict.add_column("topic", ratio=1)
    verdict.add_column("finding", ratio=4)
    findings = result.verdict.set_index("topic")["finding"]
    for topic, finding in findings.items():
        if topic != "overall":
            verdict.add_row(Text(topic), Text(finding))
    console.print(skills)
    console.print(verdict)
    console.print(f"results written to {out}", highlight=False, markup=False)
    console.print(Text("OUT-OF-SAMPLE VERDICT (fitted parameters, calibration protocol)",
                       style="bold"))
    console.print(Text(findings["overall"]))
