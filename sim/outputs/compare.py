"""Writing ``natosim compare``'s folder: scorecard tables, charts and manifest, all or nothing."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.compare import CHART_FILES, TABLE_FILES
from sim.core.files import file_sha256, write_csv_atomic, write_text_atomic
from sim.outputs.charts import DEFAULT_FORMATS, save_charts
from sim.outputs.folders import report_as, staged_output_dir
from sim.outputs.manifest import hash_files, manifest, write_manifest
from sim.outputs.report import add_report

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.compare import Comparison



def write_comparison(
    comparison: Comparison,
    out: str | os.PathLike[str],
    *,
    force: bool,
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    params_file: str | os.PathLike[str] | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> dict[str, Any]:
    """Write the scorecard tables, charts (in each of ``formats``) and ``manifest.json`` to
    ``out``, all or nothing.

    Returns:
        The manifest that was written.

    Raises:
        InputError: ``out`` cannot be used (see :func:`sim.io.prepare_output_dir`).
    """
    with report_as(out), staged_output_dir(out, force) as staging:
        names = write_tables(comparison, staging) + write_charts(comparison, staging, formats)
        content = manifest(meta=comparison.records.meta, scenario_name=scenario_name,
                              scenario_sha256=scenario_sha256, data_hashes=data_hashes,
                              command=command, files=hash_files(staging, names),
                              kind="compare", extra=_manifest_extra(comparison, params_file))
        content = add_report(staging, content)  # report.html, hashed in the manifest
        write_manifest(staging, content)
    return content


def write_tables(comparison: Comparison, directory: str | os.PathLike[str]) -> list[str]:
    """``scorecard.csv``, ``scorecard.json``, ``aggregate.csv``, ``rank_stability.csv``,
    ``pit.csv``."""
    directory = Path(directory)
    scorecard = comparison.scorecard()
    aggregate = comparison.aggregate()
    stability = comparison.rank_stability()
    write_csv_atomic(scorecard, directory / "scorecard.csv")
    write_csv_atomic(aggregate, directory / "aggregate.csv")
    write_csv_atomic(stability, directory / "rank_stability.csv")
    write_csv_atomic(comparison.pit(), directory / "pit.csv")
    document = {
        "windows": comparison.windows_meta(),
        "scorecard": _records(scorecard),
        "aggregate": _records(aggregate),
        "rank_stability": _records(stability),
    }
    text = json.dumps(_finite(document), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_text_atomic(directory / "scorecard.json", text)
    return list(TABLE_FILES)


def write_charts(comparison: Comparison, directory: str | os.PathLike[str],
                 formats: Sequence[str] = DEFAULT_FORMATS) -> list[str]:
    """``observed_vs_simulated``, ``scorecard``, ``events``, in each of ``formats``."""
    from sim.viz import plots

    directory = Path(directory)
    figures = (
        plots.plot_observed_vs_simulated(comparison.records, comparison.observed,
                                         calibration=comparison.calibration),
        plots.plot_scorecard(comparison.scorecard(), comparison.aggregate(),
                             meta=comparison.records.meta),
        plots.plot_events(comparison.records, comparison.observed),
    )
    return save_charts(dict(zip(CHART_FILES, figures, strict=True)), directory, formats)


def _manifest_extra(comparison: Comparison,
                    params_file: str | os.PathLike[str] | None) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "observed_data": dict(sorted(comparison.observed.hashes.items())),
        "windows": comparison.windows_meta(),
        "calibration": list(comparison.calibration),
    }
    if params_file is not None:
        extra["params_file"] = {"path": str(params_file),
                                "sha256": file_sha256(params_file)}
    return extra


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _scalar(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _scalar(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _finite(value: Any) -> Any:
    """NaN and ±inf become ``null`` (strict JSON); the CSV files keep ``inf``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


