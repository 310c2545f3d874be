"""The schemas of the project's data tables and the one validator of their cells.

Every CSV is read as text first (``dtype=str``) so that a bad cell can be reported with its
line number (1-based, header = line 1, so data row ``i`` is line ``i + 2``) and column. Any
problem is raised as :class:`sim.core.errors.DataError`. The schemas below are the contract: which
columns each file has, their types, and whether a blank cell is allowed. The same schemas and
checks validate the rows of the main files and the rows built from a partner file
(:mod:`sim.data.partner_files`); a ``locate`` callback says where a bad cell came from.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.errors import DataError
from sim.core.files import sha256_bytes
from sim.core.safeload import MAX_DATA_BYTES, read_bytes_file

FIRST_YEAR, LAST_YEAR = 1991, 2024
REFERENCES = "references.yaml"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")

#: ``locate(row, column) -> (file, where)``: where a bad cell of a table came from.
Locate = Callable[[int, str], tuple[Path, str]]


@dataclass(frozen=True)
class Col:
    """One column of a file schema.

    Args:
        kind: ``str``, ``int``, ``float``, ``bool``, ``date`` (YYYY-MM-DD), ``partial_date``
            (YYYY, YYYY-MM or YYYY-MM-DD), ``iso3`` or ``keys`` (``;``-separated citation keys).
        required: a blank cell is an error.
        choices: allowed values (for ``str``), if restricted.
        lo: smallest allowed number (``int``/``float``), if bounded.
        hi: largest allowed number (``int``/``float``), if bounded.
    """

    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class Schema:
    """The expected layout of one CSV file.

    Args:
        columns: column name -> :class:`Col`, in file order.
        key: columns whose combination must be unique.
        years: if set, every actor must have one row per year in this inclusive range.
        actor_roles: if set, every country with one of these roles must appear as an actor.
    """

    columns: dict[str, Col]
    key: tuple[str, ...]
    years: tuple[int, int] | None = None
    actor_roles: tuple[str, ...] = ()


_PANEL = {"year": Col("int", True, lo=FIRST_YEAR, hi=LAST_YEAR), "actor": Col("iso3", True)}

SCHEMAS: dict[str, Schema] = {
    "countries.csv": Schema(
        columns={
            "iso3": Col("iso3", True),
            "name": Col("str", True),
            "role": Col("str", True, choices=("focal", "partner", "nato_founder")),
            "independence_year": Col("int", True, lo=FIRST_YEAR, hi=LAST_YEAR),
            "borders_russia": Col("bool", True),
            "former_ussr": Col("bool", True),
            "former_warsaw_pact": Col("bool", True),
            "hosts_russian_forces": Col("bool", True),
            "borders_russian_ally": Col("bool", True),
            "proximity_w": Col("float", lo=0.0, hi=1.0),
            "nato_accession_date": Col("date"),
            "pfp_join_date": Col("date"),
            "map_date": Col("date"),
            "source": Col("keys", True),
            "verification": Col("str", True),
            "note": Col("str"),
        },
        key=("iso3",),
    ),
    "milex.csv": Schema(
        columns={
            **_PANEL,
            "milex_const_usd_m": Col("float", lo=0.0),
            "milex_pct_gdp": Col("float", lo=0.0, hi=100.0),
            "sipri_estimate": Col("int", lo=0, hi=1),
            "source": Col("keys", True),
            "note": Col("str"),
        },
        key=("year", "actor"),
        years=(FIRST_YEAR, LAST_YEAR),
        actor_roles=("focal", "partner", "nato_founder"),
    ),
    "polyarchy.csv": Schema(
        columns={
            **_PANEL,
            "value": Col("float", lo=0.0, hi=1.0),
            "source": Col("keys", True),
            "note": Col("str"),
        },
        key=("year", "actor"),
        years=(FIRST_YEAR, LAST_YEAR),
        actor_roles=("focal", "partner"),
    ),
    "trade.csv": Schema(
        columns={
            **_PANEL,
            "share_rus": Col("float", lo=0.0),
            "share_nato": Col("float", lo=0.0),
            "share_eu": Col("float", lo=0.0),
            "total_trade_musd": Col("float", lo=0.0),
            "source": Col("keys", True),
            "note": Col("str"),
        },
        key=("year", "actor"),
        years=(FIRST_YEAR, 2014),
        actor_roles=("focal", "partner"),
    ),
    "chronology.csv": Schema(
        columns={
            "id": Col("int", True, lo=1),
            "date": Col("partial_date", True),
            "date_precision": Col("str", True, choices=("day", "month", "year")),
            "event": Col("str", True),
            "actors": Col("str", True),
            "type": Col("str", True),
            "subtype": Col("str", True),
            "cameo_code": Col("str"),
            "cameo_label": Col("str"),
            "goldstein": Col("float", lo=-10.0, hi=10.0),
            "cameo_fit": Col("str", True, choices=("clear", "approximate", "none")),
            "cameo_dyad": Col("str"),
            "verification": Col("str", True),
            "notes": Col("str"),
            "sources": Col("str", True),
            "source": Col("keys", True),
        },
        key=("id",),
    ),
}


def read_text(path: Path) -> tuple[str, str]:
    """Return the UTF-8 text of a file and its sha256, or raise a DataError."""
    if not path.is_file():
        raise DataError(path, "", "file is missing")
    data = read_bytes_file(path, limit=MAX_DATA_BYTES, error=DataError, what="data file")
    digest = sha256_bytes(data)
    if not data.strip():
        raise DataError(path, "", "file is empty; expected a header line and data rows")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(path, f"line {line}", "binary content (NUL byte); expected UTF-8 text")
    try:
        return data.decode("utf-8"), digest
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(path, f"line {line}", "not valid UTF-8 text") from None


def parse_csv(text: str, path: Path) -> pd.DataFrame:
    """Parse CSV text into an all-string DataFrame (blank cells are '')."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        found = re.search(r"line (\d+)", str(err))
        where = f"line {found.group(1)}" if found else ""
        raise DataError(path, where, f"malformed CSV ({str(err).strip()})") from None
    for i, row in enumerate(frame.itertuples(index=False)):
        if any(not isinstance(cell, str) for cell in row):
            raise DataError(path, f"line {i + 2}", f"expected {frame.shape[1]} fields")
    return frame


