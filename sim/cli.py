"""The ``natosim`` command line: a thin adapter over functions in :mod:`sim`.

Heavy modules (pandas, matplotlib, mesa, the model) are imported inside the commands so that
``natosim --help`` answers at once. Every :class:`~sim.errors.InputError` is printed as one
line ``error: <message>`` on stderr with exit code 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.errors import InputError, ParameterError

if TYPE_CHECKING:
    from rich.console import Console

    from sim.records import Records

MODES = ("replay", "free")
MAX_REPLICAS = 100_000
MAX_PROCESSES = 64
EXIT_INPUT = 2

app = typer.Typer(
    name="natosim",
    help="Agent-based test of realist, liberal and constructivist accounts of NATO–Russia "
    "relations since 1991.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
scenarios_app = typer.Typer(
    help="List and validate scenario files.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(scenarios_app, name="scenarios")

DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback instead of a one-line error.")
]


# --------------------------------------------------------------------------- error handling


def _debug_requested(kwargs: dict[str, Any]) -> bool:
    """``--debug`` given to the command itself or globally (``natosim --debug ...``)."""
    if kwargs.get("debug"):
        return True
    # typer passes its internal click context (not a typer.Context instance): duck-type it.
    ctx = next((v for v in kwargs.values() if hasattr(v, "find_root")), None)
    obj = ctx.find_root().obj if ctx is not None else None
    return bool(isinstance(obj, dict) and obj.get("debug"))


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def handle_errors[F: Callable[..., Any]](func: F) -> F:
    """Turn user-input problems into one-line errors (exit 2) unless ``--debug`` is on."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as err:
            if _debug_requested(kwargs):
                raise
            _fail(str(err))
        except OSError as err:  # disk full, permission denied mid-run: not a bug, not input
            if _debug_requested(kwargs):
                raise
            where = f"{err.filename}: " if err.filename else ""
            _fail(f"{where}{err.strerror or err}", code=1)
        except KeyboardInterrupt:
            _fail("interrupted; earlier results, if any, were left in place", code=130)

    return wrapper  # type: ignore[return-value]


def _version_callback(value: bool) -> None:
    if value:
        from sim.io import natosim_version

        typer.echo(f"natosim {natosim_version()}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    debug: DebugOption = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Agent-based test of realist, liberal and constructivist accounts of NATO–Russia
    relations since 1991 (after Ratti 2009)."""
    ctx.obj = {"debug": debug}


# --------------------------------------------------------------------------- option checks


def parse_paradigms(value: str, known: list[str]) -> list[str]:
    """``"all"`` or a comma-separated list of known paradigm names → list of names."""
    if value.strip().lower() == "all":
        return list(known)
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        import difflib

        close = difflib.get_close_matches(unknown[0], known, n=1) if unknown else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ParameterError(
            "--paradigm",
            "",
            f"unknown paradigm {value!r}{hint}; choose {', '.join(known)} or all",
        )
    return list(dict.fromkeys(names))


def check_run_options(mode: str, replicas: int, seed: int) -> None:
    """Raise ParameterError for a mode, replica count or seed the model cannot use."""
    if mode not in MODES:
        raise ParameterError("--mode", "", f"unknown mode {mode!r}; choose {' or '.join(MODES)}")
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ParameterError("--replicas", "", f"expected 1 to {MAX_REPLICAS:,}, got {replicas}")
    check_seed(seed, "--seed")


MAX_SEED = 2**32 - 1  # numpy, optuna and MT19937 all accept this range


def check_seed(seed: int, option: str) -> None:
    """Raise ParameterError for a seed outside 0 .. 2**32 - 1."""
    if not 0 <= seed <= MAX_SEED:
        raise ParameterError(option, "", f"expected an integer from 0 to {MAX_SEED:,}, got {seed}")


def check_processes(processes: int) -> None:
    """Raise ParameterError for a process count below 1 or above :data:`MAX_PROCESSES`."""
    if not 1 <= processes <= MAX_PROCESSES:
        raise ParameterError(
            "--processes", "", f"expected 1 to {MAX_PROCESSES}, got {processes}"
        )


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


def load_scenario_arg(value: str) -> Any:
    """Load a scenario given as a file path or a shipped scenario name."""
    from sim.scenario import load_scenario

    if _looks_like_path(value):
        path = Path(value)
        if not path.exists():
            raise InputError(value, "", "no such scenario file")
        if path.is_dir():
            raise InputError(value, "", "expected a scenario YAML file, got a directory")
    return load_scenario(value)


def default_out_dir(scenario_name: str) -> Path:
    """``results/<scenario-name>``, with the name made safe for a folder name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario_name).strip(".-") or "scenario"
    return Path("results") / safe


