"""Partner files: one sourced data file per added partner, ``sim/data/partners/<ISO3>.csv``.

A partner file is long: one row per attribute or per yearly value, each with its sources::

    field,year,value,source,verification,note
    name,,Examplestan,ATLAS2020,confirmed (official name),
    independence_year,,1991,ATLAS2020,n/a (state existed before 1991),
    polyarchy,1991,0.412,VDEM16,confirmed (v2x_polyarchy),
    milex_pct_gdp,1993,,SIPRI2025,no SIPRI figure,SIPRI cell '...'

* attribute rows (an empty ``year``): :data:`ATTRIBUTES`, the columns of ``countries.csv``
  (the ``role`` is ``partner``, the ``iso3`` the file's name); each exactly once, its
  ``value`` empty where there is none (a date never reached);
* yearly rows: :data:`YEARLY`, the value columns of ``polyarchy.csv`` (as ``polyarchy``),
  ``milex.csv`` and ``trade.csv``; one row per year of that file's years (1991-2024, trade
  1991-2014), the ``value`` empty where the source has none (then filled by
  :mod:`sim.data.inputs`, and the fill listed); ``sipri_estimate`` is optional.

The rows are turned into rows of the four tables and checked with the same schemas and the
same validator as the main files (:func:`sim.data.tables.validate_table`); a bad value is
reported on one line naming the partner file, its line and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from sim.core.errors import DataError
from sim.data.tables import (
    FIRST_YEAR,
    LAST_YEAR,
    SCHEMAS,
    Col,
    Locate,
    Schema,
    parse_csv,
    read_text,
    validate_table,
)

PARTNERS_DIR = "partners"
README = "README.md"
_FILE = re.compile(r"^[A-Z]{3}\.csv$")
_META = ("source", "verification", "note")  # per-row columns, not values

#: Attribute fields: the columns of countries.csv a partner file gives (blank year).
ATTRIBUTES: tuple[str, ...] = tuple(
    c for c in SCHEMAS["countries.csv"].columns if c not in ("iso3", "role", *_META)
)
#: Yearly field -> (table, column).
YEARLY: dict[str, tuple[str, str]] = {
    ("polyarchy" if (t, c) == ("polyarchy.csv", "value") else c): (t, c)
    for t in ("polyarchy.csv", "milex.csv", "trade.csv")
    for c in SCHEMAS[t].columns
    if c not in ("year", "actor", *_META)
}
OPTIONAL_YEARLY = ("sipri_estimate",)  # may be left out; every other field is complete

#: The columns of a partner file (each row's own schema).
ROWS = Schema(
    columns={
        "field": Col("str", True, choices=(*ATTRIBUTES, *YEARLY)),
        "year": Col("int", lo=FIRST_YEAR, hi=LAST_YEAR),
        "value": Col("str"),
        "source": Col("keys", True),
        "verification": Col("str", True),
        "note": Col("str"),
    },
    key=("field", "year"),
)
#: countries.csv's schema with the proximity weight required (every partner needs one).
_COUNTRY = replace(
    SCHEMAS["countries.csv"],
    columns={**SCHEMAS["countries.csv"].columns,
             "proximity_w": replace(SCHEMAS["countries.csv"].columns["proximity_w"],
                                    required=True)},
)


class _Row(NamedTuple):
    line: int
    field: str
    value: str
    source: str
    verification: str
    note: str


@dataclass(frozen=True)
class PartnerFile:
    """One validated partner file.

    Attributes:
        iso3: the partner (the file's name).
        path: the file.
        sha256: hex digest of its bytes.
        tables: ``countries.csv``, ``milex.csv``, ``polyarchy.csv``, ``trade.csv`` -> the
            typed rows it adds (the dtypes of the main tables).
    """

    iso3: str
    path: Path
    sha256: str
    tables: dict[str, pd.DataFrame]


def partner_paths(data_dir: Path) -> dict[str, Path]:
    """``partners/XYZ.csv`` -> path of every partner file under ``data_dir``, sorted.

    Raises:
        DataError: a file in the folder is neither ``<ISO3>.csv`` nor the README.
    """
    folder = Path(data_dir) / PARTNERS_DIR
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == README:
            continue
        if not (_FILE.match(path.name) and path.is_file()):
            raise DataError(path, "file name", "expected a partner file named <ISO3>.csv "
                            f"(upper case, e.g. XYZ.csv) or {README}")
        found[f"{PARTNERS_DIR}/{path.name}"] = path
    return found


def read_partners(
    data_dir: Path, refs: dict, countries: pd.DataFrame
) -> dict[str, PartnerFile]:
    """Read and validate every partner file under ``data_dir`` (see the module docstring).

    Args:
        data_dir: the data folder (partner files in its ``partners/``).
        refs: the citation keys of ``references.yaml``.
        countries: the validated ``countries.csv`` (a partner may not be defined in both).

    Raises:
        DataError: the first problem, naming the partner file, its line and the field.
    """
    main = set(countries["iso3"])
    out = {}
    for key, path in partner_paths(data_dir).items():
        iso3 = path.stem
        if iso3 in main:
            raise DataError(path, "file name", f"{iso3} is also defined in countries.csv; "
                            "define a partner in one place (remove its rows there or this file)")
        out[key] = _read_one(path, iso3, refs)
    return out


def _read_one(path: Path, iso3: str, refs: dict) -> PartnerFile:
    text, digest = read_text(path)
    frame = validate_table(parse_csv(text, path), ROWS, path, refs, set())
    rows: dict[tuple[str, int | None], _Row] = {}  # (field, year) -> its row
    for i, row in enumerate(frame.itertuples(index=False)):
        year = None if pd.isna(row.year) else int(row.year)
        _check_year(path, i + 2, row.field, year)
        rows[(row.field, year)] = _Row(i + 2, row.field, row.value.strip(), row.source,
                                       row.verification.strip(), row.note.strip())
    _check_complete(path, rows)
    tables = {"countries.csv": _country(path, iso3, rows, refs)}
    for table in ("milex.csv", "polyarchy.csv", "trade.csv"):
        tables[table] = _panel(path, iso3, table, rows, refs)
    return PartnerFile(iso3=iso3, path=path, sha256=digest, tables=tables)


def _check_year(path: Path, line: int, name: str, year: int | None) -> None:
    where = f"line {line}, column year"
    if name in ATTRIBUTES:
        if year is not None:
            raise DataError(path, where, f"{name} is an attribute: leave the year empty")
        return
    if year is None:
        raise DataError(path, where, f"blank; {name} is yearly: give the year of the value")
    table = YEARLY[name][0]
    lo, hi = _years(table)
    if not lo <= year <= hi:
        raise DataError(path, where, f"{year} is outside {lo}-{hi}, the years of {table} "
                        f"(field {name})")


def _check_complete(path: Path, lines: dict[tuple[str, int | None], _Row]) -> None:
    for name in ATTRIBUTES:
        if (name, None) not in lines:
            raise DataError(path, f"field {name}", "no row; expected one row with an empty "
                            "year (an empty value if there is none)")
    for name, (table, _) in YEARLY.items():
        if name in OPTIONAL_YEARLY:
            continue
        lo, hi = _years(table)
        absent = [y for y in range(lo, hi + 1) if (name, y) not in lines]
        if absent:
            raise DataError(path, f"field {name}", f"no row for year {absent[0]}; expected one "
                            f"row per year {lo}-{hi} (an empty value where the source has none)")


def _years(table: str) -> tuple[int, int]:
    return SCHEMAS[table].years or (FIRST_YEAR, LAST_YEAR)


def _joined(rows: list[_Row], column: str, sep: str, label: bool = False) -> str:
    """The distinct non-blank cells of ``column``, in order (``field:cell`` if ``label``)."""
    cells: list[str] = []
    for row in rows:
        cell = getattr(row, column)
        for part in cell.split(";") if column == "source" else [cell]:
            text = f"{row.field}:{part}" if label and part else part
            if text and text not in cells:
                cells.append(text)
    return sep.join(cells)


def _locate(path: Path, rows: dict, key_of: Callable[[int, str], tuple]) -> Locate:
    def where(row: int, column: str) -> tuple[Path, str]:
        key = key_of(row, column)
        if key in rows:
            return path, f"line {rows[key].line}, field {key[0]}"
        return path, f"field {column}"

    return where


def _country(path: Path, iso3: str, rows: dict, refs: dict) -> pd.DataFrame:
    attrs = [rows[(name, None)] for name in ATTRIBUTES]
    raw = {row.field: row.value for row in attrs}
    raw |= {"iso3": iso3, "role": "partner", "source": _joined(attrs, "source", ";"),
            "verification": _joined(attrs, "verification", " | ", label=True),
            "note": _joined(attrs, "note", " | ", label=True)}
    frame = pd.DataFrame([{c: raw[c] for c in _COUNTRY.columns}])
    locate = _locate(path, rows, lambda row, column: (column, None))
    return validate_table(frame, _COUNTRY, path, refs, set(), locate)


def _panel(path: Path, iso3: str, table: str, rows: dict, refs: dict) -> pd.DataFrame:
    """The rows of one panel table, one per year; each cell from its field's row."""
    fields = {column: name for name, (t, column) in YEARLY.items() if t == table}
    lo, hi = _years(table)
    out = []
    for year in range(lo, hi + 1):
        here = [rows[(name, year)] for name in fields.values() if (name, year) in rows]
        value = {row.field: row.value for row in here}
        out.append({"year": str(year), "actor": iso3,
                    **{column: value.get(name, "") for column, name in fields.items()},
                    "source": _joined(here, "source", ";"), "note": _joined(here, "note", "; ")})
    frame = pd.DataFrame(out, columns=list(SCHEMAS[table].columns))
    locate = _locate(path, rows, lambda row, column: (fields.get(column, column), lo + row))
    return validate_table(frame, SCHEMAS[table], path, refs, {iso3}, locate)
