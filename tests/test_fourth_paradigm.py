"""A fourth paradigm from a separate, test-only package, through every command.

tests/plugins/natosim_fourth/ is a plugin package as a contributor would write it: one file
with one class, and its ``natosim.paradigms`` entry point (the metadata ``pip install``
would write). A fresh interpreter with that folder on ``PYTHONPATH`` discovers it through
the same entry-point path the shipped paradigms use, with no natosim file changed, and runs
``paradigms``, ``run``, ``compare``, ``calibrate``, ``validate`` (the encompassing mixture
included), ``sensitivity`` and the explorer's model construction
(tests/plugins/drive_fourth.py). Tiny settings keep it to seconds of CPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from short_scenario import write_short_scenario

from sim.model.paradigms import PARADIGMS

PLUGINS = Path(__file__).parent / "plugins"
NAME = "fourth"


@pytest.fixture(scope="module")
def driven(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("fourth")
    (out / "short").mkdir()
    (out / "long").mkdir()
    short = write_short_scenario(out / "short")  # 2004-2008
    long = write_short_scenario(out / "long", start=1991, end=2009, name="long-test")
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(
        [str(PLUGINS / "natosim_fourth"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    done = subprocess.run(
        [sys.executable, str(PLUGINS / "drive_fourth.py"), str(out), str(short), str(long)],
        capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "driven.json").read_text())
    for command, result in results.items():
        if command != "explorer":
            assert result["exit_code"] == 0, (command, result["output"])
    return out, results


def registry() -> list[str]:
    """The registry the plugin joins: the installed one, then the fourth (sorted after)."""
    assert NAME not in PARADIGMS, "the test plugin must not be installed in this interpreter"
    return [*PARADIGMS, NAME]


def test_the_plugin_is_listed_after_the_installed_paradigms(driven) -> None:
    _, results = driven
    output = results["paradigms"]["output"]
    positions = [output.index(f"│ {name} ") for name in registry()]
    assert positions == sorted(positions)
    assert "natosim_fourth:Fourth" in output and "natosim-fourth" in output


def test_run_includes_it_with_its_own_namespaced_parameters(driven) -> None:
    out, _ = driven
    manifest = json.loads((out / "run" / "manifest.json").read_text())
    assert manifest["paradigms"] == registry()
    assert manifest["params"][NAME]["kappa"] == 2.5  # --set fourth.kappa=2.5
    sharing = [p for p in PARADIGMS if "kappa" in PARADIGMS[p].parameters]
    for other in sharing:  # the same bare name elsewhere keeps its default
        assert manifest["params"][other]["kappa"] == PARADIGMS[other].parameters["kappa"].default
    series = pd.read_parquet(out / "run" / "series.parquet")
    assert set(series["paradigm"]) == set(registry())
    assert len(series[series["paradigm"] == NAME]) == 2 * 5  # 2 replicas x 2004-2008


def test_compare_scores_it_like_every_other_paradigm(driven) -> None:
    out, _ = driven
    manifest = json.loads((out / "compare" / "manifest.json").read_text())
    assert manifest["paradigms"] == registry()
    scores = pd.read_csv(out / "compare" / "scorecard.csv")
    paradigms = scores.loc[scores["kind"] == "paradigm", "forecaster"]
    assert list(dict.fromkeys(paradigms)) == registry()
    per = scores[scores["kind"] == "paradigm"].groupby("forecaster").size()
    assert per.nunique() == 1  # the same scores for every paradigm


def test_calibrate_fits_its_three_parameters_and_the_chassis(driven) -> None:
    out, _ = driven
    fitted = tomllib.loads((out / "fourth.toml").read_text())  # this interpreter lacks it
    assert set(fitted) == {"chassis", NAME, "provenance"}
    assert fitted["provenance"]["paradigm"] == NAME
    assert set(fitted[NAME]) == {"kappa", "eta", "tau"}


def test_validate_includes_it_and_the_mixture_spans_all_four(driven) -> None:
    out, _ = driven
    skills = pd.read_csv(out / "validate" / "skills.csv")
    assert set(skills.loc[skills["kind"] == "paradigm", "forecaster"]) == set(registry())
    assert "mixture" in set(skills["forecaster"])
    mixture = pd.read_csv(out / "validate" / "mixture.csv")
    for _, split in mixture.groupby("split"):
        assert sorted(split["component"]) == sorted(registry())
        assert split["weight"].sum() == pytest.approx(1.0)
    parameters = (out / "validate" / "params").iterdir()
    assert any(NAME in p.name for p in parameters)


def test_sensitivity_varies_its_namespaced_parameters(driven) -> None:
    out, _ = driven
    indices = pd.read_csv(out / "sensitivity" / "indices.csv")
    assert set(indices["parameter"]) == {f"{NAME}.kappa", f"{NAME}.eta"}
    manifest = json.loads((out / "sensitivity" / "manifest.json").read_text())
    assert manifest["paradigms"] == [NAME]


def test_the_explorer_builds_its_model_from_namespaced_sliders(driven) -> None:
    _, results = driven
    explorer = results["explorer"]
    if "skipped" in explorer:
        pytest.skip(explorer["skipped"])
    assert explorer["paradigm"] == NAME and explorer["values"]["kappa"] == 2.0
    assert explorer["built"] == {"paradigm": NAME, "values": explorer["values"]}
    names = explorer["names"]  # what the controls offer, by qualified name
    assert {f"{NAME}.kappa", f"{NAME}.eta", f"{NAME}.tau", "chassis.mu"} <= set(names)
    assert not any(name.startswith(f"{p}.") for p in PARADIGMS for name in names)
    assert explorer["stepped"][1] == explorer["stepped"][0] + 1
