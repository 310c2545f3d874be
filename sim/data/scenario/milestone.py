"""The :class:`Milestone` model: one dated event of a scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.data.scenario.vocabulary import (
    BLOC_ACTORS,
    FIELD_HINTS,
    ISO3,
    PARTNER_TYPES,
    RUNG_HINT,
    RUSSIA_HINT,
    SINGLE_PARTNER_TYPES,
    SLUG,
    STATUS_TYPES,
    TYPE_SPECS,
    TYPED_FIELDS,
    Frozen,
    KeyedError,
    MilestoneType,
    Precision,
    Role,
    parse_date,
    year_fraction,
)


class Milestone(Frozen):
    """One dated event: an input the model applies, an observation it is scored on, or context.

    Numbers and flags are strict: ``rung: true`` or ``magnitude: yes`` is an error, not 1.

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
    chronology_id: int | None = Field(default=None, ge=1, strict=True)
    magnitude: float | None = Field(default=None, allow_inf_nan=False, strict=True)
    rung: int | None = Field(default=None, strict=True)  # 1..4, checked in _per_type
    level: int | None = Field(default=None, ge=0, le=3, strict=True)
    mandate: bool | None = Field(default=None, strict=True)
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
                raise KeyedError(
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
        if not SLUG.match(value):
            raise ValueError(
                f"'{value}' is not a slug: use lower-case letters, digits and single hyphens"
            )
        return value

    @field_validator("actors")
    @classmethod
    def _actor_codes(cls, actors: tuple[str, ...]) -> tuple[str, ...]:
        for i, code in enumerate(actors):
            if code not in BLOC_ACTORS and not ISO3.match(code):
                raise KeyedError(
                    (i,), f"'{code}' is not an actor: use NATO, RUS, USA, EU or an ISO-3 code"
                )
        if len(set(actors)) != len(actors):
            raise ValueError("an actor is listed twice")
        return actors

    @model_validator(mode="after")
    def _per_type(self) -> Milestone:
        if self.precision == "month" and self.date.day != 1:
            raise KeyedError(("date",), "a month-precision date is written YYYY-MM")
        spec = TYPE_SPECS[self.type]
        if self.role != "context" and self.role not in spec["roles"]:
            allowed = " or ".join(f"'{r}'" for r in sorted(spec["roles"] | {"context"}))
            raise KeyedError(
                ("role",), f"a '{self.type}' milestone must have role {allowed}, not '{self.role}'"
            )
        for name in sorted(spec["required"]):
            if getattr(self, name) is None:
                raise KeyedError((name,), f"required for type '{self.type}': {FIELD_HINTS[name]}")
        if self.rung is not None and not 1 <= self.rung <= 4:
            raise KeyedError(("rung",), f"rung {self.rung} is not on the ladder: {RUNG_HINT}")
        allowed_fields = spec["required"] | spec["optional"]
        for name in TYPED_FIELDS:
            if name not in allowed_fields and getattr(self, name) is not None:
                users = sorted(t for t, s in TYPE_SPECS.items() if name in s["required"])
                raise KeyedError(
                    (name,),
                    f"'{name}' does not apply to type '{self.type}' (used by: {', '.join(users)})",
                )
        self._check_partner_count()
        return self

    def _check_partner_count(self) -> None:
        if self.type not in PARTNER_TYPES:
            return
        partners = self.partners
        if not partners and "RUS" in self.actors and self.type in STATUS_TYPES:
            raise KeyedError(("actors",), f"a '{self.type}' for RUS: {RUSSIA_HINT}")
        if self.type in SINGLE_PARTNER_TYPES and len(partners) != 1:
            raise KeyedError(
                ("actors",),
                f"a '{self.type}' milestone names exactly one partner state "
                f"(found {len(partners)}: {', '.join(partners) or 'none'})",
            )
        if not partners:
            raise KeyedError(
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
        raise KeyedError(("date",), str(exc)) from None
