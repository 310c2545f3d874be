"""The one manifest model: the build (natosim, git commit, Python, every output library),
settings, inputs and outputs; command-specific fields kept."""

from __future__ import annotations

import platform
from importlib import metadata

import pytest
from pydantic import ValidationError

from sim.core.versions import OUTPUT_LIBRARIES, git_commit
from sim.outputs.manifest import KINDS, Manifest, manifest

META = {"seed": 3, "replicas": 4, "mode": "replay", "params": {"p": {"x": 1.0}}}


def _manifest(**kwargs) -> dict:
    return manifest(meta=META, scenario_name="s", scenario_sha256="ab" * 32,
                    data_hashes={"b.csv": "2", "a.csv": "1"}, command=["natosim", "run", "s"],
                    files={"f.csv": "cd" * 32}, **kwargs)


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def test_manifest_records_every_library_whose_bytes_reach_an_output() -> None:
    content = _manifest()
    wanted = {"numpy", "pandas", "pyarrow", "matplotlib", "pillow", "scipy", "mesa", "SALib",
              "optuna"}
    assert wanted <= set(OUTPUT_LIBRARIES)
    assert content["libraries"] == {name: _installed(name) for name in OUTPUT_LIBRARIES}
    assert content["python_version"] == platform.python_version()
    assert content["natosim_version"] == _installed("natosim")
    assert content["git_commit"] == git_commit()  # None outside a git checkout
    assert content["mesa_version"] == _installed("mesa")


def test_settings_inputs_and_outputs_are_recorded() -> None:
    content = _manifest(kind="sweep", extra={"outcomes": ["R_2008"]})
    assert content["kind"] == "sweep"
    assert (content["seed"], content["replicas"], content["mode"]) == (3, 4, "replay")
    assert content["paradigms"] == ["p"] and content["params"] == {"p": {"x": 1.0}}
    assert content["scenario"] == {"name": "s", "sha256": "ab" * 32}
    assert list(content["data"]) == ["a.csv", "b.csv"]
    assert content["files"] == {"f.csv": "cd" * 32}
    assert content["outcomes"] == ["R_2008"]  # a command's own field, kept
    assert Manifest.model_validate(content).content() == content


def test_every_output_kind_is_one_model_and_bad_manifests_are_refused() -> None:
    for kind in KINDS:
        assert Manifest.model_validate(_manifest(kind=kind)).kind == kind
    broken = {k: v for k, v in _manifest().items() if k != "files"}
    with pytest.raises(ValidationError):
        Manifest.model_validate(broken)
    with pytest.raises(ValidationError):
        Manifest.model_validate({**_manifest(), "scenario": "s"})
