"""The experiment commands end to end: params, --set/--params, sweep, sensitivity,
compare --counterfactual, explore's help."""

from __future__ import annotations

import json

import pandas as pd
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.model.params import load_params_file

runner = CliRunner()


def test_params_lists_every_parameter_and_writes_a_file_that_reads_back(tmp_path):
    target = tmp_path / "p.toml"
    result = runner.invoke(app, ["params", "--set", "realist.kappa=1.7", "--write", str(target)])
    assert result.exit_code == 0, result.output
    from sim.model.params import registry

    for name in registry():  # the chassis and every registered paradigm's three
        assert name in result.output
    values = load_params_file(target)
    assert values["realist"]["kappa"] == 1.7
    assert values["chassis"]["mu"] == 0.6  # the default, written out in full


def test_params_for_one_paradigm_hides_the_others():
    result = runner.invoke(app, ["params", "--paradigm", "liberal"])
    assert result.exit_code == 0
    assert "liberal.lambda_X" in result.output and "realist.kappa" not in result.output


def test_run_set_and_params_file_take_effect_and_are_recorded(tmp_path):
    pfile = tmp_path / "p.yaml"
    pfile.write_text("realist: {kappa: 0.4, rho: 2.0}\nchassis: {mu: 0.5}\n")
    out = tmp_path / "out"
    scenario = write_short_scenario(tmp_path, 1997, 2001)
    args = ["run", str(scenario), "--paradigm", "realist", "--replicas", "3",
            "--params", str(pfile), "--set", "realist.kappa=2.5", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    used = manifest["params"]["realist"]
    assert (used["kappa"], used["rho"], used["mu"]) == (2.5, 2.0, 0.5)  # --set beats the file
    assert "realist.kappa=2.5" in manifest["command"]  # self-contained for `reproduce`
    again = runner.invoke(app, ["reproduce", str(out / "manifest.json")])
    assert again.exit_code == 0, again.output


def test_set_changes_the_outcome(tmp_path):
    def r_mean(kappa: str) -> float:
        out = tmp_path / f"k{kappa}"
        scenario = write_short_scenario(tmp_path, 1997, 2001)
        result = runner.invoke(app, ["run", str(scenario), "--paradigm", "realist",
                                     "--replicas", "3", "--set", f"realist.kappa={kappa}",
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        return pd.read_csv(out / "series.csv")["H_R"].mean()

    assert r_mean("0.0") != r_mean("3.0")


def test_sweep_writes_one_row_per_point_and_resumes(tmp_path):
    out = tmp_path / "sweep"
    # R_2008 needs 2008 in the period: the baseline cut to 2004-2008
    args = ["sweep", str(write_short_scenario(tmp_path)), "--vary", "realist.kappa=0:2",
            "--design", "grid", "--points", "3", "--replicas", "2", "--workers", "1",
            "--outcome", "R_2008", "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 3 and set(table["realist.kappa"]) == {0.0, 1.0, 2.0}
    second = runner.invoke(app, args)  # everything is done: nothing is recomputed
    assert second.exit_code == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), table)


def test_sensitivity_morris_smoke(tmp_path):
    out = tmp_path / "sa"
    args = ["sensitivity", str(write_short_scenario(tmp_path)), "--vary", "realist.kappa",
            "--vary", "realist.rho", "--outcome", "R_2008", "--method", "morris", "--n", "4",
            "--workers", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["parameter"]) == {"realist.kappa", "realist.rho"}
    assert (out / "indices.png").is_file()


def test_compare_counterfactual_shows_divergence_only_after_the_change(tmp_path):
    out = tmp_path / "cf"
    args = ["compare", "post-cold-war", "--counterfactual", "no-1999-enlargement",
            "--paradigms", "realist", "--replicas", "4", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    div = pd.read_csv(out / "divergence.csv")
    assert (div.loc[div.year < 1997, "diff"] == 0).all()  # same seeds, same history
    assert (div.loc[div.year == 1999, "diff"].abs() > 0).all()
    assert (out / "divergence.png").is_file()


def test_explore_is_registered():
    result = runner.invoke(app, ["explore", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_explore_passes_a_scenario_folder_and_refuses_a_missing_one(tmp_path, monkeypatch):
    import pytest

    app_module = pytest.importorskip("sim.viz.app")
    seen = {}
    monkeypatch.setattr(app_module, "serve", lambda host, port, **kw: seen.update(kw))
    result = runner.invoke(app, ["explore", "--scenarios", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == {"open_browser": False, "scenarios": tmp_path}
    result = runner.invoke(app, ["explore", "--scenarios", str(tmp_path / "none")])
    assert result.exit_code == 2 and "--scenarios" in result.output
