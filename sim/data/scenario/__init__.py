"""Scenario files: the pydantic schema, loading, inheritance (``extends``) and look-up.

A scenario is a YAML file that fixes the period, the partner states and the dated milestones
(see ``docs/scenarios.md``). :func:`load_scenario` reads one (a path, or the bare name of a
shipped scenario such as ``post-cold-war``), resolves ``extends`` chains and returns a frozen
:class:`Scenario`. Every problem is raised as one :class:`~sim.core.errors.ScenarioError`
naming the file, the key path (``milestones[3].date``) or line, and what was expected.

The package: :mod:`.vocabulary` (types, codes, dates), :mod:`.milestone` and :mod:`.schema`
(the models), :mod:`.messages` (pydantic errors in plain words), :mod:`.loader` (files).
"""

from sim.data.scenario.loader import list_scenarios, load_scenario, scenario_dir
from sim.data.scenario.messages import format_loc
from sim.data.scenario.milestone import Milestone
from sim.data.scenario.schema import Agents, Period, Scenario, ScenarioFile
from sim.data.scenario.vocabulary import (
    BLOC_ACTORS,
    MAX_EXTENDS_DEPTH,
    PARTNER_OVERRIDE_KEYS,
    PARTNER_TYPES,
    PERIOD_MAX,
    PERIOD_MIN,
    SINGLE_PARTNER_TYPES,
    TYPE_SPECS,
    MilestoneType,
    Precision,
    Role,
    parse_date,
    year_fraction,
)

__all__ = [
    "BLOC_ACTORS",
    "MAX_EXTENDS_DEPTH",
    "PARTNER_OVERRIDE_KEYS",
    "PARTNER_TYPES",
    "PERIOD_MAX",
    "PERIOD_MIN",
    "SINGLE_PARTNER_TYPES",
    "TYPE_SPECS",
    "Agents",
    "Milestone",
    "MilestoneType",
    "Period",
    "Precision",
    "Role",
    "Scenario",
    "ScenarioFile",
    "format_loc",
    "list_scenarios",
    "load_scenario",
    "parse_date",
    "scenario_dir",
    "year_fraction",
]
