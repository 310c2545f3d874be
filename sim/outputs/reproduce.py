"""Re-run a recorded result and check it byte for byte (``natosim reproduce``).

A result folder's ``manifest.json`` records the command line, the scenario and data hashes,
every parameter and the sha256 of every output file. The checks run in this order, and the
first that fails stops the rest:

1. :func:`read_manifest`: the manifest itself (a regular JSON file of the right shape);
2. :func:`~sim.outputs.recorded.parse_command`: the recorded command is on the allow-list
   (a malformed or hostile command is bad input, exit 2);
3. :func:`verify_on_disk`: every recorded file in the folder still has its recorded hash (a
   changed ``series.csv`` or a deleted chart is "not reproduced" without re-running);
4. :func:`check_inputs`: the scenario and data files are the recorded ones;
5. the CLI re-runs the command into a temporary folder and :func:`compare_outputs`
   compares every file hash and the recorded settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sim.core.errors import InputError
from sim.core.files import file_sha256, regular_file_sha256
from sim.core.safeload import (
    MAX_SCENARIO_BYTES,
    parse_json,
    read_json_object,
    read_text_file,
    short_repr,
)
from sim.outputs.folders import MANIFEST_NAME

_SHA256 = re.compile(r"[0-9a-f]{64}")

#: Manifest fields every reproducible run has.
REQUIRED_KEYS = ("command", "scenario", "data", "files")
#: Manifest fields that must agree between the recorded run and the re-run.
SETTINGS_KEYS = ("seed", "replicas", "mode", "paradigms", "params", "scenario", "data",
                 "observed_data", "history_edits")
#: Manifest fields that may differ without making the results different (shown as notes).
VERSION_KEYS = ("natosim_version", "git_commit", "python_version", "libraries")


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
        InputError: a missing, special or over-large file, invalid JSON, nesting too deep,
            or a manifest without the fields a reproduction needs (``command`` a list of
            strings, ``scenario`` an object with a sha256, ``data`` and ``files`` mappings of
            names to sha256).
    """
    content, path, source = read_json_object(path, MANIFEST_NAME, limit=MAX_SCENARIO_BYTES,
                                             what="manifest file", expected="a natosim manifest")
    if "command" not in content and "n_points" in content:
        raise InputError(source, "", "a sweep's sweep.json; a sweep is checked by running "
                         "its command again (it resumes and verifies), not by reproduce")
    for key in REQUIRED_KEYS:
        if key not in content:
            raise InputError(source, key, "missing; not a natosim run manifest")
    scenario = content["scenario"]
    if not isinstance(scenario, dict) or not _is_sha256(scenario.get("sha256")):
        raise InputError(source, "scenario", "expected an object with name and sha256")
    for key in ("files", "data"):
        value = content[key]
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and _is_sha256(v) for k, v in value.items()
        ):
            raise InputError(source, key, "expected a mapping of file name to sha256")
    for name in content["files"]:
        if not _is_inside(name):
            raise InputError(source, "files", f"{short_repr(name)} is not a file in this folder")
    return content


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and bool(_SHA256.fullmatch(value))


def _is_inside(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def verify_on_disk(manifest: Mapping[str, Any], folder: str | Path) -> list[FileCheck]:
    """Hash every recorded file as it is on disk now (``rerun`` = the file's hash now).

    A file that is missing, not a regular file (a link, a FIFO) or unreadable counts as
    missing; no file is followed outside ``folder`` and no special file is opened.
    """
    folder = Path(folder)
    checks = []
    for name, recorded in sorted(manifest["files"].items()):
        checks.append(FileCheck(name, recorded, regular_file_sha256(folder / name)))
    return checks


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


#: Fields of an unhashed JSON file (a forecast's forecast.json) that differ in a re-run.
_VOLATILE_KEYS = frozenset({"created", "command", "manifest_sha256"})


def _stable_json_sha256(path: Path) -> str | None:
    """sha256 of a JSON object file without its :data:`_VOLATILE_KEYS` (``None`` if it is
    missing, not a regular file or not a JSON object)."""
    import hashlib

    if regular_file_sha256(path) is None:
        return None
    try:
        content = parse_json(read_text_file(path, limit=MAX_SCENARIO_BYTES * 20), str(path))
    except InputError:
        return None
    if not isinstance(content, dict):
        return None
    stable = {k: v for k, v in content.items() if k not in _VOLATILE_KEYS}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()


def compare_unhashed(manifest: Mapping[str, Any], folder: str | Path,
                     rerun_dir: str | Path) -> list[FileCheck]:
    """The JSON files a folder keeps outside its manifest (a forecast's forecast.json: its
    quantiles and probabilities), compared without their creation date, command and
    manifest hash: an edited forecast.json is not reproduced."""
    names = [str(n) for n in manifest.get("unhashed_files") or () if str(n).endswith(".json")]
    return [FileCheck(f"{name} (content)", _stable_json_sha256(Path(folder) / name),
                      _stable_json_sha256(Path(rerun_dir) / name)) for name in sorted(names)
            if _is_inside(name)]


def compare_outputs(manifest: Mapping[str, Any], rerun_dir: str | Path,
                    folder: str | Path | None = None) -> Report:
    """Compare a re-run folder with the recorded manifest.

    Every recorded output file is hashed again; the re-run's own manifest must agree on
    every setting in :data:`SETTINGS_KEYS` (``created`` and ``command`` naturally differ).
    With the recorded ``folder``, its unhashed JSON files are compared too
    (:func:`compare_unhashed`).
    """
    rerun_dir = Path(rerun_dir)
    try:
        new_manifest = json.loads((rerun_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # the re-run wrote no manifest: nothing matches
        new_manifest = {}
    old_files: dict[str, str] = dict(manifest["files"])
    # files a folder keeps outside its manifest on purpose (a forecast's forecast.json holds
    # the manifest's hash and its creation date): not compared
    unhashed = {MANIFEST_NAME, *(str(n) for n in manifest.get("unhashed_files") or ())}
    new_files = {  # by path relative to the folder: validate writes params/*.toml
        p.relative_to(rerun_dir).as_posix(): file_sha256(p)
        for p in sorted(rerun_dir.rglob("*"))
        if p.is_file() and p.relative_to(rerun_dir).as_posix() not in unhashed
    }
    files = [
        FileCheck(name, old_files.get(name), new_files.get(name))
        for name in sorted(old_files.keys() | new_files.keys())
    ]
    if folder is not None:
        files += compare_unhashed(manifest, folder, rerun_dir)
    settings = [k for k in SETTINGS_KEYS if manifest.get(k) != new_manifest.get(k)]
    notes = [
        f"{k}: {manifest.get(k)} recorded, {new_manifest.get(k)} now"
        for k in VERSION_KEYS
        if manifest.get(k) != new_manifest.get(k)
    ]
    return Report(files=files, settings=settings, notes=notes)
