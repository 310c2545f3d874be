"""Tests for sim.data.datasets: the shipped data and the loader's error reporting."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sim.core.errors import DataError
from sim.data.datasets import SCHEMAS, default_data_dir, load_data

SIPRI_CAP = 3500
YEARS = list(range(1991, 2025))
PARTNERS = [
    *("POL", "CZE", "HUN", "SVK", "SVN", "EST", "LVA", "LTU", "ROU", "BGR", "ALB", "HRV"),
    *("MNE", "MKD", "FIN", "SWE", "UKR", "GEO", "MDA", "BLR", "ARM", "AZE", "SRB", "BIH", "KAZ"),
]
IR_KEYS = [
    *("Waltz1979", "Walt1987", "Mearsheimer2001", "Mearsheimer2014", "KeohaneNye1977"),
    *("RussettOneal2001", "Moravcsik1997", "Wendt1999", "AdlerBarnett1998"),
    *("WilliamsNeumann2000", "Pouliot2010", "Ratti2009"),
]


@pytest.fixture(scope="module")
def data():
    return load_data()


# --- the shipped data --------------------------------------------------------------------------


def test_shipped_data_loads_with_expected_sizes(data) -> None:
    assert len(data.countries) == 42
    assert len(data.milex) == 42 * len(YEARS)
    assert len(data.polyarchy) == 27 * len(YEARS)
    assert len(data.trade) == 27 * len(range(1991, 2015))
    assert len(data.chronology) == 72
    assert data.data_dir == default_data_dir()
    assert set(data.hashes) == {*SCHEMAS, "references.yaml"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in data.hashes.values())


def test_country_roles(data) -> None:
    roles = data.countries.set_index("iso3")["role"]
    assert set(roles[roles == "focal"].index) == {"RUS", "USA"}
    assert sorted(roles[roles == "partner"].index) == sorted(PARTNERS)
    assert (roles == "nato_founder").sum() == 15


def test_partners_have_pfp_dates_and_members_have_accession(data) -> None:
    c = data.countries.set_index("iso3")
    assert c.loc[PARTNERS, "pfp_join_date"].notna().all()
    assert c.loc["RUS", "pfp_join_date"] == pd.Timestamp("1994-06-22")
    assert c.loc[c.role == "nato_founder", "nato_accession_date"].notna().all()
    assert c.loc["FIN", "nato_accession_date"] == pd.Timestamp("2023-04-04")
    assert pd.isna(c.loc["UKR", "map_date"]) and pd.isna(c.loc["GEO", "map_date"])


def test_independence_years(data) -> None:
    years = data.countries.set_index("iso3")["independence_year"]
    assert years["CZE"] == years["SVK"] == 1993
    assert years["MNE"] == 2006
    assert years["RUS"] == years["UKR"] == 1991


def test_proximity_follows_model_rule(data) -> None:
    for row in data.countries.itertuples():
        if row.role == "focal":
            assert pd.isna(row.proximity_w)
            continue
        if row.borders_russia or row.hosts_russian_forces:
            expected = 1.0
        else:
            expected = 0.6 if row.borders_russian_ally else 0.3
        assert row.proximity_w == expected, row.iso3


def test_hosts_russian_forces_is_sourced_or_unverified(data) -> None:
    for row in data.countries.itertuples():
        if row.hosts_russian_forces:
            assert f"RU_FORCES_{row.iso3}" in row.source.split(";"), row.iso3
    hosts = set(data.countries.loc[data.countries.hosts_russian_forces, "iso3"])
    assert {"MDA", "GEO", "UKR", "ARM", "BLR"} <= hosts


def test_russia_milex_present_1992_2024(data) -> None:
    rus = data.milex[data.milex.actor == "RUS"].set_index("year")
    later = rus.loc[1992:2024]
    assert later.milex_const_usd_m.notna().all() and later.milex_pct_gdp.notna().all()
    assert pd.isna(rus.loc[1991, "milex_const_usd_m"])
    assert "USSR" in rus.loc[1991, "note"]


def test_blank_milex_cells_are_explained(data) -> None:
    blank = data.milex.milex_const_usd_m.isna() | data.milex.milex_pct_gdp.isna()
    assert (data.milex.loc[blank, "note"] != "").all()


def test_sipri_figure_count_is_within_terms_and_documented(data) -> None:
    count = int(data.milex.milex_const_usd_m.notna().sum() + data.milex.milex_pct_gdp.notna().sum())
    assert count <= SIPRI_CAP
    sources_md = (default_data_dir() / "SOURCES.md").read_text(encoding="utf-8")
    stated = re.search(r"SIPRI figure count: ([\d,]+)", sources_md)
    assert stated is not None and int(stated.group(1).replace(",", "")) == count


def test_polyarchy_range_and_coverage(data) -> None:
    values = data.polyarchy.value.dropna()
    assert values.between(0, 1).all()
    ukr = data.polyarchy[data.polyarchy.actor == "UKR"]
    assert ukr.value.notna().all()


def test_trade_suspect_zeros_are_blank(data) -> None:
    t = data.trade.set_index(["actor", "year"])
    for key in [("UKR", 1992), ("UKR", 1993), ("KAZ", 1992), ("EST", 1992), ("BGR", 1991)]:
        assert pd.isna(t.loc[key, "share_rus"]), key
        assert "blanked" in t.loc[key, "note"]
    assert t.index.get_level_values("year").max() == 2014
    assert t.loc[("RUS", 2000), "share_nato"] > 0


def test_references_cover_literature_and_every_source_key(data) -> None:
    assert set(IR_KEYS) <= set(data.references)
    assert data.references["Ratti2009"]["doi"] == "10.1177/002070200906400206"
    for frame in (data.countries, data.milex, data.polyarchy, data.trade, data.chronology):
        keys = {k for cell in frame.source for k in cell.split(";")}
        assert keys <= set(data.references)


def test_chronology_ids_unique_and_sourced(data) -> None:
    ch = data.chronology
    assert ch.id.is_unique and sorted(ch.id) == list(range(1, 73))
    assert ch.sources.str.contains("http").all()
    assert ch.goldstein.dropna().between(-10, 10).all()


# --- corrupted copies ------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def _edit_lines(path: Path, edit: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(edit(lines)), encoding="utf-8")


def _line_of(path: Path, prefix: str) -> int:
    """1-based line number of the first line starting with prefix."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(prefix)


