"""Shared pieces of the ``natosim`` command line: the app, error handling, option checks.

Heavy modules (pandas, matplotlib, mesa, the model) are imported inside the commands so that
``natosim --help`` answers at once. One error handler, at the app level (:class:`NatosimGroup`),
prints every :class:`~sim.core.errors.InputError` as one line ``error: <message>`` on stderr
with exit code 2; ``--debug`` anywhere on the command line (``natosim --debug run ...`` or
``natosim run ... --debug``) shows the traceback instead.

The options every command shares are declared once here (:data:`ScenarioArg`,
:data:`ParadigmsOption`, :data:`ProcessesOption` ...), so the same thing has the same name,
default policy and parser everywhere. The default policy of ``--processes``
(:data:`DEFAULT_PROCESSES`): every command runs in this process unless asked for ``N``
worker processes (never more than it has jobs); the numbers are the same either way.
Worker processes start a fresh interpreter each (imports, then the inputs sent over), which
pays off only for long jobs: the default 200-replica ``run`` is faster in one process.
"""

from __future__ import annotations

import re
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from sim.core.errors import InputError, ParameterError, ScenarioError
from sim.core.files import FIGURE_FORMATS
from sim.core.safeload import short_path

if TYPE_CHECKING:
    from rich.console import Console

    from sim.model.records import Records


MODES = ("replay", "free")
#: ``run`` and ``compare --counterfactual`` also take teacher mode: the observed record
#: imposed year by year, with the scenario's ``history:`` edits (sim.data.history).
TEACHER_MODES = (*MODES, "teacher")
MAX_REPLICAS = 100_000
MAX_PROCESSES = 64
EXIT_INPUT = 2

_DEBUG: ContextVar[bool] = ContextVar("natosim_debug", default=False)
# typer bundles its own click: its exception classes, found from the public BadParameter
_CLICK = {c.__name__: c for c in typer.BadParameter.__mro__}
UsageError: type[Exception] = _CLICK["UsageError"]
ClickException: type[Exception] = _CLICK["ClickException"]


def debug_on() -> bool:
    """``--debug`` was given, globally or to the command."""
    return _DEBUG.get()


#: Options whose value is a path: an empty value would silently mean the working folder.
_PATH_OPTIONS = ("--out", "--write", "--params")


def _empty_path_option(args: list[str]) -> str | None:
    """The first path option given an empty (or blank) value, e.g. ``--out ''``."""
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in _PATH_OPTIONS:
            if eq and not value.strip():
                return name
            if not eq and i + 1 < len(args) and not args[i + 1].strip():
                return name
    return None


