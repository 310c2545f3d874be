"""Property-based tests (hypothesis): the model's bounds hold for any admissible input.

For any parameters within their documented ranges (the chassis and each paradigm's three)
and any valid scenario from a small generator (a random subset of the baseline's partners,
a random sub-period, a random subset of its milestones), in every run mode (teacher mode
with the observed history imposed):

- R and every alignment stay in [-1, 1]; S in 0..4; status and coercion in 0..3;
- both burdens stay within ``CONSTANTS['burden_min']`` .. ``CONSTANTS['burden_max']``;
- no NaN or infinity anywhere in the records;
- milestones fire in date order, inside the period, and only the scenario's inputs.

``max_examples`` is kept small so that the file runs in well under a minute; set
``NATOSIM_EXAMPLES=500`` for a deeper search.
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.data.datasets import Dataset, load_data
from sim.data.history import build_history
from sim.data.inputs import build_inputs
from sim.data.observed import Observed, load_observed
from sim.data.scenario import BLOC_ACTORS, PARTNER_TYPES, Scenario, load_scenario
from sim.model.model import MODES, NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, CONSTANTS

EXAMPLES = int(os.environ.get("NATOSIM_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # leave no .hypothesis folder behind
    suppress_health_check=[HealthCheck.too_slow],
)
REPLICAS = 4
MAX_YEARS = 15


@cache
def _base() -> Scenario:
    return load_scenario("post-cold-war")


@cache
def _data() -> Dataset:
    return load_data()


@cache
def _observed() -> Observed:
    return load_observed()


def _in_range(name: str, param) -> st.SearchStrategy[float]:  # noqa: ANN001
    lo, hi = param.bounds
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _params_of(paradigm: str) -> st.SearchStrategy[dict[str, float]]:
    own = PARADIGMS[paradigm].parameters
    both = {**CHASSIS, **own}
    return st.fixed_dictionaries({name: _in_range(name, p) for name, p in both.items()})


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario carved out of the baseline: partners, period and milestones."""
    base = _base()
    partners = draw(
        st.lists(st.sampled_from(base.agents.partners), min_size=1, max_size=8, unique=True)
    )
    start = draw(st.integers(base.period.start, base.period.end))
    end = draw(st.integers(start, min(base.period.end, start + MAX_YEARS - 1)))
    keep = draw(st.lists(st.booleans(), min_size=len(base.milestones),
                         max_size=len(base.milestones)))  # fmt: skip
    chosen = set(partners)
    milestones = tuple(
        m for m, kept in zip(base.milestones, keep, strict=True)
        if kept and start <= m.date.year <= end
        and (m.type not in PARTNER_TYPES or set(m.actors) - BLOC_ACTORS <= chosen)
    )  # fmt: skip
    assume(milestones)
    overrides = {k: v for k, v in base.partner_overrides.items() if k in chosen}
    return Scenario.model_validate({
        "name": "generated", "description": "drawn by hypothesis",
        "period": {"start": start, "end": end}, "agents": {"partners": partners},
        "milestones": milestones, "partner_overrides": overrides,
    })  # fmt: skip


@st.composite
def configurations(draw: st.DrawFn) -> tuple[Scenario, str, str, dict[str, float], int]:
    paradigm = draw(st.sampled_from(sorted(PARADIGMS)))
    return (
        draw(scenarios()),
        paradigm,
        draw(st.sampled_from(MODES)),
        draw(_params_of(paradigm)),
        draw(st.integers(0, 2**32 - 1)),
    )


def _run(config: tuple[Scenario, str, str, dict[str, float], int]) -> NatoRussiaModel:
    scenario, paradigm, mode, params, seed = config
    inputs = build_inputs(scenario, _data())
    history = build_history(inputs, _observed()) if mode == "teacher" else None
    model = NatoRussiaModel(
        paradigm=paradigm, mode=mode, replicas=REPLICAS, rng=seed, inputs=inputs,
        history=history, **params
    )
    return model.run()


def _within(values: np.ndarray, lo: float, hi: float, what: str) -> None:
    assert np.isfinite(values).all(), f"{what}: NaN or infinity"
    assert values.min() >= lo and values.max() <= hi, (what, values.min(), values.max())


@SETTINGS
@given(configurations())
def test_bounds_hold_and_nothing_is_nan(config) -> None:  # noqa: ANN001
    scenario = config[0]
    records = _run(config).records()
    series, partners = records.series, records.partners
    years = scenario.period.end - scenario.period.start + 1
    assert len(series) == REPLICAS * years
    assert len(partners) == REPLICAS * years * len(scenario.agents.partners)
    numeric = series.drop(columns=["paradigm"]).to_numpy(float)
    assert np.isfinite(numeric).all(), "NaN or infinity in the series"
    assert np.isfinite(partners.drop(columns=["paradigm", "partner"]).to_numpy(float)).all()
    _within(series["R"].to_numpy(), -1.0, 1.0, "R")
    _within(series["S"].to_numpy(), 0, 4, "S")
    lo, hi = CONSTANTS["burden_min"], CONSTANTS["burden_max"]
    _within(series["russia_burden"].to_numpy(), lo, hi, "russia_burden")
    _within(series["nato_burden"].to_numpy(), lo, hi, "nato_burden")
    _within(partners["alignment"].to_numpy(), -1.0, 1.0, "alignment")
    _within(partners["status"].to_numpy(), 0, 3, "status")
    _within(partners["coercion"].to_numpy(), 0, 3, "coercion")
    for column in ("S", "status", "coercion"):
        frame = series if column == "S" else partners
        values = frame[column].to_numpy(float)
        assert (values == np.round(values)).all(), f"{column} is not an integer level"


@SETTINGS
@given(configurations())
def test_events_fire_in_date_order_inside_the_period(config) -> None:  # noqa: ANN001
    scenario, _, mode = config[:3]
    model = _run(config)
    times = [t for t, _ in model.event_log]
    assert times == sorted(times)
    assert all(scenario.period.start <= t < scenario.period.end + 1 for t in times)
    inputs = {m.id: m for m in scenario.inputs()}
    fired = [mid for _, mid in model.event_log]
    assert set(fired) <= set(inputs) and len(fired) == len(set(fired))
    for t, mid in model.event_log:
        assert t == pytest.approx(inputs[mid].time)
    if mode == "replay":  # every input milestone fires, in the scenario's order
        assert fired == [m.id for m in scenario.inputs()]
