"""Counterfactuals on the imposed record: the scenario key ``history:`` (issue 15, part 3).

The edit rules are checked on a small hand-made record whose results are worked out by hand
in the comments; then on the observed record (Crimea), in teacher-mode runs (paired
divergence exactly 0 before the edit), through ``compare --counterfactual --mode teacher``
and in a forecast.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import ScenarioError
from sim.data.history import History
from sim.data.record_edits import edit_history, episodes, imposed_history
from sim.data.scenario import load_scenario
from sim.data.scenario.history_edits import HistoryEdit
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import resolve, run_paradigms

runner = CliRunner()
YEARS = np.arange(2000, 2010)


def record() -> History:
    """Years 2000-2009, one partner A.

    F(A):  0 1 1 0 2 2 2 3 3 0   episodes 2001-2002 @1, 2004-2006 @2, 2007-2008 @3
    S:     1 1 3 3 0 0 3 3 3 3   changes 2000 (0->1), 2002 (->3), 2004 (->0), 2006 (->3)
    menu:  3 everywhere.
    """
    T = len(YEARS)
    return History(years=YEARS.copy(), partners=("AAA",),
                   S=np.array([1, 1, 3, 3, 0, 0, 3, 3, 3, 3]),
                   F=np.array([[0], [1], [1], [0], [2], [2], [2], [3], [3], [0]]),
                   status=np.zeros((T, 1), dtype=int), invited=np.zeros((T, 1), bool),
                   invited_year=np.full(1, np.inf), menu=np.full(T, 3),
                   active=np.ones((T, 1), bool), status0=np.zeros(1, dtype=int))


def edit(**fields) -> HistoryEdit:
    return HistoryEdit(**fields)


def coerce(**fields) -> list[int]:
    h = edit_history(record(), [edit(partner="AAA", **fields)], "cf.yaml")
    return h.F[:, 0].tolist()


def status(**fields) -> list[int]:
    return edit_history(record(), [edit(**fields)], "cf.yaml").S.tolist()


def test_episodes_are_runs_at_one_positive_level() -> None:
    assert episodes(record().F[:, 0], YEARS) == [(2001, 2002, 1), (2004, 2006, 2),
                                                  (2007, 2008, 3)]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"remove": "coercion", "year": 2001}, [0, 0, 0, 0, 2, 2, 2, 3, 3, 0]),
    ({"remove": "coercion", "year": 2004}, [0, 1, 1, 0, 0, 0, 0, 3, 3, 0]),
    # level 1 for two years from 2008: max(3, 1) = 3 in 2008, 1 in 2009
    ({"move": "coercion", "year": 2001, "to": 2008}, [0, 0, 0, 0, 2, 2, 2, 3, 3, 1]),
    # three years at level 2 from 2008 are cut at the record's last year
    ({"move": "coercion", "year": 2004, "to": 2008}, [0, 1, 1, 0, 0, 0, 0, 3, 3, 2]),
    ({"add": "coercion", "year": 2003, "level": 2}, [0, 1, 1, 2, 2, 2, 2, 3, 3, 0]),
    ({"add": "coercion", "year": 2000, "level": 3, "years": 2}, [3, 3, 1, 0, 2, 2, 2, 3, 3, 0]),
])
def test_coercion_edits_by_hand(fields, expected) -> None:
    assert coerce(**fields) == expected


@pytest.mark.parametrize(("fields", "expected"), [
    ({"remove": "status", "year": 2004}, [1, 1, 3, 3, 3, 3, 3, 3, 3, 3]),
    ({"move": "status", "year": 2004, "to": 2005}, [1, 1, 3, 3, 3, 0, 3, 3, 3, 3]),
    ({"move": "status", "year": 2004, "to": 2003}, [1, 1, 3, 0, 0, 0, 3, 3, 3, 3]),
    ({"add": "status", "year": 2008, "level": 0}, [1, 1, 3, 3, 0, 0, 3, 3, 0, 0]),
    ({"add": "status", "year": 2001, "level": 2}, [1, 2, 3, 3, 0, 0, 3, 3, 3, 3]),
])
def test_status_edits_by_hand(fields, expected) -> None:
    assert status(**fields) == expected


def test_the_first_year_is_a_change_only_when_the_record_starts_in_1991() -> None:
    """Before 1991 there was no institutional relationship (S = 0); a record that starts
    later does not say what S was the year before, so its first year is no change."""
    with pytest.raises(ScenarioError, match="S does not change in 2000"):
        edit_history(record(), [edit(remove="status", year=2000)], "cf.yaml")
    from1991 = replace(record(), years=YEARS - 9)  # the same values on 1991-2000
    out = edit_history(from1991, [edit(remove="status", year=1991)], "cf.yaml")
    assert out.S.tolist() == [0, 0, 3, 3, 0, 0, 3, 3, 3, 3]


def test_removing_a_suspension_removes_the_resumption_that_undid_it() -> None:
    # S 1 1 3 3 0 0 3 3 3 3: the 2004 fall to 0 is undone in 2006; both go
    out = edit_history(record(), [edit(remove="status", year=2004)], "cf.yaml")
    assert out.S.tolist() == [1, 1, 3, 3, 3, 3, 3, 3, 3, 3]


@pytest.mark.parametrize(("fields", "message"), [
    # S 1 1 3 3 0 0 3 3 3 3 -> 1 1 3 0 0 0 3 ...: the 2004 fall (3 -> 0) is gone
    ({"add": "status", "year": 2003, "level": 0}, "also removes the change of S in 2004"),
    # S -> 1 1 3 3 0 4 3 ...: the 2006 rise (0 -> 3) becomes a fall (4 -> 3)
    ({"add": "status", "year": 2005, "level": 4}, "also turns the change of S in 2006"),
])
def test_an_edit_may_not_remove_or_reverse_another_change(fields, message) -> None:
    with pytest.raises(ScenarioError, match=message):
        edit_history(record(), [edit(**fields)], "cf.yaml")


def test_an_edit_that_changes_nothing_is_refused() -> None:
    # F(A) is 3 in 2007: adding level 1 there keeps 3 (max), so nothing changes
    with pytest.raises(ScenarioError, match="changes nothing"):
        edit_history(record(), [edit(add="coercion", partner="AAA", year=2007, level=1)],
                     "cf.yaml")


@pytest.mark.parametrize(("fields", "message"), [
    ({"remove": "coercion", "partner": "AAA", "year": 2002},
     "no coercion episode toward AAA starts in 2002 in the imposed record (its episodes: "
     "2001-2002 level 1, 2004-2006 level 2, 2007-2008 level 3)"),
    ({"remove": "status", "year": 2003}, "S does not change in 2003"),
    ({"move": "status", "year": 2004, "to": 2006}, "not before the next change of S (2006)"),
    ({"move": "status", "year": 2004, "to": 2002}, "not after the previous change of S (2002)"),
    ({"add": "status", "year": 2006, "level": 1}, "S already changes in 2006"),
    ({"add": "status", "year": 2008, "level": 4}, "above the highest rung on offer then (3)"),
    ({"add": "coercion", "partner": "AAA", "year": 2010, "level": 1}, "2010 is after 2009"),
])
def test_edits_that_do_not_fit_the_record_are_one_line(fields, message) -> None:
    with pytest.raises(ScenarioError) as err:
        edit_history(record(), [edit(**fields)], "cf.yaml")
    assert str(err.value).startswith("cf.yaml: history")
    assert message in str(err.value)


def test_no_coercion_of_a_state_that_does_not_exist_yet() -> None:
    h = record()
    h.active[:3, 0] = False  # the partner becomes a state in 2003
    with pytest.raises(ScenarioError, match="AAA is not a state in 2001"):
        edit_history(h, [edit(add="coercion", partner="AAA", year=2001, level=1)], "cf.yaml")


def test_edits_apply_in_order_on_a_copy() -> None:
    h = record()
    # moved out of 2001 to 2009 (cut to one year there), then that moved episode is removed
    out = edit_history(h, [edit(move="coercion", partner="AAA", year=2001, to=2009),
                           edit(remove="coercion", partner="AAA", year=2009)], "cf.yaml")
    assert out.F[:, 0].tolist() == [0, 0, 0, 0, 2, 2, 2, 3, 3, 0]
    assert h.F[:, 0].tolist() == [0, 1, 1, 0, 2, 2, 2, 3, 3, 0]  # the input is untouched


def test_removing_the_2008_hold_on_the_nrc_removes_its_2009_resumption() -> None:
    scenario, _, inputs = resolve("post-cold-war")
    base = imposed_history(scenario, inputs)
    year = {int(y): i for i, y in enumerate(inputs.years)}
    # observed_status.csv: 4 in 2007, 0 in 2008 (NRC on hold 19 Aug), 4 again in 2009
    assert base.S[year[2007]:year[2009] + 1].tolist() == [4, 0, 4]
    out = edit_history(base, [edit(remove="status", year=2008)], "cf.yaml")
    assert out.S[year[2002]:year[2013] + 1].tolist() == [4] * 12
    assert (np.delete(out.S, range(year[2008], year[2009] + 1))
            == np.delete(base.S, range(year[2008], year[2009] + 1))).all()


def test_the_shipped_counterfactual_removes_crimea_and_the_2014_suspension() -> None:
    scenario, _, inputs = resolve("no-crimea-2014")
    base = imposed_history(load_scenario("post-cold-war"), inputs)
    cf = imposed_history(scenario, inputs)
    j, year = inputs.partners.index("UKR"), {int(y): i for i, y in enumerate(inputs.years)}
    # observed_coercion.csv: UKR level 2 in 2014-2021, 3 from 2022 (the invasion)
    assert base.F[year[2014]:year[2021] + 1, j].tolist() == [2] * 8
    assert cf.F[year[2014]:year[2021] + 1, j].tolist() == [0] * 8
    assert cf.F[year[2022]:, j].tolist() == base.F[year[2022]:, j].tolist() == [3, 3, 3]
    # observed_status.csv: 4 in 2013, 1 from 2014, 0 from 2021; without 2014: 4 to 2020
    assert base.S[year[2013]:year[2021] + 1].tolist() == [4, 1, 1, 1, 1, 1, 1, 1, 0]
    assert cf.S[year[2013]:year[2021] + 1].tolist() == [4, 4, 4, 4, 4, 4, 4, 4, 0]
    others = np.delete(np.arange(len(inputs.partners)), j)
    assert (cf.F[:, others] == base.F[:, others]).all()


def test_teacher_runs_diverge_only_after_the_edit_and_never_colder() -> None:
    # the shipped paradigms' signature (a plug-in may read Russia's acts otherwise)
    names = [n for n, cls in PARADIGMS.items() if cls.__module__.startswith("sim.model.")]
    base = run_paradigms("post-cold-war", names, mode="teacher", replicas=12, seed=5)
    cf = run_paradigms("no-crimea-2014", names, mode="teacher", replicas=12, seed=5)
    assert cf.meta["history_edits"] == ["remove coercion UKR 2014", "remove status 2014"]
    a, b = base.series, cf.series
    for name in names:
        ra = a[a["paradigm"] == name].pivot(index="year", columns="replica", values="R")
        rb = b[b["paradigm"] == name].pivot(index="year", columns="replica", values="R")
        diff = rb - ra
        assert (diff.loc[:2014] == 0.0).all().all(), name  # common random numbers
        # without Russia's 2014 acts and the suspension no paradigm reads the relation colder
        assert (diff.loc[2015:2020] >= 0.0).all().all(), name
        assert (diff.loc[2015:2020] > 0.0).any().any(), name


def test_compare_counterfactual_in_teacher_mode(tmp_path: Path) -> None:
    out = tmp_path / "cf"
    result = runner.invoke(app, ["compare", "post-cold-war", "--counterfactual",
                                 "no-crimea-2014", "--mode", "teacher", "--replicas", "4",
                                 "--paradigms", next(iter(PARADIGMS)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["changes"] == ["history: remove coercion UKR 2014",
                                   "history: remove status 2014"]
    assert manifest["history_edits"] == ["remove coercion UKR 2014", "remove status 2014"]
    assert "observed_coercion.csv" in manifest["observed_data"]  # the imposed record's files
    assert "2014*" in result.output  # the changed year is in the terminal table


@pytest.mark.parametrize(("args", "fragments"), [
    (["compare", "post-cold-war", "--counterfactual", "no-crimea-2014"],
     ["--mode: replay", "edits the imposed record", "use --mode teacher"]),
    (["compare", "post-cold-war", "--mode", "teacher"],
     ["--mode: teacher", "--counterfactual"]),
    (["forecast", "no-crimea-2014", "--origin", "2012", "--to", "2014"],
     ["history[0].year: 2014 is after the origin 2012"]),
    (["compare", "post-cold-war", "--counterfactual", "no-crimea-2014", "--mode", "free"],
     ["--mode: free", "use --mode teacher"]),
])
def test_a_mode_that_cannot_see_the_edit_is_refused(tmp_path: Path, args, fragments) -> None:
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    text = result.output.strip()
    assert len(text.splitlines()) == 1 and "Traceback" not in text, text
    for fragment in fragments:
        assert fragment in text, text


def test_removing_only_observed_milestones_points_to_history(tmp_path: Path) -> None:
    path = tmp_path / "obs.yaml"
    path.write_text("name: obs\ndescription: d\nextends: post-cold-war\n"
                    "remove: [coercion-ukr-crimea-2014]\n")
    result = runner.invoke(app, ["compare", "post-cold-war", "--counterfactual", str(path),
                                 "--mode", "teacher", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "'history:'" in result.output and "--mode teacher" in result.output


def test_inherited_edits_come_first_and_change_the_hash(tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    (tmp_path / "no-crimea-2014.yaml").write_text(
        (Path(__file__).parents[1] / "scenarios" / "no-crimea-2014.yaml").read_text())
    child.write_text("name: child\ndescription: d\nextends: no-crimea-2014\nhistory:\n"
                     "  - {move: coercion, partner: GEO, year: 2008, to: 2010}\n")
    scenario = load_scenario(child)
    assert [e.describe() for e in scenario.history] == [
        "remove coercion UKR 2014", "remove status 2014", "move coercion GEO 2008 -> 2010"]
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: child\ndescription: d\nextends: no-crimea-2014\n")
    assert load_scenario(plain).sha256 != scenario.sha256


def test_a_forecast_filters_through_the_edited_record(tmp_path: Path) -> None:
    name = next(iter(PARADIGMS))
    outs = {}
    for scenario in ("post-cold-war", "no-crimea-2014"):
        outs[scenario] = tmp_path / scenario
        result = runner.invoke(app, ["forecast", scenario, "--origin", "2015", "--to", "2016",
                                     "--paradigms", name, "--replicas", "16",
                                     "--out", str(outs[scenario])])
        assert result.exit_code == 0, result.output
    files = {k: json.loads((v / "forecast.json").read_text()) for k, v in outs.items()}
    assert files["no-crimea-2014"]["assumptions"]["history_edits"] == [
        "remove coercion UKR 2014", "remove status 2014"]
    assert files["post-cold-war"]["assumptions"]["history_edits"] == []
    # another record weighs the particles differently
    assert (files["no-crimea-2014"]["filter_loglik"][name]
            != files["post-cold-war"]["filter_loglik"][name])


@pytest.mark.parametrize("command", [
    ["run", "{path}", "--mode", "teacher", "--replicas", "2"],
    ["likelihood", "{path}", "--seeds", "1"],
    ["forecast", "{path}", "--origin", "2020", "--to", "2021", "--replicas", "2"],
])
def test_a_partner_without_an_observed_record_is_one_line(tmp_path: Path, command) -> None:
    """SRB has input data but no observed record (docs/scenarios.md): the commands that
    impose or score the record name it instead of failing with a KeyError."""
    path = tmp_path / "srb.yaml"
    partners = ", ".join([*load_scenario("post-cold-war").agents.partners, "SRB"])
    path.write_text("name: srb\ndescription: d\nextends: post-cold-war\n"
                    f"agents: {{partners: [{partners}]}}\n")
    args = [a.replace("{path}", str(path)) for a in command]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "agents.partners: SRB not in the observed record" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["run", "no-crimea-2014", "--replicas", "2"],
    ["run", "no-crimea-2014", "--replicas", "2", "--mode", "free"],
    ["compare", "no-crimea-2014", "--replicas", "2"],
    ["likelihood", "no-crimea-2014", "--seeds", "1"],
    ["validate", "no-crimea-2014", "--budget", "2"],
])
def test_a_command_that_would_ignore_the_edits_refuses_them(tmp_path: Path, command) -> None:
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "no-crimea-2014.yaml: history: edits the observed record" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("text", "message"), [
    ("{add: coercion, partner: UKR, year: 2010, level: 9}", "a coercion level is 1 to 3, got 9"),
    ("{add: status, year: 2010, level: 5}", "a status level is 0 to 4, got 5"),
])
def test_levels_are_checked_per_act(tmp_path: Path, text, message) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\ndescription: d\nextends: post-cold-war\nhistory:\n  - {text}\n")
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_the_same_edits_in_another_order_are_a_difference() -> None:
    from sim.runs.counterfactual import changes

    base = load_scenario("no-crimea-2014")
    swapped = base.model_copy(update={"history": tuple(reversed(base.history))})
    found = changes(base, swapped)
    assert [c.name for c in found] == ["the same edits in another order"]