# --------------------------------------------------------------------------- run


def _stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def _run_with_progress(
    scenario: Any,
    paradigms: list[str],
    *,
    mode: str,
    replicas: int,
    seed: int,
    data: Any,
    params: dict[str, Any] | None = None,
    processes: int = 1,
) -> Records:
    """Run every paradigm's ensemble (same seed: common random numbers) with a progress bar."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sim.experiments import run_paradigms

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} paradigms"),
        TimeElapsedColumn(),
    )
    console = _stderr_console()
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        task = progress.add_task("loading inputs", total=len(paradigms))
        started: list[str] = []

        def on_paradigm(name: str) -> None:
            if started:
                progress.advance(task)
            started.append(name)
            progress.update(task, description=f"{name}: {replicas} replicas")

        records = run_paradigms(
            scenario, paradigms, mode=mode, replicas=replicas, seed=seed, data=data,
            params=params, progress=on_paradigm, processes=processes,
        )  # fmt: skip
        progress.update(task, completed=len(paradigms))
    return records


def _summary_tables(records: Records) -> list[Any]:
    """The headline numbers and the coercion years of a run, as two rich tables."""
    from rich.table import Table
    from rich.text import Text

    from sim.plots import summary_table

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
        "--paradigm",
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
@handle_errors
def run(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    paradigm: Annotated[
        str, typer.Option(help="realist, liberal, constructivist, a comma list, or all.")
    ] = "all",
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
    replicas: Annotated[int, typer.Option(help="Replicas per paradigm.")] = 200,
    seed: Annotated[int, typer.Option(help="Seed shared by all paradigms.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Output folder [default: results/<scenario-name>/run].")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace earlier results.")] = False,
    processes: Annotated[
        int, typer.Option(help="Run the paradigms in this many processes (same results).")
    ] = 1,
    params: Annotated[
        Path | None, typer.Option("--params", help="Parameter file (TOML or YAML).")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter, e.g. --set realist.kappa=1.5 "
                     "(repeatable; wins over --params). See `natosim params`."),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Run the ensembles and write tables, charts and a manifest."""
    from sim.cli_experiments import resolve_param_options, set_items
    from sim.paradigms import PARADIGMS

    paradigms = parse_paradigms(paradigm, list(PARADIGMS))
    check_run_options(mode, replicas, seed)
    check_processes(processes)
    overrides = resolve_param_options(params, sets)
    loaded = load_scenario_arg(scenario)
    # run, compare, validate, sweeps: sibling folders, so `--force` on one never deletes another
    out = out if out is not None else default_out_dir(loaded.name) / "run"

    from sim.io import prepare_output_dir, write_run

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.datasets import load_data

    data = load_data()
    records = _run_with_progress(
        loaded, paradigms, mode=mode, replicas=replicas, seed=seed, data=data,
        params=overrides, processes=processes,
    )  # fmt: skip
    console = _stderr_console()
    status = console.status("writing tables and charts") if console.is_terminal else nullcontext()
    with status:
        write_run(
            records,
            out,
            force=force,
            scenario_name=loaded.name,
            scenario_sha256=loaded.sha256,
            data_hashes=data.hashes,
            command=canonical_command(scenario, ",".join(paradigms), mode, replicas, seed, out)
            + set_items(overrides),
        )
    from rich.console import Console

    console = Console()
    for table in _summary_tables(records):
        console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)


# --------------------------------------------------------------------------- compare


