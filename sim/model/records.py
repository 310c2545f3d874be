"""Records: the one contract between a run and everything after it.

A run (one paradigm, K replicas) or a set of runs produces a :class:`Records`: two tidy
tables and a metadata dict. Scoring, plots, the CLI and notebooks read only this.

Year ``y`` is the state at the end of calendar year ``y``.

A run's records keep the model's arrays and build each table on first use, column by column
(categorical ``paradigm`` and ``partner`` columns, compact integer columns); once a table is
built it replaces the arrays it came from, so a Records holds its values once, as arrays or
as tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SERIES_COLUMNS: tuple[str, ...] = (
    "paradigm", "replica", "year", "R", "S", "H_R", "H_N",
    "russia_burden", "nato_burden", "russia_milex", "nato_milex",
    "xi", "memory", "menu", "suspended",
)
PARTNER_COLUMNS: tuple[str, ...] = (
    "paradigm", "replica", "year", "partner", "alignment", "status", "coercion",
    "L_R", "V_N", "G",
)
STATUS_LABELS = {0: "none", 1: "PfP", 2: "MAP/invited", 3: "member"}
S_LABELS = {0: "none/suspended", 1: "NACC/EAPC", 2: "PfP", 3: "PJC", 4: "NRC"}
#: Integer-valued columns (small codes: int8 in the tables).
INT_COLUMNS = ("S", "menu", "suspended", "status", "coercion")


@dataclass(frozen=True)
class Block:
    """One run's recorded arrays, the source of its rows in the tables.

    Attributes:
        paradigm: the paradigm's name.
        years: ``(T,)`` recorded years.
        partners: the P partner codes.
        series: ``(T, len(SERIES_COLUMNS) - 3, K)`` dyad-level values.
        partner_values: column -> ``(T, K, P)`` partner-level values.
        replica0: the number of the first replica (a chunk of a larger ensemble).
    """

    paradigm: str
    years: np.ndarray
    partners: tuple[str, ...]
    series: np.ndarray
    partner_values: dict[str, np.ndarray]
    replica0: int = 0

    @property
    def replicas(self) -> int:
        return int(self.series.shape[2])


@dataclass(frozen=True)
class Records:
    """Yearly outputs of one or more ensembles.

    Attributes:
        series: one row per paradigm x replica x year (columns ``SERIES_COLUMNS``).
        partners: one row per paradigm x replica x year x partner (``PARTNER_COLUMNS``).
        meta: scenario name, mode, seed, replicas, parameters per paradigm, milestones.

    Construct from two frames (``Records(series, partners, meta)``) or from the model's
    arrays (:func:`records_from_arrays`: lists of :class:`Block`); both give the same
    tables. A table given as blocks is built on first access and then replaces them.
    """

    series: pd.DataFrame = field(repr=False)
    partners: pd.DataFrame = field(repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = []
        series, partners = self.__dict__["series"], self.__dict__["partners"]
        if isinstance(series, pd.DataFrame):
            missing += [c for c in SERIES_COLUMNS if c not in series.columns]
        if isinstance(partners, pd.DataFrame):
            missing += [c for c in PARTNER_COLUMNS if c not in partners.columns]
        if missing:
            raise ValueError(f"Records is missing columns: {missing}")

    @property
    def _series(self):
        return self.__dict__["series"]

    @property
    def _partners(self):
        return self.__dict__["partners"]

    @property
    def blocks(self) -> list[Block] | None:
        """The arrays behind the partner table while it is not built (else None)."""
        return None if isinstance(self._partners, pd.DataFrame) else list(self._partners)

    def _categories(self) -> list[str]:
        return list(dict.fromkeys([*(self.meta.get("paradigms") or ()), *self.paradigms]))

    @property
    def paradigms(self) -> list[str]:
        """The paradigms in the order of their rows."""
        if not isinstance(self._series, pd.DataFrame):
            return list(dict.fromkeys(b.paradigm for b in self._series))
        return [str(p) for p in pd.unique(self._series["paradigm"])]

    @property
    def years(self) -> list[int]:
        if not isinstance(self._series, pd.DataFrame):
            return sorted({int(y) for b in self._series for y in b.years})
        return sorted(self.series["year"].unique().tolist())

    def nbytes(self) -> int:
        """Bytes held: the arrays not yet turned into tables, plus the built tables."""
        total = 0
        for source in (self._series, self._partners):
            if isinstance(source, pd.DataFrame):
                total += int(source.memory_usage(index=True, deep=False).sum())
            else:
                for b in source:
                    total += b.series.nbytes if source is self._series else sum(
                        v.nbytes for v in b.partner_values.values())
        return total

    def quantiles(self, column: str, qs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles of a series column over replicas, by paradigm and year (long format)."""
        grouped = self.series.groupby(["paradigm", "year"], sort=False, observed=True)[column]
        out = grouped.quantile(list(qs)).unstack()
        out.columns = [f"q{int(round(q * 100)):02d}" for q in qs]
        out = out.reset_index()
        out["paradigm"] = out["paradigm"].astype(str)
        return out

    @staticmethod
    def concat(parts: list[Records]) -> Records:
        """Join the records of several paradigms run on the same scenario and seed."""
        if not parts:
            raise ValueError("no records to concatenate")
        meta = dict(parts[0].meta)
        meta["params"] = {}
        for part in parts:
            meta["params"].update(part.meta.get("params", {}))
        meta["paradigms"] = list(dict.fromkeys(p for part in parts for p in part.paradigms))
        return Records(series=_join([p._series for p in parts], "series", meta["paradigms"]),
                       partners=_join([p._partners for p in parts], "partners",
                                      meta["paradigms"]),
                       meta=meta)


