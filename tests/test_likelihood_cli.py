"""``natosim likelihood`` end to end on a short scenario, its bad inputs, and the protocol's
independence of the number of processes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli.main import app
from sim.outputs.likelihood import CHARTS, POINTWISE, VERDICT

runner = CliRunner()
SMALL = ["--budget", "3", "--particles", "4", "--seeds", "2"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("likelihood")
    scenario = write_short_scenario(tmp, start=2000, end=2010)
    out = tmp / "out"
    result = runner.invoke(app, ["likelihood", str(scenario), *SMALL, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Likelihood verdict" in result.output
    return out


def test_writes_every_file_and_a_manifest(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in (*POINTWISE, *CHARTS, VERDICT, "log_scores.csv", "pairwise.csv",
                 "stacking.csv", "information.csv", "rank_stability.csv", "breaks.csv"):
        assert (folder / name).is_file(), name
        assert name in manifest["files"]
    assert manifest["likelihood"]["seeds"] == [0, 1]
    assert manifest["likelihood"]["verdict"]


def test_pointwise_table_sums_to_the_log_scores(folder: Path) -> None:
    pointwise = pd.read_parquet(folder / POINTWISE[0])
    scores = pd.read_csv(folder / "log_scores.csv")
    row = scores.loc[(scores["seed"] == 0) & (scores["split"] == "primary")
                     & (scores["kind"] == "all")].set_index("forecaster")["log_score"]
    test = pointwise.loc[(pointwise["split"] == "primary") & (pointwise["year"] >= 2008)]
    sums = test.groupby("forecaster")["logp"].sum()
    assert sums.sort_index().to_numpy() == pytest.approx(row.sort_index().to_numpy())
    csv = pd.read_csv(folder / POINTWISE[1])
    assert len(csv) == len(pointwise)


def test_the_verdict_file_starts_with_the_headline(folder: Path) -> None:
    text = (folder / VERDICT).read_text()
    first = text.split("\n- ", 1)[1]
    assert "rival" in first.split(".")[0] or "No theory" in first


@pytest.mark.parametrize("args, needle", [
    (["--budget", "0"], "--budget"),
    (["--paradigms", "nonsense"], "--paradigm"),
    (["--seeds", "0"], "--seeds"),
    (["--processes", "0"], "--processes"),
])
def test_bad_options_are_one_line_errors(tmp_path: Path, args: list[str], needle: str) -> None:
    result = runner.invoke(app, ["likelihood", "post-cold-war", *args,
                                 "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.output


def test_missing_scenario_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["likelihood", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml" in result.output


def test_one_or_two_processes_give_identical_tables(tmp_path: Path) -> None:
    from sim.analysis.likelihood.compare import Split
    from sim.analysis.likelihood.protocol import Settings, run_protocol
    from sim.data.datasets import load_data
    from sim.data.inputs import build_inputs
    from sim.data.observed import load_observed
    from sim.data.scenario import load_scenario
    from sim.model.paradigms import PARADIGMS

    scenario = load_scenario(write_short_scenario(tmp_path, start=2003, end=2009))
    inputs = build_inputs(scenario, load_data())
    splits = [Split("primary", (2003, 2007), (2008, 2009))]
    kwargs = dict(splits=splits)
    names = list(PARADIGMS)[:2]
    one = run_protocol(inputs, load_observed(), names,
                       Settings((0,), budget=2, particles=3, processes=1), **kwargs)
    two = run_protocol(inputs, load_observed(), names,
                       Settings((0,), budget=2, particles=3, processes=2), **kwargs)
    pd.testing.assert_frame_equal(one.scored, two.scored)
    pd.testing.assert_frame_equal(one.fits, two.fits)
