"""Partner files (sim/data/partners/<ISO3>.csv): a synthetic partner, QZZ (a user-assigned
ISO-3166 code, never a real state), written with hand-chosen test values into a copy of the
data. Its rows must land in the four tables as written, reach the model's inputs, be hashed,
and every kind of bad file must be refused on one line naming the file, the line and the field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import DataError
from sim.core.files import file_sha256
from sim.data import cache
from sim.data.datasets import default_data_dir, load_data
from sim.data.inputs import build_inputs
from sim.data.scenario import load_scenario

ISO = "QZZ"
KEY = "SYNTHETIC_TEST"
HEADER = "field,year,value,source,verification,note"
ATTRS = [  # field, value
    ("name", "Synthetic Testland"), ("independence_year", "1992"),
    ("borders_russia", "true"), ("former_ussr", "true"), ("former_warsaw_pact", "false"),
    ("hosts_russian_forces", "false"), ("borders_russian_ally", "false"),
    ("proximity_w", "1.0"), ("nato_accession_date", ""), ("pfp_join_date", "1994-05-06"),
    ("map_date", ""),
]


def _yearly() -> list[tuple[str, str, str]]:
    """Test values: polyarchy 0.5 + (y-1991)/100, milex 100 (y-1990), 2 % of GDP (so GDP
    5000 (y-1990)) except 1995 blank, trade shares 0.3/0.4/0.35 of 1000 to 2014."""
    rows = []
    for y in range(1991, 2025):
        rows.append(("polyarchy", str(y), f"{0.5 + (y - 1991) / 100:.2f}"))
        rows.append(("milex_const_usd_m", str(y), str(100 * (y - 1990))))
        rows.append(("milex_pct_gdp", str(y), "" if y == 1995 else "2.0"))
    for y in range(1991, 2015):
        rows += [("share_rus", str(y), "0.3"), ("share_nato", str(y), "0.4"),
                 ("share_eu", str(y), "0.35"), ("total_trade_musd", str(y), "1000")]
    return rows


def _rows() -> list[str]:
    """The data rows (row k of the list is line k + 2 of the file)."""
    attrs = [f"{f},,{v},{KEY},synthetic,test value" for f, v in ATTRS]
    return attrs + [f"{f},{y},{v},{KEY},synthetic," for f, y, v in _yearly()]


def _line(rows: list[str], prefix: str) -> int:
    return next(k for k, row in enumerate(rows) if row.startswith(prefix)) + 2


def _write(folder: Path, rows: list[str], name: str = f"{ISO}.csv") -> Path:
    path = folder / "partners" / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    skip = shutil.ignore_patterns("*.py", "__pycache__")
    shutil.copytree(default_data_dir(), folder, ignore=skip)
    refs = folder / "references.yaml"
    refs.write_text(refs.read_text() + f"{KEY}:\n  citation: synthetic test values, not data\n")
    return folder


def test_the_shipped_folder_holds_only_the_readme() -> None:
    folder = default_data_dir() / "partners"
    assert [p.name for p in folder.iterdir()] == ["README.md"]
    assert not any(k.startswith("partners/") for k in load_data().hashes)


def test_rows_land_in_the_four_tables_as_written(data_dir: Path) -> None:
    path = _write(data_dir, _rows())
    data = load_data(data_dir)
    before = load_data(default_data_dir())
    c = data.countries.set_index("iso3").loc[ISO]
    assert (c["name"], c["role"], c["independence_year"]) == ("Synthetic Testland", "partner", 1992)
    assert bool(c["borders_russia"]) and bool(c["former_ussr"])
    assert not bool(c["former_warsaw_pact"]) and not bool(c["hosts_russian_forces"])
    assert c["proximity_w"] == 1.0 and c["pfp_join_date"] == pd.Timestamp("1994-05-06")
    assert pd.isna(c["nato_accession_date"]) and pd.isna(c["map_date"])
    assert c["source"] == KEY and c["verification"].startswith("name:synthetic | ")
    milex = data.milex[data.milex["actor"] == ISO].set_index("year")
    assert len(milex) == 34 and milex.loc[2000, "milex_const_usd_m"] == 1000.0
    assert milex.loc[2000, "milex_pct_gdp"] == 2.0 and np.isnan(milex.loc[1995, "milex_pct_gdp"])
    poly = data.polyarchy[data.polyarchy["actor"] == ISO].set_index("year")["value"]
    assert len(poly) == 34 and poly[1991] == 0.5 and poly[2024] == 0.83
    trade = data.trade[data.trade["actor"] == ISO].set_index("year")
    assert len(trade) == 24 and trade.loc[2014, "share_eu"] == 0.35
    assert trade.loc[1991, "total_trade_musd"] == 1000.0 and trade.loc[1991, "source"] == KEY
    assert len(data.countries) == len(before.countries) + 1  # the main rows are untouched
    assert data.milex.dtypes.equals(before.milex.dtypes)
    assert data.hashes[f"partners/{ISO}.csv"] == file_sha256(path)
    assert set(data.hashes) == {*before.hashes, f"partners/{ISO}.csv"}


def test_a_scenario_naming_the_partner_builds_its_inputs(data_dir: Path, tmp_path: Path) -> None:
    _write(data_dir, _rows())
    data = load_data(data_dir)
    scenario = tmp_path / "with-qzz.yaml"
    base = load_scenario("post-cold-war")
    partners = ", ".join([*base.agents.partners, ISO])
    scenario.write_text(f'name: with-qzz\ndescription: "adds {ISO}"\nextends: post-cold-war.yaml\n'
                        f"agents:\n  partners: [{partners}]\n")
    inputs = build_inputs(load_scenario(str(scenario)), data)
    j = inputs.partner_index(ISO)
    years = list(inputs.years)
    assert inputs.dem[years.index(2000), j] == pytest.approx(0.59)
    assert inputs.milex[years.index(2010), j] == 2000.0
    assert inputs.gdp[years.index(2010), j] == pytest.approx(100_000.0)  # 2000 / 2 %
    assert inputs.gdp[years.index(1995), j] == pytest.approx(25_000.0)  # between 1994 and 1996
    assert inputs.trade_rus[years.index(2020), j] == 0.3  # carried forward from 2014
    assert inputs.w[j] == 1.0 and bool(inputs.buffer[j]) and inputs.status0[j] == 0
    assert not inputs.active[years.index(1991), j] and inputs.active[years.index(1992), j]
    assert any(f.startswith(f"SIPRI-implied GDP[{ISO}]: 1995 interpolated") for f in inputs.fills)


def _error(data_dir: Path) -> str:
    with pytest.raises(DataError) as info:
        load_data(data_dir)
    message = str(info.value)
    assert "\n" not in message
    return message


def _replace(rows: list[str], prefix: str, new: str) -> list[str]:
    k = _line(rows, prefix) - 2
    return [*rows[:k], new, *rows[k + 1:]]


@pytest.mark.parametrize(
    ("prefix", "new", "field", "expected"),
    [
        ("polyarchy,2000,", f"polyarchy,2000,1.7,{KEY},s,", "field polyarchy", "outside the range"),
        ("milex_const_usd_m,2001,", f"milex_const_usd_m,2001,12 bn,{KEY},s,",
         "field milex_const_usd_m", "expected a number"),
        ("share_nato,1999,", f"share_nato,1999,-0.1,{KEY},s,", "field share_nato", "outside"),
        ("borders_russia,", f"borders_russia,,yes,{KEY},s,", "field borders_russia",
         "true or false"),
        ("pfp_join_date,", f"pfp_join_date,,06/05/1994,{KEY},s,", "field pfp_join_date",
         "ISO date"),
        ("proximity_w,", f"proximity_w,,,{KEY},s,", "field proximity_w", "blank cell"),
        ("independence_year,", f"independence_year,,1985,{KEY},s,", "field independence_year",
         "outside the range"),
        ("polyarchy,2001,", f"gdp,2001,5,{KEY},s,", "column field", "expected one of"),
        ("polyarchy,2002,", f"polyarchy,2030,0.5,{KEY},s,", "column year", "outside the range"),
        ("share_rus,2003,", f"share_rus,2015,0.3,{KEY},s,", "column year", "1991-2014"),
        ("name,", "name,,Synthetic Testland,NOPE1999,s,", "column source", "'NOPE1999'"),
        ("name,", f"name,1999,Synthetic Testland,{KEY},s,", "column year", "attribute"),
        ("share_eu,2000,", f"share_eu,,0.3,{KEY},s,", "column year", "yearly"),
        ("polyarchy,2004,", f"polyarchy,2004,0.5,{KEY},,", "column verification", "blank cell"),
    ],
)
def test_a_bad_row_names_the_file_its_line_and_the_field(
    data_dir: Path, prefix: str, new: str, field: str, expected: str
) -> None:
    rows = _rows()
    path = _write(data_dir, _replace(rows, prefix, new))
    message = _error(data_dir)
    assert message.startswith(f"{path}: line {_line(rows, prefix)}, {field}: "), message
    assert expected in message


def test_a_duplicate_row_names_its_line(data_dir: Path) -> None:
    rows = _rows()
    k = _line(rows, "polyarchy,2000,") - 2
    path = _write(data_dir, [*rows[: k + 1], rows[k], *rows[k + 1:]])
    message = _error(data_dir)
    assert message.startswith(f"{path}: line {k + 3}: duplicate key (field, year)"), message


@pytest.mark.parametrize(("prefix", "expected"), [
    ("polyarchy,2000,", "field polyarchy: no row for year 2000"),
    ("map_date,", "field map_date: no row; expected one row with an empty year"),
])
def test_a_missing_row_names_the_field(data_dir: Path, prefix: str, expected: str) -> None:
    rows = _rows()
    k = _line(rows, prefix) - 2
    path = _write(data_dir, rows[:k] + rows[k + 1:])
    assert _error(data_dir).startswith(f"{path}: {expected}")


def test_a_partner_also_in_countries_csv_is_refused(data_dir: Path) -> None:
    path = _write(data_dir, _rows(), name="POL.csv")
    assert _error(data_dir).startswith(f"{path}: file name: POL is also defined in countries.csv")


@pytest.mark.parametrize("name", ["qzz.csv", "QZZ.txt", "QZZQ.csv"])
def test_a_file_not_named_iso3_csv_is_refused(data_dir: Path, name: str) -> None:
    path = _write(data_dir, _rows(), name=name)
    assert _error(data_dir).startswith(f"{path}: file name: expected a partner file named")


def test_the_cache_notices_a_new_edited_or_removed_partner_file(data_dir: Path) -> None:
    first = cache.dataset(data_dir)
    assert cache.dataset(data_dir) is first and ISO not in set(first.countries["iso3"])
    rows = _rows()
    path = _write(data_dir, rows)
    added = cache.dataset(data_dir)
    assert ISO in set(added.countries["iso3"]) and cache.dataset(data_dir) is added
    _write(data_dir, _replace(rows, "polyarchy,2000,", f"polyarchy,2000,0.25,{KEY},s,"))
    edited = cache.dataset(data_dir)
    poly = edited.polyarchy.set_index(["actor", "year"])["value"]
    assert poly[(ISO, 2000)] == 0.25
    assert edited.hashes[f"partners/{ISO}.csv"] != added.hashes[f"partners/{ISO}.csv"]
    path.unlink()
    assert cache.dataset(data_dir).hashes == first.hashes


def test_the_cli_validates_with_the_partner_or_exits_2_on_one_line(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import sim.data.datasets as datasets
    from sim.cli import app

    monkeypatch.setattr(datasets, "default_data_dir", lambda: data_dir)
    scenario = tmp_path / "with-qzz.yaml"
    partners = ", ".join([*load_scenario("post-cold-war").agents.partners, ISO])
    scenario.write_text(f'name: with-qzz\ndescription: "adds {ISO}"\nextends: post-cold-war.yaml\n'
                        f"agents:\n  partners: [{partners}]\n")
    runner = CliRunner()
    rows = _rows()
    _write(data_dir, rows)
    result = runner.invoke(app, ["scenarios", "validate", str(scenario)])
    assert result.exit_code == 0, result.output
    path = _write(data_dir, _replace(rows, "share_eu,2000,", f"share_eu,2000,x,{KEY},s,"))
    result = runner.invoke(app, ["scenarios", "validate", str(scenario)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: {path}: line {_line(rows, 'share_eu,2000,')}, field share_eu: "
                     "expected a number (float), got 'x'"]
