"""Inputs for a forecast: the data up to the origin, assumed paths after it.

A forecast from origin year ``o`` knows the data of the years up to ``o`` only. Every yearly
input after ``o`` follows a path: by default it holds its value of year ``o``; the scenario's
``assumptions.paths`` may give values or growth rates by year instead
(:mod:`sim.data.scenario.assumptions`). The data of the years after the origin are not read,
even where they exist (a forecast from 2015 is scored on 2016-2024, so it must not see them).

Input milestones: those dated up to the end of the origin year are known history; those
dated after the data's last year (:data:`~sim.data.inputs.DATA_END`) are the scenario's
assumed future events and fire at their dates; those in between (after the origin, inside
the data) are the record the forecast does not know, and are dropped. Every path and every
dropped milestone is listed in :attr:`Projection.paths` / :attr:`Projection.dropped`, which
the forecast's manifest records.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sim.core.errors import ScenarioError
from sim.data.datasets import Dataset
from sim.data.inputs import DATA_END, DATA_START, Inputs, build_inputs
from sim.data.scenario import Period, Scenario
from sim.data.scenario.assumptions import (
    DYAD_SERIES,
    HORIZON_MAX,
    PARTNER_SERIES,
    UNIT_SERIES,
    Assumptions,
    InputPath,
)

#: Dyad-level input fields held or projected after the origin (the order of the records).
DYAD_FIELDS: tuple[str, ...] = tuple(DYAD_SERIES.values()) + ("milex_nato_core",)
PARTNER_FIELDS: tuple[str, ...] = tuple(PARTNER_SERIES.values())
_NAME_OF = {field: name for name, field in {**DYAD_SERIES, **PARTNER_SERIES}.items()}


@dataclass(frozen=True)
class Projection:
    """The inputs of a forecast and what was assumed to build them.

    Attributes:
        inputs: the model inputs from the scenario's first year to ``horizon``.
        origin, horizon: the last year of data used, and the last year forecast.
        assumptions: the scenario's assumptions (defaults if it has none).
        paths: one record per input series and actor: ``series``, ``actor``, ``rule``
            (``hold``, ``values`` or ``growth``), ``given`` (the scenario's numbers, by
            year) and ``path`` (the value used in every year after the origin).
        dropped: ids of input milestones dated after the origin inside the data.
        future: ids of input milestones after the data's end (the scenario's assumptions).
        history_edits: the scenario's ``history:`` edits of the record imposed up to the
            origin (:func:`sim.data.history.edit_history`).
        source: the scenario file, for error messages.
    """

    inputs: Inputs
    origin: int
    horizon: int
    assumptions: Assumptions
    paths: tuple[dict[str, Any], ...]
    dropped: tuple[str, ...]
    future: tuple[str, ...]
    history_edits: tuple[Any, ...] = ()
    source: str = ""

    def record(self) -> dict[str, Any]:
        """The JSON-ready description the manifest and the forecast file carry."""
        return {"origin": self.origin, "horizon": self.horizon,
                "membership": self.assumptions.membership,
                "paths": list(self.paths), "dropped_milestones": list(self.dropped),
                "assumed_milestones": list(self.future),
                "history_edits": [e.describe() for e in self.history_edits]}


def check_horizon(scenario: Scenario, origin: int, horizon: int) -> None:
    """Refuse an origin outside the data or the period, or a horizon not after it / past
    :data:`HORIZON_MAX` (``ScenarioError`` naming ``--origin`` or ``--to``)."""
    source = scenario.source_file
    first = max(scenario.period.start, DATA_START)
    if not first < origin <= DATA_END:
        raise ScenarioError(source, "--origin", f"expected a year from {first + 1} to "
                            f"{DATA_END} (the data's last year), got {origin}")
    if not origin < horizon <= HORIZON_MAX:
        raise ScenarioError(source, "--to", f"expected a year from {origin + 1} to "
                            f"{HORIZON_MAX}, got {horizon}")


def check_forecast(scenario: Scenario, origin: int, horizon: int) -> None:
    """Every check that needs no data: the origin and horizon (:func:`check_horizon`), and
    the assumptions against them (a year not after the origin, a partner not in the
    scenario), so a command refuses them before it loads anything."""
    check_horizon(scenario, origin, horizon)
    _given_paths(scenario, scenario.assumptions or Assumptions(),
                 tuple(scenario.agents.partners), origin)
    for i, edit in enumerate(scenario.history):
        for key in ("year", "to"):
            year = getattr(edit, key)
            if year is not None and year > origin:
                raise ScenarioError(scenario.source_file, f"history[{i}].{key}",
                                    f"{year} is after the origin {origin}: history edits "
                                    "change the record up to the origin; after it the model "
                                    "decides (or use assumptions: for inputs)")


def project_inputs(scenario: Scenario, data: Dataset, origin: int, horizon: int) -> Projection:
    """The forecast's inputs: data up to ``origin``, assumed paths to ``horizon``.

    Raises:
        ScenarioError: a bad origin or horizon, or an assumption that does not fit (a year
            not after the origin, a partner not in the scenario, a path leaving [0, 1]).
    """
    check_horizon(scenario, origin, horizon)
    assumptions = scenario.assumptions or Assumptions()
    known = scenario.model_copy(update={"period": Period(start=scenario.period.start,
                                                         end=origin)})
    base = build_inputs(known, data)
    years = np.arange(int(base.years[0]), horizon + 1)
    ahead = horizon - origin
    given = _given_paths(scenario, assumptions, base.partners, origin)
    fields: dict[str, np.ndarray] = {}
    records: list[dict[str, Any]] = []
    for name in DYAD_FIELDS:
        series = getattr(base, name)
        path, record = _path(given.get((name, None)), float(series[-1]), origin, horizon)
        fields[name] = np.concatenate([series, path])
        records.append({"series": _NAME_OF.get(name, name), "actor": _actor(name), **record})
    for name in PARTNER_FIELDS:
        table = getattr(base, name)
        extra = np.empty((ahead, table.shape[1]))
        for j, iso3 in enumerate(base.partners):
            chosen = given.get((name, iso3), given.get((name, "*")))
            extra[:, j], record = _path(chosen, float(table[-1, j]), origin, horizon)
            records.append({"series": _NAME_OF[name], "actor": iso3, **record})
        fields[name] = np.concatenate([table, extra])
    _check_ranges(scenario, given, fields, base.years.size)
    for name, value in vars(base).items():  # any other yearly array (e.g. ``active``): held
        if (name not in fields and name != "years" and isinstance(value, np.ndarray)
                and value.shape[:1] == base.years.shape):
            fields[name] = np.concatenate([value, np.repeat(value[-1:], ahead, axis=0)])
    kept, dropped, future = _milestones(scenario, origin, horizon)
    inputs = replace(base, years=years, milestones=kept, **fields,
                     fills=(*base.fills, f"after {origin}: inputs follow the forecast's "
                            "assumptions (hold the origin value unless a path is given)"))
    return Projection(inputs=inputs, origin=origin, horizon=horizon, assumptions=assumptions,
                      paths=tuple(records), dropped=dropped, future=future,
                      history_edits=tuple(scenario.history), source=scenario.source_file)


def _actor(field: str) -> str:
    return {"gdp_russia": "RUS", "dem_russia": "RUS", "trade_russia_west": "RUS",
            "dem_west": "USA"}.get(field, "NATO")


def _given_paths(scenario: Scenario, assumptions: Assumptions, partners: tuple[str, ...],
                 origin: int) -> dict[tuple[str, str | None], tuple[int, InputPath]]:
    """The scenario's paths by (field, partner or None, ``*`` for every partner)."""
    out: dict[tuple[str, str | None], tuple[int, InputPath]] = {}
    for i, path in enumerate(assumptions.paths):
        where = f"assumptions.paths[{i}]"
        rule = "values" if path.values is not None else "growth"
        early = [y for y in (path.values or path.growth or {}) if y <= origin]
        if early:
            raise ScenarioError(scenario.source_file, f"{where}.{rule}[{early[0]}]",
                                f"year {early[0]} is not after the origin {origin}: the "
                                "observed years are data, not assumptions")
        if path.partner is not None and path.partner not in partners:
            raise ScenarioError(scenario.source_file, f"{where}.partner",
                                f"'{path.partner}' is not in agents.partners")
        partner = None if path.series in DYAD_SERIES else (path.partner or "*")
        out[(path.field, partner)] = (i, path)
    return out


