"""Loading scenario files: locating them, reading YAML safely, resolving ``extends``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.core.errors import ScenarioError
from sim.core.safeload import (
    MAX_SCENARIO_BYTES,
    check_structure,
    read_text_file,
    safe_load_yaml,
)
from sim.data.scenario.messages import first_error
from sim.data.scenario.milestone import Milestone
from sim.data.scenario.schema import Period, Scenario, ScenarioFile
from sim.data.scenario.vocabulary import MAX_EXTENDS_DEPTH, parse_date


def scenario_dir() -> Path:
    """The folder holding the shipped scenarios.

    In a source checkout (editable install) that is the repository's top-level
    ``scenarios/``; an installed package carries a copy in ``sim/scenarios``.
    """
    package = Path(__file__).resolve().parents[2]  # sim/
    repo = package.parent
    if (repo / "scenarios").is_dir() and (repo / "pyproject.toml").is_file():
        return repo / "scenarios"
    return package / "scenarios"


def list_scenarios() -> list[tuple[str, str]]:
    """The shipped scenarios as ``(name, description)``; ``name`` is what
    :func:`load_scenario` accepts (the file stem)."""
    out = []
    for path in sorted(scenario_dir().glob("*.yaml")):
        out.append((path.stem, load_scenario(path).description))
    return out


def _locate(path_or_name: str | Path) -> Path:
    path = Path(path_or_name)
    if path.is_file():
        return path.resolve()
    if path.exists() and not path.is_dir():
        return path.absolute()  # a FIFO or device: refused by the reader, under its own name
    shipped = scenario_dir()
    candidates = []
    if path.name == str(path_or_name):
        candidates = [shipped / path.name, shipped / f"{path.name}.yaml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    names = ", ".join(p.stem for p in sorted(shipped.glob("*.yaml"))) or "none found"
    raise ScenarioError(
        str(path_or_name), "", f"no such scenario file or shipped name (shipped: {names})"
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    text = read_text_file(path, limit=MAX_SCENARIO_BYTES, error=ScenarioError, what="scenario file")
    try:
        data = safe_load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else _reader_line(exc, text)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and mark is not start:
            problem += f" ({context} started at line {start.line + 1})"
        raise ScenarioError(str(path), where, f"YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), "", "expected a YAML mapping with name, period, ...")
    return check_structure(data, str(path), error=ScenarioError)


def _reader_line(exc: yaml.YAMLError, text: str) -> str:
    """``line N`` of a YAML reader error (a control character), which has no mark."""
    position = getattr(exc, "position", None)
    return f"line {text[:position].count(chr(10)) + 1}" if isinstance(position, int) else ""


def _validate_file(path: Path, data: dict[str, Any]) -> ScenarioFile:
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        where, message = first_error(exc, ScenarioFile)
        raise ScenarioError(str(path), where, message) from None


def _base_path(path: Path, extends: str) -> Path:
    """Where ``extends`` points: the file's folder first, then the shipped folder."""
    if not extends.strip():
        raise ScenarioError(str(path), "extends", "expected the name of a base scenario file")
    rel = Path(extends)
    if rel.is_absolute() or ".." in rel.parts:
        raise ScenarioError(
            str(path), "extends", f"'{extends}' must name a file in the same folder (no '..')"
        )
    if len(rel.parts) != 1 or "\\" in extends:  # '.', 'sub/base.yaml', 'a\\b'
        raise ScenarioError(
            str(path), "extends", f"'{extends}' must be a plain file name in the same folder "
            "(no folder part)"
        )
    if len(os.fsencode(extends)) > 250:  # room for '.yaml'; a longer name cannot be stat'ed
        raise ScenarioError(str(path), "extends", "a file name longer than 250 bytes")
    if not rel.suffix:
        rel = rel.with_suffix(".yaml")
    for folder in (path.parent, scenario_dir()):
        candidate = (folder / rel).resolve()
        if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
            return candidate
        if folder == path.parent and (folder / rel).is_symlink():
            raise ScenarioError(
                str(path), "extends", f"'{extends}' is a link that leads outside this folder"
            )
    raise ScenarioError(
        str(path), "extends", f"no file '{rel}' next to this file or among shipped scenarios"
    )


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load, resolve and validate a scenario.

    Args:
        path_or_name: a path to a YAML file, or the bare name of a shipped scenario
            (``"post-cold-war"``, see :func:`list_scenarios`).

    Returns:
        The resolved, frozen scenario.

    Raises:
        ScenarioError: one line naming file, key path or line, and what was expected.
    """
    return _load(_locate(path_or_name), ())


def _load(path: Path, chain: tuple[Path, ...]) -> Scenario:
    if path in chain:
        names = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(str(chain[-1]), "extends", f"extends cycle: {names}")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(str(path), "extends", f"more than {MAX_EXTENDS_DEPTH} levels")
    raw = _read_yaml(path)
    spec = _validate_file(path, raw)
    if spec.extends is None:
        origins = [("milestones", i) for i in range(len(spec.milestones))]
        scenario = _build(path, _own_fields(spec), origins)
        scenario._source_files = (str(path),)
        if not path.is_relative_to(scenario_dir().resolve()):
            scenario._observed_edits = tuple(m.id for m in scenario.observed())
        return scenario
    base = _load(_base_path(path, spec.extends), (*chain, path))
    fields, origins = _merge(path, spec, raw, base)
    scenario = _build(path, fields, origins)
    scenario._source_files = (str(path), *base.source_files)
    scenario._observed_edits = (*base.observed_edits, *_observed_edits(spec, base))
    return scenario


def _observed_edits(spec: ScenarioFile, base: Scenario) -> list[str]:
    """Ids of observed milestones that ``spec`` removes, shifts or adds."""
    observed = {m.id for m in base.observed()}
    touched = [mid for mid in (*spec.remove, *spec.shift) if mid in observed]
    return touched + [m.id for m in spec.add if m.role == "observed"]


def _own_fields(spec: ScenarioFile) -> dict[str, Any]:
    return {
        "name": spec.name,
        "description": spec.description,
        "period": spec.period,
        "agents": spec.agents,
        "milestones": spec.milestones,
        "partner_overrides": spec.partner_overrides,
        "assumptions": spec.assumptions,
        "history": spec.history,
    }


def _merge(
    path: Path, spec: ScenarioFile, raw: dict[str, Any], base: Scenario
) -> tuple[dict[str, Any], list[tuple[str, Any] | None]]:
    """Apply ``remove``, ``shift``, ``add``, overrides and the period to the base.

    Returns the fields of the resolved scenario and, per resolved milestone, where it comes
    from in this file (``("add", j)`` / ``("shift", id)``) or ``None`` if inherited unchanged.
    """
    period = spec.period or base.period
    base_ids = {m.id for m in base.milestones}
    for i, mid in enumerate(spec.remove):
        if mid not in base_ids:
            raise ScenarioError(str(path), f"remove[{i}]", f"no milestone '{mid}' in the base")
    for mid in spec.shift:
        if mid not in base_ids:
            raise ScenarioError(str(path), f"shift.{mid}", f"no milestone '{mid}' in the base")
        if mid in spec.remove:
            raise ScenarioError(str(path), f"shift.{mid}", f"'{mid}' is also removed")
    kept: list[tuple[Milestone, tuple[str, Any] | None]] = []
    for m in base.milestones:
        if m.id in spec.remove:
            continue
        if m.id in spec.shift:
            kept.append((_shifted(path, m, raw["shift"][m.id], period), ("shift", m.id)))
        elif period.contains(m.date):
            kept.append((m, None))
    kept_ids = base_ids - set(spec.remove)
    for j, m in enumerate(spec.add):
        if m.id in kept_ids:
            raise ScenarioError(
                str(path), f"add[{j}].id", f"id '{m.id}' exists in the base; remove it first"
            )
        kept.append((m, ("add", j)))
    kept.sort(key=lambda pair: pair[0].date)  # stable: base order first on equal dates
    overrides = {k: dict(v) for k, v in base.partner_overrides.items()}
    for iso, attrs in spec.partner_overrides.items():
        overrides.setdefault(iso, {}).update(attrs)
    fields = {
        "name": spec.name,
        "description": spec.description,
        "period": period,
        "agents": spec.agents or base.agents,
        "milestones": tuple(m for m, _ in kept),
        "extends": spec.extends,
        "remove": spec.remove,
        "add": spec.add,
        "shift": spec.shift,
        "partner_overrides": overrides,
        "assumptions": spec.assumptions if spec.assumptions is not None else base.assumptions,
        "history": (*base.history, *spec.history),  # the base's edits first, then this file's
    }
    return fields, [origin for _, origin in kept]


def _shifted(path: Path, m: Milestone, raw_value: Any, period: Period) -> Milestone:
    day, precision = parse_date(raw_value)
    if not period.contains(day):
        raise ScenarioError(
            str(path), f"shift.{m.id}", f"{day} is outside the period {period.start}-{period.end}"
        )
    return m.model_copy(update={"date": day, "precision": precision})


def _build(path: Path, fields: dict[str, Any], origins: list[Any]) -> Scenario:
    try:
        scenario = Scenario.model_validate(fields)
    except ValidationError as exc:
        where, message = first_error(exc, Scenario)
        raise ScenarioError(str(path), _origin_where(where, origins, fields), message) from None
    scenario._source_file = str(path)
    return scenario


def _origin_where(where: str, origins: list[Any], fields: dict[str, Any]) -> str:
    """Map a key path in the resolved scenario back to the file (``add[2].date``)."""
    m = re.match(r"^milestones\[(\d+)\](.*)$", where)
    if not m or fields.get("extends") is None:
        return where
    origin = origins[int(m[1])]
    if origin is None:
        mid = fields["milestones"][int(m[1])].id
        return f"(inherited milestone '{mid}'){m[2]}"
    if origin[0] == "add":
        return f"add[{origin[1]}]{m[2]}"
    return f"shift.{origin[1]}"
