"""Global sensitivity analysis (SALib): which parameters drive an outcome.

Two methods over a chosen set of parameters (qualified names with ranges, see
:func:`sim.runs.designs.parse_space`) for one outcome (see :data:`sim.runs.outcomes.OUTCOMES`):

* **Sobol** (Saltelli's scheme with a scrambled Sobol' sequence): first-order ``S1`` and
  total-order ``ST`` variance shares with bootstrap confidence intervals. Cost:
  ``N * (D + 2)`` model evaluations (``N * (2D + 2)`` with second-order indices).
* **Morris** elementary effects, for screening many parameters cheaply: ``mu_star`` (mean
  absolute effect, with a confidence interval) and ``sigma`` (interactions / non-linearity).
  Cost: ``N * (D + 1)`` evaluations for ``N`` trajectories.

The model is evaluated through :func:`sim.runs.sweep.run_points`: every point one ensemble
(``replicas=1`` by default) with the same seed (common random numbers), in parallel on local
processes or a dask cluster. :func:`sobol_analysis` and :func:`morris_analysis` take any
vectorised function instead, which is how the SALib machinery is tested on the Ishigami
function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.runs.designs import Dimension, parse_space
from sim.runs.outcomes import Outcome, get_outcomes
from sim.runs.sweep import Progress, run_points

#: ``evaluate(points) -> y``: a design (columns = parameter names) to one number per row.
Evaluate = Callable[[pd.DataFrame], np.ndarray]
METHODS = ("sobol", "morris")


def salib_problem(space: Sequence[Dimension]) -> dict[str, Any]:
    """The SALib problem dict of a parameter space."""
    return {
        "num_vars": len(space),
        "names": [d.name for d in space],
        "bounds": [[d.low, d.high] for d in space],
    }


def evaluations(method: str, n: int, d: int, *, second_order: bool = False) -> int:
    """Model evaluations a method needs for base size ``n`` and ``d`` parameters."""
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    if method == "morris":
        return n * (d + 1)
    raise ParameterError("--method", method, f"expected one of {', '.join(METHODS)}")


def sobol_base_n(target: int, d: int, *, second_order: bool = False) -> int:
    """The power of two ``N`` whose Sobol analysis of ``d`` parameters comes closest to
    ``target`` model evaluations (10,000 with ``d = 3``: ``N = 2048``, 10,240 evaluations)."""
    per = evaluations("sobol", 1, d, second_order=second_order)
    return 2 ** max(1, round(math.log2(max(2.0, target / per))))


def sobol_analysis(
    evaluate: Evaluate,
    space: Sequence[Dimension],
    n: int,
    *,
    seed: int = 0,
    second_order: bool = False,
    conf_level: float = 0.95,
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Sobol indices of ``evaluate`` over ``space`` (Saltelli sampling, SALib).

    Args:
        evaluate: maps a design (one column per parameter) to one number per row.
        space: the parameters and their ranges.
        n: base sample size N (a power of two; cost ``N * (D + 2)``, or ``N * (2D + 2)``
            with ``second_order``).
        seed: seeds the scrambled Sobol' sequence and the bootstrap.
        second_order: also estimate S2 (stored in ``attrs["S2"]`` as a DataFrame).
        conf_level: coverage of the confidence intervals.
        num_resamples: bootstrap resamples for the intervals.

    Returns:
        One row per parameter: ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
        (``*_conf`` is the half-width of the interval). ``attrs`` holds ``method``,
        ``evaluations``, ``n`` and ``seed``.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    _check_n(n)
    problem = salib_problem(space)
    x = sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    y = _finite(evaluate(pd.DataFrame(x, columns=problem["names"])))
    # a Generator, not the int: SALib tests `if seed:` and falls back to the global numpy
    # RNG for seed 0
    res = analyze.analyze(problem, y, calc_second_order=second_order, num_resamples=num_resamples,
                          conf_level=conf_level, seed=np.random.default_rng(seed))
    frame = pd.DataFrame({
        "parameter": problem["names"],
        "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"],
    })
    frame.attrs.update(method="sobol", evaluations=len(y), n=n, seed=seed,
                       conf_level=conf_level)
    if second_order:
        frame.attrs["S2"] = pd.DataFrame(res["S2"], index=problem["names"],
                                         columns=problem["names"])
    return frame


def morris_analysis(
    evaluate: Evaluate,
    space: Sequence[Dimension],
    n: int,
    *,
    seed: int = 0,
    num_levels: int = 4,
    conf_level: float = 0.95,
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Morris elementary effects of ``evaluate`` over ``space`` (SALib).

    Args:
        evaluate: maps a design to one number per row.
        space: the parameters and their ranges.
        n: number of trajectories (cost ``n * (D + 1)``).
        seed: seeds the trajectories and the bootstrap.
        num_levels: grid levels of the trajectories.
        conf_level, num_resamples: of the bootstrap interval of ``mu_star``.

    Returns:
        One row per parameter: ``parameter``, ``mu``, ``mu_star``, ``mu_star_conf``,
        ``sigma``; ``attrs`` as for :func:`sobol_analysis`.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    _check_n(n)
    problem = salib_problem(space)
    x = sample.sample(problem, n, num_levels=num_levels, seed=seed)
    y = _finite(evaluate(pd.DataFrame(x, columns=problem["names"])))
    res = analyze.analyze(problem, x, y, num_resamples=num_resamples, conf_level=conf_level,
                          num_levels=num_levels, seed=seed)
    frame = pd.DataFrame({
        "parameter": problem["names"], "mu": res["mu"], "mu_star": res["mu_star"],
        "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"],
    })
    frame.attrs.update(method="morris", evaluations=len(y), n=n, seed=seed,
                       conf_level=conf_level)
    return frame


def _check_n(n: int) -> None:
    if int(n) < 2:
        raise ParameterError("--n", str(n), "expected a base sample size of at least 2")


def _finite(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float).ravel()
    bad = ~np.isfinite(y)
    if bad.any():
        raise ParameterError(
            "--outcome", "", f"{int(bad.sum())} of {len(y)} evaluations are undefined (NaN); "
            "give a value for them (fill_nan / --fill-nan), e.g. the year after the period "
            "for a first-year outcome")
    if np.ptp(y) == 0:
        raise ParameterError("--outcome", "", f"the outcome is constant ({y[0]:g}) over the "
                             "design: nothing to attribute (is its year inside the period?)")
    return y


def model_evaluator(
    scenario,
    paradigm: str,
    outcome: str | Outcome,
    *,
    fill_nan: float | None = None,
    progress: Progress | None = None,
    **run_kwargs: Any,
) -> Evaluate:
    """An :data:`Evaluate` that runs the model at every point and returns one outcome.

    Args:
        scenario: name, path or ``Scenario``.
        paradigm: the paradigm to run.
        outcome: an outcome name (see ``sim.runs.outcomes.OUTCOMES``) or :class:`Outcome`.
        fill_nan: value for points where the outcome is undefined (None: an error).
        progress: ``progress(done, total)``.
        **run_kwargs: for :func:`sim.runs.sweep.run_points` (``replicas``, ``seed``, ``mode``,
            ``params``, ``workers``, ``scheduler``, ``cluster``, ``chunk_size``, ``data``).
    """
    (name, out), = get_outcomes([outcome]).items()
    remote = run_kwargs.get("scheduler") is not None or run_kwargs.get("cluster") is not None
    if run_kwargs.get("replicas", 1) == 1 and out.per_replica is not None and not remote:
        return vector_evaluator(scenario, paradigm, out, fill_nan=fill_nan, progress=progress,
                                seed=run_kwargs.get("seed", 0),
                                mode=run_kwargs.get("mode", "replay"),
                                params=run_kwargs.get("params"), data=run_kwargs.get("data"))

    def evaluate(points: pd.DataFrame) -> np.ndarray:
        table = run_points(points, scenario, paradigm, outcomes=[out], progress=progress,
                           **run_kwargs)
        y = table[name].to_numpy(dtype=float)
        return y if fill_nan is None else np.where(np.isnan(y), fill_nan, y)

    return evaluate


def vector_evaluator(
    scenario,
    paradigm: str,
    outcome: Outcome,
    *,
    fill_nan: float | None = None,
    progress: Progress | None = None,
    seed: int = 0,
    mode: str = "replay",
    params: Mapping[str, Any] | None = None,
    data=None,
    block: int = 2048,
) -> Evaluate:
    """An :data:`Evaluate` that runs a block of points as ONE model, one replica per point.

    Every parameter becomes a vector over replicas and all replicas share their random
    draws (``common_draws``), so replica ``i`` is exactly the single run of point ``i`` with
    the model seed (tested), i.e. common random numbers across points, as in
    :func:`sim.runs.sweep.run_points`, at the cost of one vectorised run per ``block`` points.
    """
    from sim.model.model import NatoRussiaModel
    from sim.model.params import merge_params
    from sim.runs.designs import check_points
    from sim.runs.experiments import resolve, split_params

    scenario, data, inputs = resolve(scenario, data)
    base = split_params(paradigm, merge_params(params))

    def evaluate(points: pd.DataFrame) -> np.ndarray:
        points = check_points(points, paradigm)
        parts = []
        for first in range(0, len(points), block):
            rows = points.iloc[first:first + block]
            values = dict(base)
            values.update({col.split(".", 1)[1]: rows[col].to_numpy(dtype=float)
                           for col in rows.columns})
            model = NatoRussiaModel(paradigm=paradigm, mode=mode, replicas=len(rows), rng=seed,
                                    inputs=inputs, common_draws=True, **values)
            parts.append(outcome.per_replica(model.run().records()))
            if progress is not None:
                progress(first + len(rows), len(points))
        y = np.concatenate(parts).astype(float)
        return y if fill_nan is None else np.where(np.isnan(y), fill_nan, y)

    return evaluate


def sensitivity(
    scenario,
    paradigm: str,
    outcome: str | Outcome,
    parameters: Mapping[str, tuple[float, float] | None] | Sequence[str],
    *,
    method: str = "sobol",
    n: int = 256,
    seed: int = 0,
    replicas: int = 1,
    mode: str = "replay",
    params: Mapping[str, Any] | None = None,
    fill_nan: float | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    cluster: str | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    second_order: bool = False,
    num_levels: int = 4,
    conf_level: float = 0.95,
    num_resamples: int = 100,
) -> pd.DataFrame:
    """Sobol or Morris indices of one model outcome over chosen parameters.

    Args:
        scenario: name, path or ``Scenario``.
        paradigm: the paradigm whose parameters (and the chassis's) may vary.
        outcome: an outcome name, e.g. ``R_2008``.
        parameters: qualified names, optionally with ranges (``"realist.kappa=0.5:2"``);
            default range: the documented one.
        method: ``sobol`` or ``morris``.
        n: Sobol base size N (a power of two) or Morris trajectories.
        seed: the model seed (the same for every point) and the sampler's seed.
        replicas: replicas per point (1: one replay per point).
        mode, params: run mode and base parameters (nested format) of every point.
        fill_nan: value for points where the outcome is undefined.
        workers, scheduler, cluster, chunk_size, progress: see :func:`sim.runs.sweep.run_points`.
        second_order, num_levels, conf_level, num_resamples: method options.

    Returns:
        The indices table (see :func:`sobol_analysis`, :func:`morris_analysis`); ``attrs``
        also name the outcome, paradigm, scenario and replicas.
    """
    space = parse_space(parameters)
    evaluate = model_evaluator(
        scenario, paradigm, outcome, fill_nan=fill_nan, progress=progress, replicas=replicas,
        seed=seed, mode=mode, params=params, workers=workers, scheduler=scheduler,
        cluster=cluster, chunk_size=chunk_size,
    )
    if method == "sobol":
        frame = sobol_analysis(evaluate, space, n, seed=seed, second_order=second_order,
                               conf_level=conf_level, num_resamples=num_resamples)
    elif method == "morris":
        frame = morris_analysis(evaluate, space, n, seed=seed, num_levels=num_levels,
                                conf_level=conf_level, num_resamples=num_resamples)
    else:
        raise ParameterError("--method", method, f"expected one of {', '.join(METHODS)}")
    name = outcome.name if isinstance(outcome, Outcome) else str(outcome)
    frame.attrs.update(outcome=name, paradigm=paradigm, replicas=replicas,
                       scenario=getattr(scenario, "name", str(scenario)))
    return frame


def plot_indices(indices: pd.DataFrame, title: str | None = None):
    """Bar chart of sensitivity indices with their confidence intervals.

    Sobol: S1 and ST side by side per parameter; Morris: mu_star with its interval and sigma.

    Args:
        indices: a table from :func:`sensitivity`, :func:`sobol_analysis` or
            :func:`morris_analysis`.
        title: the chart title (default: method and outcome from ``indices.attrs``).

    Returns:
        A matplotlib ``Figure`` (Agg canvas; nothing is shown or saved).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if "S1" in indices:
        bars = [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total order ST")]
        ylabel = "share of output variance"
    elif "mu_star" in indices:
        bars = [("mu_star", "mu_star_conf", "mu* (mean |effect|)"), ("sigma", None, "sigma")]
        ylabel = "elementary effect"
    else:
        raise ValueError("expected Sobol (S1, ST) or Morris (mu_star, sigma) indices")
    names = indices["parameter"].astype(str).tolist()
    x = np.arange(len(names))
    width = 0.8 / len(bars)
    fig = Figure(figsize=(max(4.0, 1.1 * len(names) + 2.0), 3.6), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, (col, conf, label) in enumerate(bars):
        err = indices[conf].to_numpy(float) if conf else None
        ax.bar(x + (i - (len(bars) - 1) / 2) * width, indices[col].to_numpy(float), width,
               yerr=err, capsize=3, label=label)
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_xticks(x, names, rotation=30 if len(names) > 4 else 0, ha="right"
                  if len(names) > 4 else "center")
    ax.set_ylabel(ylabel)
    attrs = indices.attrs
    level = attrs.get("conf_level", 0.95)
    default = f"{attrs.get('method', '').capitalize()} indices of {attrs.get('outcome', 'y')}"
    if attrs.get("paradigm"):
        default += f" ({attrs['paradigm']})"
    ax.set_title(title or default)
    ax.legend(title=f"bars: {level:.0%} interval", fontsize="small", title_fontsize="small")
    return fig
