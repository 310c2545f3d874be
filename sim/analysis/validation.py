"""Out-of-sample validation: the whole protocol of ``docs/calibration.md`` in one call.

:func:`validate` calibrates every paradigm identically (:mod:`sim.analysis.calibration`) on each
training window, runs the fitted models once more with an independent seed, and scores them
on the years they were not fitted to:

* the primary split (train 1991-2007, test 2008-2024) and the article's vantage split
  (train 1991-2008, test 2009-2024), with moving-block bootstrap intervals (3-year blocks)
  and paired differences between paradigms (the same bootstrap draws for every forecaster);
* rolling origins 1999, 2003, 2007, 2011 and 2015 with 1-, 3- and 5-year horizons;
* the encompassing test: a convex mixture of the three appraisals with only its weights
  fitted (:class:`~sim.model.paradigms.mixture.Mixture`);
* the frozen-inputs check: the test period re-run with Russian democracy and GDP held at
  their last training value;
* a plain-language verdict table generated from these numbers.

Calibrations are independent jobs run in a process pool; each job's result depends only on
its arguments (fixed seeds), so the numbers do not depend on the number of processes.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import calibration as cal
from sim.analysis.scoring import BASELINES
from sim.data.inputs import Inputs, freeze_inputs
from sim.data.observed import Observed
from sim.model.paradigms import PARADIGMS

THEORIES: tuple[str, ...] = tuple(PARADIGMS)
ORIGINS: tuple[int, ...] = (1999, 2003, 2007, 2011, 2015)
HORIZONS: tuple[int, ...] = (1, 3, 5)
BLOCK = 3  # years per bootstrap block
MIN_YEARS = 2 * BLOCK  # shorter windows get no interval (the bootstrap would be degenerate)
N_BOOT = 2000
LEVEL = 0.95
DEFAULT_EVAL_REPLICAS = 100
FROZEN_FIELDS: tuple[str, ...] = ("dem_russia", "gdp_russia")
MIXTURE = "mixture"

#: ``progress(stage, done, total)``: called as jobs finish.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Split:
    """A train/test split of the period."""

    name: str
    train: tuple[int, int]
    test: tuple[int, int]

    @property
    def label(self) -> str:
        return f"{self.name} (train {_span(self.train)}, test {_span(self.test)})"


SPLITS: tuple[Split, ...] = (
    Split("primary", (1991, 2007), (2008, 2024)),
    Split("vantage", (1991, 2008), (2009, 2024)),
)


@dataclass(frozen=True)
class Settings:
    """Protocol numbers, identical for every paradigm.

    Attributes:
        budget: loss evaluations per calibration (optuna trials).
        replicas: replicas per loss evaluation.
        seed: model seed of every loss evaluation and seed of the optimiser.
        eval_replicas: replicas of the evaluation run of each fitted model.
        n_boot: bootstrap resamples.
        mode: ``replay`` or ``free``.
        processes: worker processes (None: every core; 1: no pool).
    """

    budget: int = cal.DEFAULT_BUDGET
    replicas: int = cal.DEFAULT_REPLICAS
    seed: int = cal.DEFAULT_SEED
    eval_replicas: int = DEFAULT_EVAL_REPLICAS
    n_boot: int = N_BOOT
    mode: str = "replay"
    processes: int | None = None

    @property
    def eval_seed(self) -> int:
        """Seed of the evaluation runs: a stream the optimiser never saw."""
        return self.seed + 1


@dataclass(frozen=True)
class Validation:
    """Everything :func:`validate` found (tables are tidy DataFrames).

    Attributes:
        skills: aggregate skill by split, sample (in/out), forecaster, with interval and the
            per-observable skills.
        differences: paired differences of aggregate skill between paradigms.
        horizons: rolling-origin skill by origin, horizon and forecaster.
        mixture: encompassing weights with bootstrap intervals, by split.
        frozen: test skill with and without frozen inputs, by split and paradigm.
        frozen_differences: paired differences between paradigms with frozen inputs.
        verdict: the plain-language verdict (``topic``, ``finding``).
        records: split name -> the evaluation runs of that split's fitted models (one
            ``Records`` with every forecaster), for the observed-vs-simulated charts.
        calibrations: ``(paradigm, train end) -> Calibration``.
        meta: settings, splits, origins, notes.
    """

    skills: pd.DataFrame
    differences: pd.DataFrame
    horizons: pd.DataFrame
    mixture: pd.DataFrame
    frozen: pd.DataFrame
    frozen_differences: pd.DataFrame
    verdict: pd.DataFrame
    records: dict[str, Any]
    observed: Observed
    calibrations: dict[tuple[str, int], cal.Calibration]
    meta: dict[str, Any] = field(default_factory=dict)

    def parameters(self) -> pd.DataFrame:
        """Fitted values by paradigm, training window and parameter, with bound flags.

        Mixture weights are never flagged: a weight of 0 or 1 is a finding, not a range
        that stopped the fit.
        """
        rows = []
        for (paradigm, end), result in sorted(self.calibrations.items()):
            flagged = " ".join(result.at_bounds) if paradigm != MIXTURE else ""
            for name, value in result.fitted.items():
                rows.append({"paradigm": paradigm, "train_end": end, "parameter": name,
                             "value": value, "at_bound": f"{name} =" in flagged,
                             "train_skill": result.skill})
        return pd.DataFrame(rows)


# =========================================================================== the protocol


def validate(scenario="post-cold-war", paradigms: Sequence[str] = THEORIES,
             settings: Settings | None = None, *, observed: Observed | None = None,
             progress: Progress | None = None) -> Validation:
    """Run the whole validation protocol on a scenario.

    Args:
        scenario: a scenario name, path or ``Scenario``.
        paradigms: paradigms to compare (the mixture needs all three).
        settings: budget, replicas, seeds, processes (:class:`Settings`).
        observed: the observed record (default: :func:`sim.data.observed.load_observed`).
        progress: called as ``progress(stage, done, total)``.

    Returns:
        The :class:`Validation`.
    """
    from sim.data.observed import load_observed
    from sim.runs.experiments import resolve

    settings = settings or Settings()
    loaded, _, inputs = resolve(scenario)
    observed = observed if observed is not None else load_observed()
    plan = Plan.make(inputs, tuple(paradigms))
    if not plan.splits:
        from sim.core.errors import ScenarioError

        period = f"{int(inputs.years[0])}-{int(inputs.years[-1])}"
        raise ScenarioError(getattr(loaded, "name", str(scenario)), "period",
                            f"no validation split fits inside {period}; the protocol needs "
                            "training and test years (e.g. 1991-2007 and 2008-2024)")
    fitted = _calibrate_all(inputs, observed, plan, settings, progress)
    evals = _evaluate_all(inputs, observed, plan, fitted, settings)
    report = _score_all(observed, plan, fitted, evals, settings)
    verdict = make_verdict(report, plan)
    records = {s.name: _split_records(evals, plan, s) for s in plan.splits}
    for joined in records.values():
        joined.meta["scenario"] = loaded.name
    meta = {"settings": _settings_dict(settings), "paradigms": list(plan.paradigms),
            "splits": [{"name": s.name, "train": list(s.train), "test": list(s.test)}
                       for s in plan.splits],
            "origins": list(plan.origins), "horizons": list(HORIZONS), "block": BLOCK,
            "level": LEVEL, "frozen_fields": list(FROZEN_FIELDS), "loss": cal.LOSS,
            "notes": plan.notes}
    return Validation(calibrations=fitted, verdict=verdict, meta=meta, records=records,
                      observed=observed, **report)


@dataclass(frozen=True)
class Plan:
    """Which splits, origins and calibrations the scenario's period allows."""

    paradigms: tuple[str, ...]
    splits: tuple[Split, ...]
    origins: tuple[int, ...]
    last: int
    notes: tuple[str, ...]

    @classmethod
    def make(cls, inputs: Inputs, paradigms: tuple[str, ...]) -> Plan:
        first, last = int(inputs.years[0]), int(inputs.years[-1])
        unknown = [p for p in paradigms if p not in PARADIGMS]
        if unknown or not paradigms:
            from sim.core.errors import ParameterError

            raise ParameterError("--paradigms", ",".join(unknown), f"choose from {THEORIES}")
        splits = tuple(Split(s.name, (max(first, s.train[0]), s.train[1]),
                             (s.test[0], min(last, s.test[1])))
                       for s in SPLITS if s.test[0] <= last and s.train[0] >= first)
        origins = tuple(o for o in ORIGINS if first < o < last)
        notes = []
        if set(THEORIES) - set(paradigms):
            notes.append("the encompassing mixture needs all three paradigms: skipped")
        return cls(tuple(dict.fromkeys(paradigms)), splits, origins, last, tuple(notes))

    @property
    def train_ends(self) -> tuple[int, ...]:
        return tuple(sorted({s.train[1] for s in self.splits} | set(self.origins)))

    @property
    def with_mixture(self) -> bool:
        return set(THEORIES) <= set(self.paradigms)

    @property
    def first(self) -> int:
        """First training year of every window (the start of the splits' training)."""
        return min(s.train[0] for s in self.splits) if self.splits else 1991


