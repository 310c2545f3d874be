"""What ``report.html`` shows for each kind of folder: compare, validate, likelihood.

Every number on the page comes from the folder's files (tables, verdict, manifest); the
threats to validity are the ones of docs/scoring.md, docs/calibration.md and
docs/likelihood.md, filled with this folder's numbers (years, events, seeds, parameters
at a bound, floored cells).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.viz import plots

#: A :class:`sim.outputs.report.Page` (not imported: that module imports this one).
Page = Any

CODING = ("The observed record is hand-coded: institutional status (O3), coercion (O5) and "
          "the events behind net cooperation (O4) were coded once, before modelling "
          "(sim/data/OBSERVED.md); another defensible coding may change the result.")
REPLAY = ("Replay mode forces NATO's and the partners' decisions: the test asks how Russia "
          "responded given what NATO did, not whether NATO's choices could be predicted.")
INPUTS = ("Russian democracy, GDP, trade and the milestone dates are taken as known inputs, "
          "though some respond to the relation itself (endogenous inputs).")
CHASSIS = ("All paradigms act through one shared behavioural chassis; a mechanism the "
           "chassis cannot express is judged by its appraisal only.")


def _years(span: str) -> int:
    first, _, last = str(span).partition("-")
    return int(last or first) - int(first) + 1


def _bounds_line(n_bound: int, n_fitted: int, where: str) -> str:
    if n_bound == 0:
        return f"No fitted value lies at a bound of its range ({n_fitted} fitted, {where})."
    return (f"{n_bound} of {n_fitted} fitted values lie at a bound of their range ({where}): "
            "there the range, not the data, stopped the fit.")


# --------------------------------------------------------------------------- compare


def compare_page(page: Page) -> Page:
    c = page.content
    aggregate = page.table("aggregate.csv")
    page.heading(f"natosim compare · {c['scenario'].get('name')}",
                 "Scorecard with default parameters: not calibrated, not a verdict "
                 "(natosim validate fits every paradigm and tests it out of sample).")
    page.section("Reading")
    lines = _compare_reading(aggregate) if aggregate is not None else []
    page.items(lines, "verdict")
    page.section("Verdict chart")
    if aggregate is not None:
        fig = plots.plot_verdict(plots.compare_verdict_table(aggregate),
                                 xlabel="aggregate bounded skill vs the reference baselines",
                                 title="Aggregate skill per window (default parameters)",
                                 interval="none: one run with default parameters",
                                 meta={**c, "scenario": c["scenario"].get("name")})
        page.figure(fig, "Aggregate skill of each paradigm (dots) per window; the naive "
                    "baselines as reference lines. One run, so no interval.")
    page.section("Scorecard and key figures")
    page.image("scorecard.png", "Skill against the reference baseline, observable by "
               "observable; rows left out of the aggregate are grey.")
    if aggregate is not None:
        page.frame(aggregate.loc[:, ["window", "rank", "forecaster", "kind",
                                     "aggregate_skill", "observables"]])
    stability = page.table("rank_stability.csv")
    if stability is not None:
        page.paragraph("Share of 1,000 random weightings of the observables under which "
                       "each paradigm ranks first:")
        page.frame(stability)
    page.image("observed_vs_simulated.png", "Observed (black) against each paradigm's "
               "median with 80 % and 95 % bands.")
    page.image("events.png", "Observed coercion (O5) against each paradigm's predicted "
               "probability.")
    _parameters_of_manifest(page)
    windows = [w.get("label", "") for w in c.get("windows", [])]
    page.provenance([("windows", ", ".join(windows)),
                     ("calibration", "–".join(map(str, c.get("calibration", []))))])
    page.section("Threats to validity")
    cal = c.get("calibration", ["?", "?"])
    threats = [
        "Default parameters: no paradigm was fitted, so this ranks the defaults, not the "
        "theories.",
        f"One run of {c.get('replicas')} replicas per paradigm with one seed "
        f"({c.get('seed')}): the skills carry no interval.",
        f"Within the calibration years {cal[0]}–{cal[-1]} the scores are in-sample fit; "
        "only later years test prediction.",
        CODING, *([REPLAY] if c.get("mode") == "replay" else []), INPUTS, CHASSIS]
    notes = sorted({n for w in c.get("windows", []) for n in w.get("notes", [])})
    page.items(threats + notes)
    return page


def _compare_reading(aggregate: pd.DataFrame) -> list[str]:
    lines = []
    for window, part in aggregate.groupby("window", sort=False):
        paradigms = part[part["kind"] == "paradigm"].sort_values("aggregate_skill",
                                                                 ascending=False)
        baselines = part[part["kind"] == "baseline"].sort_values("aggregate_skill",
                                                                 ascending=False)
        if paradigms.empty or baselines.empty:
            continue
        best, rival = paradigms.iloc[0], baselines.iloc[0]
        beats = best["aggregate_skill"] > rival["aggregate_skill"]
        lines.append(
            f"Window {window}: the best paradigm, {best['forecaster']}, has aggregate skill "
            f"{best['aggregate_skill']:.2f}; the best naive baseline, {rival['forecaster']}, "
            f"{rival['aggregate_skill']:.2f}: "
            + ("it beats every naive baseline." if beats
               else "no paradigm beats every naive baseline."))
    return lines


def _parameters_of_manifest(page: Page) -> None:
    params = page.content.get("params", {})
    page.section("Parameters")
    if not params:
        page.paragraph("No parameter values are recorded in the manifest.")
        return
    rows = sorted({name for values in params.values() for name in values})
    frame = pd.DataFrame({group: [values.get(n) for n in rows] for group, values in
                          sorted(params.items())}, index=rows).astype(object)
    page.paragraph("Every parameter value the run used, by paradigm (defaults < --params "
                   "< --set):")
    page.frame(frame.reset_index(names="parameter").fillna("–"))


# --------------------------------------------------------------------------- validate


def validate_page(page: Page) -> Page:
    c = page.content
    verdict, skills = page.table("verdict.csv"), page.table("skills.csv")
    page.heading(f"natosim validate · {c['scenario'].get('name')}",
                 "Every paradigm calibrated identically on the training years and scored "
                 "out of sample against naive baselines.")
    page.section("Verdict")
    if verdict is not None:
        findings = verdict.set_index("topic")["finding"]
        if "overall" in findings:
            page.paragraph(str(findings["overall"]), "verdict")
        page.frame(verdict[verdict["topic"] != "overall"])
    page.section("Verdict chart")
    if not page.image("verdict.png", "Aggregate skill with its 95 % block-bootstrap "
                      "interval; naive baselines as reference lines.") and skills is not None:
        page.figure(plots.plot_verdict(plots.validation_verdict_table(skills),
                                       xlabel="aggregate skill vs the reference baselines",
                                       title="Validation verdict", interval="95 % block "
                                       "bootstrap"), "Aggregate skill with its interval.")
    page.section("Skills and key figures")
    if skills is not None:
        page.frame(skills.loc[:, ["split", "sample", "window", "forecaster", "kind", "skill",
                                  "lo", "hi"]])
    for name, caption in (("fit_primary.png", "Fitted models against the observed record, "
                           "primary split (train | test)."),
                          ("fit_vantage.png", "The same on the article's vantage split."),
                          ("skill_by_horizon.png", "Skill by forecast horizon over the "
                           "rolling origins.")):
        page.image(name, caption)
    parameters = page.table("parameters.csv")
    page.section("Parameters")
    if parameters is not None:
        page.paragraph("Fitted values by paradigm and last training year (at_bound: within "
                       "1 % of its range from a bound):")
        page.frame(parameters, numbers=4)
    summary = _validation_settings(page)
    page.provenance([(k, str(v)) for k, v in sorted(summary.items())])
    page.section("Threats to validity")
    page.items(_validate_threats(c, skills, parameters, summary))
    return page


def _validation_settings(page: Page) -> dict[str, Any]:
    import json

    text = page.text("validation.json")
    return json.loads(text).get("meta", {}).get("settings", {}) if text else {}


def _validate_threats(c: dict[str, Any], skills: pd.DataFrame | None,
                      parameters: pd.DataFrame | None, settings: dict[str, Any]) -> list[str]:
    out = []
    if skills is not None:
        tests = skills.loc[skills["sample"] == "out of sample", ["split", "window"]]
        spans = ", ".join(f"{r.split} {r.window} ({_years(r.window)} years)"
                          for r in tests.drop_duplicates().itertuples())
        out.append(f"One dyad, few test years: {spans}, strongly autocorrelated; the "
                   "intervals are block bootstraps, and a difference of 0.1 in skill may not "
                   "survive another coding or another seed.")
    if parameters is not None and len(parameters):
        out.append(_bounds_line(int(parameters["at_bound"].astype(bool).sum()),
                                len(parameters), "parameters.csv"))
    budget, default = settings.get("budget"), settings.get("default_budget")
    if budget is not None and default is not None and budget < default:
        out.append(f"Budget {budget} loss evaluations per fit, below the documented "
                   f"{default}: the fits may not have converged.")
    if settings.get("seeds") is not None:
        out.append(f"{settings['seeds']} seed(s) of model and optimiser: a fit is optimal for "
                   "its seed's draws; compare seeds before trusting a close call.")
    out += ["The primary and vantage splits share most test years and the rolling origins "
            "share training years: none is an independent replication.",
            CODING, *([REPLAY] if c.get("mode") == "replay" else []),
            INPUTS + " The frozen-inputs check covers polyarchy and GDP only.", CHASSIS]
    return out


# --------------------------------------------------------------------------- likelihood


def likelihood_page(page: Page) -> Page:
    c = page.content
    settings = c.get("likelihood", {})
    log_scores = page.table("log_scores.csv")
    page.heading(f"natosim likelihood · {c['scenario'].get('name')}",
                 "The probability each paradigm gave every observed decision (teacher "
                 "forcing), out of sample, against naive and statistical rivals.")
    page.section("Verdict")
    page.items([str(s) for s in settings.get("verdict", [])], "verdict")
    page.section("Verdict chart")
    if log_scores is not None:
        table = plots.likelihood_verdict_table(log_scores, list(settings.get("rivals", [])),
                                               int(settings.get("main_seed", 0)))
        page.figure(plots.plot_verdict(
            table, xlabel="out-of-sample log score (higher is better)",
            title="Out-of-sample log score of every forecaster",
            interval="range over seeds (dot: main seed)", zero_line=False,
            meta={**c, "scenario": c["scenario"].get("name")}),
            "Out-of-sample log score; the rivals (persistence, base rate, logit) as "
            "reference lines.")
    page.section("Key figures")
    page.image("loglik_by_year.png", "Each forecaster's log-likelihood per year; breaks "
               "dashed, test years shaded.")
    page.image("break_costs.png", "What each break of the record cost each forecaster.")
    breaks = page.table("breaks.csv")
    if breaks is not None:
        page.frame(breaks)
    fits = page.table("fits.csv")
    page.section("Parameters")
    if fits is not None:
        main = fits[fits["seed"] == settings.get("main_seed", 0)]
        page.paragraph("Fitted values of the main seed (at_bounds: parameters at a bound):")
        page.frame(main.loc[:, [col for col in ("split", "forecaster", "n_params",
                                                "train_loglik", "at_bounds", "params")
                                if col in main]].astype(object).fillna("–"))
    page.provenance([("seeds", ", ".join(map(str, settings.get("seeds", [])))),
                     ("budget", str(settings.get("budget"))),
                     ("particles", str(settings.get("particles"))),
                     ("rivals", ", ".join(settings.get("rivals", [])))])
    page.section("Threats to validity")
    page.items(_likelihood_threats(page, settings, log_scores, breaks, fits))
    return page


def _likelihood_threats(page: Page, settings: dict[str, Any], log_scores: pd.DataFrame | None,
                        breaks: pd.DataFrame | None, fits: pd.DataFrame | None) -> list[str]:
    out = []
    decisions = page.table("decisions.csv")
    if decisions is not None and breaks is not None:
        out.append(f"One dyad, {len(decisions)} scored decisions and {len(breaks)} breaks of "
                   "the record: a paradigm can win or lose on one break (breaks.csv).")
    if log_scores is not None:
        main = log_scores[(log_scores["seed"] == settings.get("main_seed", 0))
                          & (log_scores["kind"] == "all")
                          & ~log_scores["split"].str.startswith("origin")]
        floored = main.groupby(["split", "forecaster"], sort=False)["floored"].sum()
        shown = "; ".join(f"{f} {int(n)} ({s})" for (s, f), n in floored.items() if n)
        out.append("Floored cells (an observed outcome given probability below 1e-6, scored "
                   f"log 1e-6): {shown or 'none'}; a different floor changes totals.")
    if fits is not None and "at_bounds" in fits:
        n_bound = int(fits["at_bounds"].astype(object).fillna("").astype(str).str.len()
                      .gt(0).sum())
        out.append(f"{n_bound} of {len(fits)} fits have a parameter at a bound (fits.csv).")
    seeds = settings.get("seeds", [])
    few = " (fewer than five: too few to judge the ranking's stability)" if len(seeds) < 5 else ""
    out.append(f"{len(seeds)} seed(s), budget {settings.get('budget')} points per fit, "
               f"{settings.get('particles')} particles: the fits are stochastic{few}.")
    out += ["Dependence: the i.i.d. Vuong and Clarke p-values ignore dependence within a "
            "year; read the block-bootstrap columns (pairwise.csv).",
            "Parameter counts differ between paradigms; out of sample AIC/BIC-style "
            "corrections double-count.", CODING, INPUTS]
    return out


BUILDERS: dict[str, Callable[[Page], Page]] = {
    "compare": compare_page, "validate": validate_page, "likelihood": likelihood_page,
}
