"""Scenario files: the pydantic schema, loading, inheritance (``extends``) and look-up.

A scenario is a YAML file that fixes the period, the partner states and the dated milestones
(see ``docs/scenarios.md``). :func:`load_scenario` reads one (a path, or the bare name of a
shipped scenario such as ``post-cold-war``), resolves ``extends`` chains and returns a frozen
:class:`Scenario`. Every problem is raised as one :class:`~sim.core.errors.ScenarioError` naming the
file, the key path (``milestones[3].date``) or line, and what was expected.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.core.errors import ScenarioError
from sim.core.safeload import MAX_SCENARIO_BYTES, read_text_file, safe_load_yaml, short_repr

# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

MilestoneType = Literal[
    "institution_offer",
    "institution_suspension",
    "institution_resumption",
    "institution_upgrade",
    "pfp_join",
    "map",
    "invitation",
    "membership_pledge",
    "application",
    "accession",
    "out_of_area",
    "common_threat",
    "deterrence_posture",
    "domestic_shock",
    "exclusion",
    "coercion",
    "dyad_event",
]
Role = Literal["input", "observed", "context"]
Precision = Literal["day", "month"]

#: Collective or great-power actor codes; every other actor is an ISO-3166 alpha-3 code.
BLOC_ACTORS: frozenset[str] = frozenset({"NATO", "RUS", "USA", "EU"})

#: Milestone types that change a partner's status; their partner actors must be listed in
#: ``agents.partners``.
PARTNER_TYPES: frozenset[str] = frozenset(
    {
        "pfp_join",
        "map",
        "invitation",
        "membership_pledge",
        "application",
        "accession",
        "domestic_shock",
        "coercion",
    }
)

#: Types that concern exactly one partner.
SINGLE_PARTNER_TYPES: frozenset[str] = frozenset({"domestic_shock", "coercion"})

#: Per type: the usual role, the fields it requires, the optional fields it may carry, and
#: defaults filled in when the field is absent. ``context`` is always allowed as a role: it
#: keeps a milestone on charts without letting the model use or score it.
TYPE_SPECS: dict[str, dict[str, Any]] = {
    "institution_offer": {"roles": {"input"}, "required": {"rung"}, "optional": set()},
    "institution_suspension": {"roles": {"observed"}, "required": set(), "optional": set()},
    "institution_resumption": {"roles": {"observed"}, "required": set(), "optional": set()},
    "institution_upgrade": {"roles": {"observed"}, "required": set(), "optional": {"rung"}},
    "pfp_join": {"roles": {"input"}, "required": set(), "optional": set()},
    "map": {"roles": {"input"}, "required": set(), "optional": set()},
    "invitation": {"roles": {"input"}, "required": set(), "optional": set()},
    "membership_pledge": {"roles": {"input"}, "required": set(), "optional": set()},
    "application": {"roles": {"input"}, "required": set(), "optional": set()},
    "accession": {"roles": {"input"}, "required": set(), "optional": set()},
    "out_of_area": {
        "roles": {"input"},
        "required": {"mandate"},
        "optional": {"magnitude"},
        "defaults": {"magnitude": 1.0},
    },
    "common_threat": {"roles": {"input"}, "required": {"magnitude"}, "optional": set()},
    "deterrence_posture": {"roles": {"input"}, "required": {"magnitude"}, "optional": set()},
    "domestic_shock": {"roles": {"input"}, "required": {"magnitude"}, "optional": set()},
    "exclusion": {
        "roles": {"input"},
        "required": set(),
        "optional": {"magnitude"},
        "defaults": {"magnitude": 1.0},
    },
    "coercion": {"roles": {"observed"}, "required": {"level"}, "optional": set()},
    "dyad_event": {"roles": {"observed", "context"}, "required": set(), "optional": {"magnitude"}},
}

_TYPED_FIELDS = ("magnitude", "rung", "level", "mandate")
_FIELD_HINTS = {
    "rung": "an integer 1..4 (1 NACC/EAPC, 2 PfP, 3 PJC, 4 NRC)",
    "level": "an integer 0..3 (1 economic/energy pressure, 2 limited force, 3 major war)",
    "mandate": "true or false (UN Security Council mandate)",
    "magnitude": "a number",
}

#: Attributes a scenario may override per partner, with their value types.
PARTNER_OVERRIDE_KEYS: dict[str, type] = {
    "proximity_w": float,
    "borders_russia": bool,
    "hosts_russian_forces": bool,
    "former_ussr": bool,
    "former_warsaw_pact": bool,
}

PERIOD_MIN, PERIOD_MAX = 1991, 2030
MAX_EXTENDS_DEPTH = 10

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class _KeyedError(ValueError):
    """A validation error that knows the key path below the validator's own location.

    Args:
        key: the key path relative to the model being validated (``("rung",)`` or
            ``("milestones", 3, "actors")``).
        message: what was expected.
    """

    def __init__(self, key: Sequence[str | int], message: str) -> None:
        self.key = tuple(key)
        super().__init__(message)


def parse_date(value: object) -> tuple[dt.date, Precision]:
    """Parse a milestone date written as ``YYYY-MM-DD`` or ``YYYY-MM``.

    Args:
        value: a ``datetime.date`` (as YAML gives for unquoted full dates) or a string.

    Returns:
        The date (the 1st of the month for month precision) and its precision.

    Raises:
        ValueError: if the value is neither form or not a real calendar date.
    """
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date YYYY-MM-DD or YYYY-MM, not a date with a time")
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value).strip() if isinstance(value, str) else None
    if text is not None and (m := _DAY.match(text)):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a calendar date ({exc})") from None
    if text is not None and (m := _MONTH.match(text)):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"'{text}' is not a calendar month")
        return dt.date(int(m[1]), int(m[2]), 1), "month"
    raise ValueError(f"expected a date YYYY-MM-DD or YYYY-MM, got {value!r}")


def year_fraction(day: dt.date) -> float:
    """Model time of a date: ``year + (day_of_year - 1) / days_in_year``.

    Args:
        day: the calendar date.

    Returns:
        The calendar year as a float (1999-03-12 gives ``1999 + 70/365``).
    """
    days_in_year = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days_in_year


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Period(_Frozen):
    """The simulated calendar years, both inclusive."""

    start: int = Field(ge=PERIOD_MIN, le=PERIOD_MAX)
    end: int = Field(ge=PERIOD_MIN, le=PERIOD_MAX)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start > self.end:
            raise _KeyedError(("end",), f"end ({self.end}) must not be before start ({self.start})")
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether a date falls inside the period's years."""
        return self.start <= day.year <= self.end


