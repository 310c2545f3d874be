"""Outputs are never half-written, and a result can be reproduced byte for byte.

- A real ``natosim run`` killed with SIGKILL while writing leaves the previous complete
  results, or none; the next run removes what the killed one left behind.
- Same inputs and seed give byte-identical files, in one process or two.
- ``natosim reproduce DIR/manifest.json`` re-runs and compares every file hash.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.core import files
from sim.data import datasets
from sim.outputs import folders, writers

runner = CliRunner()
OUTPUT_FILES = {*writers.TABLE_FILES, *writers.CHART_FILES, folders.MANIFEST_NAME}


def _run_args(scenario: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(scenario), "--replicas", "4", "--seed", "11", "--out", str(out), *extra]


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _is_complete(directory: Path) -> bool:
    """Every file the manifest lists exists with its recorded hash, and nothing else."""
    manifest = json.loads((directory / folders.MANIFEST_NAME).read_text())
    names = {p.name for p in directory.iterdir()}
    if names != {*manifest["files"], folders.MANIFEST_NAME}:
        return False
    return all(files.file_sha256(directory / n) == h for n, h in manifest["files"].items())


def _leftovers(parent: Path) -> list[str]:
    """Staging and retired folders (a lock file of a killed run is harmless: reused)."""
    return sorted(p.name for p in parent.iterdir()
                  if p.name.startswith(".natosim-") and not p.name.startswith(".natosim-lock-"))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> tuple[Path, Path]:
    """One complete run: (scenario, output folder)."""
    folder = tmp_path_factory.mktemp("recorded")
    scenario = write_short_scenario(folder, name="short-repro")
    out = folder / "out"
    result = runner.invoke(app, _run_args(scenario, out))
    assert result.exit_code == 0, result.output
    return scenario, out


# --------------------------------------------------------------------------- atomic outputs


def _start_run(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _kill_while_writing(proc: subprocess.Popen, parent: Path, timeout: float = 120) -> None:
    """SIGKILL ``proc`` as soon as its staging folder holds a file (mid-way through writing)."""
    pattern = f".natosim-staging-{proc.pid}-*"
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if any(any(d.iterdir()) for d in parent.glob(pattern) if d.is_dir()):
                break
            time.sleep(0.002)
        assert proc.poll() is None, "the run finished before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


def test_killed_run_leaves_previous_results_or_none(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path, name="short-repro")
    out = tmp_path / "out"

    _kill_while_writing(_start_run(_run_args(scenario, out)), tmp_path)
    assert not out.exists()  # no previous results: none
    assert len(_leftovers(tmp_path)) == 1  # the killed run's unfinished staging folder

    result = runner.invoke(app, _run_args(scenario, out))
    assert result.exit_code == 0, result.output
    assert _is_complete(out) and _leftovers(tmp_path) == []  # the next run cleaned up
    before = _files(out)

    _kill_while_writing(_start_run(_run_args(scenario, out, "--force", "--seed", "3")), tmp_path)
    assert _files(out) == before  # previous complete results, untouched


def test_stale_staging_of_a_dead_run_is_removed_live_one_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".natosim-staging-{dead.pid}-abc"
    stale.mkdir()
    (stale / "series.csv").write_text("truncated")
    live = tmp_path / f".natosim-staging-{os.getppid()}-def"  # our parent process runs
    live.mkdir()
    foreign = tmp_path / ".natosim-staging-notapid"  # unknown layout: never touched
    foreign.mkdir()
    assert folders.clean_stale_dirs(tmp_path) == [stale]
    assert _leftovers(tmp_path) == sorted([live.name, foreign.name])


def test_results_retired_by_a_dead_run_are_put_back(tmp_path: Path, fake_records) -> None:
    """Killed between moving the old results aside and the new ones in: restore the old."""
    out = tmp_path / "out"
    writers.write_run(fake_records, out, force=False, scenario_name="fake",
                      scenario_sha256="0" * 64,
                 data_hashes={}, command=["natosim", "run", "fake"])  # fmt: skip
    before = _files(out)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    retired = tmp_path / f".natosim-old-{dead.pid}-xyz"
    retired.mkdir()
    os.rename(out, retired / "out")
    folders.prepare_output_dir(out, force=True)
    assert _files(out) == before and _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- byte-identical


def test_one_or_two_processes_give_byte_identical_outputs(recorded, tmp_path: Path) -> None:
    scenario, first = recorded
    again = tmp_path / "two"
    result = runner.invoke(app, _run_args(scenario, again, "--processes", "2"))
    assert result.exit_code == 0, result.output
    one, two = _files(first), _files(again)
    assert set(one) == set(two) == OUTPUT_FILES
    for name in OUTPUT_FILES - {folders.MANIFEST_NAME}:
        assert one[name] == two[name], name  # CSV, Parquet and PNG alike
    m1, m2 = (json.loads(files[folders.MANIFEST_NAME]) for files in (one, two))
    assert {k for k in m1 if m1[k] != m2[k]} <= {"created", "command"}  # --out differs
    assert m1["command"][:-1] == m2["command"][:-1]  # --processes is not recorded


def test_run_paradigms_in_processes_equals_one_process() -> None:
    from sim.model.paradigms import PARADIGMS
    from sim.runs.experiments import run_paradigms

    names = list(PARADIGMS)
    kwargs = {"replicas": 3, "seed": 5, "mode": "free"}
    one = run_paradigms("ratti-2009", names, **kwargs)
    two = run_paradigms("ratti-2009", names, processes=2, **kwargs)
    assert one.series.equals(two.series) and one.partners.equals(two.partners)
    assert one.meta == two.meta


# --------------------------------------------------------------------------- reproduce


def test_reproduce_matches(recorded) -> None:
    _, out = recorded
    result = runner.invoke(app, ["reproduce", str(out / folders.MANIFEST_NAME)])
    assert result.exit_code == 0, result.output
    for name in OUTPUT_FILES - {folders.MANIFEST_NAME}:
        assert name in result.stdout
    assert "mismatch" not in result.stdout
    assert "reproduced: all 8 files and the settings match" in result.stdout


def _tampered_copy(out: Path, tmp_path: Path, edit) -> Path:  # noqa: ANN001
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / folders.MANIFEST_NAME).read_text())
    edit(manifest)
    (copy / folders.MANIFEST_NAME).write_text(json.dumps(manifest))
    return copy


def test_reproduce_reports_different_settings(recorded, tmp_path: Path) -> None:
    _, out = recorded

    def tamper(manifest: dict) -> None:
        manifest["params"]["realist"]["kappa"] = 2.5

    copy = _tampered_copy(out, tmp_path, tamper)
    result = runner.invoke(app, ["reproduce", str(copy)])  # the folder works as well
    assert result.exit_code == 1, result.output
    partners = next(line for line in result.stdout.splitlines() if "partners.csv" in line)
    assert "match" in partners and "mismatch" not in partners
    assert "NOT reproduced: 0 of 8 files differ; settings differ: params" in result.stdout


def _edit_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: (d / "series.csv").write_text(
            (d / "series.csv").read_text().replace(",0.", ",1.", 1)), ["series.csv"]),
        (lambda d: _edit_byte(d / "partners.parquet"), ["partners.parquet"]),
        (lambda d: (d / "arming.png").unlink(), ["arming.png"]),
        (lambda d: ((d / "arming.png").unlink(), (d / "arming.png").symlink_to(d / "relation.png")),
         ["arming.png"]),
        (lambda d: ((d / "series.csv").unlink(), os.mkfifo(d / "series.csv")), ["series.csv"]),
    ],
    ids=["changed-csv", "edited-parquet", "deleted-png", "png-replaced-by-link", "csv-is-a-fifo"],
)
def test_reproduce_checks_the_files_on_disk_first(recorded, tmp_path: Path, edit,
                                                  expected) -> None:  # fmt: skip
    """The manifest's hashes are checked against the folder before anything is re-run."""
    _, out = recorded
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    edit(copy)
    started = time.perf_counter()
    result = runner.invoke(app, ["reproduce", str(copy / folders.MANIFEST_NAME)])
    assert result.exit_code == 1, result.output
    assert time.perf_counter() - started < 5  # nothing was re-run
    bad = [line for line in result.stdout.splitlines() if "changed" in line or "missing" in line]
    assert [name for name in expected if any(name in line for line in bad)] == expected
    assert len(bad) == len(expected)
    assert f"NOT reproduced: {len(expected)} of 8 files on disk differ" in result.stdout
    assert "nothing was re-run" in result.stdout