@app.command()
@handle_errors
def compare(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    paradigms: Annotated[
        str, typer.Option(help="realist, liberal, constructivist, a comma list, or all.")
    ] = "all",
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
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
    params: Annotated[
        Path | None, typer.Option(help="Parameter file (TOML or YAML), e.g. from calibrate.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: results/<scenario-name>/compare]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace earlier results.")] = False,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter, e.g. --set realist.kappa=1.5 "
                     "(repeatable; wins over --params)."),
    ] = None,
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
    debug: DebugOption = False,
) -> None:
    """Score every paradigm against the observed record and write the scorecard."""
    from sim import compare as cmp
    from sim.cli_experiments import compare_counterfactual, resolve_param_options
    from sim.paradigms import PARADIGMS

    names = parse_paradigms(paradigms, list(PARADIGMS))
    check_run_options(mode, replicas, seed)
    if counterfactual is not None:
        base = load_scenario_arg(scenario)
        cf_name = load_scenario_arg(counterfactual).name
        compare_counterfactual(
            scenario, counterfactual, paradigms=names, column=column, partner=partner,
            mode=mode, replicas=replicas, seed=seed,
            params=resolve_param_options(params, sets),
            out=out or default_out_dir(base.name) / f"vs-{cf_name}", force=force,
        )  # fmt: skip
        return
    cal = cmp.parse_years(calibration, "--calibration")
    loaded = load_scenario_arg(scenario)
    period = (loaded.period.start, loaded.period.end)
    windows = [cmp.parse_years(window, "--window")] if window else cmp.default_windows(period)
    cmp.check_windows(windows, cal, period)
    overrides = resolve_param_options(params, sets)
    out = out if out is not None else default_out_dir(loaded.name) / "compare"

    from sim.io import prepare_output_dir

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.datasets import load_data
    from sim.observed import load_observed

    data, observed = load_data(), load_observed()
    records = _run_with_progress(
        loaded, names, mode=mode, replicas=replicas, seed=seed, data=data, params=overrides
    )
    comparison = cmp.score_windows(records, observed, windows, cal)
    command = cmp.canonical_command(
        scenario, ",".join(names), mode=mode, replicas=replicas, seed=seed, windows=window,
        calibration=calibration, params=str(params) if params else None, out=out,
    ) + [arg for item in sets or [] for arg in ("--set", item)]  # fmt: skip
    cmp.write_comparison(
        comparison, out, force=force, scenario_name=loaded.name,
        scenario_sha256=loaded.sha256, data_hashes=data.hashes, command=command,
        params_file=params,
    )  # fmt: skip
    from rich.console import Console

    console = Console(width=None if sys.stdout.isatty() else 120)  # a log file gets it whole
    for table in cmp.scorecard_tables(comparison):
        console.print(table)
    console.print(f"results written to {out}", highlight=False, markup=False)