class Agents(_Frozen):
    """The agents of a run besides NATO and Russia."""

    partners: tuple[str, ...] = Field(min_length=1)

    @field_validator("partners")
    @classmethod
    def _iso3_unique(cls, partners: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for i, code in enumerate(partners):
            if not _ISO3.match(code) or code in BLOC_ACTORS:
                raise _KeyedError(
                    (i,), f"'{code}' is not a partner ISO-3166 alpha-3 code (e.g. 'UKR')"
                )
            if code in seen:
                raise _KeyedError((i,), f"partner '{code}' is listed twice")
            seen.add(code)
        return partners


class Milestone(_Frozen):
    """One dated event: an input the model applies, an observation it is scored on, or context.

    See ``docs/scenarios.md`` for every type and what the model does with it.
    """

    id: str
    date: dt.date
    precision: Precision = "day"
    type: MilestoneType
    role: Role
    actors: tuple[str, ...] = Field(min_length=1)
    label: str = Field(min_length=1, max_length=48)
    source: str = Field(min_length=1)
    verification: str = Field(default="confirmed", min_length=1)
    chronology_id: int | None = Field(default=None, ge=1)
    magnitude: float | None = Field(default=None, allow_inf_nan=False)
    rung: int | None = Field(default=None, ge=1, le=4)
    level: int | None = Field(default=None, ge=0, le=3)
    mandate: bool | None = None
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _parse_date_and_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "date" in data and not isinstance(data["date"], dt.date | type(None)):
            day, precision = _parse_date_keyed(data["date"])
            if data.get("precision", precision) == "day" and precision == "month":
                raise _KeyedError(
                    ("precision",), "date is given as YYYY-MM, so precision must be 'month'"
                )
            data["date"] = day
            data.setdefault("precision", precision)
        kind = data.get("type")
        spec = TYPE_SPECS.get(kind) if isinstance(kind, str) else None
        if spec:
            for key, value in spec.get("defaults", {}).items():
                if data.get(key) is None:
                    data[key] = value
        return data

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(
                f"'{value}' is not a slug: use lower-case letters, digits and single hyphens"
            )
        return value

    @field_validator("actors")
    @classmethod
    def _actor_codes(cls, actors: tuple[str, ...]) -> tuple[str, ...]:
        for i, code in enumerate(actors):
            if code not in BLOC_ACTORS and not _ISO3.match(code):
                raise _KeyedError(
                    (i,), f"'{code}' is not an actor: use NATO, RUS, USA, EU or an ISO-3 code"
                )
        if len(set(actors)) != len(actors):
            raise ValueError("an actor is listed twice")
        return actors

    @model_validator(mode="after")
    def _per_type(self) -> Milestone:
        if self.precision == "month" and self.date.day != 1:
            raise _KeyedError(("date",), "a month-precision date is written YYYY-MM")
        spec = TYPE_SPECS[self.type]
        if self.role != "context" and self.role not in spec["roles"]:
            allowed = " or ".join(f"'{r}'" for r in sorted(spec["roles"] | {"context"}))
            raise _KeyedError(
                ("role",), f"a '{self.type}' milestone must have role {allowed}, not '{self.role}'"
            )
        for name in sorted(spec["required"]):
            if getattr(self, name) is None:
                raise _KeyedError((name,), f"required for type '{self.type}': {_FIELD_HINTS[name]}")
        allowed_fields = spec["required"] | spec["optional"]
        for name in _TYPED_FIELDS:
            if name not in allowed_fields and getattr(self, name) is not None:
                users = sorted(t for t, s in TYPE_SPECS.items() if name in s["required"])
                raise _KeyedError(
                    (name,),
                    f"'{name}' does not apply to type '{self.type}' (used by: {', '.join(users)})",
                )
        self._check_partner_count()
        return self

    def _check_partner_count(self) -> None:
        if self.type not in PARTNER_TYPES:
            return
        partners = self.partners
        if self.type in SINGLE_PARTNER_TYPES and len(partners) != 1:
            raise _KeyedError(
                ("actors",),
                f"a '{self.type}' milestone names exactly one partner state "
                f"(found {len(partners)}: {', '.join(partners) or 'none'})",
            )
        if not partners:
            raise _KeyedError(
                ("actors",), f"a '{self.type}' milestone must name at least one partner state"
            )

    @property
    def partners(self) -> tuple[str, ...]:
        """The actors that are partner states (everything but NATO, RUS, USA, EU)."""
        return tuple(a for a in self.actors if a not in BLOC_ACTORS)

    @property
    def time(self) -> float:
        """Model time: the calendar year as a float (month precision: the 1st of the month)."""
        return year_fraction(self.date)

    def to_meta(self) -> dict[str, Any]:
        """The milestone as stored in ``Records.meta['milestones']``."""
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "time": self.time,
            "type": self.type,
            "role": self.role,
            "actors": list(self.actors),
            "label": self.label,
        }