def test_reproduce_works_from_another_folder_with_relative_paths(tmp_path: Path,
                                                                  monkeypatch) -> None:  # fmt: skip
    """A result recorded with relative paths reproduces from anywhere: the scenario and
    parameter file are found relative to where the recorded command ran."""
    project = tmp_path / "project"
    project.mkdir()
    write_short_scenario(project, name="short-repro")
    (project / "p.toml").write_text("[realist]\nkappa = 1.25\n")
    monkeypatch.chdir(project)
    args = ["run", "short.yaml", "--paradigm", "realist", "--replicas", "2", "--seed", "4",
            "--params", "p.toml", "--out", "results/mine"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["reproduce", str(project / "results" / "mine")])
    assert result.exit_code == 0, result.output
    assert "reproduced: all 8 files and the settings match" in result.stdout


def test_reproduce_refuses_a_changed_scenario(recorded, tmp_path: Path) -> None:
    scenario, out = recorded
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    changed = tmp_path / "short.yaml"
    changed.write_text(scenario.read_text().replace("end: 2008", "end: 2007"))

    def point_to_changed(manifest: dict) -> None:
        manifest["command"][2] = str(changed)

    copy = _tampered_copy(out, tmp_path / "t", point_to_changed)
    result = runner.invoke(app, ["reproduce", str(copy)])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.startswith(f"error: {changed}: scenario differs from the one recorded")
    assert "\n" not in line


