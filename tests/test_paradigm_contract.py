"""The contract every registered paradigm meets, run over the whole registry.

Parametrised from ``PARADIGMS`` (the ``natosim.paradigms`` entry points), so a plugin
paradigm is held to exactly the same rules as the shipped ones, with no edit here:

- one file, one class; exactly three parameters, each with a default inside a proper range
  and a meaning; names that cannot clash with the chassis or the model's own keywords;
- every citation key resolves in sim/data/references.yaml and is cited in the docstring;
- appraisal shapes and finiteness for random parameters in range and random views
  (hypothesis), for scalar parameters and for one value per replica alike;
- purity: the view is not mutated, the same input gives the same output twice;
- the model's invariants (R and alignment in [-1, 1], S in 0..4, burdens within their
  bounds, nothing NaN) under random parameters in range.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import sys
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.errors import ParameterError
from sim.data.datasets import load_data
from sim.data.inputs import Inputs, build_inputs
from sim.data.scenario import Scenario, load_scenario
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS, Paradigm, View
from sim.model.parameter import CHASSIS, CONSTANTS

EXAMPLES = int(os.environ.get("NATOSIM_EXAMPLES", "20"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

every_paradigm = pytest.mark.parametrize("cls", list(PARADIGMS.values()), ids=list(PARADIGMS))


def _values(cls: type[Paradigm]) -> st.SearchStrategy[dict[str, float]]:
    """Any admissible parameter values of ``cls`` (ends of the ranges included)."""
    return st.fixed_dictionaries({
        n: st.floats(*p.bounds, allow_nan=False, allow_infinity=False)
        for n, p in cls.parameters.items()})


def random_view(seed: int, k: int, p: int) -> View:
    """A view with every field inside the domain :class:`View` documents."""
    rng = np.random.default_rng(seed)

    def col(lo: float, hi: float) -> np.ndarray:
        return rng.uniform(lo, hi, (k, 1))

    buffer = rng.random(p) < 0.6
    member = (rng.random((k, p)) < 0.3).astype(float)
    force = float(rng.uniform(0, 1))
    return View(
        year=int(rng.integers(1991, 2025)), inst=col(0, 1), imbalance=col(-1, 1),
        occupancy=col(0, 1), enlargement=col(0, 2), russia_force=col(0, 1),
        memory=col(-1, 1), xi=float(rng.uniform(0, 1)), force=force,
        force_unmandated=force * float(rng.uniform(0, 1)), posture=float(rng.uniform(0, 1)),
        exclusion=float(rng.uniform(0, 1)), dem_russia=float(rng.uniform(0, 1)),
        dem_west=float(rng.uniform(0, 1)), trade_russia_west=float(rng.uniform(0, 1)),
        w=rng.uniform(0, 1, p), buffer=buffer.astype(float),
        former_ussr=(buffer & (rng.random(p) < 0.5)).astype(float),
        dem=rng.uniform(0, 1, p), trade_rus=rng.uniform(0, 1, p),
        trade_west=rng.uniform(0, 1, p), alignment=rng.uniform(-1, 1, (k, p)),
        prospect=rng.uniform(0, 1, (k, p)), member=member,
        coercion=rng.integers(0, 4, (k, p)) / 3.0,
        superiority=rng.uniform(0, 1, (k, p)) * (1.0 - member),
        active=rng.random(p) < 0.9,
    )


def _rows(view: View, k: int) -> View:
    """Replica ``k`` of a view (its ``(K, .)`` fields cut to one row)."""
    cut = {f.name: getattr(view, f.name) for f in dataclasses.fields(view)}
    for name in ("inst", "imbalance", "occupancy", "enlargement", "russia_force", "memory",
                 "alignment", "prospect", "member", "coercion", "superiority"):
        cut[name] = cut[name][k:k + 1]
    return View(**cut)


def _check_shapes(app, k: int, p: int) -> None:  # noqa: ANN001
    for name in ("H_R", "H_N", "memory"):
        arr = np.asarray(getattr(app, name), dtype=float)
        assert arr.shape in ((k,), (k, 1)), (name, arr.shape)
    for name in ("L_R", "V_N", "G"):
        arr = np.asarray(getattr(app, name), dtype=float)
        assert np.broadcast_shapes(arr.shape, (k, p)) == (k, p), (name, arr.shape)
    for name in ("H_R", "H_N", "L_R", "V_N", "G", "memory"):
        assert np.isfinite(np.asarray(getattr(app, name), dtype=float)).all(), name


def _full(app, k: int, p: int) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Every appraisal term at its full shape: ``(K,)`` dyad-level, ``(K, P)`` partner-level."""
    out = {}
    for name, arr in _as_arrays(app).items():
        dyad = name in ("H_R", "H_N", "memory")
        out[name] = (np.broadcast_to(arr.reshape(-1) if arr.ndim == 2 else arr, (k,)) if dyad
                     else np.broadcast_to(arr, (k, p)))
    return out