# --------------------------------------------------------------------------- calibrate, validate


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
@handle_errors
def calibrate(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    paradigm: Annotated[str, typer.Option(help="realist, liberal or constructivist.")],
    train: Annotated[str, typer.Option(help="Training window (the only years scored).")] = (
        "1991-2007"
    ),
    budget: Annotated[int | None, typer.Option(help="Loss evaluations [default: 600].")] = None,
    replicas: Annotated[
        int | None, typer.Option(help="Replicas per evaluation [default: 24].")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the model and the optimiser.")] = 1,
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
    out: Annotated[
        Path | None,
        typer.Option(help="Parameter file to write, .toml or .yaml [default: "
                     "results/calibration/<scenario>_<paradigm>_train-<years>.toml]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    debug: DebugOption = False,
) -> None:
    """Fit a paradigm's three parameters and the shared chassis on a training window."""
    import warnings

    from sim import calibration as cal
    from sim.paradigms import PARADIGMS

    name = parse_paradigms(paradigm, list(PARADIGMS))
    if len(name) != 1:
        raise ParameterError("--paradigm", paradigm, "calibrate one paradigm at a time")
    budget = cal.DEFAULT_BUDGET if budget is None else budget
    replicas = cal.DEFAULT_REPLICAS if replicas is None else replicas
    check_run_options(mode, replicas, seed)
    if budget < 1:
        raise ParameterError("--budget", "", f"expected a positive integer, got {budget}")
    window = cal.parse_window(train, "--train")
    loaded = load_scenario_arg(scenario)
    safe = default_out_dir(loaded.name).name
    out = out or Path("results/calibration") / f"{safe}_{name[0]}_train-{train.strip()}.toml"
    if out.exists() and not force:
        raise InputError(str(out), "", "file exists; use --force to replace it")
    console = _stderr_console()
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
@handle_errors
def validate(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    paradigms: Annotated[
        str, typer.Option(help="realist, liberal, constructivist, a comma list, or all.")
    ] = "all",
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
    mode: Annotated[str, typer.Option(help="replay (history forced) or free.")] = "replay",
    processes: Annotated[
        int | None, typer.Option(help="Worker processes [default: every core] (same results).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder [default: results/<scenario-name>/validate]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace earlier results.")] = False,
    debug: DebugOption = False,
) -> None:
    """Calibrate every paradigm identically and test it out of sample; write the verdict."""
    from sim import calibration as cal
    from sim import validation as val
    from sim.paradigms import PARADIGMS

    names = parse_paradigms(paradigms, list(PARADIGMS))
    settings = val.Settings(
        budget=cal.DEFAULT_BUDGET if budget is None else budget,
        replicas=cal.DEFAULT_REPLICAS if replicas is None else replicas,
        seed=seed, eval_replicas=eval_replicas, mode=mode, processes=processes,
    )  # fmt: skip
    check_run_options(mode, settings.replicas, seed)
    check_run_options(mode, eval_replicas, seed)
    if processes is not None:
        check_processes(processes)
    if settings.budget < 1:
        raise ParameterError("--budget", "", f"expected a positive integer, got {budget}")
    loaded = load_scenario_arg(scenario)
    out = out if out is not None else default_out_dir(loaded.name) / "validate"
    from sim.io import prepare_output_dir

    prepare_output_dir(out, force)  # fail before a long run, not after it
    from sim.datasets import load_data

    data = load_data()
    console = _stderr_console()
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
               str(eval_replicas), "--seed", str(seed), "--mode", mode, "--out", str(out)]
    val.write_validation(result, out, force=force, scenario_name=loaded.name,
                         scenario_sha256=loaded.sha256, data_hashes=data.hashes, command=command)
    _print_validation(result, out)


def _print_validation(result: Any, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=None if sys.stdout.isatty() else 120)
    skills = Table(title="aggregate skill vs the reference baselines (95 % block-bootstrap)")
    for column in ("split", "sample", "forecaster", "skill", "interval"):
        skills.add_column(column)
    for row in result.skills.itertuples():
        skills.add_row(row.split, row.sample, row.forecaster, f"{row.skill:.3f}",
                       f"[{row.lo:.3f}, {row.hi:.3f}]")
    verdict = Table(title="verdict", show_lines=True)
    verdict.add_column("topic", no_wrap=True)
    verdict.add_column("finding")
    for row in result.verdict.itertuples():
        verdict.add_row(Text(row.topic), Text(row.finding))
    console.print(skills)
    console.print(verdict)
    for message in result.parameters().query("at_bound").itertuples():
        typer.echo(f"warning: {message.paradigm} (train to {message.train_end}): "
                   f"{message.parameter} = {message.value:.4g} sits at a bound", err=True)
    console.print(f"results written to {out}", highlight=False, markup=False)


# --------------------------------------------------------------------------- scenarios


@scenarios_app.command("list")
@handle_errors
def scenarios_list(ctx: typer.Context, debug: DebugOption = False) -> None:
    """List the shipped scenarios."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sim.scenario import list_scenarios

    table = Table(title="shipped scenarios")
    table.add_column("name", no_wrap=True)
    table.add_column("description")
    for name, description in list_scenarios():
        table.add_row(Text(name), Text(" ".join(str(description).split())))
    Console().print(table)


@scenarios_app.command("validate")
@handle_errors
def scenarios_validate(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")],
    debug: DebugOption = False,
) -> None:
    """Check a scenario file; print OK with counts, or the first error."""
    loaded = load_scenario_arg(file)
    typer.echo(f"OK {file}: {scenario_counts(loaded)}")


def scenario_counts(scenario: Any) -> str:
    """One line describing a validated scenario: name, period, milestones by role."""
    roles: dict[str, int] = {}
    for milestone in scenario.milestones:
        roles[milestone.role] = roles.get(milestone.role, 0) + 1
    by_role = ", ".join(f"{n} {role}" for role, n in sorted(roles.items()))
    period = f"{scenario.period.start}–{scenario.period.end}"
    return f"scenario {scenario.name!r}, period {period}, {len(scenario.milestones)} milestones" + (
        f" ({by_role})" if by_role else ""
    )


# --------------------------------------------------------------------------- reproduce


@app.command()
@handle_errors
def reproduce(
    ctx: typer.Context,
    manifest: Annotated[Path, typer.Argument(help="A run's manifest.json (or its folder).")],
    debug: DebugOption = False,
) -> None:
    """Re-run a recorded result in a temporary folder and compare every output file."""
    import tempfile

    from sim import reproduce as rep
    from sim.datasets import load_data

    content = rep.read_manifest(manifest)
    recorded = _recorded_params(content["command"], manifest)
    scenario_arg = str(recorded["scenario"])
    loaded = load_scenario_arg(scenario_arg)
    rep.check_inputs(manifest, content, scenario_arg, loaded.sha256, load_data().hashes)
    want_debug = _debug_requested({"debug": debug, "ctx": ctx})
    with tempfile.TemporaryDirectory(prefix="natosim-reproduce-") as tmp:
        out = Path(tmp) / "out"
        _invoke_quietly(rep.rerun_args(content["command"], out, want_debug))
        report = rep.compare_outputs(content, out)
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def _recorded_params(command: list[str], manifest: Path) -> dict[str, Any]:
    """Parse a recorded ``natosim <command> ...`` line with the command's own options."""
    group = typer.main.get_command(app)
    sub = getattr(group, "commands", {}).get(command[1])
    if sub is None or "out" not in {p.name for p in sub.params}:
        raise InputError(str(manifest), "command", f"cannot reproduce 'natosim {command[1]}'")
    try:
        with sub.make_context(command[1], list(command[2:])) as parsed:
            return dict(parsed.params)
    except Exception as exc:  # typer's (vendored) click usage errors
        if not hasattr(exc, "format_message"):
            raise
        reason = f"not a valid natosim command ({exc.format_message()})"
        raise InputError(str(manifest), "command", reason) from None


def _invoke_quietly(args: list[str]) -> None:
    """Run ``natosim ARGS`` in this process, discarding what it prints on stdout."""
    import contextlib
    import io

    group = typer.main.get_command(app)
    with contextlib.redirect_stdout(io.StringIO()):
        code = group.main(args=args, prog_name="natosim", standalone_mode=False)
    if code:  # the re-run has printed its one-line error on stderr
        raise typer.Exit(code)


def _print_report(report: Any) -> None:
    """The file-by-file comparison as a rich table, then notes and a one-line verdict."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    styles = {"match": "green", "mismatch": "bold red", "missing": "red", "extra": "red"}
    table = Table(title="reproduction: recorded vs re-run (sha256)")
    for column in ("file", "recorded", "re-run", "result"):
        table.add_column(column, no_wrap=True)
    for check in report.files:
        table.add_row(
            Text(check.name), Text((check.recorded or "—")[:12]), Text((check.rerun or "—")[:12]),
            Text(check.status, style=styles[check.status]),
        )  # fmt: skip
    settings = f"differs: {', '.join(report.settings)}" if report.settings else "match"
    table.add_row(Text("manifest.json (settings)"), Text(""), Text(""),
                  Text(settings, style="green" if not report.settings else "bold red"))  # fmt: skip
    console = Console()
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    bad = [c.name for c in report.files if c.status != "match"]
    verdict = (
        f"reproduced: all {len(report.files)} files and the settings match"
        if report.ok
        else f"NOT reproduced: {len(bad)} of {len(report.files)} files differ"
        + (f"; settings differ: {', '.join(report.settings)}" if report.settings else "")
    )
    console.print(verdict, highlight=False, markup=False)


# The experiment commands (params, sweep, sensitivity, explore) live in their own module.
import sim.cli_experiments  # noqa: E402,F401  (registers its commands on `app`)


def entry() -> None:
    """Entry point for ``python -m sim``."""
    app(prog_name="natosim")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(entry())