def validate_table(
    raw: pd.DataFrame,
    schema: Schema,
    path: Path,
    refs: dict,
    actors: set[str],
    locate: Locate | None = None,
) -> pd.DataFrame:
    """Check columns, cells, keys and year coverage; return the typed DataFrame.

    Args:
        raw: the all-string table (:func:`parse_csv`).
        schema: its :class:`Schema`.
        path: the file it was read from (named in every error).
        refs: the citation keys of ``references.yaml``.
        actors: the known ISO3 codes (``iso3`` cells must be one of them; empty: any code).
        locate: where a cell came from, if not line ``row + 2``, column ``column`` of
            ``path`` (rows built from a partner file name its line and field).

    Raises:
        DataError: the first problem, on one line naming file, line and column.
    """
    missing = [c for c in schema.columns if c not in raw.columns]
    if missing:
        raise DataError(path, f"column {missing[0]}", "required column is missing")
    extra = [c for c in raw.columns if c not in schema.columns]
    if extra:
        raise DataError(path, f"column {extra[0]}", "unexpected column")
    if raw.empty:
        raise DataError(path, "line 2", "no data rows")
    where = locate or (lambda row, name: (path, f"line {row + 2}, column {name}"))
    typed = {
        name: [_cell(v, *where(i, name), col, refs, actors) for i, v in enumerate(raw[name])]
        for name, col in schema.columns.items()
    }
    _check_unique(raw, schema.key, path)
    if schema.years is not None:
        _check_years(raw, schema.years, path)
    return _to_frame(typed, schema)