def _as_arrays(app) -> dict[str, np.ndarray]:  # noqa: ANN001
    return {f.name: np.asarray(getattr(app, f.name), dtype=float)
            for f in dataclasses.fields(app)}


# --------------------------------------------------------------------------- declaration


def test_the_registry_has_at_least_two_paradigms() -> None:
    """The comparison and the encompassing mixture need N >= 2."""
    assert len(PARADIGMS) >= 2


@every_paradigm
def test_registered_under_its_own_name_one_class_per_file(cls) -> None:
    assert PARADIGMS[cls.name] is cls and issubclass(cls, Paradigm)
    module = sys.modules[cls.__module__]
    own = [c for _, c in inspect.getmembers(module, inspect.isclass)
           if issubclass(c, Paradigm) and c is not Paradigm and c.__module__ == module.__name__]
    assert own == [cls], f"{module.__name__} defines {own}"


@every_paradigm
def test_exactly_three_parameters_with_default_range_and_meaning(cls) -> None:
    assert len(cls.parameters) == 3
    for name, param in cls.parameters.items():
        lo, hi = param.bounds
        assert np.isfinite([lo, hi]).all() and lo < hi, name
        assert lo <= param.default <= hi, name
        assert len(str(param.meaning).split()) >= 3, f"{name}: say what it means"
        assert param.provenance in ("assumption", "sourced", "calibrated"), name


@every_paradigm
def test_parameter_names_cannot_clash_with_the_chassis_or_the_model(cls) -> None:
    """Inside a model a paradigm's parameters are keywords next to the chassis ones."""
    model_keywords = set(inspect.signature(NatoRussiaModel.__init__).parameters)
    for name in cls.parameters:
        assert name.isidentifier() and "." not in name, name
        assert name not in CHASSIS, f"{name} is a chassis parameter"
        assert name not in model_keywords, f"{name} is a NatoRussiaModel keyword"


@every_paradigm
def test_every_citation_resolves_in_references_yaml(cls) -> None:
    references = load_data().references
    assert cls.references, "a paradigm names its sources"
    missing = [key for key in cls.references if key not in references]
    assert not missing, f"not in sim/data/references.yaml: {missing}"
    assert cls.__doc__ and "Names:" in cls.__doc__
    for key in cls.references:
        assert f"[{key}]_" in cls.__doc__, key


@every_paradigm
def test_rejects_unknown_and_out_of_range_parameters(cls) -> None:
    with pytest.raises(ParameterError, match="unknown parameter"):
        cls(nonsense=1.0)
    for name, param in cls.parameters.items():
        with pytest.raises(ParameterError, match="outside its range"):
            cls(**{name: param.bounds[1] + 1.0})
        with pytest.raises(ParameterError, match="outside its range"):
            cls(**{name: param.bounds[0] - 1.0})


# --------------------------------------------------------------------------- appraisal


@every_paradigm
def test_appraisal_shapes_and_finite_under_random_parameters(cls) -> None:
    @SETTINGS
    @given(values=_values(cls), seed=st.integers(0, 2**32 - 1), k=st.integers(1, 3),
           p=st.integers(1, 4))
    def check(values, seed, k, p) -> None:  # noqa: ANN001
        _check_shapes(cls(**values).appraise(random_view(seed, k, p)), k, p)

    check()