def _path(chosen: tuple[int, InputPath] | None, last: float, origin: int,
          horizon: int) -> tuple[np.ndarray, dict[str, Any]]:
    """The values of years ``origin + 1 .. horizon`` and their record."""
    years = range(origin + 1, horizon + 1)
    out = np.empty(len(years))
    if chosen is None:
        out[:] = last
        return out, {"rule": "hold", "given": {}, "from": origin,
                     "path": {str(y): last for y in years}}
    index, spec = chosen
    value = last
    for k, year in enumerate(years):
        if spec.values is not None:
            value = float(spec.values.get(year, value))
        else:
            value = value * (1.0 + float((spec.growth or {}).get(year, 0.0)))
        out[k] = value
    rule = "values" if spec.values is not None else "growth"
    numbers = spec.values if spec.values is not None else spec.growth
    return out, {"rule": rule, "given": {str(y): float(v) for y, v in sorted(numbers.items())},
                 "from": origin, "path_index": index,
                 "path": {str(y): float(v) for y, v in zip(years, out, strict=True)}}


def _check_ranges(scenario: Scenario, given: dict, fields: dict[str, np.ndarray],
                  known: int) -> None:
    """A growth path on a share must not leave [0, 1]."""
    for (field, _), (i, path) in given.items():
        if path.series not in UNIT_SERIES:
            continue
        values = fields[field][known:]  # held columns keep their observed value in [0, 1]
        bad = (values < 0.0) | (values > 1.0)
        if bad.any():
            raise ScenarioError(scenario.source_file, f"assumptions.paths[{i}].growth",
                                f"'{path.series}' leaves [0, 1] (reaches "
                                f"{float(values[bad].flat[0]):.3g}); a share must stay in it")


def _milestones(scenario: Scenario, origin: int, horizon: int
                ) -> tuple[tuple, tuple[str, ...], tuple[str, ...]]:
    kept, dropped, future = [], [], []
    for m in scenario.inputs():
        year = m.date.year
        if year <= origin:
            kept.append(m)
        elif year <= DATA_END:
            dropped.append(m.id)
        elif year <= horizon:
            kept.append(m)
            future.append(m.id)
    return tuple(kept), tuple(dropped), tuple(future)