class NatosimGroup(TyperGroup):
    """The root command: ``--debug`` anywhere on the line, and the one error handler."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:  # noqa: D102
        args = list(sys.argv[1:] if args is None else args)
        end = args.index("--") if "--" in args else len(args)
        token = _DEBUG.set("--debug" in args[:end])
        standalone = kwargs.pop("standalone_mode", True)
        try:
            kept = [a for i, a in enumerate(args) if not (i < end and a == "--debug")]
            empty = _empty_path_option(kept[: kept.index("--") if "--" in kept else len(kept)])
            if empty is not None:  # Path("") is the working folder: never what was meant
                if not standalone or debug_on():
                    raise InputError(empty, "", "expected a path, got an empty value")
                _echo_error(f"{empty}: expected a path, got an empty value")
                sys.exit(EXIT_INPUT)
            result = super().main(kept, *rest, standalone_mode=False, **kwargs)
        except UsageError as err:  # a bad option or value: one line, not a usage block
            if not standalone or debug_on():
                raise
            if type(err).__name__ == "NoArgsIsHelpError":  # bare `natosim`: the help
                err.show()
                sys.exit(err.exit_code)
            _echo_error(_usage_line(err))
            sys.exit(EXIT_INPUT)
        except ClickException as err:
            if not standalone:
                raise
            err.show()
            sys.exit(err.exit_code)
        except typer.Abort:
            if not standalone:
                raise
            _echo_error("interrupted; earlier results, if any, were left in place")
            sys.exit(130)
        finally:
            _DEBUG.reset(token)
        if not standalone:
            return result
        sys.exit(result if isinstance(result, int) else 0)  # an Exit's code, else success

    def invoke(self, ctx: Any) -> Any:  # noqa: D102
        try:
            return super().invoke(ctx)
        except InputError as err:
            if debug_on():
                raise
            fail(str(err))
        except OSError as err:  # disk full, permission denied mid-run: not a bug, not input
            if debug_on():
                raise
            where = f"{err.filename}: " if err.filename else ""
            fail(f"{where}{err.strerror or err}", code=1)
        except RuntimeError as err:  # a local worker process died (BrokenProcessPool)
            from concurrent.futures.process import BrokenProcessPool

            if debug_on() or not isinstance(err, BrokenProcessPool):
                raise
            fail(f"{err}; results already written were left in place", code=1)
        except KeyboardInterrupt:
            fail("interrupted; earlier results, if any, were left in place", code=130)


app = typer.Typer(
    cls=NatosimGroup,
    name="natosim",
    help="Agent-based test of rival accounts (paradigm plugins) of NATO–Russia relations "
    "since 1991.",
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
    bool, typer.Option("--debug", help="Show the full traceback instead of a one-line error "
                       "(also accepted after any command).")
]

# --------------------------------------------------------------------------- shared options

ScenarioArg = Annotated[str, typer.Argument(help="Scenario YAML file or shipped scenario name.")]
ParadigmsOption = Annotated[
    str, typer.Option("--paradigms", "--paradigm",
                      help="Registered paradigms (`natosim paradigms`): a comma list, or all.")
]
ParadigmOption = Annotated[
    str | None, typer.Option("--paradigm", "--paradigms",
                             help="One registered paradigm (`natosim paradigms`) "
                                  "[default: the first registered].")
]
ModeOption = Annotated[str, typer.Option(help="replay (history forced) or free.")]
TeacherModeOption = Annotated[str, typer.Option(
    help="replay (inputs forced at their dates), free (enlargement decided by the model) or "
         "teacher (the observed record imposed year by year, with the scenario's history: "
         "edits).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace earlier results.")]
#: ``--processes`` when not given: in this process (see the module docstring).
DEFAULT_PROCESSES = 1
ProcessesOption = Annotated[
    int | None, typer.Option("--processes", "--workers",
                             help="Worker processes, at most one per job (same results; "
                                  "1: in this process).")
]
ParamsFileOption = Annotated[
    Path | None, typer.Option("--params", help="Parameter file (TOML or YAML), e.g. from "
                              "calibrate.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a parameter by qualified name, e.g. --set chassis.mu=0.7 "
                 "(repeatable; wins over --params). See `natosim params`."),
]
#: ``--format`` of every chart-writing command: chart file formats, a comma list.
CHART_FORMATS = FIGURE_FORMATS
FormatOption = Annotated[
    str, typer.Option("--format", help="Chart formats, a comma list of png, svg, pdf "
                      "(e.g. png,svg,pdf); each chart is written once per format.")
]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Run on a dask.distributed scheduler, tcp://HOST:PORT.")
]
ClusterOption = Annotated[
    str | None, typer.Option(help="'local': start a dask LocalCluster for this run.")
]


# --------------------------------------------------------------------------- error handling


def _usage_line(err: Any) -> str:
    """A command-line syntax error as one line: the command, click's message, where to look."""
    ctx = err.ctx
    where = ctx.command_path if ctx is not None else "natosim"
    message = " ".join(err.format_message().split())
    return f"{where}: {message} (see {where} --help)"


def _echo_error(message: str) -> None:
    """``error: message`` as one line on stderr."""
    from sim.core.safeload import shorten

    # one line, and no quoted value (a 10,000-character name) longer than 200 characters
    typer.echo(f"error: {' '.join(shorten(word) for word in message.split())}", err=True)