@every_paradigm
def test_one_value_per_replica_equals_the_scalar_runs(cls) -> None:
    """A paradigm is written once for scalar and per-replica parameters: replica k of the
    vectorised appraisal is the appraisal with replica k's values."""

    @SETTINGS
    @given(points=st.lists(_values(cls), min_size=2, max_size=3), seed=st.integers(0, 2**32 - 1))
    def check(points, seed) -> None:  # noqa: ANN001
        k, p = len(points), 3
        view = random_view(seed, k, p)
        columns = {n: [point[n] for point in points] for n in cls.parameters}
        appraisal = cls(**columns).appraise(view)
        _check_shapes(appraisal, k, p)
        vectorised = _full(appraisal, k, p)
        for i, point in enumerate(points):
            single = _full(cls(**point).appraise(_rows(view, i)), 1, p)
            for name, arr in vectorised.items():
                np.testing.assert_allclose(arr[i], single[name][0], rtol=1e-12, atol=1e-12,
                                           err_msg=name)

    check()


@every_paradigm
def test_appraisal_is_pure(cls) -> None:
    @SETTINGS
    @given(values=_values(cls), seed=st.integers(0, 2**32 - 1))
    def check(values, seed) -> None:  # noqa: ANN001
        view = random_view(seed, 2, 3)
        before = copy.deepcopy(view)
        paradigm = cls(**values)
        kept = dict(paradigm.values)
        first = _as_arrays(paradigm.appraise(view))
        second = _as_arrays(paradigm.appraise(view))
        fresh = _as_arrays(cls(**values).appraise(copy.deepcopy(before)))
        for f in dataclasses.fields(view):  # the view is not mutated
            np.testing.assert_array_equal(getattr(view, f.name), getattr(before, f.name),
                                          err_msg=f.name)
        assert paradigm.values == kept  # nor the paradigm's own values
        for name in first:  # same input, same output, on the same or a fresh instance
            np.testing.assert_array_equal(first[name], second[name], err_msg=name)
            np.testing.assert_array_equal(first[name], fresh[name], err_msg=name)

    check()


@every_paradigm
def test_initial_memory_has_one_finite_value_per_replica(cls) -> None:
    memory = np.asarray(cls().initial_memory(5), dtype=float)
    assert memory.shape == (5,) and np.isfinite(memory).all()


# --------------------------------------------------------------------------- in the model


@cache
def _inputs() -> Inputs:
    """The baseline cut to 2004-2008 (enlargement, Orange Revolution, Kosovo)."""
    base = load_scenario("post-cold-war")
    short = Scenario.model_validate({
        **base.model_dump(), "name": "contract", "period": {"start": 2004, "end": 2008},
        "milestones": [m for m in base.milestones if 2004 <= m.date.year <= 2008]})
    return build_inputs(short, load_data())


def _within(values: np.ndarray, lo: float, hi: float, what: str) -> None:
    assert np.isfinite(values).all(), f"{what}: NaN or infinity"
    assert values.min() >= lo and values.max() <= hi, (what, values.min(), values.max())


@every_paradigm
def test_model_invariants_under_random_parameters_in_range(cls) -> None:
    chassis = st.fixed_dictionaries({
        n: st.floats(*p.bounds, allow_nan=False) for n, p in CHASSIS.items()})

    @settings(SETTINGS, max_examples=max(EXAMPLES // 4, 3))
    @given(values=_values(cls), shared=chassis, seed=st.integers(0, 2**32 - 1),
           mode=st.sampled_from(("replay", "free")))
    def check(values, shared, seed, mode) -> None:  # noqa: ANN001
        model = NatoRussiaModel(paradigm=cls.name, mode=mode, replicas=3, rng=seed,
                                inputs=_inputs(), **shared, **values)
        records = model.run().records()
        series, partners = records.series, records.partners
        assert set(series["paradigm"]) == {cls.name}
        _within(series["R"].to_numpy(float), -1.0, 1.0, "R")
        _within(series["S"].to_numpy(float), 0, 4, "S")
        lo, hi = CONSTANTS["burden_min"], CONSTANTS["burden_max"]
        _within(series["russia_burden"].to_numpy(float), lo, hi, "russia_burden")
        _within(series["nato_burden"].to_numpy(float), lo, hi, "nato_burden")
        _within(partners["alignment"].to_numpy(float), -1.0, 1.0, "alignment")
        _within(partners["coercion"].to_numpy(float), 0, 3, "coercion")
        _within(partners["status"].to_numpy(float), 0, 3, "status")

    check()
