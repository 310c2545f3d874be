"""Scenario + dataset -> the yearly numpy inputs the model reads.

This is the only place where data gaps are filled, and every fill is logged in
``Inputs.fills`` (``"trade share with Russia[SRB]: 1993-2024 carried forward from 1992"``),
which runs copy into ``Records.meta["fills"]`` and the manifest, and the CLI prints
(:func:`fill_summary`) on stderr. Rules (documented in docs/model.md):

* a series that starts late (the state did not exist, or the source starts later) is
  back-filled with its first observed value;
* a series that ends early (COW trade ends in 2014) is carried forward from its last value;
* an interior gap is interpolated linearly.

GDP is not taken from a separate source: it is implied by SIPRI as military expenditure
divided by its share of GDP (constant 2023 US$), so capabilities and burdens share one
source and one price base.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sim.core.errors import ScenarioError
from sim.data.datasets import Dataset
from sim.data.scenario import Milestone, Scenario

DATA_START, DATA_END = 1991, 2024  # years covered by sim/data (checked by the loader)


@dataclass(frozen=True)
class Inputs:
    """Everything exogenous the model needs, as arrays indexed by (year, partner).

    Attributes:
        years: ``(T,)`` calendar years of the run.
        partners: partner ISO3 codes, in the scenario's order (length P).
        w, buffer, former_ussr: ``(P,)`` proximity weight, buffer state (former USSR or
            Warsaw Pact), former USSR.
        active: ``(T, P)`` the partner exists as a state that year.
        dem, trade_rus, trade_west, milex, gdp: ``(T, P)`` partner inputs.
        dem_russia, dem_west, trade_russia_west, gdp_russia, gdp_nato_core: ``(T,)``.
        milex_nato_core: ``(T,)`` military expenditure of NATO members that are not partners
            in this scenario (the pre-1999 allies), constant 2023 US$ m.
        burden_russia0, burden_nato0: first-year burdens (% GDP): initial conditions and
            the arming baselines.
        alignment0: ``(P,)`` initial alignment: trade orientation, share with NATO members
            minus share with Russia, in the first year with data.
        status0: ``(P,)`` partner status at the start (from dates before the period).
        milestones: the scenario's input milestones, in date order.
        fills: human-readable log of every filled gap.
    """

    years: np.ndarray
    partners: tuple[str, ...]
    w: np.ndarray
    buffer: np.ndarray
    former_ussr: np.ndarray
    active: np.ndarray
    dem: np.ndarray
    trade_rus: np.ndarray
    trade_west: np.ndarray
    milex: np.ndarray
    gdp: np.ndarray
    dem_russia: np.ndarray
    dem_west: np.ndarray
    trade_russia_west: np.ndarray
    gdp_russia: np.ndarray
    gdp_nato_core: np.ndarray
    milex_nato_core: np.ndarray
    burden_russia0: float
    burden_nato0: float
    alignment0: np.ndarray
    status0: np.ndarray
    milestones: tuple[Milestone, ...]
    fills: tuple[str, ...] = field(default=())

    def index(self, year: int) -> int:
        """Row of ``year`` in the yearly arrays (clamped to the covered years)."""
        return int(np.clip(year - self.years[0], 0, len(self.years) - 1))

    def partner_index(self, iso3: str) -> int:
        return self.partners.index(iso3)


def _fill(
    values: np.ndarray, label: str, years: np.ndarray, period: range, fills: list[str]
) -> np.ndarray:
    """Back-fill, carry forward and interpolate a yearly series; log fills inside the period."""
    series = pd.Series(values, index=years, dtype=float)
    missing = series.isna()
    if missing.all():
        raise ScenarioError("sim/data", label, "no observed value in any year")
    gap_years = [y for y in series.index[missing] if y in period]
    if gap_years:
        fills.append(f"{label}: {describe_gaps(series, gap_years)}")
    return series.interpolate(limit_area="inside").bfill().ffill().to_numpy()


def describe_gaps(series: pd.Series, gap_years: list[int]) -> str:
    """How each run of filled years was filled, e.g. ``1993-2024 carried forward from 1992``."""
    seen = series.index[series.notna()]
    first, last = int(seen.min()), int(seen.max())
    parts = []
    for span in _spans(gap_years).split(", "):
        lo, hi = (int(y) for y in (span.split("-") * 2)[:2])
        if hi < first:
            parts.append(f"{span} back-filled from {first}")
        elif lo > last:
            parts.append(f"{span} carried forward from {last}")
        else:
            before, after = int(seen[seen < lo].max()), int(seen[seen > hi].min())
            parts.append(f"{span} interpolated between {before} and {after}")
    return "; ".join(parts)


def fill_summary(fills) -> list[str]:
    """The fills of :attr:`Inputs.fills` grouped for a terminal: one line per series, each
    way of filling once with every actor it applies to
    (``milex: 1991 back-filled from 1992 (SVN, HRV); 1994 interpolated ... (ARM)``)."""
    groups: dict[str, dict[str, list[str]]] = {}
    for fill in fills:
        head, _, how = str(fill).partition(": ")
        label, _, actor = head.partition("[")
        ways = groups.setdefault(label, {})
        for part in how.split("; ") if actor else [how]:
            ways.setdefault(part, []).append(actor.rstrip("]"))
    return [f"{label}: " + "; ".join(
                how + (f" ({', '.join(a for a in actors if a)})" if any(actors) else "")
                for how, actors in ways.items())
            for label, ways in groups.items()]


def _spans(years: list[int]) -> str:
    spans, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is None or y != prev + 1:
            spans.append(f"{start}" if start == prev else f"{start}-{prev}")
            if y is not None:
                start = y
        if y is not None:
            prev = y
    return ", ".join(spans)


def _pivot(frame: pd.DataFrame, column: str, actors: list[str], years: np.ndarray,
           memo: dict[tuple[int, str], pd.DataFrame] | None = None) -> np.ndarray:
    """A (T, len(actors)) array of ``column`` from a long (year, actor) frame; NaN if absent.

    ``memo`` keeps each frame's pivot (by ``id``, for frames alive as long as it is), so the
    actors of several calls are cut from one pivot table: the same cells, one pivot."""
    key = (id(frame), column)
    table = memo.get(key) if memo is not None else None
    if table is None:
        table = frame.pivot_table(index="year", columns="actor", values=column, aggfunc="first")
        if memo is not None:
            memo[key] = table
    table = table.reindex(index=years, columns=actors)
    return table.to_numpy(dtype=float)


def _year_of(date_value) -> float | None:
    if date_value is None or (isinstance(date_value, float) and np.isnan(date_value)):
        return None
    ts = pd.Timestamp(date_value)
    if pd.isna(ts):
        return None
    return ts.year + (ts.day_of_year - 1) / (366 if ts.is_leap_year else 365)


def build_inputs(scenario: Scenario, data: Dataset) -> Inputs:
    """Assemble the model's exogenous inputs for a scenario from the project data."""
    years = np.arange(scenario.period.start, scenario.period.end + 1)
    period = range(int(years[0]), int(years[-1]) + 1)
    if period.start < DATA_START or period.stop - 1 > DATA_END:
        # beyond the data every input would be an extrapolation nobody asked for
        raise ScenarioError(getattr(scenario, "source_file", scenario.name), "period",
                            f"{period.start}-{period.stop - 1} reaches beyond the project data "
                            f"({DATA_START}-{DATA_END}); keep the period inside it, or "
                            f"forecast past {DATA_END} with natosim forecast")
    # Fill over the whole data span, then cut the period out: a scenario of 1991-1995 still
    # gets Montenegro's first observed values, as the full run does.
    span = np.arange(min(DATA_START, period.start), max(DATA_END, period.stop - 1) + 1)
    rows = slice(period.start - int(span[0]), period.stop - int(span[0]))
    partners = list(scenario.agents.partners)
    countries = data.countries.set_index("iso3")
    known = set(countries.index[countries["role"] == "partner"])
    unknown = [p for p in partners if p not in known]
    if unknown:
        source = getattr(scenario, "source_file", scenario.name)
        message = (
            f"no partner data for {', '.join(unknown)}; partners are the countries with role "
            f"'partner' in sim/data/countries.csv: {', '.join(sorted(known))}"
        )
        raise ScenarioError(source, f"agents.partners[{partners.index(unknown[0])}]", message)
    attrs = countries.loc[partners].copy()
    for iso3, overrides in (scenario.partner_overrides or {}).items():
        for key, value in overrides.items():
            attrs.loc[iso3, key] = value
    fills: list[str] = []
    pivots: dict[tuple[int, str], pd.DataFrame] = {}  # the frames below live until the end

    def filled(frame: pd.DataFrame, column: str, actors: list[str], label: str) -> np.ndarray:
        raw = _pivot(frame, column, actors, span, pivots)
        cols = [_fill(raw[:, j], f"{label}[{a}]", span, period, fills)
                for j, a in enumerate(actors)]
        return np.column_stack(cols)[rows]

    milex = data.milex.assign(
        gdp=lambda d: d["milex_const_usd_m"] / (d["milex_pct_gdp"] / 100.0)
    )
    dem = filled(data.polyarchy, "value", partners, "polyarchy")
    trade = data.trade.assign(share_nato=lambda d: d["share_nato"].clip(upper=1.0))
    trade_rus = filled(trade, "share_rus", partners, "trade share with Russia")
    trade_west = filled(trade, "share_nato", partners, "trade share with NATO members")
    partner_milex = filled(milex, "milex_const_usd_m", partners, "milex")
    partner_gdp = filled(milex, "gdp", partners, "SIPRI-implied GDP")

    russia = filled(milex, "milex_const_usd_m", ["RUS"], "milex")[:, 0]
    gdp_russia = filled(milex, "gdp", ["RUS"], "SIPRI-implied GDP")[:, 0]
    core = _nato_core(countries, partners, scenario.period.start)
    core_milex = np.nansum(_pivot(milex, "milex_const_usd_m", core, span, pivots), axis=1)[rows]
    core_gdp = np.nansum(_pivot(milex, "gdp", core, span, pivots), axis=1)[rows]

    independence = attrs["independence_year"].fillna(years[0]).to_numpy(dtype=float)
    active = years[:, None] >= independence[None, :]
    a0 = np.clip(trade_west[0] - trade_rus[0], -1.0, 1.0)

    return Inputs(
        years=years,
        partners=tuple(partners),
        w=attrs["proximity_w"].to_numpy(dtype=float),
        buffer=(_flag(attrs["former_ussr"]) | _flag(attrs["former_warsaw_pact"])).astype(float),
        former_ussr=_flag(attrs["former_ussr"]).astype(float),
        active=active,
        dem=dem,
        trade_rus=trade_rus,
        trade_west=trade_west,
        milex=partner_milex,
        gdp=partner_gdp,
        dem_russia=filled(data.polyarchy, "value", ["RUS"], "polyarchy")[:, 0],
        dem_west=filled(data.polyarchy, "value", ["USA"], "polyarchy")[:, 0],
        trade_russia_west=filled(trade, "share_nato", ["RUS"], "trade share with NATO")[:, 0],
        gdp_russia=gdp_russia,
        gdp_nato_core=core_gdp,
        milex_nato_core=core_milex,
        burden_russia0=float(100.0 * russia[0] / gdp_russia[0]),
        burden_nato0=float(100.0 * core_milex[0] / core_gdp[0]),
        alignment0=a0,
        status0=_initial_status(attrs, scenario.period.start),
        milestones=tuple(m for m in scenario.milestones if m.role == "input"),
        fills=tuple(fills),
    )


