"""The forecast folder of ``natosim forecast``, and reading a forecast file back.

A folder holds:

* ``forecast.json``: the pre-registered forecast. Quantiles and event probabilities per
  observable and year after the origin, the level maps fixed at the origin, the assumptions,
  the sha256 of ``manifest.json`` and of ``members.parquet``, and the creation date
  (``created``, UTC; ``SOURCE_DATE_EPOCH`` if set, the reproducible-builds convention).
* ``members.parquet``: the ensemble members of every continuous component (for the CRPS).
* ``fan_<component>.png``, ``assumptions.png``: the charts.
* ``manifest.json``: the :class:`~sim.outputs.manifest.Manifest` of every output folder. It
  hashes every file except ``forecast.json`` (which holds the manifest's hash), and its
  ``created`` field points to ``forecast.json`` instead of holding a time: the creation date
  lives in the forecast file only, so the same command and seed give a byte-identical
  manifest, members table and charts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.errors import InputError
from sim.core.files import file_sha256, write_parquet_atomic, write_text_atomic
from sim.core.safeload import (
    MAX_DATA_BYTES,
    read_json_object,
    short_path,
    short_repr,
)
from sim.outputs.charts import DEFAULT_FORMATS, save_charts
from sim.outputs.folders import MANIFEST_NAME, report_as, staged_output_dir
from sim.outputs.manifest import Manifest, hash_files, manifest, manifest_json

FORECAST_NAME = "forecast.json"
MEMBERS_NAME = "members.parquet"
FORMAT = "natosim-forecast/1"
CREATED_IN_FORECAST = f"see {FORECAST_NAME} (created)"
REQUIRED = ("format", "created", "manifest_sha256", "members_sha256", "scenario", "origin",
            "horizon", "calibration", "paradigms", "quantiles", "events")


def created_now() -> str:
    """UTC now, or ``SOURCE_DATE_EPOCH`` when set (ISO 8601, seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit()
              else datetime.now(UTC))
    return moment.isoformat(timespec="seconds")


def write_forecast(out: str | os.PathLike[str], *, force: bool, summary: Mapping[str, Any],
                   figures: Mapping[str, Any], meta: Mapping[str, Any], scenario: Any,
                   data_hashes: Mapping[str, str], observed_hashes: Mapping[str, str],
                   command: Sequence[str], settings: Mapping[str, Any],
                   formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, Any]:
    """Write the whole folder (staged, renamed into place at the end); return the forecast
    file's content."""
    with report_as(out), staged_output_dir(out, force) as staging:
        members = summary["members"]
        write_parquet_atomic(members, staging / MEMBERS_NAME,
                             ["paradigm", "component", "year", "replica"])
        charts = save_charts(figures, staging, formats)
        files = [MEMBERS_NAME, *charts]
        extra = {**settings, "observed_data": dict(sorted(observed_hashes.items())),
                 "unhashed_files": [FORECAST_NAME]}
        content = manifest(meta=meta, scenario_name=scenario.name,
                           scenario_sha256=scenario.sha256, data_hashes=data_hashes,
                           command=command, files=hash_files(staging, files),
                           kind="forecast", extra=extra)
        content["created"] = CREATED_IN_FORECAST
        content = Manifest.model_validate(content).content()
        write_text_atomic(staging / MANIFEST_NAME, manifest_json(content))
        forecast = {
            "format": FORMAT, "created": created_now(),
            "manifest_sha256": file_sha256(staging / MANIFEST_NAME),
            "members_file": MEMBERS_NAME, "members_sha256": file_sha256(staging / MEMBERS_NAME),
            "scenario": {"name": scenario.name, "sha256": scenario.sha256},
            "command": list(command), **settings,
            "quantiles": summary["quantiles"], "origin_state": summary["origin_state"],
            "events": summary["events"],
            "level_maps": summary["level_maps"],
        }
        write_text_atomic(staging / FORECAST_NAME, _json(forecast))
    return forecast


def _json(content: Mapping[str, Any]) -> str:
    return json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False,
                      default=_plain) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def read_forecast(path: str | os.PathLike[str]) -> tuple[dict[str, Any], pd.DataFrame]:
    """A forecast file (or its folder) and its members table, checked.

    Raises:
        InputError: not a regular readable file, not JSON, not a natosim forecast (a missing
            key or another format), or a members table missing or not the one recorded.
    """
    content, path, source = read_json_object(path, FORECAST_NAME, limit=MAX_DATA_BYTES,
                                             what="forecast file", expected=f"a {FORECAST_NAME}")
    for key in REQUIRED:
        if key not in content:
            raise InputError(source, key, f"missing; not a natosim forecast file ({FORMAT})")
    if content["format"] != FORMAT:
        raise InputError(source, "format", f"expected {FORMAT!r}, got {content['format']!r}")
    for key in ("origin", "horizon"):
        if isinstance(content[key], bool) or not isinstance(content[key], int):
            raise InputError(source, key, f"expected a year, got {content[key]!r}")
    if content["horizon"] <= content["origin"]:
        raise InputError(source, "horizon", f"expected a year after the origin "
                         f"{content['origin']}, got {content['horizon']}")
    calibration = content["calibration"]
    if (not isinstance(calibration, list) or len(calibration) != 2
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in calibration)):
        raise InputError(source, "calibration", "expected [first year, origin]")
    if not isinstance(content["paradigms"], list) or not all(
            isinstance(p, str) for p in content["paradigms"]):
        raise InputError(source, "paradigms", "expected a list of paradigm names")
    for key in ("quantiles", "events"):
        section = content[key]
        if (not isinstance(section, dict) or not isinstance(section.get("columns"), list)
                or not isinstance(section.get("rows"), list)):
            raise InputError(source, key, "expected {columns: [...], rows: [[...], ...]}")
        width = len(section["columns"])
        for i, row in enumerate(section["rows"]):
            if not isinstance(row, list) or len(row) != width:
                raise InputError(source, f"{key}.rows[{i}]", f"expected a list of {width} "
                                 "values, one per column")
    levels = content.get("quantile_levels", [0.5])
    if (not isinstance(levels, list) or not levels
            or not all(isinstance(q, float) and 0 < q < 1 for q in levels)
            or levels != sorted(set(levels))):
        raise InputError(source, "quantile_levels", "expected increasing probabilities "
                         "between 0 and 1")
    members_name = content.get("members_file", MEMBERS_NAME)
    if not isinstance(members_name, str) or Path(members_name).name != members_name:
        raise InputError(source, "members_file", "expected a file name in the forecast's "
                         f"folder, got {short_repr(members_name)}")
    members_path = path.parent / members_name
    if not members_path.is_file():
        raise InputError(source, "members_file", f"{short_path(members_path)} is missing")
    if file_sha256(members_path) != content["members_sha256"]:
        raise InputError(source, "members_sha256", f"{short_path(members_path)} is not the "
                         "members table this forecast recorded (changed since)")
    return content, pd.read_parquet(members_path)


def write_scores(path: str | os.PathLike[str], content: Mapping[str, Any]) -> Path:
    """Write a score report as JSON (atomic)."""
    return write_text_atomic(Path(path), _json(content))
