"""Re-run a recorded result and check it byte for byte (``natosim reproduce``).

A run's ``manifest.json`` records the command line, the scenario and data hashes, every
parameter and the sha256 of every output file. :func:`read_manifest` reads it,
:func:`check_inputs` refuses to go on if the scenario or a data file changed since (naming
which), and after the CLI has re-run the command into a temporary folder,
:func:`compare_outputs` compares every file hash and the manifest's recorded settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.core.errors import InputError
from sim.core.files import file_sha256
from sim.core.safeload import MAX_SCENARIO_BYTES, read_text_file
from sim.outputs.folders import MANIFEST_NAME

#: Manifest fields every reproducible run has.
REQUIRED_KEYS = ("command", "scenario", "data", "files")
#: Manifest fields that must agree between the recorded run and the re-run.
SETTINGS_KEYS = ("seed", "replicas", "mode", "paradigms", "params", "scenario", "data")
#: Manifest fields that may differ without making the results different (shown as notes).
VERSION_KEYS = ("natosim_version", "python_version", "mesa_version")


@dataclass(frozen=True)
class FileCheck:
    """One output file: its recorded and re-run sha256 (``None`` where absent)."""

    name: str
    recorded: str | None
    rerun: str | None

    @property
    def status(self) -> str:
        """``match``, ``mismatch``, ``missing`` (not re-created) or ``extra`` (new file)."""
        if self.recorded is None:
            return "extra"
        if self.rerun is None:
            return "missing"
        return "match" if self.recorded == self.rerun else "mismatch"


@dataclass(frozen=True)
class Report:
    """The outcome of a reproduction.

    Attributes:
        files: one check per output file, sorted by name.
        settings: manifest settings (seed, params, ...) that differ in the re-run.
        notes: version differences that do not by themselves change results.
    """

    files: list[FileCheck]
    settings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every file matches and every recorded setting is the same."""
        return not self.settings and all(f.status == "match" for f in self.files)


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read a ``manifest.json`` (or the folder holding one) and check its shape.

    Raises:
        InputError: a missing or unreadable file, invalid JSON, or a manifest without the
            fields a reproduction needs.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    text = read_text_file(path, limit=MAX_SCENARIO_BYTES, what="manifest file")
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    if not isinstance(content, dict):
        raise InputError(str(path), "", "expected a JSON object (a natosim manifest)")
    for key in REQUIRED_KEYS:
        if key not in content:
            raise InputError(str(path), key, "missing; not a natosim run manifest")
    command = content["command"]
    if (
        not isinstance(command, list)
        or len(command) < 3
        or not all(isinstance(part, str) for part in command)
        or command[0] != "natosim"
    ):
        raise InputError(str(path), "command", "expected a list like ['natosim', 'run', ...]")
    if not isinstance(content["files"], dict) or not isinstance(content["data"], dict):
        raise InputError(str(path), "files", "expected a mapping of file name to sha256")
    return content


def rerun_args(command: list[str], out: Path, debug: bool = False) -> list[str]:
    """The recorded command (without ``natosim``) writing to ``out`` instead.

    Any ``--out`` and ``--force`` of the recorded command are dropped.
    """
    args: list[str] = []
    skip = False
    for part in command[1:]:
        if skip:
            skip = False
            continue
        if part == "--out":
            skip = True
            continue
        if part.startswith("--out=") or part == "--force":
            continue
        args.append(part)
    return (["--debug"] if debug else []) + [*args, "--out", str(out)]


def check_inputs(
    manifest_path: str | Path,
    manifest: Mapping[str, Any],
    scenario_file: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
) -> None:
    """Refuse to re-run when the scenario or a data file is not the recorded one.

    Raises:
        InputError: naming the scenario, or the data files that changed, appeared or
            disappeared.
    """
    recorded = manifest.get("scenario") or {}
    if recorded.get("sha256") != scenario_sha256:
        raise InputError(
            scenario_file,
            "",
            f"scenario differs from the one recorded in {manifest_path} (sha256 "
            f"{str(recorded.get('sha256'))[:12]}… recorded, {scenario_sha256[:12]}… now)",
        )
    old, new = dict(manifest["data"]), dict(data_hashes)
    changed = sorted(n for n in old.keys() & new.keys() if old[n] != new[n])
    gone, added = sorted(old.keys() - new.keys()), sorted(new.keys() - old.keys())
    problems = [f"{n} (changed)" for n in changed] + [f"{n} (missing now)" for n in gone]
    problems += [f"{n} (not in the manifest)" for n in added]
    if problems:
        message = f"data files differ from the manifest: {', '.join(problems)}"
        raise InputError(str(manifest_path), "data", message)


def compare_outputs(manifest: Mapping[str, Any], rerun_dir: str | Path) -> Report:
    """Compare a re-run folder with the recorded manifest.

    Every recorded output file is hashed again; the re-run's own manifest must agree on
    every setting in :data:`SETTINGS_KEYS` (``created`` and ``command`` naturally differ).
    """
    rerun_dir = Path(rerun_dir)
    new_manifest = json.loads((rerun_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    old_files: dict[str, str] = dict(manifest["files"])
    new_files = {  # by path relative to the folder: validate writes params/*.toml
        p.relative_to(rerun_dir).as_posix(): file_sha256(p)
        for p in sorted(rerun_dir.rglob("*"))
        if p.is_file() and p.relative_to(rerun_dir).as_posix() != MANIFEST_NAME
    }
    files = [
        FileCheck(name, old_files.get(name), new_files.get(name))
        for name in sorted(old_files.keys() | new_files.keys())
    ]
    settings = [k for k in SETTINGS_KEYS if manifest.get(k) != new_manifest.get(k)]
    notes = [
        f"{k}: {manifest.get(k)} recorded, {new_manifest.get(k)} now"
        for k in VERSION_KEYS
        if manifest.get(k) != new_manifest.get(k)
    ]
    return Report(files=files, settings=settings, notes=notes)
