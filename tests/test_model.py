"""The model: invariants, determinism, run modes, event timing and Mesa compatibility."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from sim.core.errors import ParameterError
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, CONSTANTS
from sim.runs.experiments import resolve, run_ensemble


@pytest.fixture(scope="module")
def world():
    return resolve("post-cold-war")


def run(world, paradigm="realist", **kwargs):
    scenario, data, inputs = world
    kwargs.setdefault("replicas", 16)
    kwargs.setdefault("seed", 3)
    return run_ensemble(scenario, paradigm, data=data, inputs=inputs, **kwargs)


def test_every_year_and_replica_is_recorded(world):
    rec = run(world, replicas=5)
    assert rec.years == list(range(1991, 2025))
    assert len(rec.series) == 5 * 34
    assert len(rec.partners) == 5 * 34 * 22
    assert set(rec.partners["partner"]) == set(world[2].partners)


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
@pytest.mark.parametrize("mode", ["replay", "free"])
def test_bounds_hold_for_random_parameters(world, paradigm, mode):
    rng = np.random.default_rng(11)
    space = {**CHASSIS, **PARADIGMS[paradigm].parameters}
    for _ in range(6):
        params = {name: float(rng.uniform(*p.bounds)) for name, p in space.items()}
        rec = run(world, paradigm, mode=mode, replicas=6, params=params,
                  seed=int(rng.integers(1 << 30)))
        s, p = rec.series, rec.partners
        assert s.notna().all().all() and p.notna().all().all(), params
        assert s["R"].between(-1, 1).all() and p["alignment"].between(-1, 1).all()
        assert s["S"].isin(range(5)).all() and (s["S"] <= s["menu"]).all()
        assert p["status"].isin(range(4)).all() and p["coercion"].isin(range(4)).all()
        for col in ("russia_burden", "nato_burden"):
            assert s[col].between(CONSTANTS["burden_min"], CONSTANTS["burden_max"]).all()
        assert np.isfinite(s.select_dtypes("number").to_numpy()).all()


def test_same_seed_same_output_and_other_seed_differs(world):
    a, b, c = run(world, seed=5), run(world, seed=5), run(world, seed=6)
    assert a.series.equals(b.series) and a.partners.equals(b.partners)
    assert not a.series["R"].equals(c.series["R"])


def test_common_random_numbers_across_paradigms(world):
    """Every paradigm draws the same numbers in the same order from the same seed."""
    *_, inputs = world
    states = []
    for name in PARADIGMS:
        model = NatoRussiaModel(paradigm=name, replicas=4, rng=9, inputs=inputs).run()
        states.append(model.rng.bit_generator.state["state"]["state"])
    assert len(set(states)) == 1


def test_replay_forces_partner_milestones_at_their_dates(world):
    p = run(world, replicas=4).partners
    status = p.pivot_table(index="year", columns="partner", values="status", aggfunc="min")
    top = p.pivot_table(index="year", columns="partner", values="status", aggfunc="max")
    assert (status.loc[1999:, "POL"] == 3).all() and (top.loc[:1998, "POL"] < 3).all()
    assert (status.loc[2004:, "EST"] == 3).all() and (top.loc[:2003, "EST"] < 3).all()
    assert (status.loc[2023:, "FIN"] == 3).all() and (top.loc[:2022, "FIN"] < 3).all()
    assert (top["UKR"] < 3).all() and (top["GEO"] < 3).all()


def test_free_mode_leaves_enlargement_to_the_model(world):
    *_, inputs = world
    model = NatoRussiaModel(paradigm="constructivist", mode="free", replicas=32, rng=2,
                            inputs=inputs)
    fired = {m.milestone.type for m in model._events}
    assert not fired & {"accession", "invitation", "pfp_join", "map", "application"}
    assert {"institution_offer", "out_of_area", "common_threat"} <= fired
    p = model.run().records().partners
    assert (p["status"] > 0).any()  # partners do join PfP / get invited on their own
    final = p[p.year == 2024].groupby("partner")["status"].nunique()
    assert (final > 1).any()  # ... and not identically in every replica


def test_milestones_fire_at_their_dates_in_order(world):
    scenario, _, inputs = world
    model = NatoRussiaModel(paradigm="realist", replicas=2, rng=1, inputs=inputs).run()
    times = [t for t, _ in model.event_log]
    assert times == sorted(times)
    expected = {m.id: m.time for m in inputs.milestones}
    for t, mid in model.event_log:
        assert t == pytest.approx(expected[mid])
    assert model.time == 2025.0 and model.steps == 34


def test_yearly_update_runs_after_that_years_milestones(world):
    """The 1999 Kosovo campaign (no UN mandate) shows in the 1999 record, not the 1998 one:
    against the same run without it, the liberal's hostility differs from 1999 on only."""
    scenario, data, inputs = world
    from sim.data.inputs import build_inputs

    kosovo = [m for m in inputs.milestones if m.type == "out_of_area" and m.date.year == 1999]
    assert len(kosovo) == 1 and not kosovo[0].mandate
    kept = [m for m in scenario.milestones if m.id != kosovo[0].id]
    without = build_inputs(scenario.model_copy(update={"milestones": kept}), data)
    base = run(world, "liberal", replicas=2)
    cf = run_ensemble(scenario, "liberal", replicas=2, seed=3, data=data, inputs=without)
    diff = (base.series.groupby("year")["H_R"].mean()
            - cf.series.groupby("year")["H_R"].mean())
    assert (diff.loc[:1998] == 0).all()
    assert diff.loc[1999] > 0