def _parse_date_keyed(value: object) -> tuple[dt.date, Precision]:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise _KeyedError(("date",), str(exc)) from None


def _check_overrides(overrides: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Validate ``partner_overrides`` keys and value types (not membership of partners)."""
    for iso, attrs in overrides.items():
        if not _ISO3.match(iso) or iso in BLOC_ACTORS:
            raise _KeyedError((iso,), f"'{iso}' is not a partner ISO-3166 alpha-3 code")
        if not isinstance(attrs, dict):
            raise _KeyedError((iso,), "expected a mapping of attribute: value")
        for key, value in attrs.items():
            if key not in PARTNER_OVERRIDE_KEYS:
                raise _KeyedError(
                    (iso, key),
                    f"unknown partner attribute '{key}'{_suggest(key, PARTNER_OVERRIDE_KEYS)}; "
                    f"allowed: {', '.join(PARTNER_OVERRIDE_KEYS)}",
                )
            _check_override_value(iso, key, value)
    return overrides


def _check_override_value(iso: str, key: str, value: Any) -> None:
    if PARTNER_OVERRIDE_KEYS[key] is bool:
        if not isinstance(value, bool):
            raise _KeyedError((iso, key), f"expected true or false, got {value!r}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _KeyedError((iso, key), f"expected a number in [0, 1], got {value!r}")


def _check_sorted_unique(milestones: Sequence[Milestone], key: str) -> None:
    seen: dict[str, int] = {}
    for i, m in enumerate(milestones):
        if m.id in seen:
            raise _KeyedError(
                (key, i, "id"), f"id '{m.id}' is used twice (first at {key}[{seen[m.id]}])"
            )
        seen[m.id] = i
        if i and m.date < milestones[i - 1].date:
            prev = milestones[i - 1]
            raise _KeyedError(
                (key, i, "date"),
                f"'{m.id}' ({m.date}) comes after '{prev.id}' ({prev.date}); "
                "keep milestones sorted by date",
            )


class ScenarioFile(_Frozen):
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
                raise _KeyedError((key,), str(exc)) from None
        return out

    @field_validator("partner_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return _check_overrides(value)

    @model_validator(mode="after")
    def _shape(self) -> ScenarioFile:
        if self.extends is None:
            for key in ("remove", "add", "shift"):
                if getattr(self, key):
                    raise _KeyedError((key,), f"'{key}' only applies with 'extends: <base file>'")
            for key in ("period", "agents"):
                if getattr(self, key) is None:
                    raise _KeyedError((key,), "required field missing")
            if not self.milestones:
                raise _KeyedError(("milestones",), "a scenario needs at least one milestone")
        elif self.milestones:
            raise _KeyedError(
                ("milestones",),
                "a scenario that extends another lists new milestones under 'add'",
            )
        _check_sorted_unique(self.milestones, "milestones")
        _check_sorted_unique(self.add, "add")
        return self


class Scenario(_Frozen):
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
    _source_file: str = PrivateAttr(default="")

    @property
    def source_file(self) -> str:
        """The YAML file this scenario was loaded from (its name if built in code), for
        error messages; not part of the scenario's content or hash."""
        return self._source_file or self.name

    @field_validator("partner_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return _check_overrides(value)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        _check_sorted_unique(self.milestones, "milestones")
        partners = set(self.agents.partners)
        for i, m in enumerate(self.milestones):
            if not self.period.contains(m.date):
                raise _KeyedError(
                    ("milestones", i, "date"),
                    f"'{m.id}' ({m.date}) is outside the period "
                    f"{self.period.start}-{self.period.end}",
                )
            if m.type in PARTNER_TYPES:
                for j, code in enumerate(m.actors):
                    if code not in BLOC_ACTORS and code not in partners:
                        raise _KeyedError(
                            ("milestones", i, "actors", j),
                            f"'{m.id}' names partner '{code}', which is not in agents.partners",
                        )
        for iso in self.partner_overrides:
            if iso not in partners:
                raise _KeyedError(("partner_overrides", iso), f"'{iso}' is not in agents.partners")
        return self

    @property
    def sha256(self) -> str:
        """SHA-256 of the resolved scenario as canonical JSON (sorted keys, no whitespace).

        Covers name, description, period, agents, milestones and partner_overrides, so two
        files that resolve to the same scenario hash the same.
        """
        content = self.model_dump(
            mode="json",
            include={"name", "description", "period", "agents", "milestones", "partner_overrides"},
        )
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def inputs(self) -> list[Milestone]:
        """Milestones with role ``input`` (applied by the model), in date order."""
        return [m for m in self.milestones if m.role == "input"]

    def observed(self) -> list[Milestone]:
        """Milestones with role ``observed`` (the record the model is scored on)."""
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


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

_MODEL_FOR_LOC: dict[str, type[BaseModel]] = {
    "period": Period,
    "agents": Agents,
    "milestones": Milestone,
    "add": Milestone,
}


def _suggest(word: str, options: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a key path: ``("milestones", 3, "date")`` -> ``milestones[3].date``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel]:
    if not loc:
        return root
    return _MODEL_FOR_LOC.get(str(loc[0]), root)


def _first_error(exc: ValidationError, root: type[BaseModel]) -> tuple[str, str]:
    """Turn the first pydantic error into ``(key path, plain-words message)``.

    An unknown key is reported before anything else: a misspelt key also makes the intended
    one "missing", and "unknown key 'descripton'; did you mean 'description'?" says both.
    """
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, _KeyedError):
        return format_loc(loc + cause.key), str(cause)
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc[:-1], root)
        return format_loc(loc), f"unknown key '{key}'{_suggest(key, model.model_fields)}"
    if kind == "missing":
        return format_loc(loc), "required field missing"
    if kind == "literal_error":
        return format_loc(loc), f"expected {err['ctx']['expected']}, got {short_repr(err['input'])}"
    msg = msg.removeprefix("Value error, ").replace("Input should be", "expected", 1)
    got = short_repr(err["input"])
    return format_loc(loc), f"{msg} (got {got})" if kind != "value_error" else msg


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def scenario_dir() -> Path:
    """The folder holding the shipped scenarios.

    In a source checkout (editable install) that is the repository's top-level
    ``scenarios/``; an installed package carries a copy in ``sim/scenarios``.
    """
    package = Path(__file__).resolve().parents[1]  # sim/
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
    text = read_text_file(
        path, limit=MAX_SCENARIO_BYTES, error=ScenarioError, what="scenario file"
    )
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
    return data


