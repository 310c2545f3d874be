"""Parameter sweeps: designs, named outcomes, and a resumable, parallel runner.

A sweep evaluates a *design* (a table of parameter points over qualified names such as
``realist.kappa``) on one scenario and paradigm. Every point is an ensemble of K replicas
run with the same seed (common random numbers: points differ only by their parameters), and
is reduced to a few *outcomes*, named functions of :class:`~sim.model.records.Records`.

:func:`run_sweep` writes the results to a directory, one Parquet part file per completed
chunk of points, each written atomically (temporary file, then ``os.replace``). Rerunning the
same sweep on the same directory skips the points already done, so a sweep killed at any
moment (Ctrl-C or SIGKILL) resumes with no lost or duplicated rows; :func:`collect` joins the
parts, sorted by point. Points run in parallel on local processes by default, or on a
dask.distributed cluster (``scheduler="tcp://host:port"`` or ``cluster="local"``); the
numbers do not depend on where a point runs.

Layout of a results directory::

    sweep.json     what was run: scenario and data hashes, paradigm, seed, outcomes...
    design.parquet the points (one row per point, column ``point`` = index)
    parts/part-<first>-<last>.parquet   results of completed chunks
    results.parquet the collected table, written once every point is done
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.core.files import write_parquet_atomic, write_text_atomic
from sim.core.versions import natosim_version
from sim.model.params import Nested, check_value, merge_params, nest, qualify, registry
from sim.model.records import Records

#: ``progress(done, total)``: points completed so far (including points skipped because an
#: earlier run finished them) and the number of points in the design.
Progress = Callable[[int, int], None]

DESIGNS = ("grid", "random", "lhs")
MANIFEST = "sweep.json"
DESIGN_FILE = "design.parquet"
RESULTS = "results.parquet"
PARTS = "parts"

# --------------------------------------------------------------------------------------
# Outcomes: named reductions of one paradigm's Records to a number
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A named scalar outcome of an ensemble.

    Attributes:
        name: column name in results tables.
        fn: ``Records -> float`` (NaN where undefined, e.g. a year outside the period).
        description: one line for ``--help`` and docs.
        per_replica: optional ``Records -> (K,) array``: the outcome of each replica on its
            own (for vectorised designs where each replica is a parameter point).
    """

    name: str
    fn: Callable[[Records], float]
    description: str
    per_replica: Callable[[Records], np.ndarray] | None = None

    def __call__(self, records: Records) -> float:
        return float(self.fn(records))


OUTCOMES: dict[str, Outcome] = {}


def register_outcome(
    name: str, description: str, per_replica: Callable[[Records], np.ndarray] | None = None
) -> Callable:
    """Decorator: add ``fn(records) -> float`` to :data:`OUTCOMES` under ``name``.

    For process-based sweeps the function must be importable (defined at module top level).
    ``per_replica`` (optional) gives every replica's own value at once.
    """

    def wrap(fn: Callable[[Records], float]) -> Callable[[Records], float]:
        OUTCOMES[name] = Outcome(name, fn, description, per_replica)
        return fn

    return wrap


def get_outcomes(names: Iterable[str | Outcome]) -> dict[str, Outcome]:
    """Look outcomes up by name (``Outcome`` objects pass through).

    Raises:
        ParameterError: an unknown name, listing the registered ones.
    """
    out: dict[str, Outcome] = {}
    for item in names:
        if isinstance(item, Outcome):
            out[item.name] = item
        elif item in OUTCOMES:
            out[item] = OUTCOMES[item]
        else:
            raise ParameterError("--outcome", str(item),
                                 f"unknown outcome; valid: {', '.join(OUTCOMES)}")
    if not out:
        raise ParameterError("--outcome", "", "name at least one outcome")
    return out


def _year_values(records: Records, column: str, year: int) -> pd.Series:
    s = records.series
    return s.loc[s["year"] == year, column]


def median_at(records: Records, column: str, year: int) -> float:
    """Median over replicas of a series column in one year (NaN if the year is not run)."""
    values = _year_values(records, column, year)
    return float(values.median()) if len(values) else math.nan


def first_year_median_at_least(
    records: Records, partner: str, column: str, threshold: float
) -> float:
    """First year in which the median over replicas of a partner column reaches a threshold
    (NaN if it never does)."""
    p = records.partners
    sel = p.loc[p["partner"] == partner, ["year", column]]
    med = sel.groupby("year")[column].median()
    hit = med.index[med.to_numpy() >= threshold]
    return float(hit[0]) if len(hit) else math.nan


