"""``natosim`` commands for experiments: params, sweep, sensitivity, explore.

Registered on the app of :mod:`sim.cli.common` (imported by :mod:`sim.cli.main`). Each command
is a thin adapter over :mod:`sim.model.params`, :mod:`sim.runs.sweep`,
:mod:`sim.analysis.sensitivity` and :mod:`sim.viz.app`;
heavy modules are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    DEFAULT_PROCESSES,
    ClusterOption,
    ForceOption,
    FormatOption,
    ModeOption,
    ParadigmOption,
    ParamsFileOption,
    ProcessesOption,
    ScenarioArg,
    SchedulerOption,
    SetOption,
    app,
    check_processes,
    check_run_options,
    check_seed,
    default_out_dir,
    fail,
    load_scenario_arg,
    one_paradigm,
    parse_formats,
    resolve_param_options,
    stderr_console,
)
from sim.core.errors import ParameterError
from sim.outputs.manifest import write_command_manifest

MAX_POINTS = 1_000_000  # a design larger than this is almost surely a typo (memory, days)


def check_positive(value: int | None, option: str) -> None:
    """An optional count that, when given, must be at least 1."""
    if value is not None and value < 1:
        raise ParameterError(option, "", f"expected an integer >= 1, got {value}")


def check_design_size(design: str, points: int, dimensions: int) -> None:
    """Refuse designs too large to run before building them."""
    check_positive(points, "--points")
    total = points ** dimensions if design == "grid" else points
    if total > MAX_POINTS:
        raise ParameterError("--points", "", f"the {design} design has {total:,} points; the "
                             f"limit is {MAX_POINTS:,} (fewer --points or --vary)")

VaryOption = Annotated[
    list[str],
    typer.Option("--vary", help="Parameter to vary, NAME or NAME=LOW:HIGH (repeatable); "
                 "without a range, the documented one."),
]


def _point_progress(description: str) -> tuple[Any, Any]:
    """A rich progress bar with an ETA, and the ``progress(done, total)`` hook that feeds it."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = stderr_console()
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )  # fmt: skip
    task = bar.add_task(description, total=None)
    started: list[bool] = []

    def hook(done: int, total: int) -> None:
        if not started:  # points done by an earlier run must not count toward the speed
            started.append(True)
            bar.reset(task, total=total, completed=done)
        else:
            bar.update(task, total=total, completed=done)

    return bar, hook


