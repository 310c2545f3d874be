"""Counterfactual outputs (issue 15): what changed, the table's years, modes that cannot see a
change, gap fills on stderr and in the manifest, the institutional menu's refusals, and
``reproduce`` of a result made from a user scenario, from another working folder."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import ParameterError, ScenarioError
from sim.data.inputs import describe_gaps, fill_summary
from sim.data.scenario import load_scenario
from sim.runs.counterfactual import changes, check_visible, table_years
from sim.runs.experiments import resolve

runner = CliRunner()


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(body))
    return path


# --------------------------------------------------------------------------- what changed


def test_changes_name_each_edit_and_its_first_year(tmp_path):
    cf = _write(tmp_path, "cf", """\
        name: cf
        description: "edits"
        extends: post-cold-war
        remove: [wales-rap]
        shift: {allied-force: 2001-03-24}
        """)
    found = {c.name: c for c in changes(load_scenario("post-cold-war"), load_scenario(cf))}
    assert set(found) == {"wales-rap", "allied-force"}
    assert (found["wales-rap"].what, found["wales-rap"].year) == ("removed", 2014)
    assert (found["allied-force"].what, found["allied-force"].year) == ("moved", 1999)


def test_adding_a_partner_is_a_change_from_the_start(tmp_path):
    base = load_scenario("post-cold-war")
    cf = _write(tmp_path, "plus", f"""\
        name: plus
        description: "plus Serbia"
        extends: post-cold-war
        agents:
          partners: [{", ".join(base.agents.partners)}, SRB]
        """)
    (change,) = changes(base, load_scenario(cf))
    assert (change.what, change.name, change.year) == ("partner added", "SRB", 1991)


def test_table_years_hold_the_change_its_neighbours_and_the_end():
    years = list(range(1991, 2025))
    shown = table_years(years, [2014])
    assert {2013, 2014, 2015, 2016, 2024, 1991} <= set(shown)
    assert shown == sorted(shown) and len(shown) < len(years)
    assert 2012 not in table_years(years, [])  # the grid alone: every 4th from 1991


def test_free_mode_cannot_see_a_partner_status_edit():
    base, cf = load_scenario("post-cold-war"), load_scenario("no-1999-enlargement")
    assert check_visible(base, cf, "replay", "no-1999-enlargement")  # replay applies them
    with pytest.raises(ParameterError) as err:
        check_visible(base, cf, "free", "no-1999-enlargement")
    assert "--mode replay" in str(err.value) and "accession-1999" in str(err.value)


def test_an_observed_only_edit_or_no_edit_is_refused(tmp_path):
    base = load_scenario("post-cold-war")
    cf = _write(tmp_path, "obs", """\
        name: obs
        description: "drops an observed milestone only"
        extends: post-cold-war
        remove: [coercion-ukr-crimea-2014]
        """)
    for mode in ("replay", "free"):
        with pytest.raises(ParameterError, match="observed or context milestones"):
            check_visible(base, load_scenario(cf), mode, "obs.yaml")
    with pytest.raises(ParameterError, match="nothing to compare"):
        check_visible(base, base, "replay", "post-cold-war")


def test_compare_free_with_a_replay_only_counterfactual_is_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["compare", "post-cold-war", "--counterfactual",
                                 "no-1999-enlargement", "--mode", "free", "--replicas", "2",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--mode replay" in lines[0]
    assert not (tmp_path / "out").exists()


def test_compare_counterfactual_table_manifest_and_fill_warnings(tmp_path):
    cf = _write(tmp_path, "no-wales", """\
        name: no-wales
        description: "no Wales readiness action plan"
        extends: post-cold-war
        remove: [wales-rap]
        """)
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", "post-cold-war", "--counterfactual", str(cf),
                                 "--paradigms", "all", "--replicas", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    first_column = [line.split("│")[1].strip() for line in result.stdout.splitlines()
                    if line.count("│") > 2]
    assert {"2013", "2014*", "2015", "2016", "2024"} <= set(first_column)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["changes"] == ["wales-rap removed (2014)"]
    assert any("[POL]: 2015-2024 carried forward from 2014" in f for f in manifest["fills"])
    assert "warning:" in result.stderr and "carried forward from 2014" in result.stderr
    div = pd.read_csv(out / "divergence.csv")
    assert (div.loc[div["year"] < 2014, ["diff", "lo", "hi"]] == 0).all().all()


# --------------------------------------------------------------------------- gap fills


def test_fill_descriptions_by_hand():
    years = np.arange(1991, 2001)
    values = pd.Series([np.nan, 1.0, 2.0, np.nan, 4.0, 5.0, np.nan, np.nan, np.nan, np.nan],
                       index=years)
    gaps = [int(y) for y in years[values.isna().to_numpy()]]
    assert describe_gaps(values, gaps) == ("1991 back-filled from 1992; 1994 interpolated between "
                                  "1993 and 1995; 1997-2000 carried forward from 1996")
    fills = ["x[AAA]: 1991 back-filled from 1992",
             "x[BBB]: 1991 back-filled from 1992; 1994 interpolated between 1993 and 1995",
             "frozen after 2007: gdp_russia"]
    assert fill_summary(fills) == [
        "x: 1991 back-filled from 1992 (AAA, BBB); 1994 interpolated between 1993 and 1995 "
        "(BBB)", "frozen after 2007: gdp_russia"]


def test_serbia_trade_fill_is_named_with_its_last_observed_year(tmp_path):
    base = load_scenario("post-cold-war")
    path = _write(tmp_path, "srb", f"""\
        name: srb
        description: "plus Serbia"
        extends: post-cold-war
        agents:
          partners: [{", ".join(base.agents.partners)}, SRB]
        """)
    _, data, inputs = resolve(str(path))
    rows = data.trade[(data.trade["actor"] == "SRB")].dropna(subset=["share_rus"])
    last = int(rows["year"].astype(int).max())  # the data's own last year for Serbia
    expected = f"trade share with Russia[SRB]: {last + 1}-2024 carried forward from {last}"
    assert expected in inputs.fills


def test_run_prints_fills_and_records_them_in_the_manifest(tmp_path):
    scenario = _write(tmp_path, "short", """\
        name: short
        description: "1991-1994"
        extends: post-cold-war
        period: {start: 1991, end: 1994}
        """)
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(scenario), "--replicas", "2", "--paradigms",
                                 "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["fills"] == list(resolve(str(scenario))[2].fills)
    assert "polyarchy[CZE]: 1991-1992 back-filled from 1993" in manifest["fills"]
    assert "warning:" in result.stderr and "CZE" in result.stderr


# --------------------------------------------------------------------------- the menu


@pytest.mark.parametrize(("body", "where", "hint"), [
    ("add:\n  - {id: rus-map, date: 2002-06, type: map, role: input, actors: [NATO, RUS], "
     "label: m, source: s}\n", "add[0].actors", "institution_offer"),
    ("add:\n  - {id: five, date: 2005-06, type: institution_offer, role: input, "
     "actors: [NATO, RUS], rung: 5, label: m, source: s}\n", "add[0].rung", "shift offer-nrc"),
    ("add:\n  - {id: nrc-again, date: 2010-06, type: institution_offer, role: input, "
     "actors: [NATO, RUS], rung: 4, label: m, source: s}\n", "add[0].rung", "shift that offer"),
    ("agents:\n  partners: [POL, RUS]\n", "agents.partners[1]", "institution_offer"),
])
def test_the_menu_refuses_what_it_cannot_express_and_says_what_to_do(tmp_path, body, where,
                                                                      hint):
    path = tmp_path / "menu.yaml"
    path.write_text("name: menu\ndescription: d\nextends: post-cold-war\n" + body)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert where in str(err.value) and hint in str(err.value)
    result = runner.invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- reproduce


def test_reproduce_a_user_scenario_result_from_another_folder(tmp_path, monkeypatch):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    _write(project, "mine", """\
        name: mine
        description: "2004-2008"
        extends: post-cold-war
        period: {start: 2004, end: 2008}
        """)
    _write(project, "mine-cf", """\
        name: mine-cf
        description: "2004-2008 without Montenegro's PfP"
        extends: mine
        remove: [pfp-mne]
        """)
    monkeypatch.chdir(project)
    args = ["compare", "mine.yaml", "--counterfactual", "mine-cf.yaml", "--paradigms", "all",
            "--replicas", "2"]
    monkeypatch.setattr(sys, "argv", ["natosim", *args])  # what the manifest records
    made = runner.invoke(app, args)
    assert made.exit_code == 0, made.output
    manifest = project / "results" / "mine" / "vs-mine-cf" / "manifest.json"
    assert json.loads(manifest.read_text())["working_directory"] == str(project)
    monkeypatch.chdir(elsewhere)  # the recorded working folder
    again = runner.invoke(app, ["reproduce", str(manifest)])
    assert again.exit_code == 0, again.output
    moved = tmp_path / "moved"
    shutil.copytree(project, moved)
    shutil.rmtree(project)  # the recorded folder is gone: found from the manifest's place
    again = runner.invoke(app, ["reproduce", str(moved / "results" / "mine" / "vs-mine-cf")])
    assert again.exit_code == 0, again.output