def freeze_inputs(
    inputs: Inputs, after_year: int, fields: tuple[str, ...] = ("dem_russia", "gdp_russia")
) -> Inputs:
    """New inputs with some yearly series held at their ``after_year`` value for later years.

    Used for the frozen-inputs check: Russian democracy and GDP after the calibration window
    may be consequences of the relation (sanctions, war) rather than causes of it.

    Args:
        inputs: the inputs to copy (not modified).
        after_year: the last year whose values are kept (clamped to the covered years).
        fields: names of yearly ``Inputs`` arrays, ``(T,)`` or ``(T, P)``.

    Returns:
        A copy of ``inputs`` with ``fields`` frozen and the freeze logged in ``fills``.

    Raises:
        ValueError: a field is not a yearly array of the inputs.
    """
    i = inputs.index(after_year)
    frozen: dict[str, np.ndarray] = {}
    for name in fields:
        values = getattr(inputs, name, None)
        if not isinstance(values, np.ndarray) or values.shape[:1] != inputs.years.shape:
            raise ValueError(f"{name!r} is not a yearly input array")
        held = values.copy()
        held[i + 1:] = values[i]
        frozen[name] = held
    note = f"frozen after {int(inputs.years[i])}: {', '.join(fields)}"
    return replace(inputs, **frozen, fills=(*inputs.fills, note))


def _flag(column: pd.Series) -> np.ndarray:
    return column.map(lambda v: str(v).strip().lower() in {"true", "1", "yes"}).to_numpy()


def _nato_core(countries: pd.DataFrame, partners: list[str], start: int) -> list[str]:
    """NATO members before the period starts that are not modelled as partners."""
    core = []
    for iso3, row in countries.iterrows():
        joined = _year_of(row.get("nato_accession_date"))
        if iso3 not in partners and joined is not None and joined < start:
            core.append(iso3)
    return core


def _initial_status(attrs: pd.DataFrame, start: int) -> np.ndarray:
    """Status at the start of the period from dates that precede it (0 none .. 3 member)."""
    status = np.zeros(len(attrs), dtype=np.int8)
    for column, level in (("pfp_join_date", 1), ("map_date", 2), ("nato_accession_date", 3)):
        for j, value in enumerate(attrs[column].tolist()):
            year = _year_of(value)
            if year is not None and year < start:
                status[j] = max(status[j], level)
    return status
