"""The ``natosim`` command line, end to end (typer's CliRunner and a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.core import files
from sim.core.errors import InputError
from sim.model.paradigms import PARADIGMS
from sim.outputs import folders, writers

runner = CliRunner()
OUTPUT_FILES = {*writers.TABLE_FILES, *writers.CHART_FILES, folders.MANIFEST_NAME}


def _assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}


# --------------------------------------------------------------------------- help and speed


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "run" in result.stdout and "scenarios" in result.stdout
    assert runner.invoke(app, ["run", "--help"]).exit_code == 0
    assert runner.invoke(app, ["scenarios", "--help"]).exit_code == 0


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    probe = textwrap.dedent(
        """
        import runpy, sys, time
        sys.argv = ["natosim", "--help"]
        start = time.perf_counter()
        try:
            runpy.run_module("sim", run_name="__main__", alter_sys=True)
        except SystemExit as exit:
            assert not exit.code, exit.code
        heavy = sorted(m for m in ("mesa", "matplotlib", "pandas", "scipy", "sim.model.model")
                       if m in sys.modules)
        print("HEAVY", heavy, time.perf_counter() - start)
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    marker = next(line for line in done.stdout.splitlines() if line.startswith("HEAVY"))
    assert marker.startswith("HEAVY []"), marker
    assert "Usage" in done.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("natosim ")


# --------------------------------------------------------------------------- scenarios


def test_scenarios_list() -> None:
    result = runner.invoke(app, ["scenarios", "list"])
    assert result.exit_code == 0, result.output
    assert "post-cold-war" in result.stdout


def test_validate_shipped_and_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenarios", "validate", "post-cold-war"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK") and "milestones" in result.stdout
    result = runner.invoke(app, ["scenarios", "validate", str(write_short_scenario(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "2004–2008" in result.stdout


def test_validate_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmilestones: [\n")
    _assert_one_line_error(runner.invoke(app, ["scenarios", "validate", str(bad)]), str(bad))


def test_missing_scenario_path_is_one_line(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    for args in (["scenarios", "validate", missing], ["run", missing]):
        _assert_one_line_error(runner.invoke(app, args), missing)


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    for args in (["--debug", "run", missing], ["run", missing, "--debug"]):
        result = runner.invoke(app, args)
        assert isinstance(result.exception, InputError), args


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--paradigm", "marxist"], ["marxist", ", ".join(PARADIGMS), "all"]),
        (["--mode", "history"], ["history", "replay, free or teacher"]),
        (["--replicas", "0"], ["--replicas"]),
        (["--seed", "-1"], ["--seed"]),
    ],
)
def test_bad_options_are_one_line(args: list[str], fragments: list[str]) -> None:
    _assert_one_line_error(runner.invoke(app, ["run", "post-cold-war", *args]), *fragments)


# --------------------------------------------------------------------------- run


@pytest.fixture(scope="module")
def short_run(tmp_path_factory) -> tuple[Path, Path]:
    """One real run of the short scenario (all paradigms, 5 replicas): (scenario, out)."""
    folder = tmp_path_factory.mktemp("run")
    scenario = write_short_scenario(folder)
    out = folder / "out"
    args = ["run", str(scenario), "--replicas", "5", "--seed", "7", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all(p in result.stdout for p in PARADIGMS) and "results written to" in result.stdout
    return scenario, out


def test_run_writes_every_file_and_manifest(short_run) -> None:
    scenario, out = short_run
    assert {p.name for p in out.iterdir()} == OUTPUT_FILES
    manifest = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert manifest["seed"] == 7 and manifest["replicas"] == 5 and manifest["mode"] == "replay"
    assert manifest["paradigms"] == list(PARADIGMS)  # every registered paradigm by default
    assert set(manifest["params"]) == set(manifest["paradigms"])
    assert manifest["scenario"]["name"] == "short-test"
    assert len(manifest["scenario"]["sha256"]) == 64
    assert manifest["data"] and all(len(h) == 64 for h in manifest["data"].values())
    assert manifest["command"][:3] == ["natosim", "run", str(scenario)]
    for name, digest in manifest["files"].items():
        assert files.file_sha256(out / name) == digest
    assert set(manifest["files"]) == OUTPUT_FILES - {folders.MANIFEST_NAME}


def test_rerun_without_force_is_refused_and_leaves_files(short_run) -> None:
    scenario, out = short_run
    before = _snapshot(out)
    args = ["run", str(scenario), "--replicas", "5", "--seed", "7", "--out", str(out)]
    _assert_one_line_error(runner.invoke(app, args), str(out), "use --force")
    assert _snapshot(out) == before


def test_same_seed_gives_byte_identical_outputs(short_run, tmp_path: Path) -> None:
    scenario, first = short_run
    again = tmp_path / "again"
    args = ["run", str(scenario), "--replicas", "5", "--seed", "7", "--out", str(again)]
    assert runner.invoke(app, args).exit_code == 0
    for name in ("series.csv", "partners.csv"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    one, two = (json.loads((d / folders.MANIFEST_NAME).read_text()) for d in (first, again))
    assert {k for k in one if one[k] != two[k]} <= {"created", "command"}  # --out differs
    assert one["files"]["series.csv"] == two["files"]["series.csv"]


def test_force_replaces_and_failure_keeps_previous(short_run, tmp_path: Path, monkeypatch) -> None:
    scenario, first = short_run
    out = tmp_path / "out"
    base = ["run", str(scenario), "--paradigm", "liberal", "--replicas", "3", "--out", str(out)]
    assert runner.invoke(app, base).exit_code == 0
    before = _snapshot(out)

    def disk_full(records, directory, *formats):  # noqa: ANN001
        raise OSError(28, "No space left on device", str(directory))

    monkeypatch.setattr(writers, "write_charts", disk_full)
    result = runner.invoke(app, [*base, "--force"])
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    assert "No space left" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind

    monkeypatch.undo()
    time.sleep(0.01)
    result = runner.invoke(app, [*base, "--force", "--seed", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert manifest["seed"] == 1 and manifest["paradigms"] == ["liberal"]


def test_default_out_dir_is_results_scenario_name_run(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        args = ["run", str(scenario), "--paradigm", "realist", "--replicas", "2"]
        assert runner.invoke(app, args).exit_code == 0
    finally:
        os.chdir(cwd)
    assert (tmp_path / "results" / "short-test" / "run" / folders.MANIFEST_NAME).is_file()


def test_run_early_short_period(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path, 1991, 1995)
    args = ["run", str(scenario), "--replicas", "2", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


def test_python_dash_m_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sim", "scenarios", "validate", str(tmp_path / "none.yaml")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