def _table(name: str, build):
    """A dataclass field read through a property: blocks become a table on first access."""

    def get(self: Records) -> pd.DataFrame:
        value = self.__dict__[name]
        if not isinstance(value, pd.DataFrame):
            value = build(value, self._categories())
            self.__dict__[name] = value  # the table replaces the arrays it came from
        return value

    def put(self: Records, value) -> None:  # only the dataclass __init__ sets it
        self.__dict__[name] = value

    return property(get, put, doc=f"The {name} table (built from the arrays on first use).")


def _join(sources: list, kind: str, categories: list[str]):
    """Concatenate sources: block lists stay lazy; any built frame forces frames."""
    if all(not isinstance(s, pd.DataFrame) for s in sources):
        return [b for s in sources for b in s]
    build = series_table if kind == "series" else partner_table
    frames = [s if isinstance(s, pd.DataFrame) else build(s, categories) for s in sources]
    out = pd.concat(frames, ignore_index=True)
    if "paradigm" in out and not isinstance(out["paradigm"].dtype, pd.CategoricalDtype):
        names = list(dict.fromkeys([*categories, *map(str, pd.unique(out["paradigm"]))]))
        out["paradigm"] = pd.Categorical(out["paradigm"].astype(str), categories=names)
    return out


def _codes(values: list[str], categories: list[str]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(categories)}
    return np.array([lookup[v] for v in values], dtype=np.int16)


def series_columns(block: Block) -> dict[str, np.ndarray]:
    """The series rows of one block as plain arrays (rows replica-major, then year)."""
    T, _, K = block.series.shape
    cols: dict[str, np.ndarray] = {
        "replica": np.repeat(np.arange(block.replica0, block.replica0 + K, dtype=np.int32), T),
        "year": np.tile(np.asarray(block.years).astype(np.int16), K),
    }
    for j, name in enumerate(SERIES_COLUMNS[3:]):
        values = block.series[:, j, :].T.reshape(-1)
        cols[name] = values.astype(np.int8) if name in INT_COLUMNS else values.copy()
    return cols


def partner_columns(block: Block) -> dict[str, np.ndarray]:
    """The partner rows of one block as plain arrays (replica-major, year, partner)."""
    values = block.partner_values
    T, K, P = values[PARTNER_COLUMNS[4]].shape
    cols: dict[str, np.ndarray] = {
        "replica": np.repeat(np.arange(block.replica0, block.replica0 + K, dtype=np.int32),
                             T * P),
        "year": np.tile(np.repeat(np.asarray(block.years).astype(np.int16), P), K),
        "partner": np.tile(np.arange(P, dtype=np.int16), K * T),
    }
    for name in PARTNER_COLUMNS[4:]:
        moved = values[name].transpose(1, 0, 2).reshape(-1)
        cols[name] = moved.astype(np.int8) if name in INT_COLUMNS else np.ascontiguousarray(moved)
    return cols


def _frame(blocks: list[Block], columns: tuple[str, ...], categories: list[str],
           build) -> pd.DataFrame:
    if not blocks:
        return pd.DataFrame(columns=list(columns))
    partner_categories = _partner_categories(blocks)
    parts = []
    for b in blocks:
        cols = build(b)
        if "partner" in cols:  # local partner numbers -> codes of the joint categories
            cols["partner"] = _codes(list(b.partners), partner_categories)[cols["partner"]]
        parts.append(cols)
    n = [len(p["replica"]) for p in parts]
    codes = np.repeat(_codes([b.paradigm for b in blocks], categories), n)
    data: dict[str, Any] = {"paradigm": pd.Categorical.from_codes(codes, categories=categories)}
    for name in columns[1:]:
        merged = parts[0].pop(name) if len(parts) == 1 else \
            np.concatenate([p.pop(name) for p in parts])
        data[name] = (pd.Categorical.from_codes(merged, categories=partner_categories)
                      if name == "partner" else merged)
    return pd.DataFrame(data, copy=False)


def _partner_categories(blocks: list[Block]) -> list[str]:
    return list(dict.fromkeys(p for b in blocks for p in b.partners))


Records.series = _table("series", lambda b, c: series_table(b, c))  # type: ignore[assignment]
Records.partners = _table("partners", lambda b, c: partner_table(b, c))  # type: ignore[assignment]


def series_table(blocks: list[Block], categories: list[str]) -> pd.DataFrame:
    """The series table of some blocks, built column-wise."""
    return _frame(blocks, SERIES_COLUMNS, categories, series_columns)


def partner_table(blocks: list[Block], categories: list[str]) -> pd.DataFrame:
    """The partner table of some blocks, built column-wise."""
    return _frame(blocks, PARTNER_COLUMNS, categories, partner_columns)


def records_from_arrays(
    paradigm: str,
    years,
    partners,
    series,
    partner_values,
    meta: dict[str, Any],
    replica0: int = 0,
) -> Records:
    """Records of the model's arrays (tables built on first use).

    Args:
        paradigm: the paradigm's name.
        years: ``(T,)`` recorded years.
        partners: P partner codes.
        series: ``(T, len(SERIES_COLUMNS) - 3, K)`` dyad-level values.
        partner_values: column -> ``(T, K, P)`` partner-level values
            (``PARTNER_COLUMNS[4:]``).
        meta: run metadata.
        replica0: the number of the first replica.
    """
    meta = {**meta, "paradigms": [paradigm]}
    if len(years) == 0:  # before the first step: empty tables with the right columns
        return Records(series=pd.DataFrame(columns=list(SERIES_COLUMNS)),
                       partners=pd.DataFrame(columns=list(PARTNER_COLUMNS)), meta=meta)
    block = Block(paradigm=paradigm, years=np.asarray(years), partners=tuple(partners),
                  series=series, partner_values=dict(partner_values), replica0=replica0)
    return Records(series=[block], partners=[block], meta=meta)
