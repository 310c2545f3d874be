"""Installed versions of natosim and of every library whose bytes reach an output."""

from __future__ import annotations

import platform
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

# Libraries whose versions change the bytes of an output (tables, charts, fits).
OUTPUT_LIBRARIES = ("numpy", "pandas", "pyarrow", "matplotlib", "pillow", "scipy", "mesa",
                    "SALib", "optuna")


def package_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def natosim_version() -> str:
    """The installed natosim version (``"unknown"`` when not installed)."""
    return package_version("natosim")


def library_versions() -> dict[str, str]:
    """Python and every library in :data:`OUTPUT_LIBRARIES`, name → version."""
    versions = {"python": platform.python_version()}
    versions.update({name: package_version(name) for name in OUTPUT_LIBRARIES})
    return versions


def build_versions() -> dict[str, Any]:
    """The build behind an output: ``natosim_version``, ``git_commit`` (only when natosim
    runs from a git checkout), ``python_version`` and ``libraries`` (every library of
    :data:`OUTPUT_LIBRARIES`, name → version). The one place manifests, sweep stores and
    parameter-file provenance take their versions from."""
    libraries = library_versions()
    out: dict[str, Any] = {"natosim_version": natosim_version(),
                           "python_version": libraries.pop("python"), "libraries": libraries}
    commit = git_commit()
    if commit is not None:
        out["git_commit"] = commit
    return out


@cache
def git_commit() -> str | None:
    """The git commit of the source tree when natosim runs from a checkout, else ``None``."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) == 40 else None
