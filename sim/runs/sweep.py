"""Parameter sweeps: evaluate a design's points, in memory or as a resumable sweep on disk.

A sweep evaluates a *design* (:mod:`sim.runs.designs`: a table of parameter points over
qualified names such as ``realist.kappa``) on one scenario and paradigm. Every point is an
ensemble of K replicas run with the same seed (common random numbers: points differ only by
their parameters), and is reduced to a few *outcomes* (:mod:`sim.runs.outcomes`).

:func:`run_sweep` writes the results to a directory (:mod:`sim.runs.store`), one Parquet part
file per completed chunk of points, each written atomically. Rerunning the same sweep on the
same directory skips the points already done, so a sweep killed at any moment (Ctrl-C or
SIGKILL) resumes with no lost or duplicated rows. Chunks run through
:mod:`sim.runs.executor` (local processes, or dask when asked); the numbers do not depend on
where a point runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.core.files import sha256_json, write_parquet_atomic
from sim.core.locks import release_output_dir
from sim.core.versions import natosim_version
from sim.model.params import Nested, merge_params, nest
from sim.runs import executor
from sim.runs.designs import check_points, design_sha256
from sim.runs.outcomes import DEFAULT_OUTCOMES, Outcome, get_outcomes
from sim.runs.store import (
    RESULTS,
    collect,
    completed_points,
    prepare_dir,
    row_provenance,
    write_part,
)

#: ``progress(done, total)``: points completed so far (including points skipped because an
#: earlier run finished them) and the number of points in the design.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Context:
    """Everything a worker needs besides the points (sent once per worker)."""

    scenario: Any
    inputs: Any
    paradigm: str
    mode: str
    replicas: int
    seed: int
    params: Nested
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def evaluate_chunk(context: Context, chunk: Sequence[tuple[int, dict[str, float]]]):
    """Run the points of one chunk and reduce each to its outcomes.

    Args:
        context: scenario, inputs, paradigm, replicas, seed, base parameters, outcomes.
        chunk: ``(point index, {qualified name: value})`` pairs.

    Returns:
        A DataFrame with ``point`` and one column per outcome.
    """
    from sim.runs.experiments import run_ensemble

    rows = []
    for point, values in chunk:
        params = _overlay(context.params, values)
        records = run_ensemble(
            context.scenario, context.paradigm, mode=context.mode,
            replicas=context.replicas, seed=context.seed, params=params, inputs=context.inputs,
        )
        rows.append({"point": int(point),
                     **{name: fn(records) for name, fn in context.outcomes.items()}})
    return pd.DataFrame(rows, columns=["point", *context.outcomes])


def _overlay(base: Nested, values: Mapping[str, float]) -> Nested:
    out = {group: dict(v) for group, v in base.items()}
    for group, inner in nest(values).items():
        out.setdefault(group, {}).update({k: float(v) for k, v in inner.items()})
    return out



def _execute(
    context: Context,
    chunks: list[list[tuple[int, dict[str, float]]]],
    *,
    workers: int | None,
    scheduler: Any = None,
    cluster: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Evaluate chunks and yield each result as soon as it is complete (in any order)."""
    for _, part in executor.iter_jobs(evaluate_chunk, chunks, processes=workers,
                                      shared=context, scheduler=scheduler, cluster=cluster):
        yield part


def _chunks(points: pd.DataFrame, size: int) -> list[list[tuple[int, dict[str, float]]]]:
    items = [(int(i), {k: float(v) for k, v in row.items()})
             for i, row in zip(points.index, points.to_dict("records"), strict=True)]
    return [items[i:i + size] for i in range(0, len(items), size)]


def auto_chunk_size(n_points: int, workers: int | None) -> int:
    """Chunks small enough to balance load and checkpoint often, large enough to amortise
    task overhead: about eight chunks per worker, between 1 and 256 points."""
    n = executor.usable_cores() if not workers else int(workers)
    return int(np.clip(math.ceil(n_points / (8 * max(1, n))), 1, 256))


def make_context(
    scenario,
    paradigm: str,
    *,
    outcomes: Iterable[str | Outcome] = DEFAULT_OUTCOMES,
    mode: str = "replay",
    replicas: int = 32,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    data=None,
) -> tuple[Context, Any]:
    """Resolve scenario and data once and bundle what every point needs.

    Returns:
        The :class:`Context` and the loaded dataset (for its hashes).
    """
    from sim.model.paradigms import PARADIGMS
    from sim.runs.experiments import resolve

    if paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", paradigm, f"expected one of {list(PARADIGMS)}")
    if int(replicas) < 1:
        raise ParameterError("--replicas", str(replicas), "expected an integer >= 1")
    scenario, data, inputs = resolve(scenario, data)
    context = Context(scenario, inputs, paradigm, mode, int(replicas), int(seed),
                      merge_params(params), get_outcomes(outcomes))
    return context, data



