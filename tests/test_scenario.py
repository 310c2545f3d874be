"""Tests for sim.data.scenario: shipped scenarios, time conversion, errors and inheritance."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from sim.core.errors import ScenarioError
from sim.data.scenario import (
    PARTNER_TYPES,
    TYPE_SPECS,
    Milestone,
    list_scenarios,
    load_scenario,
    parse_date,
    scenario_dir,
    year_fraction,
)

PARTNERS_22 = [
    "POL", "CZE", "HUN", "SVK", "SVN", "EST", "LVA", "LTU", "ROU", "BGR", "ALB",
    "HRV", "MNE", "MKD", "FIN", "SWE", "UKR", "GEO", "MDA", "BLR", "ARM", "AZE",
]  # fmt: skip


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

BASE = """\
name: base
description: a small test scenario
period: {start: 1991, end: 2010}
agents:
  partners: [POL, UKR, GEO]
milestones:
  - id: offer-nacc
    date: 1991-12-20
    type: institution_offer
    role: input
    actors: [NATO, RUS]
    rung: 1
    label: NACC
    source: test
  - id: accession-pol
    date: 1999-03-12
    type: accession
    role: input
    actors: [NATO, POL]
    label: POL accedes
    source: test
  - id: orange
    date: 2004-12
    type: domestic_shock
    role: input
    actors: [UKR]
    magnitude: 0.5
    label: Orange
    source: test
  - id: war-geo
    date: 2008-08-08
    type: coercion
    role: observed
    actors: [RUS, GEO]
    level: 3
    label: war
    source: test
  - id: reset
    date: 2009-03-06
    type: dyad_event
    role: observed
    actors: [USA, RUS]
    label: reset
    source: test
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a YAML file (dedented) and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> ScenarioError:
    """Load ``path`` expecting a ScenarioError; return it after the one-line checks."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    text = str(err)
    assert "\n" not in text
    assert text.startswith(str(err.source))
    return err


def base_with(old: str, new: str) -> str:
    """The BASE text with one substring replaced (must occur)."""
    assert old in BASE
    return BASE.replace(old, new, 1)


# --------------------------------------------------------------------------------------
# shipped scenarios
# --------------------------------------------------------------------------------------


def test_shipped_scenarios_are_listed():
    names = [name for name, _ in list_scenarios()]
    assert names == sorted(names)
    assert {"post-cold-war", "ratti-2009"} <= set(names)
    for name in names:  # every shipped scenario, counterfactuals included, loads
        load_scenario(name)
    assert (scenario_dir() / "post-cold-war.yaml").is_file()


def test_post_cold_war_loads_and_is_sane():
    s = load_scenario("post-cold-war")
    assert (s.period.start, s.period.end) == (1991, 2024)
    assert list(s.agents.partners) == PARTNERS_22
    assert len(s.milestones) >= 100
    types = Counter(m.type for m in s.milestones)
    assert set(types) == set(TYPE_SPECS)  # every type is used at least once
    assert types["institution_offer"] == 4
    assert sorted(m.rung for m in s.milestones_of("institution_offer")) == [1, 2, 3, 4]
    assert types["pfp_join"] == 22
    assert types["institution_suspension"] == 4
    assert types["institution_resumption"] == 3
    assert types["accession"] == 7
    dates = [m.date for m in s.milestones]
    assert dates == sorted(dates)


def test_post_cold_war_partner_status_covers_members():
    s = load_scenario("post-cold-war")
    acceded = {p for m in s.milestones_of("accession") for p in m.partners}
    assert acceded == set(PARTNERS_22) - {"UKR", "GEO", "MDA", "BLR", "ARM", "AZE"}
    invited = {p for m in s.milestones_of("invitation") for p in m.partners}
    assert invited == acceded
    assert s.milestone("allied-force").mandate is False
    assert s.milestone("coercion-ukr-invasion-2022").level == 3


def test_every_input_has_a_source_and_chronology_ids_are_valid():
    s = load_scenario("post-cold-war")
    assert all(m.source.strip() for m in s.inputs())
    assert all(m.role == "input" for m in s.inputs())
    assert all(m.role == "observed" for m in s.observed())
    ids = {m.chronology_id for m in s.milestones if m.chronology_id is not None}
    assert ids == set(range(2, 73))  # every in-period chronology row is linked


def test_ratti_2009_stops_in_2008():
    s = load_scenario("ratti-2009")
    base = load_scenario("post-cold-war")
    assert s.extends == "post-cold-war.yaml"
    assert (s.period.start, s.period.end) == (1991, 2008)
    assert max(m.date for m in s.milestones).year <= 2008
    assert [m.id for m in s.milestones] == [m.id for m in base.milestones if m.date.year <= 2008]
    assert "doi:10.1177/002070200906400206" in s.description
    assert s.sha256 != base.sha256


def test_sha256_is_stable_and_hex():
    a, b = load_scenario("post-cold-war"), load_scenario("post-cold-war")
    assert a.sha256 == b.sha256
    assert len(a.sha256) == 64
    int(a.sha256, 16)


def test_load_by_path_and_bare_name_agree():
    by_name = load_scenario("post-cold-war")
    by_path = load_scenario(scenario_dir() / "post-cold-war.yaml")
    assert by_name == by_path


def test_unknown_name():
    with pytest.raises(ScenarioError, match="no such scenario"):
        load_scenario("no-such-scenario")


# --------------------------------------------------------------------------------------
# time
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(1999, 3, 12), 1999 + 70 / 365),
        (dt.date(1991, 1, 1), 1991.0),
        (dt.date(2000, 12, 31), 2000 + 365 / 366),
        (dt.date(2024, 3, 1), 2024 + 60 / 366),
    ],
)
def test_year_fraction(day, expected):
    assert year_fraction(day) == pytest.approx(expected, abs=1e-12)


def test_month_precision_is_first_of_month(tmp_path):
    s = load_scenario(write(tmp_path, "base.yaml", BASE))
    orange = s.milestone("orange")
    assert (orange.date, orange.precision) == (dt.date(2004, 12, 1), "month")
    assert orange.time == pytest.approx(2004 + 335 / 366)
    assert s.milestone("accession-pol").time == pytest.approx(1999 + 70 / 365)
    assert s.milestone("accession-pol").to_meta()["time"] == s.milestone("accession-pol").time


def test_parse_date_rejects_bad_forms():
    assert parse_date("1996-01") == (dt.date(1996, 1, 1), "month")
    for bad in ("1996", "1996-13", "1999-02-30", 1999):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_defaults_for_out_of_area_and_exclusion():
    common = {"role": "input", "label": "x", "source": "s", "actors": ["NATO"]}
    m = Milestone(id="a", date="1999-03-24", type="out_of_area", mandate=False, **common)
    assert m.magnitude == 1.0
    e = Milestone(id="b", date="2001-12-13", type="exclusion", **common)
    assert e.magnitude == 1.0


# --------------------------------------------------------------------------------------
# errors: one line naming file and key
# --------------------------------------------------------------------------------------


def test_unknown_key_suggests_closest(tmp_path):
    path = write(tmp_path, "s.yaml", BASE.replace("milestones:", "milestone:"))
    err = error_of(path)
    assert err.where == "milestone"
    assert "did you mean 'milestones'?" in err.message
    assert str(path) in str(err)


def test_unknown_milestone_key_suggests_closest(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("    rung: 1\n", "    rung: 1\n    lable: x\n"))
    err = error_of(path)
    assert err.where == "milestones[0].lable"
    assert "did you mean 'label'?" in err.message


def test_wrong_type(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("rung: 1", "rung: first"))
    err = error_of(path)
    assert err.where == "milestones[0].rung"
    assert "integer" in err.message


def test_unknown_milestone_type_lists_choices(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("type: accession", "type: accesion"))
    err = error_of(path)
    assert err.where == "milestones[1].type"
    assert "'accession'" in err.message


def test_bad_date(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("date: 2004-12", "date: Dec 2004"))
    err = error_of(path)
    assert err.where == "milestones[2].date"
    assert "YYYY-MM-DD or YYYY-MM" in err.message


def test_milestone_out_of_period(tmp_path):
    path = write(tmp_path, "s.yaml", BASE.replace("end: 2010", "end: 2008"))
    err = error_of(path)
    assert err.where == "milestones[4].date"
    assert "'reset'" in err.message and "outside the period 1991-2008" in err.message


def test_period_bounds(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", BASE.replace("start: 1991", "start: 1989")))
    assert err.where == "period.start"
    err = error_of(write(tmp_path, "t.yaml", BASE.replace("start: 1991", "start: 2011")))
    assert err.where == "period.end"


def test_out_of_order_names_both_ids(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("date: 1999-03-12", "date: 2005-03-12"))
    err = error_of(path)
    assert err.where == "milestones[2].date"
    assert "'orange'" in err.message and "'accession-pol'" in err.message


def test_duplicate_id(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("id: reset", "id: war-geo"))
    err = error_of(path)
    assert err.where == "milestones[4].id"
    assert "used twice" in err.message


def test_unknown_partner(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("actors: [NATO, POL]", "actors: [NATO, CZE]"))
    err = error_of(path)
    assert err.where == "milestones[1].actors[1]"
    assert "'CZE'" in err.message and "agents.partners" in err.message


def test_non_partner_types_may_name_other_states(tmp_path):
    s = load_scenario(write(tmp_path, "s.yaml", base_with("[USA, RUS]", "[USA, RUS, GBR]")))
    assert "GBR" in s.milestone("reset").actors
    assert "dyad_event" not in PARTNER_TYPES


def test_yaml_syntax_error_names_line(tmp_path):
    text = BASE.replace("    label: POL accedes", "    label: [POL accedes")
    path = write(tmp_path, "s.yaml", text)
    err = error_of(path)
    assert err.where.startswith("line ")
    line = int(err.where.split()[1])
    assert 20 <= line <= 22  # at or just after the broken line 20
    assert "YAML syntax error" in err.message
    assert "started at line 20" in err.message


def test_missing_required_per_type_field(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("    rung: 1\n", ""))
    err = error_of(path)
    assert err.where == "milestones[0].rung"
    assert "institution_offer" in err.message and "1..4" in err.message


def test_coercion_needs_one_partner(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("actors: [RUS, GEO]", "actors: [RUS, GEO, UKR]"))
    err = error_of(path)
    assert err.where == "milestones[3].actors"
    assert "exactly one partner" in err.message


def test_field_that_does_not_apply(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("    level: 3\n", "    level: 3\n    rung: 2\n"))
    err = error_of(path)
    assert err.where == "milestones[3].rung"
    assert "does not apply" in err.message


def test_wrong_role_for_type(tmp_path):
    path = write(tmp_path, "s.yaml", base_with("role: observed", "role: input"))
    err = error_of(path)
    assert err.where == "milestones[3].role"
    assert "'observed'" in err.message


def test_partner_override_key_suggestion(tmp_path):
    text = BASE + "partner_overrides:\n  UKR: {proximity: 0.6}\n"
    err = error_of(write(tmp_path, "s.yaml", text))
    assert err.where == "partner_overrides.UKR.proximity"
    assert "did you mean 'proximity_w'?" in err.message


def test_partner_override_applies(tmp_path):
    text = BASE + "partner_overrides:\n  UKR: {proximity_w: 0.6, borders_russia: true}\n"
    s = load_scenario(write(tmp_path, "s.yaml", text))
    assert s.partner_overrides == {"UKR": {"proximity_w": 0.6, "borders_russia": True}}


# --------------------------------------------------------------------------------------
# inheritance
# --------------------------------------------------------------------------------------


def child(folder: Path, body: str, name: str = "child.yaml") -> Path:
    """Write the base and a child scenario extending it."""
    write(folder, "base.yaml", BASE)
    head = "name: child\ndescription: a child\nextends: base.yaml\n"
    return write(folder, name, head + textwrap.dedent(body))


def test_extends_inherits_everything(tmp_path):
    s = load_scenario(child(tmp_path, ""))
    base = load_scenario(tmp_path / "base.yaml")
    assert s.milestones == base.milestones
    assert s.agents == base.agents
    assert s.sha256 != base.sha256  # the name differs


def test_remove_shift_add(tmp_path):
    body = """\
    remove: [reset]
    shift:
      accession-pol: 2000-01-01
      orange: "2004-11"
    add:
      - id: rose
        date: 2003-11-23
        type: domestic_shock
        role: input
        actors: [GEO]
        magnitude: 0.5
        label: Rose
        source: test
    partner_overrides:
      GEO: {proximity_w: 1.0}
    """
    s = load_scenario(child(tmp_path, body))
    ids = [m.id for m in s.milestones]
    assert ids == ["offer-nacc", "accession-pol", "rose", "orange", "war-geo"]
    assert s.milestone("accession-pol").date == dt.date(2000, 1, 1)
    assert (s.milestone("orange").date, s.milestone("orange").precision) == (
        dt.date(2004, 11, 1),
        "month",
    )
    assert s.remove == ("reset",)
    assert [m.id for m in s.add] == ["rose"]
    assert s.partner_overrides == {"GEO": {"proximity_w": 1.0}}


def test_narrowed_period_drops_base_milestones(tmp_path):
    s = load_scenario(child(tmp_path, "period: {start: 1991, end: 2005}\n"))
    assert [m.id for m in s.milestones] == ["offer-nacc", "accession-pol", "orange"]


def test_added_milestone_out_of_period_is_an_error(tmp_path):
    body = """\
    period: {start: 1991, end: 2005}
    add:
      - id: late
        date: 2007-01-01
        type: dyad_event
        role: context
        actors: [RUS]
        label: late
        source: test
    """
    err = error_of(child(tmp_path, body))
    assert err.where == "add[0].date"
    assert "outside the period" in err.message


def test_remove_unknown_id(tmp_path):
    err = error_of(child(tmp_path, "remove: [nope]\n"))
    assert err.where == "remove[0]"
    assert "'nope'" in err.message


def test_add_existing_id(tmp_path):
    body = """\
    add:
      - id: reset
        date: 2009-03-07
        type: dyad_event
        role: observed
        actors: [USA, RUS]
        label: reset
        source: test
    """
    err = error_of(child(tmp_path, body))
    assert err.where == "add[0].id"


def test_child_may_not_list_milestones(tmp_path):
    body = "milestones: []\n"
    s = load_scenario(child(tmp_path, body))  # an empty list is the default: allowed
    assert len(s.milestones) == 5
    body = """\
    milestones:
      - id: x
        date: 2001-01-01
        type: dyad_event
        role: context
        actors: [RUS]
        label: x
        source: test
    """
    err = error_of(child(tmp_path, body))
    assert err.where == "milestones"
    assert "'add'" in err.message


def test_extends_cycle_names_chain(tmp_path):
    write(tmp_path, "a.yaml", "name: a\ndescription: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "name: b\ndescription: b\nextends: a.yaml\n")
    err = error_of(tmp_path / "a.yaml")
    assert err.where == "extends"
    assert "a.yaml -> b.yaml -> a.yaml" in err.message


def test_extends_may_not_escape_folder(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    write(tmp_path, "base.yaml", BASE)
    path = write(inner, "c.yaml", "name: c\ndescription: c\nextends: ../base.yaml\n")
    err = error_of(path)
    assert err.where == "extends"
    assert "no '..'" in err.message


def test_extends_missing_file(tmp_path):
    path = write(tmp_path, "c.yaml", "name: c\ndescription: c\nextends: nowhere.yaml\n")
    err = error_of(path)
    assert err.where == "extends"


def test_extends_falls_back_to_shipped(tmp_path):
    path = write(
        tmp_path,
        "c.yaml",
        "name: c\ndescription: c\nextends: post-cold-war.yaml\nperiod: {start: 1991, end: 2001}\n",
    )
    s = load_scenario(path)
    assert max(m.date for m in s.milestones).year == 2001


def test_inherited_partner_dropped_is_reported_in_child(tmp_path):
    path = child(tmp_path, "agents: {partners: [POL, UKR]}\n")
    err = error_of(path)
    assert err.source == str(path)
    assert "'war-geo'" in err.message and "'GEO'" in err.message


def test_duplicate_keys_are_an_error_not_silently_the_last(tmp_path):
    path = write(tmp_path, "dup.yaml", """\
        name: dup
        description: two remove lists
        extends: post-cold-war.yaml
        remove: [accession-1999]
        remove: [allied-force]
        """)
    with pytest.raises(ScenarioError, match=r"line 5: .*duplicate key 'remove' \(first"):
        load_scenario(path)


# --------------------------------------------------------------------------------------
# observed milestones are charted, not scored: the CLI says where the scored record lives
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directive", "noted"),
    [
        ("remove: [coercion-ukr-crimea-2014, suspension-2014-nato]", True),
        ("shift: {suspension-2014-nato: 2014-05-01}", True),
        ("remove: [accession-1999]", False),  # an input: it changes the run, no note
        ("", False),
    ],
)
def test_editing_observed_milestones_says_where_the_scored_record_is(
    tmp_path: Path, directive: str, noted: bool
) -> None:
    from typer.testing import CliRunner

    from sim.cli import app

    child = tmp_path / "child.yaml"
    child.write_text(f"name: c\ndescription: d\nextends: post-cold-war\n{directive}\n")
    scenario = load_scenario(child)
    assert bool(scenario.observed_edits) == noted
    result = CliRunner().invoke(app, ["scenarios", "validate", str(child)])
    assert result.exit_code == 0, result.output
    if noted:
        assert "coercion-ukr-crimea-2014" in result.stderr or "suspension-2014" in result.stderr
        assert "not scored" in result.stderr and "sim/data/OBSERVED.md" in result.stderr
    else:
        assert result.stderr == ""


def test_shipped_scenarios_edit_no_observed_milestone() -> None:
    for name, _ in list_scenarios():
        assert load_scenario(name).observed_edits == (), name


def test_a_binary_value_is_refused_not_decoded(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    good = (Path(__file__).parent / "bad_inputs" / "good.yaml").read_text()
    path.write_text(good.replace("name: bad-example", "name: !!binary aGVsbG8="))
    with pytest.raises(ScenarioError, match=r"bin.yaml: name: binary data \(a !!binary value\)"):
        load_scenario(path)