@app.command("params")
def params_cmd(
    paradigm: Annotated[
        str | None, typer.Option(help="Only the chassis and this paradigm.")
    ] = None,
    params_file: ParamsFileOption = None,
    sets: SetOption = None,
    write: Annotated[
        Path | None, typer.Option(help="Write the effective values to this TOML/YAML file.")
    ] = None,
) -> None:
    """List every parameter: name, default, range, meaning, citation (and effective value)."""
    from rich.console import Console
    from rich.table import Table

    from sim.model.params import describe_params, dump_params_file, flatten, nest

    table = describe_params(paradigm)
    overrides = flatten(resolve_param_options(params_file, sets))
    out = Table(title="natosim parameters (qualified names for --set and parameter files)")
    for col in ("name", "default", "range", "value", "meaning", "citation"):
        out.add_column(col, overflow="fold", no_wrap=col in ("name", "range"),
                       justify="right" if col in ("default", "value") else "left")
    for row in table.itertuples():
        value = overrides.get(row.name)
        out.add_row(row.name, f"{row.default:g}", f"[{row.low:g}, {row.high:g}]",
                    "" if value is None else f"{value:g}", row.meaning,
                    row.citation.replace(";", "; "))
    console = Console()
    console.print(out)
    if write is not None:
        values = {n: overrides.get(n, d) for n, d in zip(table["name"], table["default"],
                                                         strict=True)}
        provenance = {"by": "natosim params", "set": list(sets or []),
                      "params_file": str(params_file or "")}
        dump_params_file(nest(values), write, provenance=provenance)
        console.print(f"written to {write}", highlight=False, markup=False)


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: VaryOption,
    paradigm: ParadigmOption = None,
    design: Annotated[str, typer.Option(help="grid, random or lhs.")] = "lhs",
    points: Annotated[int, typer.Option(help="Points (grid: levels per parameter).")] = 32,
    design_seed: Annotated[int, typer.Option(help="Seed of random/lhs designs.")] = 0,
    outcome: Annotated[
        list[str] | None,
        typer.Option(help="Outcome to record (repeatable) [default: all registered]."),
    ] = None,
    mode: ModeOption = "replay",
    replicas: Annotated[int, typer.Option(help="Replicas per point.")] = 32,
    seed: Annotated[int, typer.Option(help="Model seed, the same for every point.")] = 0,
    params_file: ParamsFileOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder; rerun the same command to resume "
                     "[default: results/<scenario>/sweep-<paradigm>]."),
    ] = None,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    scheduler: SchedulerOption = None,
    cluster: ClusterOption = None,
    chunk_size: Annotated[int | None, typer.Option(help="Points per task and checkpoint.")] = None,
) -> None:
    """Run a parameter sweep (each point an ensemble): resumable, parallel, Parquet out."""
    from rich.console import Console

    from sim.runs import designs, outcomes, store
    from sim.runs import sweep as sw

    paradigm = one_paradigm(paradigm)
    check_run_options(mode, replicas, seed)
    check_seed(design_seed, "--design-seed")
    check_processes(processes)
    check_positive(chunk_size, "--chunk-size")
    check_design_size(design, points, len(vary))
    loaded = load_scenario_arg(scenario)
    base = resolve_param_options(params_file, sets, [paradigm])
    table = designs.design(design, designs.parse_space(vary), points, seed=design_seed)
    out = out if out is not None else default_out_dir(loaded.name) / f"sweep-{paradigm}"
    bar, hook = _point_progress(f"{paradigm} sweep")
    try:
        with bar:
            result = sw.run_sweep(
                table, out, loaded, paradigm, outcomes=outcome or outcomes.DEFAULT_OUTCOMES,
                mode=mode, replicas=replicas, seed=seed, params=base, workers=processes,
                scheduler=scheduler, cluster=cluster, chunk_size=chunk_size, progress=hook,
            )  # fmt: skip
    except (ValueError, OSError, TimeoutError) as err:
        if scheduler is None and cluster is None:
            raise
        raise ParameterError("--scheduler", str(scheduler or cluster),
                             f"cannot use the dask cluster: {err}") from None
    except KeyboardInterrupt:
        done, total = store.sweep_status(out)
        fail(f"interrupted: {done} of {total} points saved in {out}; rerun the same command "
              "to continue", code=130)
    write_command_manifest(
        out, loaded, {"seed": seed, "replicas": replicas, "mode": mode, "paradigms": [paradigm],
                      "params": base},
        [store.MANIFEST, store.DESIGN_FILE, store.RESULTS],
        {"design": design, "points": points, "design_seed": design_seed, "vary": list(vary),
         "outcomes": list(outcome or outcomes.DEFAULT_OUTCOMES)}, kind="sweep")
    Console().print(f"{len(result)} points; results in {out / store.RESULTS}",
                    highlight=False, markup=False)


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    vary: VaryOption,
    outcome: Annotated[str, typer.Option(help="The outcome to explain, e.g. R_2008.")],
    paradigm: ParadigmOption = None,
    method: Annotated[str, typer.Option(help="sobol or morris (screening).")] = "sobol",
    n: Annotated[
        int, typer.Option(help="Sobol base size N (a power of two; N*(D+2) runs) or Morris "
                          "trajectories.")
    ] = 256,
    replicas: Annotated[int, typer.Option(help="Replicas per point.")] = 1,
    seed: Annotated[int, typer.Option(help="Model and sampler seed.")] = 0,
    mode: ModeOption = "replay",
    fill_nan: Annotated[
        float | None,
        typer.Option(help="Value where the outcome is undefined (e.g. 2025 for a first-year "
                     "outcome)."),
    ] = None,
    params_file: ParamsFileOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: "
                     "results/<scenario>/sensitivity-<paradigm>-<outcome>]."),
    ] = None,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    scheduler: SchedulerOption = None,
    cluster: ClusterOption = None,
    force: ForceOption = False,
    chart_format: FormatOption = "png",
) -> None:
    """Sobol or Morris sensitivity indices of one outcome, with intervals and a bar chart."""
    from rich.console import Console
    from rich.table import Table

    from sim.analysis import sensitivity as sa
    from sim.core.files import write_csv_atomic
    from sim.outputs.charts import save_charts
    from sim.outputs.folders import prepare_output_dir, staged_output_dir

    paradigm = one_paradigm(paradigm)
    formats = parse_formats(chart_format)
    check_run_options(mode, replicas, seed)
    check_positive(n, "--n")
    if method == "sobol" and n & (n - 1):
        raise ParameterError("--n", "", f"Sobol's base size must be a power of two "
                             f"(2, 4, 8, ...), got {n}")
    check_processes(processes)
    loaded = load_scenario_arg(scenario)
    default = default_out_dir(loaded.name) / f"sensitivity-{paradigm}-{outcome}"
    out = out if out is not None else default
    prepare_output_dir(out, force)  # fail before a long run, not after it
    bar, hook = _point_progress(f"{method}: {outcome}")
    with bar:
        idx = sa.sensitivity(
            loaded, paradigm, outcome, vary, method=method, n=n, seed=seed, replicas=replicas,
            mode=mode, params=resolve_param_options(params_file, sets, [paradigm]),
            fill_nan=fill_nan,
            workers=processes, scheduler=scheduler, cluster=cluster, progress=hook,
        )  # fmt: skip
    with staged_output_dir(out, force) as staging:
        write_csv_atomic(idx, staging / "indices.csv")
        charts = save_charts({"indices.png": sa.plot_indices(idx)}, staging, formats)
        write_command_manifest(staging, loaded,
                        {"seed": seed, "replicas": replicas, "mode": mode,
                         "paradigms": [paradigm]},
                        ["indices.csv", *charts],
                        {"outcome": outcome, "method": method, "n": n, "vary": list(vary)},
                        kind="sensitivity")
    table = Table(title=f"{method} indices of {outcome} ({paradigm}, "
                  f"{idx.attrs['evaluations']:,} runs)")
    for col in idx.columns:
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in idx.itertuples(index=False):
        table.add_row(*(v if isinstance(v, str) else f"{v:.3f}" for v in row))
    console = Console()
    console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)


@app.command()
def explore(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8765,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in the default browser.")
    ] = False,
    scenarios: Annotated[
        Path | None,
        typer.Option(help="A folder of your scenario files, listed beside the shipped ones."),
    ] = None,
) -> None:
    """Open the interactive explorer in the browser (needs the app extra)."""
    if not 1 <= port <= 65535:
        raise ParameterError("--port", "", f"expected 1 to 65535, got {port}")
    if scenarios is not None and not scenarios.is_dir():
        raise ParameterError("--scenarios", str(scenarios), "expected a folder of scenario files")
    try:
        from sim.viz.app import serve
    except ImportError as err:
        fail(f"the explorer needs the app extra: pip install -e '.[app]' ({err})")
    serve(host, port, open_browser=open_browser, scenarios=scenarios)