def fail(message: str, code: int = EXIT_INPUT) -> None:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    _echo_error(message)
    raise typer.Exit(code)


def _version_callback(value: bool) -> None:
    if value:
        from sim.core.versions import natosim_version

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
    """Agent-based test of rival accounts (paradigm plugins) of NATO–Russia relations since
    1991 (after Ratti 2009)."""
    ctx.obj = {"debug": debug or debug_on()}


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


def one_paradigm(value: str | None) -> str:
    """One registered paradigm by name; None means the first registered one.

    Raises:
        ParameterError: an unknown name, or more than one.
    """
    from sim.model.paradigms import PARADIGMS

    known = list(PARADIGMS)
    names = parse_paradigms(value, known) if value is not None else known[:1]
    if len(names) != 1:
        raise ParameterError("--paradigm", str(value), "one paradigm at a time")
    return names[0]


def check_run_options(mode: str, replicas: int, seed: int, option: str = "--replicas",
                      modes: tuple[str, ...] = MODES) -> None:
    """Raise ParameterError for a mode (one of ``modes``), replica count (named ``option``)
    or seed the model cannot use."""
    if mode not in modes:
        raise ParameterError("--mode", "", f"unknown mode {mode!r}; choose "
                             f"{', '.join(modes[:-1])} or {modes[-1]}")
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ParameterError(option, "", f"expected 1 to {MAX_REPLICAS:,}, got {replicas}")
    check_seed(seed, "--seed")


MAX_SEED = 2**32 - 1  # numpy, optuna and MT19937 all accept this range


def parse_formats(value: str) -> tuple[str, ...]:
    """``--format png,svg`` → ``("png", "svg")`` (order kept, repeats dropped).

    Raises:
        ParameterError: an empty list or a format outside :data:`CHART_FORMATS`.
    """
    names = [v.strip().lower().lstrip(".") for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in CHART_FORMATS]
    if bad or not names:
        got = f"unknown format {bad[0]!r}" if bad else "no format given"
        raise ParameterError("--format", "", f"{got}; expected a comma list of "
                             f"{', '.join(CHART_FORMATS)} (e.g. png,svg)")
    return tuple(dict.fromkeys(names))


def format_args(formats: tuple[str, ...]) -> list[str]:
    """``--format`` for a recorded command line: nothing for the default (PNG only)."""
    return [] if formats == ("png",) else ["--format", ",".join(formats)]


def check_seed(seed: int, option: str) -> None:
    """Raise ParameterError for a seed outside 0 .. 2**32 - 1."""
    if not 0 <= seed <= MAX_SEED:
        raise ParameterError(option, "", f"expected an integer from 0 to {MAX_SEED:,}, got {seed}")


def check_processes(processes: int | None) -> None:
    """Raise ParameterError for a process count below 1 or above :data:`MAX_PROCESSES`
    (``None``, the default policy, is every usable core)."""
    if processes is not None and not 1 <= processes <= MAX_PROCESSES:
        raise ParameterError(
            "--processes", "", f"expected 1 to {MAX_PROCESSES}, got {processes}"
        )


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


#: Why a command refuses a scenario's ``history:`` edits (it would ignore them).
HISTORY_IGNORED = (
    "edits the observed record that teacher-forced runs impose (run --mode teacher, compare "
    "--counterfactual --mode teacher, forecast); this command simulates or scores the record "
    "instead and would ignore the edits: use one of those, or drop the key")


def load_scenario_arg(value: str, history: bool = False) -> Any:
    """Load a scenario given as a file path or a shipped scenario name.

    Args:
        value: the path or name.
        history: the command uses the scenario's ``history:`` edits (teacher mode,
            forecasts); otherwise a scenario that has some is refused, never silently run
            on the unedited record.
    """
    from sim.data.scenario import load_scenario

    if _looks_like_path(value):
        path = Path(value)
        try:
            exists = path.exists()
        except OSError as err:  # e.g. a name longer than the file system allows
            raise InputError(value, "", f"cannot open the scenario file: {err.strerror}") from None
        if not exists:
            raise InputError(value, "", "no such scenario file")
        if path.is_dir():
            raise InputError(value, "", "expected a scenario YAML file, got a directory")
    scenario = load_scenario(value)
    if scenario.history and not history:
        raise ScenarioError(scenario.source_file, "history", HISTORY_IGNORED)
    return scenario