# --------------------------------------------------------------------------- calibrations


def _calibrate_all(inputs: Inputs, observed: Observed, plan: Plan, settings: Settings,
                   progress: Progress | None) -> dict[tuple[str, int], cal.Calibration]:
    """Every paradigm on every training window, then the mixture on each split."""
    jobs = [_job(inputs, observed, p, (plan.first, end), settings)
            for end in sorted(plan.train_ends, reverse=True) for p in plan.paradigms]
    keys = [(j["paradigm"], j["train"][1]) for j in jobs]
    results = dict(zip(keys, run_jobs(_calibrate_job, jobs, settings.processes,
                                      _stage(progress, "calibrating")), strict=True))
    if plan.with_mixture:
        mix_jobs = [_job(inputs, observed, MIXTURE, s.train, settings,
                         fixed=mixture_fixed(results, s.train[1])) for s in plan.splits]
        mixed = run_jobs(_calibrate_job, mix_jobs, settings.processes,
                         _stage(progress, "encompassing mixture"))
        results.update({(MIXTURE, s.train[1]): r for s, r in zip(plan.splits, mixed,
                                                                  strict=True)})
    return results


def _job(inputs: Inputs, observed: Observed, paradigm: str, train: tuple[int, int],
         settings: Settings, fixed: Mapping[str, Mapping[str, float]] | None = None
         ) -> dict[str, Any]:
    return {"inputs": inputs, "observed": observed, "paradigm": paradigm, "train": train,
            "budget": settings.budget, "replicas": settings.replicas, "seed": settings.seed,
            "mode": settings.mode, "fixed": fixed}


