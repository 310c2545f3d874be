"""Writing ``natosim likelihood``'s folder: pointwise table, comparison tables, charts,
verdict and manifest, all or nothing (a staged folder renamed into place)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from sim.analysis.likelihood.protocol import LikelihoodResult
from sim.analysis.likelihood.report import TABLES, LikelihoodReport
from sim.core.files import write_csv_atomic, write_parquet_atomic, write_text_atomic
from sim.outputs.charts import DEFAULT_FORMATS, save_charts
from sim.outputs.folders import report_as, staged_output_dir
from sim.outputs.manifest import hash_files, manifest, write_manifest
from sim.outputs.report import add_report

POINTWISE = ("pointwise.parquet", "pointwise.csv")
CHARTS = ("loglik_by_year.png", "break_costs.png")
VERDICT = "verdict.md"
SORT = ("split", "forecaster", "year", "kind", "actor")


def verdict_text(report: LikelihoodReport, result: LikelihoodResult) -> str:
    """The verdict as Markdown: the sentences, then how to read them."""
    s = result.settings
    lines = ["# Likelihood verdict", ""]
    lines += [f"- {sentence}" for sentence in report.verdict]
    lines += ["", f"Settings: seeds {', '.join(map(str, s.seeds))} (main {result.main_seed}), "
              f"budget {s.budget} points per fit, {s.particles} particles; paradigms "
              f"{', '.join(result.paradigms)}; rivals {', '.join(result.rivals)}.",
              "How to read the tables: docs/likelihood.md.", ""]
    return "\n".join(lines)


def write_likelihood(report: LikelihoodReport, result: LikelihoodResult,
                     out: str | os.PathLike[str], *, force: bool, scenario_name: str,
                     scenario_sha256: str, data_hashes: Mapping[str, str],
                     observed_hashes: Mapping[str, str], command: Sequence[str],
                     meta: Mapping[str, Any],
                     formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, Any]:
    """Write every file of the likelihood folder (charts in each of ``formats``) and
    ``manifest.json``; return the manifest.

    ``pointwise.parquet`` / ``pointwise.csv`` hold the main seed's pointwise rows of every
    split (each split's parameters score every year; ``split`` names the fit); the other
    seeds enter through ``log_scores.csv`` and ``rank_stability.csv``.
    """
    from sim.viz import likelihood_plots as lp

    seed = result.main_seed
    pointwise = result.scored.loc[result.scored["seed"] == seed]
    primary = next(s for s in result.splits if s.name == report.primary)
    figures = (
        lp.plot_year_contributions(report.tables["year_contributions"],
                                   report.tables["breaks"], paradigms=result.paradigms,
                                   rivals=result.rivals, test_start=primary.test[0],
                                   meta=meta),
        lp.plot_break_costs(report.tables["breaks"], paradigms=result.paradigms,
                            rivals=result.rivals, meta=meta),
    )
    with report_as(out), staged_output_dir(out, force) as staging:
        write_parquet_atomic(pointwise, staging / POINTWISE[0], sort_by=SORT)
        write_csv_atomic(pointwise, staging / POINTWISE[1], sort_by=SORT)
        names = list(POINTWISE)
        for name in TABLES:
            write_csv_atomic(report.tables[name], staging / f"{name}.csv")
            names.append(f"{name}.csv")
        write_csv_atomic(result.decisions, staging / "decisions.csv")
        names.append("decisions.csv")
        names += save_charts(dict(zip(CHARTS, figures, strict=True)), staging, formats)
        write_text_atomic(staging / VERDICT, verdict_text(report, result))
        names.append(VERDICT)
        content = manifest(meta=meta, scenario_name=scenario_name,
                           scenario_sha256=scenario_sha256, data_hashes=data_hashes,
                           command=command, files=hash_files(staging, names),
                           kind="likelihood")
        content.update({
            "observed_data": dict(sorted(observed_hashes.items())),
            "likelihood": {
                "seeds": list(result.settings.seeds), "main_seed": seed,
                "budget": result.settings.budget, "particles": result.settings.particles,
                "splits": [{"name": s.name, "train": list(s.train), "test": list(s.test),
                            "family": s.family} for s in result.splits],
                "rivals": result.rivals, "verdict": report.verdict,
                "tables": {f"{k}.csv": v for k, v in TABLES.items()},
            },
        })
        content = add_report(staging, content)  # report.html, hashed in the manifest
        write_manifest(staging, content)
    return content