def observed_note(scenario: Any) -> str | None:
    """A note for a scenario that edits observed milestones, which are never scored."""
    edits = list(getattr(scenario, "observed_edits", ()))
    if not edits:
        return None
    shown = ", ".join(edits[:3]) + (f" and {len(edits) - 3} more" if len(edits) > 3 else "")
    return (
        f"note: {short_path(scenario.source_file)} changes observed milestones ({shown}); "
        "they are drawn on charts but not scored: the scored record is the observed data in "
        "sim/data/ (observed_status.csv, observed_status_events.csv, observed_coercion.csv, "
        "event_coding.csv; see sim/data/OBSERVED.md), which you change by editing those "
        "files with a source for every row"
    )


def fills_of(runs: Any) -> list[str]:
    """Every gap fill recorded in the ``meta["fills"]`` of some records, in order, once."""
    return list(dict.fromkeys(f for records in runs for f in records.meta.get("fills", ())))


def warn_fills(fills: Any) -> None:
    """Print the inputs' gap fills on stderr: one ``warning:`` line per series (the full
    list is in the output's manifest, under ``fills``)."""
    from sim.data.inputs import fill_summary

    lines = fill_summary(fills)
    if lines:
        typer.echo("warning: these inputs have no data in some years and were filled (every "
                   "fill is listed under 'fills' in manifest.json; see docs/scenarios.md):",
                   err=True)
    for line in lines:
        typer.echo(f"warning:   {line}", err=True)


def default_out_dir(scenario_name: str) -> Path:
    """``results/<scenario-name>``, with the name made safe for a folder name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", scenario_name)[:100].strip(".-") or "scenario"
    return Path("results") / safe



def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def resolve_param_options(
    params_file: Path | None, sets: list[str] | None, paradigms: list[str] | None = None
) -> dict[str, Any]:
    """defaults < --params FILE < --set, validated (the nested format run_ensemble takes).

    With ``paradigms`` (the ones being run), a ``--set`` of another paradigm's parameter is
    refused: it would be silently ignored. (A parameter file may hold every paradigm.)
    """
    from sim.model.params import parse_set, resolve_params

    if paradigms is not None:
        for group, values in parse_set(sets or []).items():
            if group != "chassis" and group not in paradigms:
                raise ParameterError(
                    "--set", f"{group}.{next(iter(values))}",
                    f"a parameter of {group}, which is not being run (--paradigm "
                    f"{','.join(paradigms)}); run {group} too or drop this --set",
                )  # fmt: skip
    return resolve_params(params_file, sets or [])


def set_items(params: dict[str, Any]) -> list[str]:
    """A resolved parameter dict as ``--set`` arguments, for a self-contained command line."""
    from sim.model.params import flatten

    items: list[str] = []
    for name, value in sorted(flatten(params).items()):
        items += ["--set", f"{name}={value!r}"]
    return items


def run_with_progress(
    scenario: Any,
    paradigms: list[str],
    *,
    mode: str,
    replicas: int,
    seed: int,
    data: Any,
    params: dict[str, Any] | None = None,
    processes: int | None = None,
) -> Records:
    """Run every paradigm's ensemble (same seed: common random numbers) with a progress bar."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from sim.runs.experiments import run_paradigms
    from sim.runs.memory import check_memory

    if hasattr(scenario, "period"):  # refuse what cannot fit before starting, not after
        years = scenario.period.end - scenario.period.start + 1
        check_memory(replicas, len(paradigms), years, len(scenario.agents.partners))
        if (note := observed_note(scenario)) is not None:
            typer.echo(note, err=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} paradigms"),
        TimeElapsedColumn(),
    )
    console = stderr_console()
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
