"""``natosim scenarios list|validate``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from sim.cli.common import ScenarioArg, load_scenario_arg, observed_note, scenarios_app
from sim.core.safeload import short_path

if TYPE_CHECKING:
    pass


@scenarios_app.command("list")
def scenarios_list() -> None:
    """List the shipped scenarios."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sim.data.scenario import list_scenarios

    table = Table(title="shipped scenarios")
    table.add_column("name", no_wrap=True)
    table.add_column("description")
    for name, description in list_scenarios():
        table.add_row(Text(name), Text(" ".join(str(description).split())))
    Console().print(table)


@scenarios_app.command("validate")
def scenarios_validate(file: ScenarioArg) -> None:
    """Check a scenario file as `run` would (file, period within the data, partner data);
    print OK with counts, or the first error."""
    from sim.data.datasets import load_data
    from sim.data.inputs import build_inputs

    loaded = load_scenario_arg(file, history=True)
    build_inputs(loaded, load_data())  # the checks every command makes before it runs
    typer.echo(f"OK {short_path(file)}: {scenario_counts(loaded)}")
    if (note := observed_note(loaded)) is not None:
        typer.echo(note, err=True)


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
