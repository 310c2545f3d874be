"""The manifest of an output folder: versions, settings, inputs and file hashes.

``manifest.json`` is written with sorted keys; its ``created`` field (UTC time of the run) is
the only field that differs between two identical invocations from the same folder
(``working_directory`` records that folder, for ``reproduce``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sim.core.files import file_sha256, write_text_atomic
from sim.core.versions import build_versions
from sim.outputs.folders import MANIFEST_NAME

#: The kinds of output folder that carry a manifest.
KINDS = ("run", "compare", "validate", "counterfactual", "sensitivity", "sweep", "likelihood",
         "forecast")


class ScenarioRef(BaseModel):
    """The scenario a folder was computed from: its name and content hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    sha256: str


class Manifest(BaseModel):
    """``manifest.json`` of every output folder (run, compare, validate, counterfactual,
    sensitivity, sweep, likelihood): the build, the settings, the inputs and the outputs.

    Command-specific settings (``windows``, ``observed_data``, ``likelihood``...) are extra
    fields, kept as given. ``reproduce`` reads ``command``, ``scenario``, ``data``,
    ``files``, the settings (``seed`` ... ``params``) and the build fields.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: str
    # the build: every version whose bytes can reach an output
    natosim_version: str
    git_commit: str | None = None
    python_version: str
    mesa_version: str  # also in ``libraries``; kept for readers of older manifests
    libraries: dict[str, str]
    # the settings
    command: list[str]
    seed: int | None = None
    replicas: int | None = None
    mode: str | None = None
    paradigms: list[str] = Field(default_factory=list)
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # the inputs and outputs
    scenario: ScenarioRef
    data: dict[str, str]
    files: dict[str, str]
    created: str

    def content(self) -> dict[str, Any]:
        """The manifest as a JSON-ready dict (extra fields included)."""
        return self.model_dump(mode="json")


def manifest(
    *,
    meta: Mapping[str, Any],
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    files: Mapping[str, str],
    created: datetime | None = None,
    kind: str = "run",
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Describe an output folder completely enough to reproduce and verify it.

    Args:
        meta: ``Records.meta`` (``seed``, ``replicas``, ``mode``, ``paradigms``, ``params``,
            ``fills``: the inputs' gap fills, recorded as ``fills`` when there are any).
        scenario_name: the scenario's name.
        scenario_sha256: hash of the resolved scenario.
        data_hashes: sha256 per data file (``Dataset.hashes``).
        command: the command line (``sys.argv``).
        files: output file name → sha256 (see :func:`hash_files`).
        created: run time; defaults to now (UTC). The only non-deterministic field.
        kind: which command wrote the folder (one of :data:`KINDS`).
        extra: the command's own settings, added as top-level fields.

    Returns:
        A JSON-serialisable dict, checked by :class:`Manifest`.
    """
    created = created or datetime.now(UTC)
    params = meta.get("params", {})
    build = build_versions()
    fields: dict[str, Any] = {
        "kind": kind, **build, "mesa_version": build["libraries"].get("mesa", "unknown"),
        "command": list(command), "seed": meta.get("seed"),
        "replicas": meta.get("replicas"), "mode": meta.get("mode"),
        "paradigms": list(meta.get("paradigms") or list(params)),
        "params": {name: dict(values) for name, values in params.items()},
        "scenario": {"name": scenario_name, "sha256": scenario_sha256},
        "data": dict(sorted(data_hashes.items())), "files": dict(sorted(files.items())),
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
    }
    # where the command ran: reproduce resolves the recorded relative paths against it
    fields["working_directory"] = os.getcwd()
    if meta.get("fills"):  # every gap the inputs filled (sim.data.inputs), as run
        fields["fills"] = [str(f) for f in meta["fills"]]
    if meta.get("mode") == "teacher":  # the imposed record: its files and the scenario's edits
        fields["history_edits"] = [str(e) for e in meta.get("history_edits", ())]
        fields["observed_data"] = dict(meta.get("observed_data", {}))
    fields.update(json.loads(manifest_json(extra or {})))  # the command's own settings
    return Manifest.model_validate(fields).content()


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


def write_command_manifest(folder: Path, scenario: Any, meta: Mapping[str, Any],
                           files: Sequence[str], extra: Mapping[str, Any] | None = None,
                           *, kind: str = "run", data_hashes: Mapping[str, str] | None = None
                           ) -> dict[str, Any]:
    """Write the :class:`Manifest` of a folder a command has just filled: versions, the
    command line (``natosim`` + ``sys.argv[1:]``), settings from ``meta``, scenario and
    data hashes (the shipped data unless ``data_hashes``), the hashes of ``files``, plus
    the command's own settings in ``extra``. The one call for a new command's folder.

    Returns:
        The manifest written.
    """
    import sys

    from sim.data import cache

    hashes = data_hashes if data_hashes is not None else cache.dataset().hashes
    content = manifest(meta=meta, scenario_name=scenario.name, scenario_sha256=scenario.sha256,
                       data_hashes=hashes, command=["natosim", *sys.argv[1:]],
                       files=hash_files(folder, files), kind=kind, extra=extra)
    write_manifest(folder, content)
    return content
