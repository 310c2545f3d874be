"""Out-of-sample validation: the whole protocol of ``docs/calibration.md`` in one call.

:func:`validate` calibrates every paradigm identically (:mod:`sim.analysis.calibration`) on each
training window, runs the fitted models once more with an independent seed, and scores them
on the years they were not fitted to:

* the primary split (train 1991-2007, test 2008-2024) and the article's vantage split
  (train 1991-2008, test 2009-2024), with moving-block bootstrap intervals (3-year blocks)
  and paired differences between paradigms (the same bootstrap draws for every forecaster);
* rolling origins 1999, 2003, 2007, 2011 and 2015 with 1-, 3- and 5-year horizons;
* the encompassing test: a convex mixture of every registered appraisal with only its weights
  fitted (:class:`~sim.model.paradigms.mixture.Mixture`);
* the frozen-inputs check: the test period re-run with Russian democracy and GDP held at
  their last training value;
* a plain-language verdict table generated from these numbers.

Calibrations are independent jobs run in a process pool; each job's result depends only on
its arguments (fixed seeds), so the numbers do not depend on the number of processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.analysis import calibration as cal
from sim.analysis.validation.bootstrap import score_all, split_records
from sim.analysis.validation.jobs import calibrate_all, evaluate_all
from sim.analysis.validation.plan import (
    BLOCK,
    FROZEN_FIELDS,
    HORIZONS,
    LEVEL,
    MIXTURE,
    THEORIES,
    Plan,
    Progress,
    Settings,
    settings_dict,
)
from sim.analysis.validation.verdict import make_verdict
from sim.data.observed import Observed


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
        tests: Diebold–Mariano tests of each paradigm against each baseline and membership
            of the model confidence set, by split and sample.
        seed_skills, seed_tests: the primary split's out-of-sample skills and tests for
            every seed of the repeat (``seed`` column).
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
    tests: pd.DataFrame
    seed_skills: pd.DataFrame
    seed_tests: pd.DataFrame
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
        paradigms: paradigms to compare (the mixture needs every registered one).
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
    if settings.headline:
        plan = plan.headline()
    fitted = calibrate_all(inputs, observed, plan, settings, progress)
    evals = evaluate_all(inputs, observed, plan, fitted, settings)
    report = score_all(observed, plan, fitted, evals, settings)
    from sim.analysis.validation.seeds import repeat_rows

    report["seed_skills"], report["seed_tests"] = repeat_rows(
        inputs, observed, plan, settings, report["skills"], report["tests"],
        _seed_progress(progress))
    bounds = [f"{p} (train to {end}): {m}" for (p, end), r in sorted(fitted.items())
              if p != MIXTURE and end == plan.splits[0].train[1] for m in r.at_bounds]
    verdict = make_verdict(report, plan, settings=settings, at_bounds=bounds)
    records = {s.name: split_records(evals, plan, s) for s in plan.splits}
    for joined in records.values():
        joined.meta["scenario"] = loaded.name
    meta = {"settings": settings_dict(settings), "paradigms": list(plan.paradigms),
            "splits": [{"name": s.name, "train": list(s.train), "test": list(s.test)}
                       for s in plan.splits],
            "origins": list(plan.origins), "horizons": list(HORIZONS), "block": BLOCK,
            "level": LEVEL, "frozen_fields": list(FROZEN_FIELDS), "loss": cal.LOSS,
            "notes": plan.notes}
    return Validation(calibrations=fitted, verdict=verdict, meta=meta, records=records,
                      observed=observed, **report)


def _seed_progress(progress: Progress | None):
    if progress is None:
        return None
    return lambda done, total: progress("further seeds", done, total)