def test_reproduce_refuses_changed_data(recorded, tmp_path: Path, monkeypatch) -> None:
    _, out = recorded
    data = tmp_path / "data"
    shutil.copytree(datasets.default_data_dir(), data)
    milex = data / "milex.csv"
    milex.write_text(milex.read_text().replace("253.220528", "253.220529", 1))
    monkeypatch.setattr(datasets, "default_data_dir", lambda: data)
    result = runner.invoke(app, ["reproduce", str(out / folders.MANIFEST_NAME)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "data: data files differ from the manifest: milex.csv (changed)" in result.stderr


# --------------------------------------------------------------------------- one writer per folder


def _lock_is_held(lock: Path) -> bool:
    import fcntl

    if not lock.exists():
        return False
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


@pytest.mark.skipif(os.name != "posix", reason="fcntl locks")
def test_a_second_writer_into_the_same_out_is_refused_and_nothing_is_lost(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path, name="short-repro")
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "sim", *_run_args(scenario, out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".natosim-lock-out"
    deadline = time.monotonic() + 60
    while not _lock_is_held(lock) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, "the first run ended before the second could start"
    second = subprocess.run([sys.executable, "-m", "sim", *_run_args(scenario, out, "--seed", "3")],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert second.returncode == 2, second.stderr
    assert second.stderr.count("\n") == 1
    assert "another natosim command is writing into this output directory" in second.stderr
    assert _is_complete(out)
    manifest = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert manifest["seed"] == 11  # the first run's results, complete and kept
    assert _leftovers(tmp_path) == [] and not lock.exists()  # lock released and removed


def test_the_lock_is_released_when_the_results_are_in_place(tmp_path: Path, fake_records) -> None:
    out = tmp_path / "out"
    writers.write_run(fake_records, out, force=False, scenario_name="fake",
                      scenario_sha256="0" * 64, data_hashes={},
                      command=["natosim", "run", "fake"])  # fmt: skip
    assert not _lock_is_held(tmp_path / ".natosim-lock-out")
    writers.write_run(fake_records, out, force=True, scenario_name="fake",
                      scenario_sha256="0" * 64, data_hashes={},
                      command=["natosim", "run", "fake"])  # fmt: skip
    assert _is_complete(out)


# --------------------------------------------------------------------------- the recorded command


def test_a_recorded_scheduler_is_never_replayed() -> None:
    from sim.outputs.recorded import parse_command

    command = ["natosim", "sensitivity", "post-cold-war", "--vary", "realist.kappa",
               "--outcome", "R_2008", "--scheduler", "tcp://203.0.113.9:8786",
               "--cluster=local", "--out", "o", "--force"]  # fmt: skip
    recorded = parse_command(command, "m.json")
    args = recorded.args(Path("/tmp/x"))
    assert recorded.dropped == ["--scheduler", "--cluster"]
    assert not any("203.0.113.9" in a or a in ("--scheduler", "--cluster", "--force")
                   for a in args)  # fmt: skip
    assert args[-2:] == ["--out", "/tmp/x"] and "o" not in args


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["natosim", "run", "--help"], "option '--help' of 'natosim run' is not accepted"),
        (["natosim", "run", "x", "--help"], "option '--help'"),
        (["natosim", "--version"], "cannot reproduce"),
        (["natosim", "explore", "--host", "0.0.0.0"], "cannot reproduce 'natosim 'explore''"),
        (["natosim", "sweep", "x"], "cannot reproduce"),
        (["natosim", "calibrate", "x", "--paradigm", "p"], "cannot reproduce"),
        (["natosim", "run", "x", "--replicas"], "--replicas needs a value"),
        (["natosim", "run", "x", "--force=yes"], "--force takes no value"),
        (["natosim", "run", "x", "y"], "expected one scenario argument, got 2"),
        (["natosim", "run"], "expected one scenario argument, got 0"),
        (["natosim", "run", "x", "--workers", "2"], "option '--workers' of 'natosim run'"),
        (["python", "run", "x"], "expected a list like"),
        ("natosim run x", "expected a list like"),
        (["natosim", "run", 3], "expected a list like"),
    ],
)
def test_only_allowed_commands_and_options(command, message: str) -> None:
    from sim.core.errors import InputError
    from sim.outputs.recorded import parse_command

    with pytest.raises(InputError, match=re.escape(message)):
        parse_command(command, "m.json")


def test_the_folder_a_command_ran_in_follows_from_its_out(tmp_path: Path) -> None:
    from sim.outputs.recorded import base_folder

    here = tmp_path / "results" / "x" / "run"
    assert base_folder(here, "results/x/run") == tmp_path
    assert base_folder(here, "./results/x/run") == tmp_path
    assert base_folder(here, "other/run") is None
    assert base_folder(here, "../x/run") is None
    assert base_folder(here, None) is None
    assert base_folder(here, str(here)) == here.parent


def test_the_allow_list_names_only_options_the_commands_have() -> None:
    """The allow-list cannot drift from the CLI: every allowed option exists, with the
    same arity (flag or value), and network options are never allowed."""
    import typer

    from sim.outputs.recorded import ALLOWED, NETWORK

    group = typer.main.get_command(app)
    for sub, options in ALLOWED.items():
        params = {o: p for p in group.commands[sub].params for o in p.opts}
        for option, takes_value in options.items():
            assert option in params, (sub, option)
            assert takes_value == (not params[option].is_flag), (sub, option)
        assert not NETWORK & set(options) and "--help" not in options


def test_a_recorded_value_the_command_refuses_names_the_manifest(recorded, tmp_path) -> None:
    _, out = recorded

    def tamper(manifest: dict) -> None:
        command = manifest["command"]
        command[command.index("--replicas") + 1] = "10000000"

    copy = _tampered_copy(out, tmp_path, tamper)
    result = runner.invoke(app, ["reproduce", str(copy)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "manifest.json: command: --replicas" in lines[0], result.output
