"""Writing ``natosim validate``'s folder: tables, summary, parameter files, charts, manifest."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.core.files import write_csv_atomic, write_text_atomic
from sim.model.paradigms import PARADIGMS
from sim.model.params import dump_params_file
from sim.outputs.charts import DEFAULT_FORMATS, save_charts
from sim.outputs.folders import staged_output_dir
from sim.outputs.manifest import hash_files, manifest, manifest_json, write_manifest
from sim.outputs.report import add_report
from sim.viz import plots

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.validation import Validation


def span(window: Sequence[int]) -> str:
    """``(1991, 2007)`` → ``"1991-2007"``."""
    return f"{window[0]}-{window[1]}"


TABLES = {
    "skills.csv": ("skills", ["split", "sample", "forecaster"]),
    "differences.csv": ("differences", ["split", "sample", "a", "b"]),
    "horizons.csv": ("horizons", ["origin", "horizon", "forecaster"]),
    "mixture.csv": ("mixture", ["split", "component"]),
    "frozen.csv": ("frozen", ["split", "forecaster"]),
    "frozen_differences.csv": ("frozen_differences", ["split", "a", "b"]),
    "tests.csv": ("tests", ["split", "sample", "paradigm", "baseline"]),
    "seed_skills.csv": ("seed_skills", ["seed", "forecaster"]),
    "seed_tests.csv": ("seed_tests", ["seed", "paradigm", "baseline"]),
    "verdict.csv": ("verdict", None),
}


def write_validation(result: Validation, out, *, force: bool, scenario_name: str,
                     scenario_sha256: str, data_hashes: Mapping[str, str],
                     command: Sequence[str],
                     formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, Any]:
    """Write tables (CSV), the summary (JSON), parameter files, charts (each of ``formats``)
    and a manifest
    into ``out``, all or nothing (a staged directory renamed into place).

    Returns:
        The manifest.
    """
    with staged_output_dir(out, force) as staging:
        names = []
        for name, (attr, order) in TABLES.items():
            frame = getattr(result, attr)
            write_csv_atomic(frame, staging / name, order)
            names.append(name)
        write_csv_atomic(result.parameters(), staging / "parameters.csv",
                            ["paradigm", "train_end", "parameter"])
        names.append("parameters.csv")
        (staging / "params").mkdir()
        for (paradigm, _), fit in sorted(result.calibrations.items()):
            if paradigm in PARADIGMS:
                path = f"params/{paradigm}_train-{span(tuple(fit.provenance['train']))}.toml"
                dump_params_file(fit.params, staging / path,
                                 {**fit.provenance, "scenario": scenario_name,
                                  "scenario_sha256": scenario_sha256})
                names.append(path)
        write_text_atomic(staging / "validation.json", manifest_json(summary(result)))
        names.append("validation.json")
        names += save_charts(charts(result), staging, formats)
        params = {f"{p} train-{end}": {**r.params.get("chassis", {}), **r.params.get(p, {})}
                  for (p, end), r in sorted(result.calibrations.items())}
        meta = {**result.meta, "seed": result.meta["settings"]["seed"],
                "replicas": result.meta["settings"]["replicas"],
                "mode": result.meta["settings"]["mode"], "params": params}
        content = manifest(meta=meta, scenario_name=scenario_name,
                              scenario_sha256=scenario_sha256, data_hashes=data_hashes,
                              command=command, files=hash_files(staging, names),
                              kind="validate")
        content = add_report(staging, content)  # report.html, hashed in the manifest
        write_manifest(staging, content)
    return content


def summary(result: Validation) -> dict[str, Any]:
    """The JSON summary: meta, verdict, tables and fitted parameters."""
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return json_safe(frame.to_dict(orient="records"))

    return {
        "meta": result.meta,
        "verdict": records(result.verdict),
        "skills": records(result.skills),
        "differences": records(result.differences),
        "horizons": records(result.horizons),
        "mixture": records(result.mixture),
        "frozen": records(result.frozen),
        "frozen_differences": records(result.frozen_differences),
        "calibrations": [
            {"paradigm": p, "train_end": end, "skill": r.skill, "params": r.params,
             "at_bounds": list(r.at_bounds)}
            for (p, end), r in sorted(result.calibrations.items())],
    }


def json_safe(value: Any) -> Any:
    """Replace non-finite floats by None (JSON has no NaN) and numpy scalars by Python's."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def verdict_meta(result: Validation) -> dict[str, Any]:
    """The footnote of the verdict chart: scenario, mode, seed and evaluation replicas."""
    settings = result.meta.get("settings", {})
    scenario = next((r.meta.get("scenario") for r in result.records.values()), None)
    return {"scenario": scenario or "?", "mode": settings.get("mode", "?"),
            "seed": settings.get("seed", "?"), "replicas": settings.get("eval_replicas", "?")}


def charts(result: Validation) -> dict[str, Any]:
    """The validation charts by file name: the verdict (skills with intervals, baselines as
    reference lines), observed vs simulated per split (with the train/test line) and skill
    by horizon."""
    out = {"verdict.png": plots.plot_verdict(
        plots.validation_verdict_table(result.skills),
        xlabel="aggregate skill vs the reference baselines (0: as good as the reference)",
        title="Validation verdict: out-of-sample skill of the fitted paradigms",
        interval="95 % block-bootstrap interval", meta=verdict_meta(result))}
    for split in result.meta["splits"]:
        train = tuple(split["train"])
        fig = plots.plot_observed_vs_simulated(result.records[split["name"]], result.observed,
                                               calibration=train)
        plots.mark_split(fig, train[1])
        out[f"fit_{split['name']}.png"] = fig
    if not result.horizons.empty:
        out["skill_by_horizon.png"] = plots.plot_skill_by_horizon(result.horizons)
    return out
