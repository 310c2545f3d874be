"""``natosim report DIR``: one self-contained offline HTML page from a compare, validate or
likelihood folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import app


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A compare, validate or likelihood output "
                                           "folder.")],
    out: Annotated[
        Path | None, typer.Option(help="The page to write [default: DIR/report.html].")
    ] = None,
) -> None:
    """Write report.html: the verdict as a chart, the verdict, scorecard and key figures,
    the parameters, the provenance and the threats to validity, on one offline page."""
    from sim.outputs.report import read_folder, write_report

    content = read_folder(folder)
    path = write_report(folder, content, out)
    typer.echo(f"report written to {path}")
