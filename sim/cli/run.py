"""``natosim run``: one scenario under every chosen paradigm, tables, charts and manifest."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_PROCESSES,
    TEACHER_MODES,
    ForceOption,
    FormatOption,
    ParadigmsOption,
    ParamsFileOption,
    ProcessesOption,
    ScenarioArg,
    SetOption,
    TeacherModeOption,
    app,
    check_processes,
    check_run_options,
    default_out_dir,
    format_args,
    load_scenario_arg,
    parse_formats,
    parse_paradigms,
    resolve_param_options,
    run_with_progress,
    set_items,
    stderr_console,
    warn_fills,
)

if TYPE_CHECKING:

    from sim.model.records import Records


def _summary_tables(records: Records) -> list[Any]:
    """The headline numbers and the coercion years of a run, as two rich tables."""
    from rich.table import Table
    from rich.text import Text

    from sim.viz.plots import summary_table

    frame = summary_table(records)
    meta = records.meta
    coercion = [c for c in frame.columns if str(c).startswith("coercion")]
    numeric = [c for c in frame.columns if c != "paradigm" and c not in coercion]
    headline = Table(
        title=f"{meta.get('scenario')} · {meta.get('mode')} · {meta.get('replicas')} replicas"
        f" · seed {meta.get('seed')} (medians over replicas)"
    )
    years = Table(title="years with median coercion ≥ 2 (limited force)")
    for table, columns in ((headline, [c for c in frame.columns if c not in coercion]),
                           (years, ["paradigm", *coercion])):  # fmt: skip
        for column in columns:
            name = str(column).removeprefix("coercion≥2 ")
            table.add_column(name, justify="right" if column in numeric else "left",
                             no_wrap=column == "paradigm")  # fmt: skip
        for _, row in frame.iterrows():
            table.add_row(*(Text(_cell(row[c])) for c in columns))
    return [headline, years]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "—" if value != value else f"{value:.2f}"
    return str(value)


def canonical_command(
    scenario: str, paradigm: str, mode: str, replicas: int, seed: int, out: Path
) -> list[str]:
    """The complete command line that reproduces a run (recorded in the manifest)."""
    return [
        "natosim",
        "run",
        scenario,
        "--paradigms",
        paradigm,
        "--mode",
        mode,
        "--replicas",
        str(replicas),
        "--seed",
        str(seed),
        "--out",
        str(out),
    ]


@app.command()
def run(
    scenario: ScenarioArg,
    paradigm: ParadigmsOption = "all",
    mode: TeacherModeOption = "replay",
    replicas: Annotated[int, typer.Option(help="Replicas per paradigm.")] = 200,
    seed: Annotated[int, typer.Option(help="Seed shared by all paradigms.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Output folder [default: results/<scenario-name>/run].")
    ] = None,
    force: ForceOption = False,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    params: ParamsFileOption = None,
    sets: SetOption = None,
    chart_format: FormatOption = "png",
) -> None:
    """Run the ensembles and write tables, charts and a manifest."""
    from sim.model.paradigms import PARADIGMS

    paradigms = parse_paradigms(paradigm, list(PARADIGMS))
    formats = parse_formats(chart_format)
    check_run_options(mode, replicas, seed, modes=TEACHER_MODES)
    check_processes(processes)
    overrides = resolve_param_options(params, sets, paradigms)
    loaded = load_scenario_arg(scenario, history=mode == "teacher")
    # run, compare, validate, sweeps: sibling folders, so `--force` on one never deletes another
    out = out if out is not None else default_out_dir(loaded.name) / "run"

    from sim.outputs.folders import prepare_output_dir
    from sim.outputs.writers import write_run

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.data.datasets import load_data

    data = load_data()
    command = (canonical_command(scenario, ",".join(paradigms), mode, replicas, seed, out)
               + set_items(overrides) + format_args(formats))
    if replicas > STREAMED_ABOVE:  # one paradigm at a time, straight to Parquet
        if processes > 1:
            stderr_console().print(
                f"note: runs above {STREAMED_ABOVE:,} replicas are streamed paradigm by "
                "paradigm in this process; --processes is not used", highlight=False,
                markup=False)
        records = _run_streamed(loaded, paradigms, mode=mode, replicas=replicas, seed=seed,
                                data=data, params=overrides, out=out, force=force,
                                command=command, formats=formats)
        _print_summary(records, out)
        return
    records = run_with_progress(
        loaded, paradigms, mode=mode, replicas=replicas, seed=seed, data=data,
        params=overrides, processes=processes,
    )  # fmt: skip
    console = stderr_console()
    status = console.status("writing tables and charts") if console.is_terminal else nullcontext()
    with status:
        write_run(
            records,
            out,
            force=force,
            scenario_name=loaded.name,
            scenario_sha256=loaded.sha256,
            data_hashes=data.hashes,
            command=command,
            formats=formats,
        )
    _print_summary(records, out)


def _print_summary(records: Records, out: Path) -> None:
    from rich.console import Console

    console = Console()
    for table in _summary_tables(records):
        console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)
    warn_fills(records.meta.get("fills", ()))  # after success: an error stays one line


#: Runs with more replicas per paradigm are streamed (sim.outputs.writers.write_run_streamed:
#: Parquet only, charts and summary from the first CHART_SAMPLE replicas of each paradigm).
STREAMED_ABOVE = 10_000


def _run_streamed(loaded: Any, paradigms: list[str], *, mode: str, replicas: int, seed: int,
                  data: Any, params: dict[str, Any], out: Path, force: bool,
                  command: list[str], formats: tuple[str, ...]) -> Records:
    """Run the paradigms one after another (same seed), each written as it finishes."""
    from sim.outputs.writers import write_run_streamed
    from sim.runs.experiments import resolve, run_ensemble
    from sim.runs.memory import check_memory

    years = loaded.period.end - loaded.period.start + 1
    check_memory(replicas, 1, years, len(loaded.agents.partners), streamed=True)
    scenario, data, inputs = resolve(loaded, data)
    console = stderr_console()

    def parts():
        for name in paradigms:
            console.print(f"{name}: {replicas:,} replicas", highlight=False, markup=False)
            yield run_ensemble(scenario, name, mode=mode, replicas=replicas, seed=seed,
                               params=params, inputs=inputs)

    _, sample = write_run_streamed(
        parts(), out, paradigms=paradigms, force=force, scenario_name=loaded.name,
        scenario_sha256=loaded.sha256, data_hashes=data.hashes, command=command,
        formats=formats)
    return sample
