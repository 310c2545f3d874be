"""``natosim reproduce``: check a recorded result on disk, re-run it and compare every file.

Exit codes: 0 reproduced; 1 not reproduced (a file on disk or in the re-run differs, or a
setting); 2 bad input (the manifest, its command, or a changed scenario or data file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import EXIT_INPUT, app, debug_on, load_scenario_arg
from sim.core.errors import InputError

EXIT_NOT_REPRODUCED = 1


@app.command()
def reproduce(
    manifest: Annotated[Path, typer.Argument(help="A result's manifest.json (or its folder).")],
    scheduler: Annotated[
        str | None,
        typer.Option(help="Re-run on this dask scheduler, tcp://HOST:PORT (a recorded "
                     "--scheduler is never used: results do not depend on it)."),
    ] = None,
) -> None:
    """Verify a result folder against its manifest, re-run it in a temporary folder and
    compare every output file."""
    import tempfile

    from sim.data.datasets import load_data
    from sim.outputs import reproduce as rep
    from sim.outputs.recorded import candidate_folders, parse_command

    content = rep.read_manifest(manifest)
    manifest_file = manifest / rep.MANIFEST_NAME if manifest.is_dir() else manifest
    folder = manifest_file.parent
    recorded = parse_command(content["command"], str(manifest_file))  # bad input first
    on_disk = rep.Report(files=rep.verify_on_disk(content, folder))
    if not on_disk.ok:
        _print_report(on_disk, "result folder vs its manifest (sha256)", "on disk")
        raise typer.Exit(EXIT_NOT_REPRODUCED)
    if scheduler is not None and recorded.subcommand != "sensitivity":
        from sim.core.errors import ParameterError

        raise ParameterError("--scheduler", "", f"'{recorded.subcommand}' runs no dask work")
    # relative paths: where the command ran (its --out, the recorded working folder), or
    # the manifest's folder and those above it (a project folder moved or copied whole)
    base = candidate_folders(folder.absolute(), recorded.out, content.get("working_directory"))
    want_debug = debug_on()
    with tempfile.TemporaryDirectory(prefix="natosim-reproduce-") as tmp:
        out = Path(tmp) / "out"
        args = recorded.args(out, base)
        loaded = load_scenario_arg(args[1], history=True)
        rep.check_inputs(manifest_file, content, args[1], loaded.sha256, load_data().hashes)
        if scheduler is not None:
            args += ["--scheduler", scheduler]
        _invoke_quietly((["--debug"] if want_debug else []) + args, str(manifest_file))
        report = rep.compare_outputs(content, out, folder)
    for option in recorded.dropped:
        typer.echo(f"note: the recorded {option} was not used (pass --scheduler to use one)",
                   err=True)  # fmt: skip
    _print_report(report, "reproduction: recorded vs re-run (sha256)", "re-run")
    if not report.ok:
        raise typer.Exit(EXIT_NOT_REPRODUCED)


def _invoke_quietly(args: list[str], source: str) -> None:
    """Run ``natosim ARGS`` in this process, discarding what it prints on stdout."""
    import contextlib
    import io

    group = typer.main.get_command(app)
    errors = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
            code = group.main(args=args, prog_name="natosim", standalone_mode=False)
    except Exception as exc:  # typer's (vendored) click usage errors: a bad recorded value
        if not hasattr(exc, "format_message"):
            raise
        reason = f"not a valid natosim command ({exc.format_message()})"
        raise InputError(source, "command", reason) from None
    finally:
        lines = [line for line in errors.getvalue().splitlines() if line.strip()]
    if code == EXIT_INPUT and lines and lines[-1].startswith("error: "):
        # the recorded command was refused: name the manifest it came from
        raise InputError(source, "command", lines[-1].removeprefix("error: "))
    for line in lines:  # notes and warnings of the re-run, passed on
        typer.echo(line, err=True)
    if code:
        raise typer.Exit(code)


def _print_report(report: Any, title: str, column: str) -> None:
    """The file-by-file comparison as a rich table, then notes and a one-line verdict."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    styles = {"match": "green", "mismatch": "bold red", "missing": "red", "extra": "red"}
    table = Table(title=title)
    for name in ("file", "recorded", column, "result"):
        table.add_column(name, no_wrap=True)
    for check in report.files:
        status = "changed" if column == "on disk" and check.status == "mismatch" else check.status
        table.add_row(
            Text(check.name), Text((check.recorded or "—")[:12]), Text((check.rerun or "—")[:12]),
            Text(status, style=styles[check.status]),
        )  # fmt: skip
    if column != "on disk":
        settings = f"differs: {', '.join(report.settings)}" if report.settings else "match"
        style = "green" if not report.settings else "bold red"
        table.add_row(Text("manifest.json (settings)"), Text(""), Text(""),
                      Text(settings, style=style))  # fmt: skip
    console = Console()
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    bad = [c.name for c in report.files if c.status != "match"]
    if column == "on disk":
        verdict = (f"NOT reproduced: {len(bad)} of {len(report.files)} files on disk differ from "
                   f"the manifest ({', '.join(bad[:5])}{', ...' if len(bad) > 5 else ''}); "
                   "nothing was re-run")  # fmt: skip
    elif report.ok:
        verdict = f"reproduced: all {len(report.files)} files and the settings match"
    else:
        verdict = f"NOT reproduced: {len(bad)} of {len(report.files)} files differ" + (
            f"; settings differ: {', '.join(report.settings)}" if report.settings else ""
        )
    console.print(verdict, highlight=False, markup=False)