def _set_cell(path: Path, prefix: str, column: str, value: str) -> int:
    """Replace one cell of the row starting with prefix; return the row's line number."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    line = _line_of(path, prefix)
    frame.loc[line - 2, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")
    return line


def _load_error(data_dir: Path) -> str:
    with pytest.raises(DataError) as info:
        load_data(data_dir)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_non_numeric_cell(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _set_cell(d / "milex.csv", "2000,RUS,", "milex_const_usd_m", "12,5 bn")
    msg = _load_error(d)
    assert msg.startswith(str(d / "milex.csv"))
    assert f"line {line}, column milex_const_usd_m" in msg and "expected a number" in msg


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf"])
def test_nan_or_inf_text_is_rejected(tmp_path: Path, text: str) -> None:
    d = _copy(tmp_path)
    line = _set_cell(d / "polyarchy.csv", "2005,POL,", "value", text)
    msg = _load_error(d)
    assert f"polyarchy.csv: line {line}, column value" in msg and "finite" in msg


def test_missing_column(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    frame = pd.read_csv(d / "trade.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="share_eu").to_csv(d / "trade.csv", index=False)
    assert "trade.csv: column share_eu: required column is missing" in _load_error(d)


def test_unexpected_column(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    frame = pd.read_csv(d / "trade.csv", dtype=str, keep_default_na=False)
    frame.assign(extra="1").to_csv(d / "trade.csv", index=False)
    assert "trade.csv: column extra: unexpected column" in _load_error(d)


def test_missing_year_row(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _line_of(d / "milex.csv", "2000,POL,")
    _edit_lines(d / "milex.csv", lambda lines: lines[: line - 1] + lines[line:])
    msg = _load_error(d)
    assert "milex.csv: column year" in msg and "POL" in msg and "2000" in msg


def test_empty_file(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "countries.csv").write_text("", encoding="utf-8")
    assert "countries.csv: file is empty" in _load_error(d)


def test_binary_garbage(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "chronology.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    msg = _load_error(d)
    assert "chronology.csv: line 3" in msg and "binary" in msg


def test_not_utf8(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    path = d / "countries.csv"
    path.write_bytes(path.read_bytes().replace(b"Turkiye", b"T\xfcrkiye"))
    assert "not valid UTF-8" in _load_error(d)


def test_unknown_source_key(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _set_cell(d / "milex.csv", "1995,UKR,", "source", "SIPRI2025;NOPE1999")
    msg = _load_error(d)
    assert f"milex.csv: line {line}, column source" in msg and "'NOPE1999'" in msg


def test_duplicate_key(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _line_of(d / "polyarchy.csv", "2010,GEO,")
    _edit_lines(d / "polyarchy.csv", lambda lines: [*lines[:line], lines[line - 1], *lines[line:]])
    msg = _load_error(d)
    assert f"polyarchy.csv: line {line + 1}" in msg and "duplicate key" in msg


def test_unknown_actor(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _set_cell(d / "trade.csv", "2000,POL,", "actor", "XYZ")
    msg = _load_error(d)
    assert f"trade.csv: line {line}, column actor" in msg and "unknown actor 'XYZ'" in msg


def test_bad_date(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    line = _set_cell(d / "countries.csv", "POL,", "pfp_join_date", "02/02/1994")
    msg = _load_error(d)
    assert f"countries.csv: line {line}, column pfp_join_date" in msg and "ISO date" in msg


def test_missing_file(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "trade.csv").unlink()
    assert "trade.csv: file is missing" in _load_error(d)