def value_by_replica(records: Records, column: str, year: int) -> np.ndarray:
    """Each replica's value of a series column in one year, ``(K,)`` (NaN if not run)."""
    k = int(records.meta.get("replicas", records.series["replica"].max() + 1))
    rows = records.series[records.series["year"] == year]
    values = rows.set_index("replica")[column].astype(float)
    return values.reindex(range(k)).to_numpy()


def first_year_by_replica(
    records: Records, partner: str, column: str, threshold: float
) -> np.ndarray:
    """Each replica's first year in which a partner column reaches a threshold (NaN: never)."""
    k = int(records.meta.get("replicas", records.partners["replica"].max() + 1))
    p = records.partners
    hit = p[(p["partner"] == partner) & (p[column] >= threshold)]
    return hit.groupby("replica")["year"].min().astype(float).reindex(range(k)).to_numpy()


# Per-replica versions (module-level functions, so outcomes pickle to worker processes).
def _r_2008_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "R", 2008)


def _r_2024_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "R", 2024)


def _s0_2024_each(records: Records) -> np.ndarray:
    s = value_by_replica(records, "S", 2024)
    return np.where(np.isnan(s), np.nan, (s == 0).astype(float))


def _burden_2024_each(records: Records) -> np.ndarray:
    return value_by_replica(records, "russia_burden", 2024)


def _first_force_ukr_each(records: Records) -> np.ndarray:
    return first_year_by_replica(records, "UKR", "coercion", 2)


@register_outcome("R_2008", "median relation R at the end of 2008", _r_2008_each)
def r_2008(records: Records) -> float:
    return median_at(records, "R", 2008)


@register_outcome("R_2024", "median relation R at the end of 2024", _r_2024_each)
def r_2024(records: Records) -> float:
    return median_at(records, "R", 2024)


@register_outcome("S0_share_2024", "share of replicas with institutions suspended (S=0) in 2024",
                  _s0_2024_each)
def s0_share_2024(records: Records) -> float:
    values = _year_values(records, "S", 2024)
    return float((values == 0).mean()) if len(values) else math.nan


@register_outcome("russia_burden_2024", "median Russian military burden (% GDP) in 2024",
                  _burden_2024_each)
def russia_burden_2024(records: Records) -> float:
    return median_at(records, "russia_burden", 2024)


@register_outcome("first_force_UKR", "first year the median coercion of UKR is >= 2 (force)",
                  _first_force_ukr_each)
def first_force_ukr(records: Records) -> float:
    return first_year_median_at_least(records, "UKR", "coercion", 2)


DEFAULT_OUTCOMES: tuple[str, ...] = tuple(OUTCOMES)

# --------------------------------------------------------------------------------------
# Parameter spaces and designs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """One swept parameter: qualified name and the closed range to sample."""

    name: str
    low: float
    high: float


def parse_space(
    items: Mapping[str, tuple[float, float] | None] | Iterable[str],
    source: str = "--vary",
) -> list[Dimension]:
    """Parse the swept parameters and their ranges.

    Args:
        items: ``{"realist.kappa": (0.5, 2.0), "chassis.mu": None}`` or strings
            ``["realist.kappa=0.5:2", "chassis.mu"]``; a missing range means the
            parameter's whole documented range.
        source: named in errors.

    Raises:
        ParameterError: unknown names, a malformed range, or a range outside the documented
            one.
    """
    pairs = items.items() if isinstance(items, Mapping) else map(_split_range, items)
    dims, seen = [], set()
    for raw_name, rng in pairs:
        name = qualify(str(raw_name).strip(), source)
        low, high = registry()[name].bounds if rng is None else rng
        low, high = check_value(name, low, source), check_value(name, high, source)
        if not low < high:
            raise ParameterError(source, name, f"expected LOW < HIGH, got {low}:{high}")
        if name in seen:
            raise ParameterError(source, name, "listed twice")
        seen.add(name)
        dims.append(Dimension(name, low, high))
    if not dims:
        raise ParameterError(source, "", "name at least one parameter to vary")
    return dims


def _split_range(item: str) -> tuple[str, tuple[float, float] | None]:
    name, sep, rng = str(item).partition("=")
    if not sep:
        return name, None
    low, colon, high = rng.partition(":")
    try:
        if not colon:
            raise ValueError
        return name, (float(low), float(high))
    except ValueError:
        raise ParameterError("--vary", str(item),
                             "expected NAME or NAME=LOW:HIGH, e.g. realist.kappa=0.5:2") from None


