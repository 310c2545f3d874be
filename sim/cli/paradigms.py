"""``natosim paradigms``: the paradigm registry (the ``natosim.paradigms`` entry points)."""

from __future__ import annotations

from sim.cli.common import app


@app.command("paradigms")
def paradigms_cmd() -> None:
    """List the registered paradigms in registry order: where each comes from, its three
    parameters (qualified names) and its citation keys."""
    from rich.console import Console
    from rich.table import Table

    from sim.model.paradigms.registry import GROUP, describe

    table = Table(title=f"registered paradigms (entry-point group {GROUP})")
    for col in ("name", "entry_point", "distribution", "parameters", "references"):
        table.add_column(col.replace("_", " "), overflow="fold", no_wrap=col == "name")
    for row in describe():
        table.add_row(*row.values())
    Console().print(table)