def run_points(
    points: pd.DataFrame,
    scenario,
    paradigm: str,
    *,
    outcomes: Iterable[str | Outcome] = DEFAULT_OUTCOMES,
    mode: str = "replay",
    replicas: int = 1,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    cluster: str | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    data=None,
) -> pd.DataFrame:
    """Evaluate a design in memory (no files): the engine behind sensitivity analysis.

    Args:
        points: a design (columns: qualified parameter names; index: point numbers).
        scenario: name, path or ``Scenario``.
        paradigm: the paradigm to run.
        outcomes: outcome names or :class:`Outcome` objects.
        mode, replicas, seed: of each point's ensemble (the same seed for every point).
        params: base parameters (nested format) under the design's values.
        workers: local processes (default: all cores; 1 runs in this process).
        scheduler: a dask scheduler address (``tcp://host:port``) or ``distributed.Client``.
        cluster: ``"local"`` to start a dask LocalCluster for this call.
        chunk_size: points per task (default :func:`auto_chunk_size`).
        progress: called as ``progress(done, total)`` after every chunk.

    Returns:
        The design's columns plus one column per outcome, sorted by point.
    """
    points = check_points(points, paradigm)
    context, _ = make_context(scenario, paradigm, outcomes=outcomes, mode=mode,
                              replicas=replicas, seed=seed, params=params, data=data)
    size = chunk_size or auto_chunk_size(len(points), workers)
    parts, done = [], 0
    for part in _execute(context, _chunks(points, size), workers=workers,
                         scheduler=scheduler, cluster=cluster):
        parts.append(part)
        done += len(part)
        if progress is not None:
            progress(done, len(points))
    results = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["point", *context.outcomes])
    results = results.set_index("point").sort_index()
    return points.join(results)


# --------------------------------------------------------------------------------------
# Resumable sweeps on disk
# --------------------------------------------------------------------------------------


def run_sweep(
    points: pd.DataFrame,
    out_dir: str | Path,
    scenario,
    paradigm: str,
    *,
    outcomes: Iterable[str | Outcome] = DEFAULT_OUTCOMES,
    mode: str = "replay",
    replicas: int = 32,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    cluster: str | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    data=None,
) -> pd.DataFrame:
    """Run a design as a resumable sweep and return the collected results table.

    Each point is an ensemble of ``replicas`` replicas with the same ``seed`` (common random
    numbers). Completed chunks are written to ``out_dir/parts`` atomically; rerunning the
    same call skips completed points. A directory that holds a different sweep (another
    design, scenario, data, seed, ...) is refused rather than mixed.

    Args:
        points: a design from :func:`design` (or any table of qualified parameter columns).
        out_dir: the results directory (created if needed).
        scenario, paradigm, outcomes, mode, replicas, seed, params, workers, scheduler,
            cluster, chunk_size, progress: as in :func:`run_points`.

    Returns:
        :func:`collect` of the directory (also written to ``out_dir/results.parquet``): one
        row per point with ``point``, the effective parameters, the outcomes, ``seed``,
        ``replicas``, ``mode``, ``paradigm`` and provenance (``scenario``,
        ``scenario_sha256``, ``data_sha256``, ``natosim_version``).

    Raises:
        ParameterError: bad parameters, or ``out_dir`` holding a different sweep.
    """
    out = Path(out_dir)
    points = check_points(points, paradigm)
    context, data = make_context(scenario, paradigm, outcomes=outcomes, mode=mode,
                                 replicas=replicas, seed=seed, params=params, data=data)
    manifest = _manifest(points, context, data)
    prepare_dir(out, manifest, points)
    done = completed_points(out)
    todo = points.loc[~points.index.isin(done)]
    if progress is not None:
        progress(len(points) - len(todo), len(points))
    size = chunk_size or auto_chunk_size(len(todo), workers)
    provenance = row_provenance(manifest)
    finished = len(points) - len(todo)
    for part in _execute(context, _chunks(todo, size), workers=workers,
                         scheduler=scheduler, cluster=cluster):
        write_part(out, _result_rows(part, points, context, provenance))
        finished += len(part)
        if progress is not None:
            progress(finished, len(points))
    table = collect(out)
    write_parquet_atomic(table, out / RESULTS)
    release_output_dir(out)  # taken by prepare_dir; also dropped if this process ends
    return table


def _result_rows(part: pd.DataFrame, points: pd.DataFrame, context: Context,
                 provenance: dict[str, Any]) -> pd.DataFrame:
    """Outcomes of one chunk with each point's effective parameters and provenance."""
    from sim.model.params import default_params, flatten

    base = flatten(merge_params(default_params(context.paradigm),
                                {g: v for g, v in context.params.items()
                                 if g in ("chassis", context.paradigm)}))
    rows = []
    for rec in part.to_dict("records"):
        point = int(rec.pop("point"))
        values = {**base, **points.loc[point].to_dict()}
        rows.append({"point": point, "paradigm": context.paradigm, **values, **rec,
                     "seed": context.seed, "replicas": context.replicas,
                     "mode": context.mode, **provenance})
    return pd.DataFrame(rows)



def _manifest(points: pd.DataFrame, context: Context, data) -> dict[str, Any]:
    hashes = dict(sorted(getattr(data, "hashes", {}).items()))
    return {
        "format": 1,
        "scenario": getattr(context.scenario, "name", str(context.scenario)),
        "scenario_sha256": context.scenario.sha256,
        "data_hashes": hashes,
        "data_sha256": sha256_json(hashes),
        "natosim_version": natosim_version(),
        "paradigm": context.paradigm,
        "mode": context.mode,
        "replicas": context.replicas,
        "seed": context.seed,
        "params": context.params,
        "outcomes": list(context.outcomes),
        "parameters": list(points.columns),
        "n_points": len(points),
        "design_sha256": design_sha256(points),
    }
