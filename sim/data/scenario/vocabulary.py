"""Scenario vocabulary: milestone types, roles, actor codes, per-type field rules, dates.

Plain constants and small pure helpers shared by the schema (:mod:`.milestone`,
:mod:`.schema`), the error translation (:mod:`.messages`) and the loader (:mod:`.loader`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

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

#: The institutional menu as a counterfactual: what a scenario cannot write, and how to
#: express the idea instead (issue 15). Partner-status types are for partner states.
STATUS_TYPES: frozenset[str] = frozenset(
    {"pfp_join", "map", "invitation", "membership_pledge", "application", "accession"}
)
RUSSIA_HINT = (
    "Russia is the focal state, with no membership track in the model; to express closer "
    "ties, add or move an institution_offer (rungs 1 NACC, 2 PfP, 3 PJC, 4 NRC; e.g. shift "
    "offer-nrc earlier) or set the institutional rule's parameters (--set chassis.h_bar=...; "
    "see `natosim params`)"
)
RUNG_HINT = (
    "rungs are 1 NACC, 2 PfP, 3 PJC, 4 NRC (the top), so no deeper tie can be offered; "
    "instead offer rung 4 earlier (shift offer-nrc) or give institutions more weight with "
    "the paradigms' parameters (`natosim params`)"
)

TYPED_FIELDS = ("magnitude", "rung", "level", "mandate")
FIELD_HINTS = {
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

PERIOD_MIN, PERIOD_MAX = 1991, 2040  # runs stay inside the data; forecasts reach 2040
MAX_EXTENDS_DEPTH = 10

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO3 = re.compile(r"^[A-Z]{3}$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class KeyedError(ValueError):
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


def suggest(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""``."""
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


class Frozen(BaseModel):
    """Base of every scenario model: frozen, unknown keys forbidden, strings stripped."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
