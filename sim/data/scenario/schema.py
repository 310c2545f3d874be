"""The scenario models: :class:`Period`, :class:`Agents`, one file as written
(:class:`ScenarioFile`) and a resolved :class:`Scenario`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from sim.core.files import sha256_bytes
from sim.data.scenario.assumptions import Assumptions
from sim.data.scenario.history_edits import HistoryEdit
from sim.data.scenario.milestone import Milestone
from sim.data.scenario.vocabulary import (
    BLOC_ACTORS,
    ISO3,
    PARTNER_OVERRIDE_KEYS,
    PARTNER_TYPES,
    PERIOD_MAX,
    PERIOD_MIN,
    RUSSIA_HINT,
    TYPE_SPECS,
    Frozen,
    KeyedError,
    parse_date,
    suggest,
)


class Period(Frozen):
    """The simulated calendar years, both inclusive."""

    start: int = Field(ge=PERIOD_MIN, le=PERIOD_MAX, strict=True)
    end: int = Field(ge=PERIOD_MIN, le=PERIOD_MAX, strict=True)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise KeyedError(("end",), f"end ({self.end}) must not be before start ({self.start})")
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether a date falls inside the period's years."""
        return self.start <= day.year <= self.end


class Agents(Frozen):
    """The agents of a run besides NATO and Russia."""

    partners: tuple[str, ...] = Field(min_length=1)

    @field_validator("partners")
    @classmethod
    def _iso3_unique(cls, partners: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for i, code in enumerate(partners):
            if code == "RUS":
                raise KeyedError((i,), f"RUS cannot be a partner: {RUSSIA_HINT}")
            if not ISO3.match(code) or code in BLOC_ACTORS:
                raise KeyedError(
                    (i,), f"'{code}' is not a partner ISO-3166 alpha-3 code (e.g. 'UKR')"
                )
            if code in seen:
                raise KeyedError((i,), f"partner '{code}' is listed twice")
            seen.add(code)
        return partners


def check_overrides(overrides: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Validate ``partner_overrides`` keys and value types (not membership of partners)."""
    for iso, attrs in overrides.items():
        if not ISO3.match(iso) or iso in BLOC_ACTORS:
            raise KeyedError((iso,), f"'{iso}' is not a partner ISO-3166 alpha-3 code")
        if not isinstance(attrs, dict):
            raise KeyedError((iso,), "expected a mapping of attribute: value")
        for key, value in attrs.items():
            if key not in PARTNER_OVERRIDE_KEYS:
                raise KeyedError(
                    (iso, key),
                    f"unknown partner attribute '{key}'{suggest(key, PARTNER_OVERRIDE_KEYS)}; "
                    f"allowed: {', '.join(PARTNER_OVERRIDE_KEYS)}",
                )
            _check_override_value(iso, key, value)
    return overrides


def _check_override_value(iso: str, key: str, value: Any) -> None:
    if PARTNER_OVERRIDE_KEYS[key] is bool:
        if not isinstance(value, bool):
            raise KeyedError((iso, key), f"expected true or false, got {value!r}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise KeyedError((iso, key), f"expected a number in [0, 1], got {value!r}")


def check_sorted_unique(milestones: Sequence[Milestone], key: str) -> None:
    seen: dict[str, int] = {}
    for i, m in enumerate(milestones):
        if m.id in seen:
            raise KeyedError(
                (key, i, "id"), f"id '{m.id}' is used twice (first at {key}[{seen[m.id]}])"
            )
        seen[m.id] = i
        if i and m.date < milestones[i - 1].date:
            prev = milestones[i - 1]
            raise KeyedError(
                (key, i, "date"),
                f"'{m.id}' ({m.date}) comes after '{prev.id}' ({prev.date}); "
                "keep milestones sorted by date",
            )


class ScenarioFile(Frozen):
    """One scenario file as written, before ``extends`` is resolved (internal).

    A file either lists its own ``milestones`` (a base scenario) or names a base with
    ``extends`` and edits it with ``remove``, ``shift``, ``add`` and ``partner_overrides``.
    """

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    period: Period | None = None
    agents: Agents | None = None
    milestones: tuple[Milestone, ...] = ()
    extends: str | None = None
    remove: tuple[str, ...] = ()
    add: tuple[Milestone, ...] = ()
    shift: dict[str, dt.date] = Field(default_factory=dict)
    partner_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    assumptions: Assumptions | None = None
    history: tuple[HistoryEdit, ...] = ()

    @field_validator("shift", mode="before")
    @classmethod
    def _shift_dates(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for key, raw in value.items():
            try:
                out[key] = parse_date(raw)[0]
            except ValueError as exc:
                raise KeyedError((key,), str(exc)) from None
        return out

    @field_validator("partner_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return check_overrides(value)

    @model_validator(mode="after")
    def _shape(self) -> ScenarioFile:
        if self.extends is None:
            for key in ("remove", "add", "shift"):
                if getattr(self, key):
                    raise KeyedError((key,), f"'{key}' only applies with 'extends: <base file>'")
            for key in ("period", "agents"):
                if getattr(self, key) is None:
                    raise KeyedError((key,), "required field missing")
            if not self.milestones:
                raise KeyedError(("milestones",), "a scenario needs at least one milestone")
        elif self.milestones:
            raise KeyedError(
                ("milestones",),
                "a scenario that extends another lists new milestones under 'add'",
            )
        check_sorted_unique(self.milestones, "milestones")
        check_sorted_unique(self.add, "add")
        return self


def check_offers(milestones) -> None:
    """Refuse an input ``institution_offer`` that cannot change the menu: the menu only
    rises, so an offer of a rung already offered (or below one) has no effect."""
    top = None
    for i, m in enumerate(milestones):
        if m.type != "institution_offer" or m.role != "input":
            continue
        if top is not None and m.rung <= top.rung:
            raise KeyedError(
                ("milestones", i, "rung"),
                f"'{m.id}' offers rung {m.rung}, but '{top.id}' ({top.date}) already put rung "
                f"{top.rung} on the menu, which only rises, so this offer has no effect; to "
                f"offer a rung at another date, shift that offer instead (suspensions and "
                f"resumptions are the model's outcomes, not inputs)")
        top = m


class Scenario(Frozen):
    """A resolved scenario: what the model runs.

    ``milestones`` is the resolved, date-sorted list (after ``extends``, ``remove``, ``shift``,
    ``add`` and period narrowing); ``extends``, ``remove``, ``add`` and ``shift`` keep the
    directives of the file itself as provenance.
    """

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    period: Period
    agents: Agents
    milestones: tuple[Milestone, ...] = Field(min_length=1)
    extends: str | None = None
    remove: tuple[str, ...] = ()
    add: tuple[Milestone, ...] = ()
    shift: dict[str, dt.date] = Field(default_factory=dict)
    partner_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    assumptions: Assumptions | None = None
    history: tuple[HistoryEdit, ...] = ()
    _source_file: str = PrivateAttr(default="")
    _observed_edits: tuple[str, ...] = PrivateAttr(default=())
    _source_files: tuple[str, ...] = PrivateAttr(default=())

    @property
    def source_file(self) -> str:
        """The YAML file this scenario was loaded from (its name if built in code), for
        error messages; not part of the scenario's content or hash."""
        return self._source_file or self.name

    @property
    def source_files(self) -> tuple[str, ...]:
        """Every YAML file this scenario was resolved from: its own file, then the files it
        extends (empty if built in code). The content cache (:mod:`sim.data.cache`) re-hashes
        them to tell an edited file from an unchanged one."""
        return self._source_files

    @property
    def observed_edits(self) -> tuple[str, ...]:
        """Ids of observed milestones this scenario's own files add, remove or shift (or
        every observed milestone of a base file outside the shipped folder).

        Such edits change the charts, never the score: the scored record is the observed
        data in ``sim/data/`` (see ``docs/scenarios.md``), so the CLI says so."""
        return self._observed_edits

    @field_validator("partner_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return check_overrides(value)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        check_sorted_unique(self.milestones, "milestones")
        partners = set(self.agents.partners)
        for i, m in enumerate(self.milestones):
            if not self.period.contains(m.date):
                raise KeyedError(
                    ("milestones", i, "date"),
                    f"'{m.id}' ({m.date}) is outside the period "
                    f"{self.period.start}-{self.period.end}",
                )
            if m.type in PARTNER_TYPES:
                for j, code in enumerate(m.actors):
                    if code not in BLOC_ACTORS and code not in partners:
                        raise KeyedError(
                            ("milestones", i, "actors", j),
                            f"'{m.id}' names partner '{code}', which is not in agents.partners",
                        )
        check_offers(self.milestones)
        for i, edit in enumerate(self.history):
            if edit.partner is not None and edit.partner not in partners:
                raise KeyedError(("history", i, "partner"),
                                 f"'{edit.partner}' is not in agents.partners")
            for key in ("year", "to"):
                year = getattr(edit, key)
                if year is not None and not self.period.start <= year <= self.period.end:
                    raise KeyedError(("history", i, key), f"{year} is outside the period "
                                     f"{self.period.start}-{self.period.end}")
        for iso in self.partner_overrides:
            if iso not in partners:
                raise KeyedError(("partner_overrides", iso), f"'{iso}' is not in agents.partners")
        return self

    @property
    def sha256(self) -> str:
        """SHA-256 of the resolved scenario as canonical JSON (sorted keys, no whitespace).

        Covers name, description, period, agents, milestones and partner_overrides, so two
        files that resolve to the same scenario hash the same, and ``assumptions`` and
        ``history`` when given (a scenario without them hashes as before the keys existed).
        """
        keys = {"name", "description", "period", "agents", "milestones", "partner_overrides"}
        keys |= {"assumptions"} if self.assumptions else set()
        keys |= {"history"} if self.history else set()
        content = self.model_dump(mode="json", include=keys)
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return sha256_bytes(text.encode("utf-8"))

    def inputs(self) -> list[Milestone]:
        """Milestones with role ``input`` (applied by the model), in date order."""
        return [m for m in self.milestones if m.role == "input"]

    def observed(self) -> list[Milestone]:
        """Milestones with role ``observed``: the record as drawn on charts. The score uses
        the observed data in ``sim/data/`` (``sim.data.observed``), not these."""
        return [m for m in self.milestones if m.role == "observed"]

    def milestones_of(self, type_: str) -> list[Milestone]:
        """Milestones of one type, in date order.

        Args:
            type_: a milestone type, e.g. ``"accession"``.

        Raises:
            ValueError: if ``type_`` is not a milestone type.
        """
        if type_ not in TYPE_SPECS:
            raise ValueError(f"unknown milestone type {type_!r}; known: {', '.join(TYPE_SPECS)}")
        return [m for m in self.milestones if m.type == type_]

    def milestone(self, id_: str) -> Milestone:
        """The milestone with this id (``KeyError`` if absent)."""
        for m in self.milestones:
            if m.id == id_:
                return m
        raise KeyError(id_)
