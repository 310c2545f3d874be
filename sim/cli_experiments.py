"""``natosim`` commands for experiments: params, sweep, sensitivity, explore.

Registered on the app of :mod:`sim.cli` (imported at the end of that module). Each command
is a thin adapter over :mod:`sim.params`, :mod:`sim.sweep`, :mod:`sim.sensitivity` and
:mod:`sim.app`; heavy modules are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli import (
    DebugOption,
    _fail,
    _stderr_console,
    app,
    check_run_options,
    check_seed,
    default_out_dir,
    handle_errors,
    load_scenario_arg,
)
from sim.errors import ParameterError

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

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a parameter, e.g. --set realist.kappa=1.5 "
                 "(repeatable; wins over --params). See `natosim params`."),
]
ParamsFileOption = Annotated[
    Path | None, typer.Option("--params", help="Parameter file (TOML or YAML).")
]
VaryOption = Annotated[
    list[str],
    typer.Option("--vary", help="Parameter to vary, NAME or NAME=LOW:HIGH (repeatable); "
                 "without a range, the documented one."),
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Local worker processes [default: all cores; 1: in-process].")
]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Run on a dask.distributed scheduler, tcp://HOST:PORT.")
]
ClusterOption = Annotated[
    str | None, typer.Option(help="'local': start a dask LocalCluster for this run.")
]


def resolve_param_options(params_file: Path | None, sets: list[str] | None) -> dict[str, Any]:
    """defaults < --params FILE < --set, validated (the nested format run_ensemble takes)."""
    from sim.params import resolve_params

    return resolve_params(params_file, sets or [])


def set_items(params: dict[str, Any]) -> list[str]:
    """A resolved parameter dict as ``--set`` arguments, for a self-contained command line."""
    from sim.params import flatten

    items: list[str] = []
    for name, value in sorted(flatten(params).items()):
        items += ["--set", f"{name}={value!r}"]
    return items


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

    console = _stderr_console()
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
@handle_errors
def params_cmd(
    ctx: typer.Context,
    paradigm: Annotated[
        str | None, typer.Option(help="Only the chassis and this paradigm.")
    ] = None,
    params_file: ParamsFileOption = None,
    sets: SetOption = None,
    write: Annotated[
        Path | None, typer.Option(help="Write the effective values to this TOML/YAML file.")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """List every parameter: name, default, range, meaning, citation (and effective value)."""
    from rich.console import Console
    from rich.table import Table

    from sim.params import describe_params, dump_params_file, flatten, nest

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
@handle_errors
def sweep(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    vary: VaryOption,
    paradigm: Annotated[str, typer.Option(help="The paradigm to run.")] = "realist",
    design: Annotated[str, typer.Option(help="grid, random or lhs.")] = "lhs",
    points: Annotated[int, typer.Option(help="Points (grid: levels per parameter).")] = 32,
    design_seed: Annotated[int, typer.Option(help="Seed of random/lhs designs.")] = 0,
    outcome: Annotated[
        list[str] | None,
        typer.Option(help="Outcome to record (repeatable) [default: all registered]."),
    ] = None,
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
    replicas: Annotated[int, typer.Option(help="Replicas per point.")] = 32,
    seed: Annotated[int, typer.Option(help="Model seed, the same for every point.")] = 0,
    params_file: ParamsFileOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Results folder; rerun the same command to resume "
                     "[default: results/<scenario>/sweep-<paradigm>]."),
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    cluster: ClusterOption = None,
    chunk_size: Annotated[int | None, typer.Option(help="Points per task and checkpoint.")] = None,
    debug: DebugOption = False,
) -> None:
    """Run a parameter sweep (each point an ensemble): resumable, parallel, Parquet out."""
    from rich.console import Console

    from sim import sweep as sw

    check_run_options(mode, replicas, seed)
    check_seed(design_seed, "--design-seed")
    check_positive(workers, "--workers")
    check_positive(chunk_size, "--chunk-size")
    check_design_size(design, points, len(vary))
    loaded = load_scenario_arg(scenario)
    base = resolve_param_options(params_file, sets)
    table = sw.design(design, sw.parse_space(vary), points, seed=design_seed)
    out = out if out is not None else default_out_dir(loaded.name) / f"sweep-{paradigm}"
    bar, hook = _point_progress(f"{paradigm} sweep")
    try:
        with bar:
            result = sw.run_sweep(
                table, out, loaded, paradigm, outcomes=outcome or sw.DEFAULT_OUTCOMES,
                mode=mode, replicas=replicas, seed=seed, params=base, workers=workers,
                scheduler=scheduler, cluster=cluster, chunk_size=chunk_size, progress=hook,
            )  # fmt: skip
    except (ValueError, OSError, TimeoutError) as err:
        if scheduler is None and cluster is None:
            raise
        raise ParameterError("--scheduler", str(scheduler or cluster),
                             f"cannot use the dask cluster: {err}") from None
    except KeyboardInterrupt:
        done, total = sw.sweep_status(out)
        _fail(f"interrupted: {done} of {total} points saved in {out}; rerun the same command "
              "to continue", code=130)
    Console().print(f"{len(result)} points; results in {out / sw.RESULTS}",
                    highlight=False, markup=False)


@app.command()
@handle_errors
def sensitivity(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    vary: VaryOption,
    outcome: Annotated[str, typer.Option(help="The outcome to explain, e.g. R_2008.")],
    paradigm: Annotated[str, typer.Option(help="The paradigm to run.")] = "realist",
    method: Annotated[str, typer.Option(help="sobol or morris (screening).")] = "sobol",
    n: Annotated[
        int, typer.Option(help="Sobol base size N (a power of two; N*(D+2) runs) or Morris "
                          "trajectories.")
    ] = 256,
    replicas: Annotated[int, typer.Option(help="Replicas per point.")] = 1,
    seed: Annotated[int, typer.Option(help="Model and sampler seed.")] = 0,
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
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
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    cluster: ClusterOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace earlier results.")] = False,
    debug: DebugOption = False,
) -> None:
    """Sobol or Morris sensitivity indices of one outcome, with intervals and a bar chart."""
    from rich.console import Console
    from rich.table import Table

    from sim import sensitivity as sa
    from sim.io import prepare_output_dir, save_figure_atomic, staged_output_dir, write_csv_atomic

    check_run_options(mode, replicas, seed)
    check_positive(n, "--n")
    check_positive(workers, "--workers")
    loaded = load_scenario_arg(scenario)
    default = default_out_dir(loaded.name) / f"sensitivity-{paradigm}-{outcome}"
    out = out if out is not None else default
    prepare_output_dir(out, force)  # fail before a long run, not after it
    bar, hook = _point_progress(f"{method}: {outcome}")
    with bar:
        idx = sa.sensitivity(
            loaded, paradigm, outcome, vary, method=method, n=n, seed=seed, replicas=replicas,
            mode=mode, params=resolve_param_options(params_file, sets), fill_nan=fill_nan,
            workers=workers, scheduler=scheduler, cluster=cluster, progress=hook,
        )  # fmt: skip
    with staged_output_dir(out, force) as staging:
        write_csv_atomic(idx, staging / "indices.csv")
        save_figure_atomic(sa.plot_indices(idx), staging / "indices.png")
        _write_manifest(staging, loaded,
                        {"seed": seed, "replicas": replicas, "mode": mode,
                         "paradigms": [paradigm]},
                        ["indices.csv", "indices.png"],
                        {"outcome": outcome, "method": method, "n": n, "vary": list(vary)})
    table = Table(title=f"{method} indices of {outcome} ({paradigm}, "
                  f"{idx.attrs['evaluations']:,} runs)")
    for col in idx.columns:
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in idx.itertuples(index=False):
        table.add_row(*(v if isinstance(v, str) else f"{v:.3f}" for v in row))
    console = Console()
    console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)


def _write_manifest(folder: Path, scenario: Any, meta: dict[str, Any],
                    files: list[str], extra: dict[str, Any]) -> None:
    """The run manifest of :func:`sim.io.manifest` (versions, settings, scenario, data and
    file hashes), plus the command's own settings in ``extra``."""
    import sys

    from sim.datasets import load_data
    from sim.io import hash_files, manifest, write_manifest

    content = manifest(meta=meta, scenario_name=scenario.name, scenario_sha256=scenario.sha256,
                       data_hashes=load_data().hashes, command=["natosim", *sys.argv[1:]],
                       files=hash_files(folder, files))
    write_manifest(folder, {**content, **extra})


