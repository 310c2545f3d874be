"""``natosim compare``: the scorecard of every paradigm against the observed record."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

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
    fills_of,
    format_args,
    load_scenario_arg,
    parse_formats,
    parse_paradigms,
    resolve_param_options,
    run_with_progress,
    stderr_console,
    warn_fills,
)
from sim.core.errors import ParameterError
from sim.core.periods import parse_period
from sim.outputs.manifest import write_command_manifest


@app.command()
def compare(
    scenario: ScenarioArg,
    paradigms: ParadigmsOption = "all",
    replicas: Annotated[int, typer.Option(help="Replicas per paradigm.")] = 200,
    seed: Annotated[int, typer.Option(help="Seed shared by all paradigms.")] = 0,
    window: Annotated[
        str | None,
        typer.Option(help="Years scored, e.g. 1991-2008 [default: 1991-2008 and the whole "
                     "scenario period]."),
    ] = None,
    calibration: Annotated[
        str, typer.Option(help="Years defining z-scores, trends and base rates.")
    ] = "1991-2007",
    mode: TeacherModeOption = "replay",
    params: ParamsFileOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: results/<scenario-name>/compare]."),
    ] = None,
    force: ForceOption = False,
    sets: SetOption = None,
    counterfactual: Annotated[
        str | None,
        typer.Option(help="Counterfactual scenario: show how it diverges from SCENARIO per "
                     "paradigm (same seeds) instead of scoring."),
    ] = None,
    column: Annotated[
        str, typer.Option(help="Series (R, S, russia_burden, ...) or partner column (status, "
                          "coercion, alignment) compared with --counterfactual.")
    ] = "R",
    partner: Annotated[
        str | None, typer.Option(help="Partner ISO3 code for a partner column.")
    ] = None,
    processes: ProcessesOption = DEFAULT_PROCESSES,
    chart_format: FormatOption = "png",
) -> None:
    """Score every paradigm against the observed record and write the scorecard."""
    from sim.analysis import compare as cmp
    from sim.model.paradigms import PARADIGMS

    names = parse_paradigms(paradigms, list(PARADIGMS))
    check_run_options(mode, replicas, seed, modes=TEACHER_MODES)
    if mode == "teacher" and counterfactual is None:
        raise ParameterError("--mode", "teacher", "imposes the observed record, so a scorecard "
                             "would score the record against itself; use it with "
                             "--counterfactual (a scenario with history: edits), and score "
                             "teacher-forced predictions with natosim likelihood")
    check_processes(processes)
    formats = parse_formats(chart_format)
    if counterfactual is None and (column != "R" or partner is not None):
        option = "--partner" if partner is not None else "--column"
        raise ParameterError(option, partner if partner is not None else column,
                             "applies only with --counterfactual (it picks the diverging series)")
    if window is not None and not window.strip():
        raise ParameterError("--window", "", "expected years such as 1991-2008, got an empty value")
    if counterfactual is not None:
        base = load_scenario_arg(scenario, history=True)
        cf_name = load_scenario_arg(counterfactual, history=True).name
        compare_counterfactual(
            scenario, counterfactual, paradigms=names, column=column, partner=partner,
            mode=mode, replicas=replicas, seed=seed,
            params=resolve_param_options(params, sets),
            out=out or default_out_dir(base.name) / f"vs-{cf_name}", force=force,
            processes=processes, formats=formats,
        )  # fmt: skip
        return
    cal = parse_period(calibration, "--calibration")
    loaded = load_scenario_arg(scenario)
    period = (loaded.period.start, loaded.period.end)
    windows = [parse_period(window, "--window")] if window else cmp.default_windows(period)
    cmp.check_windows(windows, cal, period)
    if window and (windows[0][0] < period[0] or windows[0][1] > period[1]):
        raise ParameterError("--window", "", f"{window} reaches beyond the scenario period "
                             f"{period[0]}-{period[1]}; choose years inside it")
    overrides = resolve_param_options(params, sets, names)
    out = out if out is not None else default_out_dir(loaded.name) / "compare"

    from sim.outputs.compare import write_comparison
    from sim.outputs.folders import prepare_output_dir

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.data.datasets import load_data
    from sim.data.observed import load_observed

    data, observed = load_data(), load_observed()
    records = run_with_progress(
        loaded, names, mode=mode, replicas=replicas, seed=seed, data=data, params=overrides,
        processes=processes,
    )
    comparison = cmp.score_windows(records, observed, windows, cal)
    command = cmp.canonical_command(
        scenario, ",".join(names), mode=mode, replicas=replicas, seed=seed, windows=window,
        calibration=calibration, params=str(params) if params else None, out=out,
    ) + [arg for item in sets or [] for arg in ("--set", item)] + format_args(formats)
    write_comparison(
        comparison, out, force=force, scenario_name=loaded.name,
        scenario_sha256=loaded.sha256, data_hashes=data.hashes, command=command,
        params_file=params, formats=formats,
    )  # fmt: skip
    from rich.console import Console

    console = Console(width=None if sys.stdout.isatty() else 120)  # a log file gets it whole
    for table in cmp.scorecard_tables(comparison):
        console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)
    warn_fills(records.meta.get("fills", ()))  # after success: an error stays one line


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
    processes: int | None = None,
    formats: tuple[str, ...] = ("png",),
) -> None:
    """``compare BASE --counterfactual CF``: paired divergence per paradigm (no scoring)."""
    from rich.console import Console
    from rich.table import Table

    from sim.core.files import write_csv_atomic
    from sim.outputs.charts import save_charts
    from sim.outputs.folders import prepare_output_dir, staged_output_dir
    from sim.runs.counterfactual import changes, check_visible, table_years
    from sim.runs.experiments import diverge, run_paradigms
    from sim.viz.plots import plot_divergence

    base, cf = (load_scenario_arg(base_arg, history=True),
                load_scenario_arg(cf_arg, history=True))  # check_visible: the mode sees them?
    if base.period.start != cf.period.start:
        raise ParameterError("--counterfactual", cf_arg,
                             f"starts in {cf.period.start}, the base in {base.period.start}: "
                             "paired runs need the same start year")
    visible = check_visible(base, cf, mode, cf_arg)  # refuse a change the mode never applies
    hidden = [c for c in changes(base, cf) if not c.applied_in(mode)
              and c.year <= min(base.period.end, cf.period.end)]
    if hidden:  # some of the differences do not act in this mode: say which
        shown = ", ".join(c.describe() for c in hidden[:4]) + (", ..." if len(hidden) > 4 else "")
        stderr_console().print(f"note: --mode {mode} does not apply {len(hidden)} of the "
                               f"differences: {shown}", highlight=False, markup=False)
    prepare_output_dir(out, force)
    kwargs = dict(mode=mode, replicas=replicas, seed=seed, params=params,  # same seed: paired
                  processes=processes)
    try:
        runs = [run_paradigms(s, paradigms, **kwargs) for s in (base, cf)]
        div = diverge(*runs, column, partner=partner)
    except ValueError as err:
        raise ParameterError("--column", column, str(err)) from None
    figure = plot_divergence(div, column, base.name, cf.name, partner,
                             changes=[(c.year, c.describe()) for c in visible])
    with staged_output_dir(out, force) as staging:
        write_csv_atomic(div, staging / "divergence.csv")
        charts = save_charts({"divergence.png": figure}, staging, formats)
        write_command_manifest(staging, base,
                        {"seed": seed, "replicas": replicas, "mode": mode,
                         "paradigms": list(paradigms), "params": params,
                         "fills": fills_of(runs),
                         "history_edits": runs[1].meta.get("history_edits", ()),
                         "observed_data": runs[1].meta.get("observed_data", {})},
                        ["divergence.csv", *charts],
                        {"counterfactual": {"name": cf.name, "sha256": cf.sha256},
                         "column": column, "partner": partner,
                         "changes": [c.describe() for c in visible]}, kind="counterfactual")
    changed = {c.year for c in visible}
    years = table_years(div["year"].unique(), changed)  # around each change, and the end
    of = f" of {partner}" if partner else ""
    table = Table(title=f"{cf.name} minus {base.name}: median {column}{of} (90% paired band)",
                  caption="* changed: " + "; ".join(c.describe() for c in visible[:4])
                  + ("; ..." if len(visible) > 4 else ""))
    table.add_column("year")
    for p in paradigms:
        table.add_column(p, justify="right")
    wide = div.set_index(["year", "paradigm"])
    for y in years:
        cells = []
        for p in paradigms:
            row = wide.loc[(y, p)]
            cells.append(f"{row['diff']:+.2f} [{row['lo']:+.2f}, {row['hi']:+.2f}]")
        table.add_row(f"{y}*" if y in changed else str(y), *cells)
    console = Console()
    console.print(table)
    warn_fills(fills_of(runs))
    console.print(f"results written to {out}", highlight=False, markup=False)