def design(
    kind: str, space: Sequence[Dimension], n: int, *, seed: int = 0
) -> pd.DataFrame:
    """A design over the space: one row per point, one column per qualified parameter.

    Args:
        kind: ``grid`` (``n`` evenly spaced levels per dimension, ``n ** d`` points),
            ``random`` (``n`` uniform points) or ``lhs`` (``n``-point Latin hypercube,
            scipy.stats.qmc).
        space: from :func:`parse_space`.
        n: levels per dimension (grid) or number of points.
        seed: seeds ``random`` and ``lhs``; the same seed gives the same design.

    Returns:
        A DataFrame indexed 0..N-1 (the point index).
    """
    if kind not in DESIGNS:
        raise ParameterError("--design", kind, f"expected one of {', '.join(DESIGNS)}")
    if int(n) < 1 or (kind == "grid" and int(n) < 2):
        raise ParameterError("--points", str(n), "expected at least 1 point (2 grid levels)")
    d = len(space)
    if kind == "grid":
        levels = [np.linspace(dim.low, dim.high, int(n)) for dim in space]
        mesh = np.meshgrid(*levels, indexing="ij")
        values = np.column_stack([m.ravel() for m in mesh])
    else:
        if kind == "random":
            unit = np.random.default_rng(seed).random((int(n), d))
        else:
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(int(n))
        lows = np.array([dim.low for dim in space])
        highs = np.array([dim.high for dim in space])
        values = lows + unit * (highs - lows)
    frame = pd.DataFrame(values, columns=[dim.name for dim in space])
    frame.index.name = "point"
    return frame


# --------------------------------------------------------------------------------------
# Evaluating points (in-process, local processes or dask)
# --------------------------------------------------------------------------------------


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


_WORKER_CONTEXT: Context | None = None


def _init_worker(context: Context) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def _pool_task(chunk):
    return evaluate_chunk(_WORKER_CONTEXT, chunk)


def _dask_task(context: Context, chunk):
    return evaluate_chunk(context, chunk)


