"""The optional ``assumptions:`` key of a scenario: input paths beyond a forecast's origin.

A forecast (``natosim forecast``) needs every exogenous input for the years after its origin,
which no data set holds. By default each input holds its value of the origin year; a scenario
may instead give a path, as values or as growth rates by year::

    assumptions:
      membership: hold            # hold (default) or free
      paths:
        - series: gdp_russia      # Russia's GDP grows 1 % a year 2025-2027, then holds
          growth: {2025: 0.01, 2026: 0.01, 2027: 0.01}
        - series: democracy
          partner: UKR            # a partner series names its partner (omit: every partner)
          values: {2026: 0.45}

Only the form is checked here (names, years, numbers); what needs the origin (a year after
it) or the data (the level a growth path reaches) is checked when the forecast is built
(:mod:`sim.data.projection`). Ordinary runs ignore this key: they stay inside the data.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.data.scenario.vocabulary import BLOC_ACTORS, ISO3, Frozen, KeyedError

#: Forecast horizons end at the latest in this year.
HORIZON_MAX = 2040
#: User name of a dyad-level input series -> the ``Inputs`` field it sets.
DYAD_SERIES: dict[str, str] = {
    "gdp_russia": "gdp_russia",
    "gdp_nato": "gdp_nato_core",
    "democracy_russia": "dem_russia",
    "democracy_west": "dem_west",
    "trade_russia_west": "trade_russia_west",
}
#: User name of a partner-level input series -> the ``Inputs`` field it sets.
PARTNER_SERIES: dict[str, str] = {
    "gdp": "gdp",
    "milex": "milex",
    "democracy": "dem",
    "trade_russia": "trade_rus",
    "trade_west": "trade_west",
}
#: Series that are shares or indices in [0, 1] (the others are positive money amounts).
UNIT_SERIES = frozenset({"democracy_russia", "democracy_west", "trade_russia_west",
                         "democracy", "trade_russia", "trade_west"})
SeriesName = Literal["gdp_russia", "gdp_nato", "democracy_russia", "democracy_west",
                     "trade_russia_west", "gdp", "milex", "democracy", "trade_russia",
                     "trade_west"]


class InputPath(Frozen):
    """One input series after the origin: ``values`` by year, or ``growth`` rates by year.

    ``values``: the series takes the value in each listed year and holds it until the next.
    ``growth``: ``x_t = x_(t-1) * (1 + g_t)``, with ``g_t = 0`` in years not listed.
    """

    series: SeriesName
    partner: str | None = None
    values: dict[int, float] | None = None
    growth: dict[int, float] | None = None

    @field_validator("values", "growth", mode="before")
    @classmethod
    def _years(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        if not value:
            raise KeyedError((), "expected at least one year: value")
        for year, number in value.items():
            if isinstance(year, bool) or not isinstance(year, int):
                raise KeyedError((str(year),), f"expected a year (an integer), got {year!r}")
            if not 1991 <= year <= HORIZON_MAX:
                raise KeyedError((year,), f"expected a year from 1991 to {HORIZON_MAX}")
            if (isinstance(number, bool) or not isinstance(number, int | float)
                    or not math.isfinite(number)):
                raise KeyedError((year,), f"expected a finite number, got {number!r}")
        return value

    @model_validator(mode="after")
    def _shape(self) -> InputPath:
        if (self.values is None) == (self.growth is None):
            raise KeyedError(("values",), "give exactly one of 'values' or 'growth'")
        if self.series in DYAD_SERIES and self.partner is not None:
            raise KeyedError(("partner",), f"'{self.series}' is not a partner series; "
                             f"partner series: {', '.join(PARTNER_SERIES)}")
        if self.partner is not None and (not ISO3.match(self.partner)
                                         or self.partner in BLOC_ACTORS):
            raise KeyedError(("partner",), f"'{self.partner}' is not a partner ISO-3166 "
                             "alpha-3 code (e.g. 'UKR')")
        for year, g in (self.growth or {}).items():
            if g <= -1.0:
                raise KeyedError(("growth", year), f"a growth rate must be above -1, got {g}")
        if self.series in UNIT_SERIES:
            for year, v in (self.values or {}).items():
                if not 0.0 <= v <= 1.0:
                    raise KeyedError(("values", year), f"'{self.series}' is in [0, 1], got {v}")
        else:
            for year, v in (self.values or {}).items():
                if v <= 0.0:
                    raise KeyedError(("values", year), f"'{self.series}' must be positive, "
                                     f"got {v}")
        return self

    @property
    def field(self) -> str:
        """The :class:`~sim.data.inputs.Inputs` field this path sets."""
        return {**DYAD_SERIES, **PARTNER_SERIES}[self.series]


class Assumptions(Frozen):
    """What a forecast assumes after its origin.

    ``membership``: ``hold`` keeps every partner's status at its origin value (only dated
    partner milestones of the scenario after the origin change it, as in replay), ``free``
    leaves enlargement to the model (as ``--mode free``). ``paths``: input series that do not
    hold their origin value.
    """

    membership: Literal["hold", "free"] = "hold"
    paths: tuple[InputPath, ...] = Field(default=())

    @model_validator(mode="after")
    def _unique(self) -> Assumptions:
        seen: dict[tuple[str, str | None], int] = {}
        for i, path in enumerate(self.paths):
            key = (path.series, path.partner)
            if key in seen:
                raise KeyedError(("paths", i), f"series '{path.series}'"
                                 + (f" of {path.partner}" if path.partner else "")
                                 + f" is given twice (first at paths[{seen[key]}])")
            seen[key] = i
        return self
