"""Load and validate the project's sourced data files (``sim/data``).

:func:`load_data` reads ``references.yaml``, the main CSVs (schemas and the validator in
:mod:`sim.data.tables`) and every partner file ``partners/<ISO3>.csv``
(:mod:`sim.data.partner_files`), whose rows join the four tables they define after the same
checks. Any problem is raised as :class:`sim.core.errors.DataError` on one line naming the
file, the line and the column (or field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.core.errors import DataError
from sim.data import partner_files
from sim.data.tables import (
    FIRST_YEAR,
    LAST_YEAR,
    REFERENCES,
    SCHEMAS,
    Col,
    Schema,
    check_actor_roles,
    parse_csv,
    read_text,
    validate_table,
)

__all__ = [
    "FIRST_YEAR", "LAST_YEAR", "REFERENCES", "SCHEMAS", "Col", "Dataset", "Schema",
    "data_files", "default_data_dir", "load_data",
]

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TABLES = ("countries", "milex", "polyarchy", "trade")  # the tables a partner file adds to


@dataclass(frozen=True)
class Dataset:
    """All validated project data.

    Numbers are floats (NaN where the source has no value), booleans are ``bool``, full dates
    are ``datetime64`` (NaT where blank); chronology ``date`` stays an ISO string because
    some dates are month-precision.

    Attributes:
        countries: one row per country (``iso3`` ...).
        milex: SIPRI military expenditure, year x actor.
        polyarchy: V-Dem electoral democracy index, year x actor.
        trade: COW trade shares, year x actor (1991-2014).
        chronology: dated milestones.
        references: citation key -> reference entry (from ``references.yaml``).
        hashes: file name -> sha256 hex digest of every file read (a partner file as
            ``partners/XYZ.csv``).
        data_dir: the folder the data were read from.
    """

    countries: pd.DataFrame
    milex: pd.DataFrame
    polyarchy: pd.DataFrame
    trade: pd.DataFrame
    chronology: pd.DataFrame
    references: dict[str, Any]
    hashes: dict[str, str] = field(default_factory=dict)
    data_dir: Path = Path()


def default_data_dir() -> Path:
    """Return the folder of the data shipped with the package."""
    return Path(__file__).parent


def data_files(data_dir: Path | None = None) -> dict[str, Path]:
    """Every file :func:`load_data` reads, keyed as in :attr:`Dataset.hashes`:
    ``references.yaml``, the main CSVs, then the partner files (``partners/XYZ.csv``)."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    files = {name: folder / name for name in (REFERENCES, *SCHEMAS)}
    return files | partner_files.partner_paths(folder)


def load_data(data_dir: Path | None = None) -> Dataset:
    """Read and validate every project data file.

    Args:
        data_dir: folder holding the CSVs, ``references.yaml`` and ``partners/``; the
            shipped data if None.

    Returns:
        The validated :class:`Dataset`.

    Raises:
        DataError: a file is missing, unreadable or malformed, naming file, line and column.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    hashes: dict[str, str] = {}
    ref_text, hashes[REFERENCES] = read_text(data_dir / REFERENCES)
    references = _parse_references(ref_text, data_dir / REFERENCES)
    raw: dict[str, pd.DataFrame] = {}
    for name in SCHEMAS:
        text, hashes[name] = read_text(data_dir / name)
        raw[name] = parse_csv(text, data_dir / name)
    frames = {}
    known: set[str] = set()
    for name, schema in SCHEMAS.items():  # countries.csv first: it defines the actors
        frames[name] = validate_table(raw[name], schema, data_dir / name, references, known)
        if name == "countries.csv":
            known = set(raw[name]["iso3"])
    for name, schema in SCHEMAS.items():
        check_actor_roles(raw[name], schema, raw["countries.csv"], data_dir / name)
    added = partner_files.read_partners(data_dir, references, frames["countries.csv"])
    for key, partner in added.items():
        hashes[key] = partner.sha256
        for table in _TABLES:
            name = f"{table}.csv"
            frames[name] = pd.concat([frames[name], partner.tables[name]], ignore_index=True)
    return Dataset(
        countries=frames["countries.csv"],
        milex=frames["milex.csv"],
        polyarchy=frames["polyarchy.csv"],
        trade=frames["trade.csv"],
        chronology=frames["chronology.csv"],
        references=references,
        hashes=hashes,
        data_dir=data_dir,
    )


def _parse_references(text: str, path: Path) -> dict[str, Any]:
    """Parse references.yaml: a mapping of citation key -> entry with a ``citation``."""
    try:
        refs = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise DataError(path, where, "not valid YAML") from None
    if not isinstance(refs, dict) or not refs:
        raise DataError(path, "", "expected a mapping of citation key -> reference")
    for key, entry in refs.items():
        if not isinstance(key, str) or not _KEY.match(key):
            raise DataError(path, f"key {key!r}", "citation keys must be letters/digits/_")
        if not isinstance(entry, dict) or not str(entry.get("citation", "")).strip():
            raise DataError(path, f"key {key}", "each entry needs a non-empty 'citation'")
    return refs