def _reader_line(exc: yaml.YAMLError, text: str) -> str:
    """``line N`` of a YAML reader error (a control character), which has no mark."""
    position = getattr(exc, "position", None)
    return f"line {text[:position].count(chr(10)) + 1}" if isinstance(position, int) else ""


def _validate_file(path: Path, data: dict[str, Any]) -> ScenarioFile:
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        where, message = _first_error(exc, ScenarioFile)
        raise ScenarioError(str(path), where, message) from None


def _base_path(path: Path, extends: str) -> Path:
    """Where ``extends`` points: the file's folder first, then the shipped folder."""
    rel = Path(extends)
    if rel.is_absolute() or ".." in rel.parts:
        raise ScenarioError(
            str(path), "extends", f"'{extends}' must name a file in the same folder (no '..')"
        )
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
        return _build(path, _own_fields(spec), origins)
    base = _load(_base_path(path, spec.extends), (*chain, path))
    fields, origins = _merge(path, spec, raw, base)
    return _build(path, fields, origins)


def _own_fields(spec: ScenarioFile) -> dict[str, Any]:
    return {
        "name": spec.name,
        "description": spec.description,
        "period": spec.period,
        "agents": spec.agents,
        "milestones": spec.milestones,
        "partner_overrides": spec.partner_overrides,
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
        where, message = _first_error(exc, Scenario)
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