def _cell(value: str, path: Path, where: str, col: Col, refs: dict, actors: set[str]) -> Any:
    """Parse one cell; raise a DataError naming ``path`` and ``where`` (its line and column)."""
    text = value.strip()
    if text == "":
        if col.required:
            raise DataError(path, where, f"blank cell; expected a {col.kind} value")
        return None
    kind = col.kind
    if kind in ("int", "float"):
        return _number(text, kind, col, path, where)
    if kind == "bool":
        if text not in ("true", "false"):
            raise DataError(path, where, f"expected true or false, got {text!r}")
        return text == "true"
    if kind in ("date", "partial_date"):
        pattern = _DATE if kind == "date" else _PARTIAL_DATE
        if not pattern.match(text) or pd.isna(pd.to_datetime(text, errors="coerce")):
            raise DataError(path, where, f"expected an ISO date (YYYY-MM-DD), got {text!r}")
        return text
    if kind == "iso3":
        if not _ISO3.match(text):
            raise DataError(path, where, f"expected an ISO-3166 alpha-3 code, got {text!r}")
        if actors and text not in actors:
            raise DataError(path, where, f"unknown actor {text!r}; not in countries.csv")
        return text
    if kind == "keys":
        for key in text.split(";"):
            if key not in refs:
                raise DataError(path, where, f"citation key {key!r} not in {REFERENCES}")
        return text
    if col.choices and text not in col.choices:
        raise DataError(path, where, f"expected one of {', '.join(col.choices)}, got {text!r}")
    return value


def _number(text: str, kind: str, col: Col, path: Path, where: str) -> float | int:
    """Parse a finite int or float within the column's bounds."""
    try:
        number: float | int = int(text) if kind == "int" else float(text)
    except ValueError:
        raise DataError(path, where, f"expected a number ({kind}), got {text!r}") from None
    if not math.isfinite(number):
        raise DataError(path, where, f"expected a finite number, got {text!r} (leave blank)")
    if (col.lo is not None and number < col.lo) or (col.hi is not None and number > col.hi):
        raise DataError(path, where, f"{text} is outside the range [{col.lo}, {col.hi}]")
    return number


def _check_unique(raw: pd.DataFrame, key: tuple[str, ...], path: Path) -> None:
    dup = raw.duplicated(list(key), keep="first")
    if dup.any():
        row = int(dup.to_numpy().nonzero()[0][0])
        values = ", ".join(raw.iloc[row][list(key)])
        raise DataError(path, f"line {row + 2}", f"duplicate key ({', '.join(key)}) = {values}")


def _check_years(raw: pd.DataFrame, years: tuple[int, int], path: Path) -> None:
    expected = set(range(years[0], years[1] + 1))
    for actor, group in raw.groupby("actor", sort=True):
        have = {int(y) for y in group["year"]}
        if have != expected:
            gap = sorted(expected - have) or sorted(have - expected)
            raise DataError(
                path,
                "column year",
                f"actor {actor} must have one row for every year {years[0]}-"
                f"{years[1]}; year {gap[0]} is missing or out of range",
            )


def check_actor_roles(
    raw: pd.DataFrame, schema: Schema, countries: pd.DataFrame, path: Path
) -> None:
    if not schema.actor_roles:
        return
    wanted = set(countries.loc[countries["role"].isin(schema.actor_roles), "iso3"])
    absent = sorted(wanted - set(raw["actor"]))
    if absent:
        raise DataError(path, "column actor", f"no rows for actor {absent[0]} (in countries.csv)")


def _to_frame(typed: dict[str, list[Any]], schema: Schema) -> pd.DataFrame:
    """Turn parsed cells into a DataFrame with proper dtypes."""
    out = {}
    for name, col in schema.columns.items():
        values = typed[name]
        if col.kind == "float":
            out[name] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
        elif col.kind == "int":
            dtype = "int64" if col.required else "Int64"
            out[name] = pd.array(values, dtype=dtype)
        elif col.kind == "bool":
            out[name] = pd.array(values, dtype="bool")
        elif col.kind == "date":
            out[name] = pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d")
        else:
            out[name] = pd.Series(["" if v is None else v for v in values], dtype="str")
    return pd.DataFrame(out)