def _calibrate_job(job: Mapping[str, Any]) -> cal.Calibration:
    """One calibration (runs in a worker process). Bound warnings are kept in the result."""
    problem = cal.make_problem(job["inputs"], job["observed"], job["paradigm"],
                               train=job["train"], replicas=job["replicas"], seed=job["seed"],
                               mode=job["mode"], fixed=job["fixed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cal.BoundWarning)
        return cal.calibrate_problem(problem, job["budget"])


def mixture_fixed(results: Mapping[tuple[str, int], cal.Calibration],
                  train_end: int) -> dict[str, dict[str, float]]:
    """The mixture's fixed values: each component's calibrated own parameters, and the
    element-wise mean of the three calibrated chassis (no paradigm's chassis privileged)."""
    fits = {p: results[(p, train_end)].params for p in THEORIES}
    chassis = {n: float(np.mean([f["chassis"][n] for f in fits.values()]))
               for n in fits[THEORIES[0]]["chassis"]}
    return {"chassis": chassis, **{p: dict(f[p]) for p, f in fits.items()}}


def run_jobs(fn: Callable[[Any], Any], jobs: Sequence[Any], processes: int | None,
             progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(job) for job in jobs]``, in a process pool when ``processes != 1``.

    Results come back in job order whatever the number of processes. Workers are forked
    where the platform allows it (no re-import of the caller's ``__main__``, so scripts and
    notebooks need no ``if __name__ == "__main__"`` guard), spawned otherwise.
    """
    total = len(jobs)
    workers = min(processes or os.cpu_count() or 1, total)
    if workers <= 1:
        out = []
        for i, job in enumerate(jobs):
            out.append(fn(job))
            if progress is not None:
                progress(i + 1, total)
        return out
    import multiprocessing

    results: list[Any] = [None] * total
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool, \
            warnings.catch_warnings():
        # Python warns about fork() whenever the process has threads; here those are the
        # numeric library's worker threads (fork-safe), and the workers touch no lock of ours.
        warnings.filterwarnings("ignore", message=r"This process .* is multi-threaded",
                                category=DeprecationWarning)
        futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, total)
    return results


def _stage(progress: Progress | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


# --------------------------------------------------------------------------- evaluation runs


@dataclass(frozen=True)
class Run:
    """One evaluation run: its summary for scoring, and its records if asked for."""

    sim: cal.Simulated
    records: Any = None


def evaluate(inputs: Inputs, observed: Observed, paradigm: str,
             params: Mapping[str, Mapping[str, float]], settings: Settings,
             keep_records: bool = False) -> Run:
    """Run a fitted model over the whole period with the evaluation seed and replicas."""
    from sim.model.model import NatoRussiaModel

    model = NatoRussiaModel(
        paradigm=cal.build_paradigm(paradigm, params), mode=settings.mode,
        replicas=settings.eval_replicas, rng=settings.eval_seed, inputs=inputs,
        **params.get("chassis", {})).run()
    years, series, partners = model.recorded()
    sim = cal.summarise(years, series, partners, tuple(inputs.partners),
                        tuple(observed.coercion.index))
    if not keep_records:
        return Run(sim=sim)
    records = model.records()
    records.meta.update({"seed": settings.eval_seed, "paradigms": [paradigm]})
    return Run(sim=sim, records=records)


def _evaluate_all(inputs: Inputs, observed: Observed, plan: Plan,
                  fitted: Mapping[tuple[str, int], cal.Calibration],
                  settings: Settings) -> dict[tuple[str, int, str], Run]:
    """Evaluation runs: every calibration on the real inputs; the split calibrations also
    with Russian democracy and GDP frozen after the training window."""
    split_ends = {s.train[1] for s in plan.splits}
    runs = {(p, end, "real"): evaluate(inputs, observed, p, result.params, settings,
                                       keep_records=end in split_ends)
            for (p, end), result in fitted.items()}
    for split in plan.splits:
        frozen = freeze_inputs(inputs, split.train[1], FROZEN_FIELDS)
        for p in (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ())):
            params = fitted[(p, split.train[1])].params
            runs[(p, split.train[1], "frozen")] = evaluate(frozen, observed, p, params,
                                                           settings)
    return runs


# --------------------------------------------------------------------------- scoring


def block_bootstrap(n: int, n_boot: int, rng: np.random.Generator,
                    block: int = BLOCK) -> np.ndarray:
    """Moving-block bootstrap of ``n`` consecutive years: ``(n_boot, n)`` year positions.

    Each resample concatenates blocks of ``block`` consecutive years starting at uniform
    positions, cut to ``n`` years.
    """
    block = max(1, min(block, n))
    n_blocks = math.ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_boot, -1)
    return idx[:, :n]


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _score_all(observed: Observed, plan: Plan,
               fitted: Mapping[tuple[str, int], cal.Calibration],
               runs: Mapping[tuple[str, int, str], Run],
               settings: Settings) -> dict[str, pd.DataFrame]:
    skills, diffs, mixture, frozen, frozen_diffs = [], [], [], [], []
    forecasters = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    for k, split in enumerate(plan.splits):
        end = split.train[1]
        sims = {p: runs[(p, end, "real")].sim for p in forecasters}
        for j, (sample, window, obs) in enumerate(_samples(split, observed)):
            target = cal.Target(obs, window, split.train, settings.mode)
            contrib = target.contributions(sims)
            idx = block_bootstrap(len(target.years), settings.n_boot, _rng(settings.seed, k, j))
            skills.append(skill_rows(contrib, idx, split.name, sample))
            diffs.append(difference_rows(contrib, idx, plan.paradigms, split.name, sample))
            if sample == "out of sample":
                rows, paired = _frozen_rows(split, plan, runs, contrib, idx)
                frozen.append(rows)
                frozen_diffs.append(paired)
        if plan.with_mixture:
            mixture.append(mixture_rows(fitted[(MIXTURE, end)], observed, split, settings, k))
    return {"skills": pd.concat(skills, ignore_index=True),
            "differences": pd.concat(diffs, ignore_index=True),
            "horizons": horizon_rows(observed, plan, runs, forecasters, settings),
            "mixture": pd.concat(mixture, ignore_index=True) if mixture else pd.DataFrame(),
            "frozen": pd.concat(frozen, ignore_index=True) if frozen else pd.DataFrame(),
            "frozen_differences": (pd.concat(frozen_diffs, ignore_index=True) if frozen_diffs
                                   else pd.DataFrame())}


def _split_records(runs: Mapping[tuple[str, int, str], Run], plan: Plan, split: Split):
    """The evaluation records of every forecaster fitted on ``split``, joined."""
    from sim.model.records import Records

    names = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    return Records.concat([runs[(p, split.train[1], "real")].records for p in names])


def _samples(split: Split, observed: Observed):
    """(sample, window, observed record) for in-sample and out-of-sample scoring."""
    yield "in sample", split.train, cal.truncate_observed(observed, split.train[1])
    yield "out of sample", split.test, observed


def _interval(values: np.ndarray, n_years: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the last axis; NaN for windows shorter than ``MIN_YEARS``."""
    tail = (1.0 - LEVEL) / 2.0
    lo, hi = np.quantile(values, [tail, 1.0 - tail], axis=-1)
    if n_years is not None and n_years < MIN_YEARS:
        return np.full_like(lo, np.nan), np.full_like(hi, np.nan)
    return lo, hi


def skill_rows(contrib: cal.Contributions, idx: np.ndarray, split: str,
               sample: str) -> pd.DataFrame:
    """Aggregate skill (point and bootstrap interval) and per-observable skill of every
    forecaster."""
    point = contrib.aggregate()[:, 0]
    lo, hi = _interval(contrib.aggregate(idx), len(contrib.target.years))
    per = contrib.observable_skills()[:, :, 0]
    frame = pd.DataFrame({
        "split": split, "sample": sample, "window": _span(contrib.target.window),
        "forecaster": contrib.names,
        "kind": ["baseline" if n in BASELINES else
                 "encompassing" if n == MIXTURE else "paradigm" for n in contrib.names],
        "skill": point, "lo": lo, "hi": hi})
    for j, name in enumerate(contrib.target.observables):
        frame[f"skill_{name}"] = per[:, j]
    return frame


def difference_rows(contrib: cal.Contributions, idx: np.ndarray, paradigms: Sequence[str],
                    split: str, sample: str) -> pd.DataFrame:
    """Paired differences of aggregate skill, ``a - b``, for every pair of forecasters in
    ``paradigms`` (plus the mixture against each, if present), on the same bootstrap draws."""
    point = contrib.aggregate()[:, 0]
    boot = contrib.aggregate(idx)
    pairs = list(combinations(paradigms, 2))
    if MIXTURE in contrib.names:
        pairs += [(MIXTURE, p) for p in paradigms]
    rows = []
    for a, b in pairs:
        ia, ib = contrib.row(a), contrib.row(b)
        lo, hi = _interval(boot[ia] - boot[ib], len(contrib.target.years))
        rows.append({"split": split, "sample": sample, "a": a, "b": b,
                     "diff": point[ia] - point[ib], "lo": lo, "hi": hi,
                     "share_a_better": float(np.mean(boot[ia] > boot[ib])),
                     "distinguishable": bool(lo > 0 or hi < 0)})
    return pd.DataFrame(rows)


def _frozen_rows(split: Split, plan: Plan, runs: Mapping[tuple[str, int, str], Run],
                 real: cal.Contributions, idx: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test skill with the frozen inputs next to the real ones (same bootstrap draws), and
    the paired differences between paradigms with frozen inputs."""
    end = split.train[1]
    names = (*plan.paradigms, *((MIXTURE,) if plan.with_mixture else ()))
    target = real.target
    frozen = target.contributions({p: runs[(p, end, "frozen")].sim for p in names})
    point_real, point_frozen = real.aggregate()[:, 0], frozen.aggregate()[:, 0]
    n = len(target.years)
    lo, hi = _interval(frozen.aggregate(idx), n)
    change_lo, change_hi = _interval(frozen.aggregate(idx) - real.aggregate(idx), n)
    rows = []
    for p in names:
        i = frozen.row(p)
        rows.append({"split": split.name, "window": _span(split.test), "forecaster": p,
                     "skill": point_real[real.row(p)], "skill_frozen": point_frozen[i],
                     "lo_frozen": lo[i], "hi_frozen": hi[i],
                     "change": point_frozen[i] - point_real[real.row(p)],
                     "change_lo": change_lo[i], "change_hi": change_hi[i]})
    return pd.DataFrame(rows), difference_rows(frozen, idx, plan.paradigms, split.name,
                                               "out of sample, frozen inputs")


def mixture_rows(result: cal.Calibration, observed: Observed, split: Split,
                 settings: Settings, k: int) -> pd.DataFrame:
    """Mixture weights with bootstrap intervals over training years.

    For each resample of 3-year blocks of the training years, the weights with the best
    resampled training skill among all evaluated candidates (every optimiser trial) are
    taken; the interval is the percentile range of those weights.
    """
    from sim.model.paradigms.mixture import COMPONENTS, stick_breaking

    trials = result.trials
    target = cal.Target(cal.truncate_observed(observed, split.train[1]), split.train,
                        split.train, settings.mode)
    names = tuple(f"trial{i}" for i in range(len(trials.loss)))
    contrib = target.stack(names, trials.num, trials.den)
    idx = block_bootstrap(len(target.years), settings.n_boot, _rng(settings.seed, k, 9))
    chosen = np.argmax(contrib.aggregate(idx)[len(BASELINES):], axis=0)
    weights = np.array([stick_breaking(*trials.values[i]) for i in range(len(trials.loss))])
    best = weights[trials.best]
    lo, hi = _interval(weights[chosen].T)
    return pd.DataFrame({"split": split.name, "train": _span(split.train),
                         "component": list(COMPONENTS), "weight": best, "lo": lo, "hi": hi,
                         "train_skill": result.skill,
                         "interval": "block bootstrap over training years, refit among "
                                     "evaluated candidates"})


def horizon_rows(observed: Observed, plan: Plan, runs: Mapping[tuple[str, int, str], Run],
                 forecasters: Sequence[str], settings: Settings) -> pd.DataFrame:
    """Rolling origins: skill over the ``h`` years after each origin, for each horizon."""
    rows = []
    for origin in plan.origins:
        sims = {p: runs[(p, origin, "real")].sim for p in forecasters if p != MIXTURE}
        for h in HORIZONS:
            if origin + h > plan.last:
                continue
            window = (origin + 1, origin + h)
            target = cal.Target(observed, window, (plan.first, origin), settings.mode)
            contrib = target.contributions(sims)
            for name, value in zip(contrib.names, contrib.aggregate()[:, 0], strict=True):
                rows.append({"origin": origin, "horizon": h, "window": _span(window),
                             "forecaster": name,
                             "kind": "baseline" if name in BASELINES else "paradigm",
                             "skill": value})
    return pd.DataFrame(rows, columns=["origin", "horizon", "window", "forecaster", "kind",
                                       "skill"])


# =========================================================================== the verdict


def make_verdict(report: Mapping[str, pd.DataFrame], plan: Plan) -> pd.DataFrame:
    """The plain-language verdict table, generated from the numbers.

    Returns:
        Columns ``topic`` and ``finding``, one row per question answered.
    """
    skills, diffs = report["skills"], report["differences"]
    rows = [("overall", _overall(skills, diffs, plan))]
    for split in plan.splits:
        for sample in ("in sample", "out of sample"):
            rows.append((f"{split.name}, {sample}",
                         _best_sentence(skills, diffs, plan, split.name, sample)))
    if not report["horizons"].empty:
        rows.append(("rolling origins", _horizon_sentence(report["horizons"], plan)))
    if not report["mixture"].empty:
        for split in plan.splits:
            rows.append((f"encompassing, {split.name}",
                         _mixture_sentence(report["mixture"], skills, split.name)))
    if not report["frozen"].empty:
        for split in plan.splits:
            rows.append((f"frozen inputs, {split.name}",
                         _frozen_sentence(report["frozen"], report["frozen_differences"],
                                          diffs, split, plan)))
    return pd.DataFrame(rows, columns=["topic", "finding"])


def _ranked(skills: pd.DataFrame, split: str, sample: str,
            names: Sequence[str]) -> pd.DataFrame:
    rows = skills[(skills["split"] == split) & (skills["sample"] == sample)
                  & skills["forecaster"].isin(names)]
    return rows.sort_values("skill", ascending=False, kind="stable")


def _diff(diffs: pd.DataFrame, split: str, sample: str, a: str, b: str) -> dict[str, Any]:
    rows = diffs[(diffs["split"] == split) & (diffs["sample"] == sample)]
    hit = rows[(rows["a"] == a) & (rows["b"] == b)]
    if not hit.empty:
        return hit.iloc[0].to_dict()
    row = rows[(rows["a"] == b) & (rows["b"] == a)].iloc[0].to_dict()
    return {**row, "a": a, "b": b, "diff": -row["diff"], "lo": -row["hi"], "hi": -row["lo"]}


def _num(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _ci(lo: float, hi: float) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"[no interval: fewer than {MIN_YEARS} years]"
    return f"[{_num(lo)}, {_num(hi)}]"


def _against_baselines(lo: float, hi: float) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "too few years to compare with the baselines"
    if lo > 0:
        return "better than the reference baselines at 95 %"
    if hi < 0:
        return "worse than the reference baselines at 95 %"
    return "not distinguishable from the reference baselines at 95 %"


def _best_sentence(skills: pd.DataFrame, diffs: pd.DataFrame, plan: Plan, split: str,
                   sample: str) -> str:
    ranked = _ranked(skills, split, sample, plan.paradigms)
    best = ranked.iloc[0]
    window = best["window"]
    text = (f"{best['forecaster']} best {sample} ({window}), skill {_num(best['skill'])} "
            f"{_ci(best['lo'], best['hi'])}, {_against_baselines(best['lo'], best['hi'])}")
    for _, other in ranked.iloc[1:].iterrows():
        d = _diff(diffs, split, sample, best["forecaster"], other["forecaster"])
        verdict = ("distinguishable at 95 %" if d["distinguishable"] else
                   "not distinguishable at 95 %" if np.isfinite(d["lo"]) else "not testable")
        text += (f"; difference to {other['forecaster']} {_num(d['diff'])} "
                 f"{_ci(d['lo'], d['hi'])}: {verdict}")
    return text + "."


def _overall(skills: pd.DataFrame, diffs: pd.DataFrame, plan: Plan) -> str:
    if not plan.splits:
        return "no split fits inside the scenario's period: nothing to judge."
    split = plan.splits[0].name
    ranked = _ranked(skills, split, "out of sample", plan.paradigms)
    best = ranked.iloc[0]["forecaster"]
    if len(ranked) == 1:
        return f"only {best} was run: no comparison."
    others = [o for o in ranked["forecaster"].iloc[1:]]
    beaten = [o for o in others if _diff(diffs, split, "out of sample", best, o)["lo"] > 0]
    text = f"Out of sample on the {split} split, {best} reproduces the observed relations best"
    if len(beaten) == len(others):
        text += f", distinguishably better than {' and '.join(others)} at 95 %."
    elif beaten:
        tied = [o for o in others if o not in beaten]
        text += (f"; better than {' and '.join(beaten)} at 95 %, but not distinguishable "
                 f"from {' and '.join(tied)}.")
    else:
        text += (f", but it is not distinguishable from {' or '.join(others)} at 95 %: "
                 "the data do not single out one paradigm.")
    top = ranked.iloc[0]
    text += (f" Against the naive baselines, {best} is "
             f"{_against_baselines(float(top['lo']), float(top['hi']))} (skill "
             f"{_num(top['skill'])} {_ci(top['lo'], top['hi'])}).")
    if "realist" in plan.paradigms:
        text += " " + _ratti(diffs, split, plan, best, top)
    return text


def _ratti(diffs: pd.DataFrame, split: str, plan: Plan, best: str,
           top: pd.Series | None = None) -> str:
    """Ratti (2009) claims realism explains best: what this run says about it."""
    rivals = [p for p in plan.paradigms if p != "realist"]
    if not rivals:
        return ""
    beats_baselines = top is None or (best == "realist" and float(top.get("lo", np.nan)) > 0)
    worse = [p for p in rivals if _diff(diffs, split, "out of sample", "realist", p)["hi"] < 0]
    better = [p for p in rivals if _diff(diffs, split, "out of sample", "realist", p)["lo"] > 0]
    if len(better) == len(rivals) and beats_baselines:
        return "Ratti's (2009) claim that realism explains best is supported here."
    if len(better) == len(rivals):
        return ("Realism does better than its rivals at 95 %, but not better than the naive "
                "baselines: Ratti's (2009) claim is supported only relative to the other "
                "theories.")
    if worse:
        verb = "does" if len(worse) == 1 else "do"
        return (f"Ratti's (2009) claim that realism explains best is contradicted: "
                f"{' and '.join(worse)} {verb} better at 95 %.")
    return ("Ratti's (2009) claim that realism explains best is neither supported nor "
            f"contradicted at 95 % (realist {'is' if best == 'realist' else 'is not'} ranked "
            "first).")


def _horizon_sentence(horizons: pd.DataFrame, plan: Plan) -> str:
    rows = horizons[horizons["kind"] == "paradigm"]
    parts = []
    for h, group in rows.groupby("horizon", sort=True):
        means = group.groupby("forecaster")["skill"].mean().reindex(plan.paradigms)
        best = means.idxmax()
        wins = group.loc[group.groupby("origin")["skill"].idxmax(), "forecaster"]
        n_origins = group["origin"].nunique()
        parts.append(f"{h}-year horizon: {best} (mean skill {_num(means[best])}, first at "
                     f"{int((wins == best).sum())} of {n_origins} origins)")
    origins = ", ".join(str(o) for o in plan.origins)
    return f"Rolling origins {origins}: " + "; ".join(parts) + " (no intervals: one window " \
        "per origin)."


def _mixture_sentence(mixture: pd.DataFrame, skills: pd.DataFrame, split: str) -> str:
    rows = mixture[mixture["split"] == split]
    if rows.empty:
        return "not run."
    top = rows.sort_values("weight", ascending=False).iloc[0]
    weights = "; ".join(f"{r.component} {_num(r.weight)} {_ci(r.lo, r.hi)}"
                        for r in rows.itertuples())
    text = (f"mixture weights (train {rows['train'].iloc[0]}): {weights}; the largest weight "
            f"goes to {top['component']}")
    out = skills[(skills["split"] == split) & (skills["sample"] == "out of sample")]
    mix = out[out["forecaster"] == MIXTURE]
    single = out[out["kind"] == "paradigm"].sort_values("skill", ascending=False)
    if not mix.empty and not single.empty:
        m, s = mix.iloc[0], single.iloc[0]
        text += (f"; out of sample the mixture scores {_num(m['skill'])} "
                 f"{_ci(m['lo'], m['hi'])} against {_num(s['skill'])} for {s['forecaster']}")
    wide = rows[(rows["hi"] - rows["lo"]) > 0.5]
    if len(wide):
        text += "; the weights are poorly identified (wide intervals)"
    return text + "."


def _frozen_sentence(frozen: pd.DataFrame, frozen_diffs: pd.DataFrame, diffs: pd.DataFrame,
                     split: Split, plan: Plan) -> str:
    """Does the leading paradigm's advantage survive freezing Russian democracy and GDP?"""
    rows = frozen[(frozen["split"] == split.name) & frozen["forecaster"].isin(plan.paradigms)]
    best_real = rows.sort_values("skill", ascending=False).iloc[0]["forecaster"]
    best_frozen = rows.sort_values("skill_frozen", ascending=False).iloc[0]["forecaster"]
    changes = "; ".join(f"{r.forecaster} {_num(r.skill)} → {_num(r.skill_frozen)}"
                        for r in rows.itertuples())
    text = (f"with Russian democracy and GDP frozen after {split.train[1]}, test skill "
            f"{changes}. ")
    text += (f"{best_real} stays first" if best_real == best_frozen else
             f"the first place moves from {best_real} to {best_frozen}")
    lost = []
    for other in [p for p in plan.paradigms if p != best_real]:
        real = _diff(diffs, split.name, "out of sample", best_real, other)
        held = _diff(frozen_diffs, split.name, "out of sample, frozen inputs", best_real, other)
        text += (f"; lead over {other} {_num(real['diff'])} {_ci(real['lo'], real['hi'])} → "
                 f"{_num(held['diff'])} {_ci(held['lo'], held['hi'])}")
        if real["distinguishable"] != held["distinguishable"]:
            lost.append(other)
    depends = best_real != best_frozen or bool(lost)
    return text + (": the leading paradigm's advantage depends on these inputs." if depends else
                   ": no paradigm's lead depends on these inputs.")


# =========================================================================== output


def _span(window: tuple[int, int]) -> str:
    return f"{window[0]}-{window[1]}"


def _settings_dict(settings: Settings) -> dict[str, Any]:
    return {"budget": settings.budget, "replicas": settings.replicas, "seed": settings.seed,
            "eval_replicas": settings.eval_replicas, "eval_seed": settings.eval_seed,
            "n_boot": settings.n_boot, "mode": settings.mode}