def test_mesa_batch_run_compatibility():
    two = list(PARADIGMS)[:2]
    results = mesa.batch_run(
        NatoRussiaModel, {"paradigm": two},
        rng=[1, 2], max_steps=34, display_progress=False,
    )
    assert len(results) == 4
    for row in results:
        assert row["year"] == 2024 and -1 <= row["R"] <= 1
    same = [r["R"] for r in results if r["paradigm"] == two[0]]
    assert same[0] != same[1]  # different seeds, different runs


def test_datacollector_is_built_only_when_read_and_matches_the_records(world, monkeypatch):
    *_, inputs = world

    def collect_not_allowed(self, model):
        raise AssertionError("DataCollector.collect ran during the simulation")

    with monkeypatch.context() as patch:
        patch.setattr(mesa.DataCollector, "collect", collect_not_allowed)
        model = NatoRussiaModel(paradigm=next(iter(PARADIGMS)), replicas=3, rng=4,
                                inputs=inputs).run()
    frame = model.datacollector.get_model_vars_dataframe()
    means = model.records().series.groupby("year")[["R", "S", "russia_burden"]].mean()
    assert frame["year"].tolist() == means.index.tolist()
    assert np.allclose(frame[["R", "S", "russia_burden"]].to_numpy(), means.to_numpy())


def test_paradigm_parameters_pass_through_the_constructor(world):
    *_, inputs = world
    model = NatoRussiaModel(paradigm="realist", kappa=2.5, mu=0.3, inputs=inputs)
    assert model.paradigm.kappa == 2.5 and model.p["mu"] == 0.3


def test_realist_signature_holds_in_the_full_model(world):
    """Remove every enlargement milestone: realist hostility in 2004-2008 is lower."""
    scenario, data, _ = world
    from sim.data.inputs import build_inputs

    kept = [m for m in scenario.milestones
            if m.type not in {"accession", "invitation", "membership_pledge", "map"}]
    counterfactual = build_inputs(scenario.model_copy(update={"milestones": kept}), data)
    base = run(world, replicas=8)
    cf = run_ensemble(scenario, "realist", replicas=8, seed=3, data=data, inputs=counterfactual)
    years = slice(2004, 2008)
    h_base = base.series.groupby("year")["H_R"].mean().loc[years]
    h_cf = cf.series.groupby("year")["H_R"].mean().loc[years]
    assert (h_base > h_cf).all()


def test_records_before_the_first_step_are_empty_tables(world):
    *_, inputs = world
    rec = NatoRussiaModel(paradigm="liberal", replicas=3, inputs=inputs).records()
    assert rec.series.empty and rec.partners.empty
    assert list(rec.series.columns)[:3] == ["paradigm", "replica", "year"]


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_per_replica_parameters_equal_separate_runs(world, paradigm):
    """K parameter points in one model (common draws) = K single runs with the same seed."""
    *_, inputs = world
    rng = np.random.default_rng(4)
    space = {**CHASSIS, **PARADIGMS[paradigm].parameters}
    points = [{n: float(rng.uniform(*p.bounds)) for n, p in space.items()} for _ in range(4)]
    vectors = {n: [pt[n] for pt in points] for n in space}
    for mode in ("replay", "free"):
        together = NatoRussiaModel(paradigm=paradigm, mode=mode, replicas=4, rng=8,
                                   inputs=inputs, common_draws=True, **vectors).run().records()
        for k, point in enumerate(points):
            alone = NatoRussiaModel(paradigm=paradigm, mode=mode, replicas=1, rng=8,
                                    inputs=inputs, **point).run().records()
            mine = together.series[together.series.replica == k].drop(columns="replica")
            np.testing.assert_allclose(
                mine.select_dtypes("number").to_numpy(),
                alone.series.drop(columns="replica").select_dtypes("number").to_numpy(),
                rtol=1e-12, atol=1e-12)


def test_per_replica_parameters_are_checked(world):
    *_, inputs = world
    with pytest.raises(ParameterError, match="3 values given for 2 replicas"):
        NatoRussiaModel(paradigm="realist", replicas=2, inputs=inputs, kappa=[1.0, 1.0, 1.0])
    with pytest.raises(ParameterError, match="outside its range"):
        NatoRussiaModel(paradigm="realist", replicas=2, inputs=inputs, mu=[0.5, 2.0])
