"""``natosim reproduce``: re-run a recorded result and compare it file by file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    DebugOption,
    app,
    debug_requested,
    handle_errors,
    load_scenario_arg,
)
from sim.core.errors import InputError

if TYPE_CHECKING:

    pass


@app.command()
@handle_errors
def reproduce(
    ctx: typer.Context,
    manifest: Annotated[Path, typer.Argument(help="A run's manifest.json (or its folder).")],
    debug: DebugOption = False,
) -> None:
    """Re-run a recorded result in a temporary folder and compare every output file."""
    import tempfile

    from sim.data.datasets import load_data
    from sim.outputs import reproduce as rep

    content = rep.read_manifest(manifest)
    recorded = _recorded_params(content["command"], manifest)
    scenario_arg = str(recorded["scenario"])
    loaded = load_scenario_arg(scenario_arg)
    rep.check_inputs(manifest, content, scenario_arg, loaded.sha256, load_data().hashes)
    want_debug = debug_requested({"debug": debug, "ctx": ctx})
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