@app.command()
@handle_errors
def explore(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8765,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the page in the default browser.")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Open the interactive explorer in the browser (needs the app extra)."""
    if not 1 <= port <= 65535:
        raise ParameterError("--port", "", f"expected 1 to 65535, got {port}")
    try:
        from sim.app import serve
    except ImportError as err:
        _fail(f"the explorer needs the app extra: pip install -e '.[app]' ({err})")
    serve(host, port, open_browser=open_browser)


def compare_counterfactual(
    base_arg: str,
    cf_arg: str,
    *,
    paradigms: list[str],
    column: str,
    partner: str | None,
    mode: str,
    replicas: int,
    seed: int,
    params: dict[str, Any],
    out: Path,
    force: bool = False,
) -> None:
    """``compare BASE --counterfactual CF``: paired divergence per paradigm (no scoring)."""
    from rich.console import Console
    from rich.table import Table

    from sim.errors import ParameterError
    from sim.experiments import diverge, run_paradigms
    from sim.io import prepare_output_dir, save_figure_atomic, staged_output_dir, write_csv_atomic
    from sim.plots import plot_divergence

    base, cf = load_scenario_arg(base_arg), load_scenario_arg(cf_arg)
    if base.period.start != cf.period.start:
        raise ParameterError("--counterfactual", cf_arg,
                             f"starts in {cf.period.start}, the base in {base.period.start}: "
                             "paired runs need the same start year")
    prepare_output_dir(out, force)
    kwargs = dict(mode=mode, replicas=replicas, seed=seed, params=params)  # same seed: paired
    try:
        div = diverge(run_paradigms(base, paradigms, **kwargs),
                      run_paradigms(cf, paradigms, **kwargs), column, partner=partner)
    except ValueError as err:
        raise ParameterError("--column", column, str(err)) from None
    figure = plot_divergence(div, column, base.name, cf.name, partner)
    with staged_output_dir(out, force) as staging:
        write_csv_atomic(div, staging / "divergence.csv")
        save_figure_atomic(figure, staging / "divergence.png")
        _write_manifest(staging, base,
                        {"seed": seed, "replicas": replicas, "mode": mode,
                         "paradigms": list(paradigms), "params": params},
                        ["divergence.csv", "divergence.png"],
                        {"counterfactual": {"name": cf.name, "sha256": cf.sha256},
                         "column": column, "partner": partner})
    all_years = sorted(set(div["year"]))
    years = all_years[:: max(1, len(all_years) // 8)]
    of = f" of {partner}" if partner else ""
    table = Table(title=f"{cf.name} minus {base.name}: median {column}{of} (90% paired band)")
    table.add_column("year")
    for p in paradigms:
        table.add_column(p, justify="right")
    wide = div.set_index(["year", "paradigm"])
    for y in years:
        cells = []
        for p in paradigms:
            row = wide.loc[(y, p)]
            cells.append(f"{row['diff']:+.2f} [{row['lo']:+.2f}, {row['hi']:+.2f}]")
        table.add_row(str(y), *cells)
    console = Console()
    console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)
