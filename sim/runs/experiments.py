"""Ensembles: many replicas of one configuration, and the same seeds across paradigms.

One model advances all K replicas together (numpy vectors over replicas), so an ensemble
is one ``NatoRussiaModel(replicas=K)`` run, not K model objects. Running every paradigm
with the same seed gives common random numbers: the same draws, year by year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.data.inputs import Inputs
from sim.model.records import Records


def resolve(scenario, data=None):
    """A scenario (name, path or object), the dataset and the model inputs, from the
    content cache (:mod:`sim.data.cache`: an edited file is read again, an unchanged one
    is not)."""
    from sim.data import cache

    return cache.resolve(scenario, data)


def split_params(paradigm: str, params: dict[str, float] | None) -> dict[str, float]:
    """Select the chassis parameters and this paradigm's own from a flat or nested dict.

    Accepts the nested format ``{"chassis": {...}, "realist": {...}}``, qualified keys
    ``{"chassis.mu": 0.7, "realist.kappa": 1.5}`` or bare names ``{"mu": 0.7, "kappa": 1.5}``
    (read as this paradigm's own), or a mix; qualified keys win over bare names, which win
    over the nested groups. Parameters of other paradigms are ignored, so one file can hold
    them all, and two paradigms may share a bare name.
    """
    from sim.model.paradigms import PARADIGMS
    from sim.model.parameter import CHASSIS

    if paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", paradigm, f"expected one of {list(PARADIGMS)}")
    params = dict(params or {})
    qualified: dict[str, float] = {}
    for key in [k for k in params if isinstance(k, str) and "." in k]:
        group, name = key.split(".", 1)
        value = params.pop(key)
        if group in ("chassis", paradigm):
            qualified[name] = value
    flat: dict[str, float] = {}
    flat.update(params.pop("chassis", {}) or {})
    flat.update(params.pop(paradigm, {}) or {})
    for name in PARADIGMS:
        params.pop(name, None)
    flat.update(params)
    own = PARADIGMS[paradigm].parameters
    other = {n for cls in PARADIGMS.values() for n in cls.parameters} - set(own)
    flat.update(qualified)
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
    from sim.model.model import NatoRussiaModel

    if inputs is None:
        scenario, data, inputs = resolve(scenario, data)
    history, observed_hashes = None, {}
    if mode == "teacher":  # the observed record imposed, with the scenario's history edits
        from sim.data.observed import load_observed
        from sim.data.record_edits import imposed_history

        observed = load_observed()
        history, observed_hashes = imposed_history(scenario, inputs, observed), observed.hashes
    model = NatoRussiaModel(
        paradigm=paradigm, mode=mode, replicas=replicas, rng=seed, inputs=inputs,
        history=history, **split_params(paradigm, params),
    )
    records = model.run().records()
    records.meta.update(_meta(scenario, inputs, mode, seed, replicas))
    if observed_hashes:  # the imposed record's files, so reproduce can tell an edited one
        records.meta["observed_data"] = dict(sorted(observed_hashes.items()))
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
    processes: int = 1,
) -> Records:
    """Run several paradigms with the same seed (common random numbers) and join records.

    Args:
        processes: worker processes for the paradigms (:mod:`sim.runs.executor`; ``1``: run
            them here, one after the other; ``None``: every usable core). Each paradigm's
            ensemble is seeded with ``seed`` wherever it runs and the parts are joined in the
            order of ``paradigms``, so the records are identical for any number of processes.
    """
    from sim.runs.executor import iter_jobs

    scenario, data, inputs = resolve(scenario, data)
    kwargs = dict(mode=mode, replicas=replicas, seed=seed, params=params, inputs=inputs)
    paradigms = list(paradigms)
    parts: list[Records | None] = [None] * len(paradigms)
    pending = iter(paradigms)

    def announce() -> None:  # the next paradigm (in-process: the one about to run)
        name = next(pending, None)
        if progress is not None and name is not None:
            progress(name)

    announce()
    for index, part in iter_jobs(_paradigm_job, paradigms, processes=processes,
                                 shared=(scenario, kwargs)):
        parts[index] = part
        announce()
    return Records.concat(parts)


def _paradigm_job(shared: tuple[Any, dict[str, Any]], paradigm: str) -> Records:
    """One paradigm's ensemble (a top-level function: it runs in worker processes too)."""
    scenario, kwargs = shared
    return run_ensemble(scenario, paradigm, **kwargs)


def _meta(scenario, inputs: Inputs, mode: str, seed: int, replicas: int) -> dict[str, Any]:
    milestones = [
        {"id": m.id, "date": str(m.date), "time": m.time, "type": m.type, "role": m.role,
         "actors": list(m.actors), "label": m.label,
         "chronology_id": getattr(m, "chronology_id", None)}
        for m in getattr(scenario, "milestones", ())
    ]
    return {
        "scenario": getattr(scenario, "name", str(scenario)),
        "period": [int(inputs.years[0]), int(inputs.years[-1])],
        "mode": mode, "seed": seed, "replicas": replicas,
        "milestones": milestones, "fills": list(inputs.fills),
        **({"history_edits": [e.describe() for e in getattr(scenario, "history", ())]}
           if mode == "teacher" else {}),
    }


def diverge(
    base: Records,
    counterfactual: Records,
    column: str,
    *,
    partner: str | None = None,
    level: float = 0.9,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """How a counterfactual's outcome series diverges from the base's, per paradigm and year.

    Both runs should share their seed (``run_paradigms(..., seed=s)`` on each scenario): then
    replica ``i`` of the counterfactual and replica ``i`` of the base draw the same random
    numbers, and ``cf_i - base_i`` is a paired difference. The band is a paired bootstrap
    (replica indices resampled jointly in both runs) of the difference of medians.

    Args:
        base: records of the base scenario.
        counterfactual: records of the counterfactual, same paradigms and replicas.
        column: a ``Records.series`` column (``R``, ``S``, ...) or a ``Records.partners``
            column (``status``, ``coercion``, ``alignment``...), which needs ``partner``.
        partner: ISO3 code for a partner column.
        level: coverage of the band (0.9: the 5th to 95th percentile).
        n_boot: bootstrap resamples.
        seed: seed of the bootstrap.

    Returns:
        One row per paradigm x year (years both runs cover): ``paradigm``, ``year``, ``base``
        and ``counterfactual`` (medians over replicas), ``diff`` (counterfactual - base
        median), ``lo``, ``hi`` (the band of ``diff``), ``paired_median`` (median of the
        paired differences) and ``replicas``.

    Raises:
        ValueError: an unknown column, a partner column without ``partner``, or runs with
            no paradigm, year or replica in common.
    """
    a, b = _wide(base, column, partner), _wide(counterfactual, column, partner)
    rng = np.random.default_rng(seed)
    tail = (1.0 - level) / 2.0
    rows = []
    for paradigm in [p for p in a if p in b]:
        x, y = a[paradigm].align(b[paradigm], join="inner")
        if x.empty or x.shape[1] == 0:
            continue
        xa, ya = x.to_numpy(float), y.to_numpy(float)  # (years, replicas)
        idx = rng.integers(0, xa.shape[1], size=(n_boot, xa.shape[1]))
        boot = np.stack([np.median(yt[idx], axis=1) - np.median(xt[idx], axis=1)
                         for xt, yt in zip(xa, ya, strict=True)])  # (years, B)
        lo, hi = np.quantile(boot, [tail, 1.0 - tail], axis=1)
        med_x, med_y = np.median(xa, axis=1), np.median(ya, axis=1)
        rows.append(pd.DataFrame({
            "paradigm": paradigm, "year": x.index.to_numpy(int), "base": med_x,
            "counterfactual": med_y, "diff": med_y - med_x, "lo": lo, "hi": hi,
            "paired_median": np.median(ya - xa, axis=1), "replicas": xa.shape[1],
        }))
    if not rows:
        raise ValueError("the two runs have no paradigm, year and replica in common")
    return pd.concat(rows, ignore_index=True)


def _wide(records: Records, column: str, partner: str | None) -> dict[str, pd.DataFrame]:
    """Per paradigm: a (year x replica) table of one column."""
    if column in records.series.columns and column not in ("paradigm", "replica", "year"):
        frame = records.series
    elif column in records.partners.columns and column not in ("partner",):
        if partner is None:
            raise ValueError(f"'{column}' is a partner column: name a partner (e.g. UKR)")
        frame = records.partners[records.partners["partner"] == partner]
        if frame.empty:
            raise ValueError(f"partner '{partner}' is not in the records")
    else:
        raise ValueError(f"unknown column '{column}'")
    return {
        name: group.pivot(index="year", columns="replica", values=column)
        for name, group in frame.groupby("paradigm", sort=False)
    }
