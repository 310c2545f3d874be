"""Ensembles: many replicas of one configuration, and the same seeds across paradigms.

One model advances all K replicas together (numpy vectors over replicas), so an ensemble
is one ``NatoRussiaModel(replicas=K)`` run, not K model objects. Running every paradigm
with the same seed gives common random numbers: the same draws, year by year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sim.errors import ParameterError
from sim.inputs import Inputs, build_inputs
from sim.records import Records


def resolve(scenario, data=None):
    """Load a scenario (name, path or object) and the dataset, and build the inputs."""
    from sim.datasets import load_data
    from sim.scenario import Scenario, load_scenario

    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    data = data if data is not None else load_data()
    return scenario, data, build_inputs(scenario, data)


def split_params(paradigm: str, params: dict[str, float] | None) -> dict[str, float]:
    """Select the chassis parameters and this paradigm's own from a flat or nested dict.

    Accepts ``{"mu": 0.7, "kappa": 1.5}`` or ``{"chassis": {...}, "realist": {...}}``;
    parameters of other paradigms are ignored (so one file can hold all three).
    """
    from sim.paradigms import PARADIGMS
    from sim.params import CHASSIS

    if paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", paradigm, f"expected one of {list(PARADIGMS)}")
    params = dict(params or {})
    flat: dict[str, float] = {}
    flat.update(params.pop("chassis", {}) or {})
    flat.update(params.pop(paradigm, {}) or {})
    for name in PARADIGMS:
        params.pop(name, None)
    flat.update(params)
    own = PARADIGMS[paradigm].parameters
    other = {n for cls in PARADIGMS.values() for n in cls.parameters} - set(own)
    return {k: v for k, v in flat.items() if k in CHASSIS or k in own or k not in other}


def run_ensemble(
    scenario,
    paradigm: str,
    *,
    mode: str = "replay",
    replicas: int = 200,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    data=None,
    inputs: Inputs | None = None,
) -> Records:
    """Run K replicas of one paradigm on a scenario and return their records."""
    from sim.model import NatoRussiaModel

    if inputs is None:
        scenario, data, inputs = resolve(scenario, data)
    model = NatoRussiaModel(
        paradigm=paradigm, mode=mode, replicas=replicas, rng=seed, inputs=inputs,
        **split_params(paradigm, params),
    )
    records = model.run().records()
    records.meta.update(_meta(scenario, inputs, mode, seed, replicas))
    return records


def run_paradigms(
    scenario,
    paradigms: Sequence[str],
    *,
    mode: str = "replay",
    replicas: int = 200,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    data=None,
    progress: Callable[[str], None] | None = None,
) -> Records:
    """Run several paradigms with the same seed (common random numbers) and join records."""
    scenario, data, inputs = resolve(scenario, data)
    parts = []
    for name in paradigms:
        if progress is not None:
            progress(name)
        parts.append(run_ensemble(scenario, name, mode=mode, replicas=replicas, seed=seed,
                                  params=params, data=data, inputs=inputs))
    return Records.concat(parts)


def _meta(scenario, inputs: Inputs, mode: str, seed: int, replicas: int) -> dict[str, Any]:
    milestones = [
        {"id": m.id, "date": str(m.date), "time": m.time, "type": m.type, "role": m.role,
         "actors": list(m.actors), "label": m.label}
        for m in getattr(scenario, "milestones", ())
    ]
    return {
        "scenario": getattr(scenario, "name", str(scenario)),
        "period": [int(inputs.years[0]), int(inputs.years[-1])],
        "mode": mode, "seed": seed, "replicas": replicas,
        "milestones": milestones, "fills": list(inputs.fills),
    }
