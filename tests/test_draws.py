"""Keyed random streams (sim.model.draws): counterfactual pairing survives partner edits."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from sim.model import draws
from sim.model.draws import Streams
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import diverge, resolve, run_paradigms

YEARS = 6


def _by_actor(partners, rows=3, years=YEARS, seed=11):
    """Per actor: its (normals, uniforms) over the years, cut out of the model's layout."""
    s = Streams(seed, partners, rows, years)
    P = len(partners)
    out = {"DYAD": ([], [])}
    out.update({p: ([], []) for p in partners})
    for _ in range(years):
        normals, uniforms = s.year()
        out["DYAD"][0].append(normals[:, 0].copy())
        out["DYAD"][1].append(uniforms[:, 0:3].copy())
        for j, p in enumerate(partners):
            out[p][0].append(normals[:, 1 + j].copy())
            out[p][1].append(np.column_stack([uniforms[:, 3 + j],
                                              uniforms[:, 3 + P + 2 * j: 5 + P + 2 * j]]))
    return {a: (np.array(n), np.array(u)) for a, (n, u) in out.items()}


def test_adding_removing_or_reordering_partners_keeps_every_other_actors_numbers():
    base = _by_actor(["POL", "UKR", "GEO"])
    for edited in (["POL", "UKR", "GEO", "SRB"], ["SRB", "GEO", "POL", "UKR"], ["UKR", "GEO"]):
        other = _by_actor(edited)
        for actor in set(base) & set(other):
            for mine, theirs in zip(base[actor], other[actor], strict=True):
                assert mine.tobytes() == theirs.tobytes(), (edited, actor)


def test_streams_are_distinct_and_seeded():
    a = _by_actor(["POL", "UKR"])
    assert not np.array_equal(a["POL"][0], a["UKR"][0])
    assert not np.array_equal(a["DYAD"][0], a["POL"][0])
    assert not np.array_equal(a["POL"][1], _by_actor(["POL", "UKR"], seed=12)["POL"][1])
    assert np.array_equal(a["POL"][1], _by_actor(["POL", "UKR"], seed=11)["POL"][1])


def test_uniforms_and_normals_have_their_laws():
    s = Streams(0, ["POL", "UKR"], 20_000, 1)
    normals, uniforms = s.year()
    assert ((uniforms >= 0) & (uniforms < 1)).all()
    assert abs(uniforms.mean() - 0.5) < 0.01 and abs(normals.std() - 1.0) < 0.02


def test_block_size_never_changes_a_number(monkeypatch):
    whole = _by_actor(["POL", "UKR", "GEO"], rows=4)
    monkeypatch.setattr(draws, "BLOCK_BYTES", 1)  # one year per block
    yearly = _by_actor(["POL", "UKR", "GEO"], rows=4)
    for actor in whole:
        for a, b in zip(whole[actor], yearly[actor], strict=True):
            assert a.tobytes() == b.tobytes()


def test_actor_keys_are_one_to_one():
    codes = ["POL", "UKR", "GEO", "SRB", "KAZ", "BIH", draws.DYAD]
    assert len({draws.actor_key(c) for c in codes}) == len(codes)
    assert draws.actor_key("POL") == 0x504F4C  # the ASCII bytes, not Python's hash()


def test_a_generator_seed_advances_it():
    g = np.random.default_rng(5)
    first, second = draws.root_sequence(g), draws.root_sequence(g)
    assert first.entropy != second.entropy


@pytest.fixture(scope="module")
def without_mne(tmp_path_factory):
    """post-cold-war without Montenegro (a state from 2006): a partner removed."""
    base = resolve("post-cold-war")[0]
    partners = [p for p in base.agents.partners if p != "MNE"]
    drop = [m.id for m in base.milestones if "MNE" in m.actors]
    path = tmp_path_factory.mktemp("cf") / "no-mne.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: no-mne
        description: "post-cold-war without Montenegro"
        extends: post-cold-war
        agents:
          partners: [{", ".join(partners)}]
        remove: [{", ".join(drop)}]
        """))
    return str(path)


@pytest.mark.parametrize("mode", ["replay", "free"])
def test_a_partner_absent_until_2006_changes_nothing_before_2006(without_mne, mode):
    """Montenegro is inactive before its independence (2006): with it or without it, every
    other partner's path and the dyad's are the same before 2006, replica by replica.

    Discrete outcomes are identical; continuous ones agree to rounding (a sum over 22
    partners rounds differently from one over 21 in the last bit)."""
    full, cut = resolve("post-cold-war")[2], resolve(without_mne)[2]
    keep = [full.partners.index(p) for p in cut.partners]
    for name in PARADIGMS:
        _, a, pa = NatoRussiaModel(paradigm=name, mode=mode, replicas=40, rng=3,
                                   inputs=full).run().recorded()
        _, b, pb = NatoRussiaModel(paradigm=name, mode=mode, replicas=40, rng=3,
                                   inputs=cut).run().recorded()
        t = 2006 - 1991
        for column in ("S", "suspended", "menu"):
            assert np.array_equal(a[column][:t], b[column][:t]), (name, column)
        for column in ("status", "coercion"):
            assert np.array_equal(pa[column][:t][:, :, keep], pb[column][:t]), (name, column)
        for column in ("R", "russia_burden", "memory"):
            assert np.abs(a[column][:t] - b[column][:t]).max() <= 1e-12, (name, column)
        assert np.abs(pa["alignment"][:t][:, :, keep] - pb["alignment"][:t]).max() <= 1e-12


def test_paired_divergence_is_zero_before_a_milestone_change(tmp_path):
    """Removing the 1999 Kosovo campaign: the paired divergence is exactly 0 before 1999."""
    path = tmp_path / "no-kosovo.yaml"
    path.write_text(textwrap.dedent("""\
        name: no-kosovo
        description: "no Allied Force"
        extends: post-cold-war
        remove: [allied-force]
        period: {start: 1991, end: 2002}
        """))
    base = tmp_path / "base.yaml"
    base.write_text(textwrap.dedent("""\
        name: base
        description: "the baseline to 2002"
        extends: post-cold-war
        period: {start: 1991, end: 2002}
        """))
    names = list(PARADIGMS)
    div = diverge(run_paradigms(str(base), names, replicas=30, seed=4),
                  run_paradigms(str(path), names, replicas=30, seed=4), "R", n_boot=50)
    before = div[div["year"] < 1999]
    assert (before[["diff", "lo", "hi", "paired_median"]] == 0.0).all().all()
    assert (div.loc[div["year"] >= 1999, "diff"] != 0.0).any()  # the edit has an effect
