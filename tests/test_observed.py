"""The observed record: loading, the documented derivations, and validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.core.errors import DataError
from sim.data.observed import (
    DATA_DIR,
    FILES,
    O5_RULE_KEY,
    PARTNERS,
    YEARS,
    Observed,
    load_observed,
    nato_burden,
    nato_milex_sum,
    net_coop_stock,
)


@pytest.fixture(scope="module")
def observed() -> Observed:
    return load_observed()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    for name in FILES.values():
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_yearly_coverage(observed: Observed) -> None:
    assert list(observed.status.index) == list(YEARS)
    assert list(observed.net_coop.index) == list(YEARS)
    assert list(observed.russia_milex.index) == list(range(1992, 2025))
    assert observed.coercion.shape == (len(PARTNERS), len(YEARS))
    assert observed.partner_status.shape == (len(PARTNERS), len(YEARS))
    assert set(observed.hashes) == set(FILES.values())


def test_status_coding(observed: Observed) -> None:
    s = observed.status
    assert (s[1991], s[1994], s[1997], s[1999], s[2000], s[2002]) == (1, 2, 3, 0, 3, 4)
    assert (s[2008], s[2009], s[2014], s[2020], s[2021], s[2024]) == (0, 4, 1, 1, 0, 0)


def test_o4_is_computed_from_coded_events(observed: Observed) -> None:
    o4 = observed.net_coop
    # Values changed on purpose in the issue-11 recode (OBSERVED.md, changelog): SFOR (event 10)
    # continues the IFOR brigade and is no longer counted twice; Wales 2014 (event 47) is a
    # scenario input and is kept out of the scored index.
    assert o4[1996] == pytest.approx(7.4)  # IFOR only: 062, 7.4
    assert o4[2014] == pytest.approx(-12.0)  # 163 (-8) + 160 (-4)
    assert o4[1992] == 0.0  # no included event
    inc = observed.events[observed.events["included"] == 1]
    assert o4.sum() == pytest.approx(inc["weight"].sum() - inc.loc[inc.year < 1991, "weight"].sum())


def _recode(folder: Path, chronology_id: int, code: str, goldstein: str) -> None:
    path = folder / "event_coding.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table["chronology_id"] == str(chronology_id)
    assert row.sum() == 1
    table.loc[row, ["cameo_code", "goldstein"]] = [code, goldstein]
    table.to_csv(path, index=False)


def test_changing_one_code_changes_that_year_by_the_weight_difference(data_copy: Path) -> None:
    before = load_observed(data_copy).net_coop
    # event 48 (20 Apr 2016, NRC meets): 040 Consult (+1.0) -> 036 Express intent to meet (+4.0)
    _recode(data_copy, 48, "036", "4.0")
    after = load_observed(data_copy).net_coop
    assert after[2016] - before[2016] == pytest.approx(3.0)  # 4.0 - 1.0
    assert after.drop(2016).equals(before.drop(2016))


def test_a_code_without_its_pinned_weight_is_rejected(data_copy: Path) -> None:
    _recode(data_copy, 48, "036", "1.0")  # the pinned weight of 036 is 4.0
    with pytest.raises(DataError, match="pinned weight"):
        load_observed(data_copy)


def test_corrupted_file_gives_one_line_message(data_copy: Path) -> None:
    _edit(data_copy / "observed_status.csv", "\n2005,4,", "\n2005,7,")
    with pytest.raises(DataError) as err:
        load_observed(data_copy)
    message = str(err.value)
    assert "\n" not in message
    assert "observed_status.csv" in message and "line" in message and "0..4" in message


def test_missing_column_and_missing_file(data_copy: Path) -> None:
    table = pd.read_csv(data_copy / "observed_coercion.csv").drop(columns="source")
    table.to_csv(data_copy / "observed_coercion.csv", index=False)
    with pytest.raises(DataError, match="missing columns"):
        load_observed(data_copy)
    (data_copy / "observed_coercion.csv").unlink()
    with pytest.raises(DataError, match="file not found"):
        load_observed(data_copy)


def test_every_coercion_cell_needs_a_source(data_copy: Path) -> None:
    _edit(data_copy / "observed_coercion.csv", "\nPOL,1991,0,NATOSIM_O5_RULE,", "\nPOL,1991,0,,")
    with pytest.raises(DataError, match="source is empty"):
        load_observed(data_copy)


def test_nonzero_coercion_must_cite_the_act(data_copy: Path) -> None:
    _edit(data_copy / "observed_coercion.csv", "\nPOL,1991,0,", "\nPOL,1991,2,")
    with pytest.raises(DataError, match="line 2.*must cite the source of the act"):
        load_observed(data_copy)


def test_nato_aggregates_by_hand() -> None:
    # A: 100 at 2 % of GDP -> GDP 5000; B: 50 at 1 % -> GDP 5000; C joins in 2001 only.
    # 2000: sum = 150, burden = 150 / 10000 = 1.5 %
    # 2001: C adds 30 at 3 % -> GDP 1000: sum = 180, burden = 180 / 11000 = 1.63636 %
    milex = pd.DataFrame({
        "year": [2000, 2000, 2000, 2001, 2001, 2001],
        "actor": ["A", "B", "C", "A", "B", "C"],
        "milex_const_usd_m": [100.0, 50.0, 30.0, 100.0, 50.0, 30.0],
        "milex_pct_gdp": [2.0, 1.0, 3.0, 2.0, 1.0, 3.0],
    })
    members = pd.DataFrame({"iso3": ["A", "B", "C"], "accession_year": [1949, 1949, 2001]})
    assert nato_milex_sum(milex, members).tolist() == [150.0, 180.0]
    assert nato_burden(milex, members).tolist() == pytest.approx([1.5, 180 / 11000 * 100])


def test_nato_sum_matches_the_reference_total(observed: Observed) -> None:
    # SOURCES.md: 1,338.3 bn (2023) and 1,457.8 bn (2024), constant 2023 US$
    assert observed.nato_milex[2023] / 1000 == pytest.approx(1338.3, abs=0.05)
    assert observed.nato_milex[2024] / 1000 == pytest.approx(1457.8, abs=0.05)


def test_partner_status_levels(observed: Observed) -> None:
    pol, mne = observed.partner_status.loc["POL"], observed.partner_status.loc["MNE"]
    assert (pol[1993], pol[1994], pol[1997], pol[1999]) == (0, 1, 2, 3)
    assert (mne[2006], mne[2009], mne[2015], mne[2017]) == (1, 2, 2, 3)
    assert observed.partner_status.loc["UKR", 2024] == 1


# ------------------------------------------------------------------------------ citations


def _source_keys(cell: str) -> list[str]:
    return [k.strip() for k in cell.split(";") if k.strip()]


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.csv")), ids=lambda p: p.name)
def test_every_source_key_resolves_in_references(path: Path) -> None:
    references = yaml.safe_load((DATA_DIR / "references.yaml").read_text(encoding="utf-8"))
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "source" not in table.columns:
        pytest.skip("no source column")
    blank = table.index[table["source"].str.strip() == ""]
    assert blank.empty, f"blank source on lines {[i + 2 for i in blank[:5]]}"
    keys = {k for cell in table["source"] for k in _source_keys(cell)}
    assert keys <= set(references), sorted(keys - set(references))


def test_zero_coercion_cites_the_coding_rule(observed: Observed) -> None:
    table = pd.read_csv(DATA_DIR / "observed_coercion.csv", dtype=str, keep_default_na=False)
    zeros = table[table["value"] == "0"]
    assert (zeros["source"] == O5_RULE_KEY).all()
    assert O5_RULE_KEY not in set(table.loc[table["value"] != "0", "source"])


# ------------------------------------------------------------------------------ scenario


def _observed_coercion_milestones() -> list:
    from sim.data.scenario import load_scenario

    scenario = load_scenario("post-cold-war")
    return [m for m in scenario.milestones if m.type == "coercion" and m.role == "observed"]


def test_scenario_coercion_milestones_agree_with_o5(observed: Observed) -> None:
    milestones = _observed_coercion_milestones()
    assert milestones
    for m in milestones:
        partner = next(a for a in m.actors if a != "RUS")
        year = int(str(m.date)[:4])
        assert observed.coercion.loc[partner, year] == m.level, (m.id, partner, year)


def test_every_o5_onset_has_a_scenario_milestone(observed: Observed) -> None:
    """Each observed episode (a non-zero level that differs from the year before) is dated
    in the scenario; continuing hostilities (UKR 2015-2021, 2023-2024) are not new events."""
    dated = {(next(a for a in m.actors if a != "RUS"), int(str(m.date)[:4]))
             for m in _observed_coercion_milestones()}
    levels = observed.coercion
    onsets = {(p, y) for p in levels.index for y in levels.columns
              if levels.loc[p, y] > 0 and (y == levels.columns[0] or
                                           levels.loc[p, y] != levels.loc[p, y - 1])}
    assert onsets <= dated, sorted(onsets - dated)


# ------------------------------------------------------------------------------ O4 stock


def test_o4_stock_is_the_running_sum_of_the_flow(observed: Observed) -> None:
    flow, stock = observed.net_coop, observed.net_coop_stock
    assert list(stock.index) == list(YEARS)
    assert stock[1991] == pytest.approx(flow[1991])
    for year in YEARS[1:]:
        assert stock[year] - stock[year - 1] == pytest.approx(flow[year])


def test_o4_stock_by_hand() -> None:
    flow = pd.Series([1.0, -2.0, 0.0, 3.5], index=[2000, 2001, 2002, 2003])
    assert net_coop_stock(flow).tolist() == [1.0, -1.0, -1.0, 2.5]


# ------------------------------------------------------------------------------ O7 and O8


def _unga_raw() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "unga_agreement.csv")


def test_o7_is_the_rus_usa_agreement_and_stays_missing_after_2019(observed: Observed) -> None:
    o7 = observed.unga_rus_usa
    assert list(o7.index) == list(range(1991, 2020))  # the file's years; nothing after 2019
    raw = _unga_raw()
    row = raw[(raw.actor == "RUS") & (raw.counterpart == "USA") & (raw.year == 2007)]
    assert o7[2007] == pytest.approx(float(row["value"].iloc[0]))
    assert ((o7 > 0) & (o7 < 1)).all()


def test_o8_is_agreement_with_usa_minus_agreement_with_rus(observed: Observed) -> None:
    o8 = observed.unga_alignment
    assert list(o8.index) == list(PARTNERS)
    raw = _unga_raw().set_index(["actor", "counterpart", "year"])["value"]
    for partner, year in [("POL", 2000), ("GEO", 2015), ("BLR", 2010), ("EST", 1992)]:
        expected = raw[(partner, "USA", year)] - raw[(partner, "RUS", year)]
        assert o8.loc[partner, year] == pytest.approx(expected)
    # no UN seat, no vote, no value: Montenegro before independence, Czechia before 1993
    assert o8.loc["MNE", list(range(1991, 2006))].isna().all()
    assert o8.loc["MNE", 2006:].notna().all()
    assert o8.loc["CZE", [1991, 1992]].isna().all()
    assert ((o8.abs() <= 1) | o8.isna()).all().all()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("\n2007,RUS,USA,0.129032,", "\n2007,RUS,USA,1.290320,", r"share in \[0, 1\]"),
    ("\n2007,RUS,USA,0.129032,", "\n2007,RUS,USA,n/a,", "must be a number"),
    ("\n2007,RUS,USA,0.129032,93,VOETEN_UNGA;UNVOTES",
     "\n2007,RUS,USA,0.129032,93,", "source is empty"),
    ("\n2007,RUS,USA,0.129032,93,", "\n2007,RUS,USA,0.129032,0,", "n_votes must be an integer"),
    ("\n2007,RUS,USA,", "\n2007,RUS,CHN,", "counterpart must be one of"),
    ("\n2007,RUS,USA,", "\n2007,XYZ,USA,", "actor 'XYZ'"),
    ("\n2007,RUS,USA,", "\n2008,RUS,USA,", "duplicate pair and year"),
])
def test_bad_unga_rows_are_rejected(data_copy: Path, old: str, new: str, message: str) -> None:
    _edit(data_copy / "unga_agreement.csv", old, new)
    with pytest.raises(DataError, match=message) as err:
        load_observed(data_copy)
    assert "unga_agreement.csv" in str(err.value) and "line" in str(err.value)


def test_unga_without_the_rus_usa_pair_is_rejected(data_copy: Path) -> None:
    path = data_copy / "unga_agreement.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table[table.actor != "RUS"].to_csv(path, index=False)
    with pytest.raises(DataError, match="no RUS-USA rows"):
        load_observed(data_copy)


# ------------------------------------------------------------------------------ the coding table


def _set_event(folder: Path, event_id: int, **cells: str) -> None:
    path = folder / "event_coding.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = table["chronology_id"] == str(event_id)
    assert row.sum() == 1
    for column, value in cells.items():
        table.loc[row, column] = value
    table.to_csv(path, index=False)


@pytest.mark.parametrize(("event_id", "cells", "message"), [
    # the EU's sectoral sanctions (46) involve neither NATO nor the US: the rule excludes them
    (46, {"included": "1"}, "between Russia and the NATO side"),
    # Rome 2002 (23) is applied by the scenario input offer-nrc: it cannot also be scored
    (23, {"included": "1"}, "cannot also be scored"),
    # an added act (CAATSA, 110) must keep its own source
    (110, {"url": ""}, "must cite its own source"),
    (110, {"source": "GDELT_GOLDSTEIN"}, "must cite its own source"),
    (110, {"chronology_id": "73"}, "id of 101 or more"),
    (48, {"origin": "added"}, "id of 101 or more"),
    (48, {"chronology_id": "99"}, "not a row of chronology.csv"),
    (48, {"date": "2016-04-21"}, "differs from chronology.csv"),
    (48, {"origin": "press"}, "origin must be one of"),
    (48, {"included": "yes"}, "included must be a number"),
])
def test_bad_coding_rows_are_rejected(data_copy: Path, event_id: int, cells: dict,
                                      message: str) -> None:
    _set_event(data_copy, event_id, **cells)
    with pytest.raises(DataError, match=message) as err:
        load_observed(data_copy)
    assert "event_coding.csv" in str(err.value) and "line" in str(err.value)


def test_every_included_event_passes_the_inclusion_rule(observed: Observed) -> None:
    """Checked from the file itself, not through the loader's own rule check."""
    table = pd.read_csv(DATA_DIR / "event_coding.csv", dtype=str, keep_default_na=False)
    included = table[table["included"] == "1"]
    for row in included.itertuples():
        actors = set(row.actors.split(";"))
        assert "RUS" in actors and actors & {"NATO", "USA"}, row.chronology_id
        assert row.input_milestone == "", row.chronology_id
    added = table[table["origin"] == "added"]
    assert len(added) == 12 and (added["url"].str.startswith("http")).all()
    assert not (added["source"] == "GDELT_GOLDSTEIN").any()


def test_partner_status_levels_hand_worked():
    import numpy as np

    from sim.data.observed_indices import PARTNERS, partner_status_levels

    events = pd.DataFrame({"partner": ["POL", "POL", "POL", "UKR"],
                           "event": ["pfp", "accession", "invitation", "pfp"],
                           "year": [1994, 1999, 1997, 2023]})
    out = partner_status_levels(events, range(1993, 2025))
    assert list(out.index) == list(PARTNERS) and out.index.name == "partner"
    assert out.loc["POL", 1993] == 0 and out.loc["POL", 1994] == 1
    assert out.loc["POL", 1997] == 2 and out.loc["POL", 1999] == 3 and out.loc["POL", 2024] == 3
    assert out.loc["UKR", 2022] == 0 and out.loc["UKR", 2024] == 1
    assert out.drop(index=["POL", "UKR"]).to_numpy().sum() == 0
    assert (out.dtypes == np.int64).all()
