"""Counterfactual scenarios: inheritance resolves, the model's records diverge where expected."""

from __future__ import annotations

import numpy as np
import pytest

from sim.data.scenario import load_scenario
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import diverge, run_paradigms

COUNTERFACTUALS = ("no-1999-enlargement", "no-baltic-accession-2004",
                   "map-for-ukraine-georgia-2008", "no-kosovo-campaign-1999")
REPLICAS = 4


@pytest.fixture(scope="module")
def base():
    return load_scenario("post-cold-war")


def narrowed(tmp_path, extends: str, end: int, extra: str = "") -> str:
    """A tmp scenario that extends a shipped one and narrows its period (for speed)."""
    path = tmp_path / f"{extends}-to-{end}.yaml"
    path.write_text(f'name: short\ndescription: "test"\nextends: {extends}\n'
                    f"period: {{start: 1991, end: {end}}}\n{extra}")
    return str(path)


def run_both(tmp_path, counterfactual: str, end: int):
    """Base and counterfactual, same seed and replicas, all paradigms, narrowed period."""
    base = run_paradigms(narrowed(tmp_path, "post-cold-war", end), PARADIGMS,
                         replicas=REPLICAS, seed=7)
    cf = run_paradigms(narrowed(tmp_path, counterfactual, end), PARADIGMS,
                       replicas=REPLICAS, seed=7)
    return base, cf


def ids(scenario) -> list[str]:
    return [m.id for m in scenario.milestones]


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_shipped_counterfactuals_load_and_say_what_they_are(base, name):
    cf = load_scenario(name)
    assert cf.extends == "post-cold-war.yaml" and cf.period == base.period
    assert cf.description.startswith("Counterfactual:")
    assert cf.sha256 != base.sha256
    for m in cf.add:
        assert m.verification == "counterfactual" and "ounterfactual" in m.note
        assert m.label.endswith("(CF)")
    assert set(ids(cf)) - {m.id for m in cf.add} <= set(ids(base))


def test_no_1999_enlargement_removes_madrid_and_the_accession(base):
    cf = load_scenario("no-1999-enlargement")
    assert set(ids(base)) - set(ids(cf)) == {"invitation-madrid", "accession-1999"}
    assert not cf.add


def test_no_baltic_accession_rewrites_the_2004_round(base):
    cf = load_scenario("no-baltic-accession-2004")
    assert set(ids(base)) - set(ids(cf)) == {"invitation-prague", "accession-2004"}
    added = cf.milestone("accession-2004-without-baltics")
    assert added.date == base.milestone("accession-2004").date
    assert set(added.partners) == {"BGR", "ROU", "SVK", "SVN"}
    assert not {"EST", "LVA", "LTU"} & set(cf.milestone("invitation-prague-without-baltics")
                                               .partners)


def test_map_for_ukraine_georgia_adds_one_milestone_at_bucharest(base):
    cf = load_scenario("map-for-ukraine-georgia-2008")
    assert set(ids(cf)) - set(ids(base)) == {"map-bucharest-geo-ukr"}
    assert set(ids(base)) <= set(ids(cf))
    added = cf.milestone("map-bucharest-geo-ukr")
    assert added.type == "map" and set(added.partners) == {"GEO", "UKR"}
    assert added.date == base.milestone("pledge-bucharest").date
    assert "Bucharest" in added.note and "NATO_BUCHAREST2008" in added.source
    # on the same date the base milestones keep their order and come first
    assert ids(cf).index("map-bucharest-geo-ukr") == ids(cf).index("pledge-bucharest") + 1


def test_no_kosovo_campaign_removes_only_allied_force(base):
    cf = load_scenario("no-kosovo-campaign-1999")
    assert set(ids(base)) - set(ids(cf)) == {"allied-force"}
    assert "suspension-1999-rus" in ids(cf) and "kosovo-recognition" in ids(cf)


def test_a_shifted_milestone_moves(tmp_path):
    path = narrowed(tmp_path, "post-cold-war", 2001, "shift: {accession-1999: 2000-03-12}\n")
    cf = load_scenario(path)
    assert str(cf.milestone("accession-1999").date) == "2000-03-12"
    assert ids(cf).index("accession-1999") > ids(cf).index("adapted-cfe-signed")
    p = run_paradigms(path, ["realist"], replicas=2, seed=1).partners
    pol = p[p["partner"] == "POL"].groupby("year")["status"].max()
    assert pol[1999] < 3 and pol[2000] == 3


def test_no_1999_enlargement_diverges_from_1997_and_not_before(tmp_path):
    base, cf = run_both(tmp_path, "no-1999-enlargement", 2000)
    status = diverge(base, cf, "status", partner="POL")
    at = status.set_index(["paradigm", "year"])
    for paradigm in PARADIGMS:
        assert at.loc[(paradigm, 1999), "counterfactual"] < 3
        assert at.loc[(paradigm, 1999), "base"] == 3
        assert at.loc[(paradigm, 1999), "diff"] == -2  # stays PfP instead of member
    r = diverge(base, cf, "R")
    before = r[r["year"] <= 1996]  # same seed, same inputs: identical paths
    assert (before[["diff", "lo", "hi", "paired_median"]] == 0).all().all()
    realist = r[(r["paradigm"] == "realist") & (r["year"] == 1999)].iloc[0]
    assert realist["diff"] > 0 and realist["lo"] > 0  # realism: no enlargement, better R
    assert set(r["paradigm"]) == set(PARADIGMS) and (r["replicas"] == REPLICAS).all()


def test_no_baltic_accession_keeps_the_baltics_out(tmp_path):
    base, cf = run_both(tmp_path, "no-baltic-accession-2004", 2005)
    p = cf.partners[cf.partners["year"] == 2004].groupby("partner")["status"].max()
    assert (p[["EST", "LVA", "LTU"]] == 2).all() and (p[["ROU", "SVK", "SVN", "BGR"]] == 3).all()
    est = diverge(base, cf, "status", partner="EST")
    assert (est.loc[est["year"] == 2004, "diff"] == -1).all()


def test_map_for_ukraine_georgia_raises_their_status(tmp_path):
    base, cf = run_both(tmp_path, "map-for-ukraine-georgia-2008", 2008)
    for iso in ("UKR", "GEO"):
        d = diverge(base, cf, "status", partner=iso)
        last = d[d["year"] == 2008]
        assert (last["base"] == 1).all() and (last["counterfactual"] == 2).all()
        assert (d.loc[d["year"] < 2008, "diff"] == 0).all()


def test_no_kosovo_campaign_changes_1999_where_force_matters(tmp_path):
    base, cf = run_both(tmp_path, "no-kosovo-campaign-1999", 2000)
    r = diverge(base, cf, "R")
    at = r.set_index(["paradigm", "year"])["diff"]
    assert (r.loc[r["year"] <= 1998, "diff"] == 0).all()
    assert at[("realist", 1999)] > 0 and at[("constructivist", 1999)] > 0


def test_diverge_rejects_partner_columns_without_partner(fake_records):
    with pytest.raises(ValueError, match="partner column"):
        diverge(fake_records, fake_records, "status")
    with pytest.raises(ValueError, match="unknown column"):
        diverge(fake_records, fake_records, "nope")
    same = diverge(fake_records, fake_records, "alignment", partner="UKR")
    assert np.allclose(same[["diff", "lo", "hi"]], 0.0)