def _execute(
    context: Context,
    chunks: list[list[tuple[int, dict[str, float]]]],
    *,
    workers: int | None,
    scheduler: Any = None,
    cluster: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Evaluate chunks and yield each result as soon as it is complete (in any order)."""
    if not chunks:
        return
    if scheduler is not None or cluster is not None:
        yield from _execute_dask(context, chunks, workers, scheduler, cluster)
        return
    workers = _workers(workers)
    if workers == 1 or len(chunks) == 1:
        for chunk in chunks:
            yield evaluate_chunk(context, chunk)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_mp_context(),
                             initializer=_init_worker, initargs=(context,)) as pool:
        futures = [pool.submit(_pool_task, chunk) for chunk in chunks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _execute_dask(context, chunks, workers, scheduler, cluster) -> Iterator[pd.DataFrame]:
    from distributed import Client, LocalCluster, as_completed

    local = None
    if scheduler is None:
        if cluster != "local":
            raise ParameterError("--cluster", str(cluster), "expected 'local'")
        local = LocalCluster(n_workers=_workers(workers), threads_per_worker=1,
                             dashboard_address=None)
        scheduler = local
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        ctx = client.scatter(context, broadcast=True)
        futures = [client.submit(_dask_task, ctx, chunk, pure=False) for chunk in chunks]
        try:
            for _, result in as_completed(futures, with_results=True):
                yield result
        finally:
            client.cancel(futures)
    finally:
        if client is not scheduler:
            client.close()
        if local is not None:
            local.close()


def _mp_context():
    """``forkserver`` where available: forking a process that already runs threads (pyarrow,
    dask, BLAS) can deadlock. The server preloads the model, so workers start quickly.
    Outcome functions must therefore be importable (module top level, or ``__main__``
    behind an ``if __name__ == "__main__"`` guard)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.runs.sweep", "sim.runs.experiments", "sim.model.model"])
    return context


def _workers(workers: int | None) -> int:
    return max(1, int(workers) if workers else (os.cpu_count() or 1))


def _chunks(points: pd.DataFrame, size: int) -> list[list[tuple[int, dict[str, float]]]]:
    items = [(int(i), {k: float(v) for k, v in row.items()})
             for i, row in zip(points.index, points.to_dict("records"), strict=True)]
    return [items[i:i + size] for i in range(0, len(items), size)]


def auto_chunk_size(n_points: int, workers: int | None) -> int:
    """Chunks small enough to balance load and checkpoint often, large enough to amortise
    task overhead: about eight chunks per worker, between 1 and 256 points."""
    return int(np.clip(math.ceil(n_points / (8 * _workers(workers))), 1, 256))


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


def check_points(points: pd.DataFrame, paradigm: str) -> pd.DataFrame:
    """Qualify and range-check the design's columns; they must belong to the paradigm."""
    own = registry(paradigm)
    columns = {}
    for col in points.columns:
        name = qualify(str(col), "design")
        if name not in own:
            raise ParameterError("design", name, f"not a parameter of the chassis or {paradigm}")
        columns[col] = name
    points = points.rename(columns=columns)
    for name in points.columns:
        lo, hi = own[name].bounds
        bad = points[~points[name].between(lo, hi)]
        if len(bad):
            check_value(name, bad[name].iloc[0], f"design point {bad.index[0]}")
    return points


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
    _prepare_dir(out, manifest, points)
    done = completed_points(out)
    todo = points.loc[~points.index.isin(done)]
    if progress is not None:
        progress(len(points) - len(todo), len(points))
    size = chunk_size or auto_chunk_size(len(todo), workers)
    provenance = _row_provenance(manifest)
    finished = len(points) - len(todo)
    for part in _execute(context, _chunks(todo, size), workers=workers,
                         scheduler=scheduler, cluster=cluster):
        _write_part(out, _result_rows(part, points, context, provenance))
        finished += len(part)
        if progress is not None:
            progress(finished, len(points))
    table = collect(out)
    write_parquet_atomic(table, out / RESULTS)
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
        "data_sha256": _sha256_json(hashes),
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


def _row_provenance(manifest: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("scenario", "scenario_sha256", "data_sha256", "natosim_version")
    return {k: manifest[k] for k in keys}


def design_sha256(points: pd.DataFrame) -> str:
    """SHA-256 of a design's point numbers, column names and values (exact float bits)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([list(map(str, points.columns)),
                              points.index.astype("int64").tolist()]).encode())
    digest.update(np.ascontiguousarray(points.to_numpy(dtype="float64")).tobytes())
    return digest.hexdigest()


def _sha256_json(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _prepare_dir(out: Path, manifest: dict[str, Any], points: pd.DataFrame) -> None:
    """Create the directory (or check it holds this sweep) and drop stale temporary files."""
    parts = out / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    for stale in list(out.glob(".*.tmp")) + list(parts.glob(".*.tmp")):
        stale.unlink(missing_ok=True)  # left behind by a killed run: never a complete file
    path = out / MANIFEST
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        differ = [k for k in manifest if old.get(k) != json.loads(json.dumps(manifest[k]))]
        if differ:
            raise ParameterError(
                str(out), MANIFEST,
                f"holds a different sweep (differs in: {', '.join(differ)}); "
                "use another results directory or delete this one",
            )
    else:
        design_frame = points.reset_index().rename(columns={"index": "point"})
        write_parquet_atomic(design_frame, out / DESIGN_FILE)
        write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True))


def completed_points(out_dir: str | Path) -> set[int]:
    """Point numbers already in the part files of a results directory."""
    import pyarrow.parquet as pq

    done: set[int] = set()
    for path in sorted((Path(out_dir) / PARTS).glob("part-*.parquet")):
        done.update(pq.read_table(path, columns=["point"]).column("point").to_pylist())
    return done


def _write_part(out: Path, rows: pd.DataFrame) -> Path:
    first, last = int(rows["point"].min()), int(rows["point"].max())
    path = out / PARTS / f"part-{first:08d}-{last:08d}.parquet"
    return write_parquet_atomic(rows, path)


def collect(out_dir: str | Path) -> pd.DataFrame:
    """Join the part files of a results directory, one row per point, sorted by point.

    Raises:
        ParameterError: a point that appears in two part files (not produced by
            :func:`run_sweep`; e.g. parts copied in from another run).
    """
    paths = sorted((Path(out_dir) / PARTS).glob("part-*.parquet"))
    if not paths:
        return pd.DataFrame()
    table = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    dup = table["point"].duplicated()
    if dup.any():
        raise ParameterError(str(out_dir), PARTS,
                             f"point {int(table.loc[dup, 'point'].iloc[0])} is in two part files")
    return table.sort_values("point", kind="stable").reset_index(drop=True)


def load_design(out_dir: str | Path) -> pd.DataFrame:
    """The design stored in a results directory, indexed by point."""
    return pd.read_parquet(Path(out_dir) / DESIGN_FILE).set_index("point")


def sweep_status(out_dir: str | Path) -> tuple[int, int]:
    """``(completed points, total points)`` of a results directory."""
    manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    return len(completed_points(out_dir)), int(manifest["n_points"])
