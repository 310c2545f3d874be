"""The manifest of an output folder: versions, settings, inputs and file hashes.

``manifest.json`` is written with sorted keys; its ``created`` field (UTC time of the run) is
the only field that differs between two identical invocations.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.core.files import file_sha256, write_text_atomic
from sim.core.versions import natosim_version, package_version
from sim.outputs.folders import MANIFEST_NAME


def manifest(
    *,
    meta: Mapping[str, Any],
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    files: Mapping[str, str],
    created: datetime | None = None,
) -> dict[str, Any]:
    """Describe a run completely enough to reproduce and verify it.

    Args:
        meta: ``Records.meta`` (``seed``, ``replicas``, ``mode``, ``paradigms``, ``params``).
        scenario_name: the scenario's name.
        scenario_sha256: hash of the resolved scenario.
        data_hashes: sha256 per data file (``Dataset.hashes``).
        command: the command line (``sys.argv``).
        files: output file name → sha256 (see :func:`hash_files`).
        created: run time; defaults to now (UTC). The only non-deterministic field.

    Returns:
        A JSON-serialisable dict.
    """
    created = created or datetime.now(UTC)
    params = meta.get("params", {})
    return {
        "natosim_version": natosim_version(),
        "python_version": platform.python_version(),
        "mesa_version": package_version("mesa"),
        "command": list(command),
        "seed": meta.get("seed"),
        "replicas": meta.get("replicas"),
        "mode": meta.get("mode"),
        "paradigms": list(meta.get("paradigms") or list(params)),
        "params": {name: dict(values) for name, values in params.items()},
        "scenario": {"name": scenario_name, "sha256": scenario_sha256},
        "data": dict(sorted(data_hashes.items())),
        "files": dict(sorted(files.items())),
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
    }


def hash_files(directory: str | os.PathLike[str], names: Sequence[str]) -> dict[str, str]:
    """sha256 of each named file in ``directory``."""
    return {name: file_sha256(Path(directory) / name) for name in names}


def manifest_json(content: Mapping[str, Any]) -> str:
    """Canonical JSON text of a manifest (sorted keys, 2-space indent, final newline)."""
    text = json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return text + "\n"


def write_manifest(directory: str | os.PathLike[str], content: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` into ``directory`` atomically."""
    return write_text_atomic(Path(directory) / MANIFEST_NAME, manifest_json(content))


def _jsonable(value: Any) -> Any:
    """Convert numpy scalars, paths and dates for ``json.dumps``."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (Path, datetime)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_command_manifest(folder: Path, scenario: Any, meta: dict[str, Any],
                    files: list[str], extra: dict[str, Any]) -> None:
    """The run manifest of :func:`manifest` (versions, settings, scenario, data and
    file hashes), plus the command's own settings in ``extra``."""
    import sys

    from sim.data.datasets import load_data

    content = manifest(meta=meta, scenario_name=scenario.name, scenario_sha256=scenario.sha256,
                       data_hashes=load_data().hashes, command=["natosim", *sys.argv[1:]],
                       files=hash_files(folder, files))
    write_manifest(folder, {**content, **extra})
