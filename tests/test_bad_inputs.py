"""Bad input gets one clear line and exit code 2, never a traceback (unless --debug).

Table-driven over ``tests/bad_inputs/cases.yaml``: every case names its input, the command,
the exit code and what the one-line message must contain (see the header of that file).
"""

from __future__ import annotations

import csv
import importlib
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import InputError
from sim.data import datasets
from sim.model.paradigms import PARADIGMS

HERE = Path(__file__).parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text())["cases"]
FIFTY_MB = 50 * 1024 * 1024
runner = CliRunner()


# --------------------------------------------------------------------------- generators


def _big_scenario(tmp: Path) -> Path:
    """A 50 MB scenario file: a valid head, then a huge comment (sparse, written at once)."""
    path = tmp / "big.yaml"
    path.write_text("name: big\n# " + "x" * (FIFTY_MB - 12) + "\n")
    return path


def _big_data(tmp: Path) -> Path:
    path = tmp / "big.csv"
    with path.open("wb") as handle:
        handle.write(b"year,actor,value,source,note\n")
        handle.truncate(FIFTY_MB)
    return path


def _symlink_escape(tmp: Path) -> Path:
    """``child.yaml`` extends ``base.yaml``, a link to a file outside the child's folder."""
    folder = tmp / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").symlink_to(HERE / "good.yaml")
    child = folder / "child.yaml"
    child.write_text("name: child\ndescription: via a link\nextends: base.yaml\n")
    return child


def _blocker_file(tmp: Path) -> Path:
    path = tmp / "blocker"
    path.write_text("a file where the output folder's parent should be\n")
    return path


def _fifo(tmp: Path, name: str) -> Path:
    """A named pipe nobody writes to: reading it naively never returns."""
    path = tmp / name
    os.mkfifo(path)
    return path


def _dev_zero_link(tmp: Path, name: str) -> Path:
    """A link to ``/dev/zero``: reading it naively fills the memory."""
    path = tmp / name
    path.symlink_to("/dev/zero")
    return path


def _deep_json(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _long_name(tmp: Path) -> Path:
    """A valid scenario whose name is 10,000 characters, with one error in a milestone."""
    path = tmp / "long.yaml"
    text = (HERE / "good.yaml").read_text().replace("name: bad-example", "name: " + "n" * 10_000)
    path.write_text(text.replace("actors: [POL]", "actors: [" + "P" * 10_000 + "]"))
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {
    "long_name": _long_name,
    "big_scenario": _big_scenario,
    "big_data": _big_data,
    "symlink_escape": _symlink_escape,
    "blocker_file": _blocker_file,
    "fifo_scenario": lambda tmp: _fifo(tmp, "pipe.yaml"),
    "fifo_params": lambda tmp: _fifo(tmp, "pipe.toml"),
    "fifo_manifest": lambda tmp: _fifo(tmp, "manifest.json"),
    "zero_scenario": lambda tmp: _dev_zero_link(tmp, "zero.yaml"),
    "zero_params": lambda tmp: _dev_zero_link(tmp, "zero.yaml"),
    "zero_manifest": lambda tmp: _dev_zero_link(tmp, "manifest.json"),
    "deep_json": _deep_json,
}


# --------------------------------------------------------------------------- set-up


def _fill(value: Any, tmp: Path, made: Path | None) -> Any:
    if isinstance(value, list):
        return [_fill(v, tmp, made) for v in value]
    if not isinstance(value, str):
        return value
    first, second = list(PARADIGMS)[:2]  # from the registry: no paradigm named here
    first_param = next(iter(PARADIGMS[first].parameters))
    return value.format(here=HERE, tmp=tmp, made=made, long="x" * 300, first=first,
                        second=second, first_param=first_param)


def _edit_data(folder: Path, edit: dict[str, Any], tmp: Path) -> None:
    """Apply one case's ``data`` edit to the copy of sim/data in ``folder``."""
    target = folder / edit["file"]
    if "replace_with" in edit:
        shutil.copyfile(HERE / edit["replace_with"], target)
    elif "make" in edit:
        shutil.move(MAKERS[edit["make"]](tmp), target)
    elif "delete_line" in edit:
        lines = target.read_text().splitlines(keepends=True)
        del lines[edit["delete_line"] - 1]
        target.write_text("".join(lines))
    else:
        with target.open(newline="") as handle:
            rows = list(csv.reader(handle))
        rows[edit["line"] - 1][rows[0].index(edit["column"])] = str(edit["value"])
        with target.open("w", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def _prepare(case: dict[str, Any], tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the case's inputs; return its filled-in ``args`` or ``call_args``."""
    if case.get("linux") and not sys.platform.startswith("linux"):
        pytest.skip("relies on /proc")
    made = MAKERS[case["make"]](tmp) if "make" in case else None
    if "data" in case:
        folder = tmp / "data"
        shutil.copytree(datasets.default_data_dir(), folder)
        _edit_data(folder, case["data"], tmp)
        monkeypatch.setattr(datasets, "default_data_dir", lambda: folder)
    return _fill(case.get("args", case.get("call_args")), tmp, made)


def _call(dotted: str, args: list[Any]) -> str:
    """Call a library function that must raise InputError; return the CLI's line for it."""
    module, _, name = dotted.rpartition(".")
    function = getattr(importlib.import_module(module), name)
    with pytest.raises(InputError) as err:
        function(*args)
    return f"error: {err.value}\n"


def _check_line(stderr: str, expect: list[str]) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr[:2000]
    line = lines[0]
    assert line.startswith("error: "), line
    assert len(line) < 400, f"message too long ({len(line)} characters)"
    for fragment in expect:
        assert fragment in line, f"{fragment!r} not in {line!r}"


# --------------------------------------------------------------------------- the table


def test_case_ids_are_unique_and_files_exist() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        for arg in case.get("args", []):
            if "{here}/" in arg and arg.endswith((".yaml", ".json")) and "does-not" not in arg:
                assert Path(arg.format(here=HERE)).is_file(), (case["id"], arg)
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_is_one_line(case: dict[str, Any], tmp_path: Path, monkeypatch) -> None:
    args = _prepare(case, tmp_path, monkeypatch)
    started = time.perf_counter()
    if "call" in case:
        _check_line(_call(case["call"], args), case["expect"])
        return
    result = runner.invoke(app, args)
    elapsed = time.perf_counter() - started
    assert result.exit_code == case.get("exit", 2), (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    assert result.stdout == ""
    _check_line(result.stderr, case["expect"])
    limit = case.get("max_seconds", 10)
    assert elapsed < limit, f"took {elapsed:.1f} s"  # refused before any long work

    debug = runner.invoke(app, ["--debug", *args])
    assert debug.exception is not None and not isinstance(debug.exception, SystemExit)
    shown = "".join(traceback.format_exception(debug.exception))
    assert shown.startswith("Traceback"), shown[:500]


def test_fifty_megabyte_scenario_is_refused_quickly(tmp_path: Path) -> None:
    from sim.core.errors import ScenarioError
    from sim.data.scenario import load_scenario

    big = _big_scenario(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="limit is 5.0 MB"):
        load_scenario(big)
    assert time.perf_counter() - started < 0.5


def test_good_input_of_the_folder_is_valid() -> None:
    """The bad files are ``good.yaml`` with one thing broken: the original must pass."""
    result = runner.invoke(app, ["scenarios", "validate", str(HERE / "good.yaml")])
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- a real process


@pytest.mark.parametrize("name", ["yaml-syntax.yaml", "binary.yaml", "date-not-a-date.yaml"])
def test_real_process_prints_one_line_or_a_traceback_with_debug(name: str) -> None:
    path = str(HERE / name)
    plain = subprocess.run(
        [sys.executable, "-m", "sim", "scenarios", "validate", path],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert plain.returncode == 2
    assert plain.stderr.count("\n") == 1 and plain.stderr.startswith(f"error: {path}: ")
    assert plain.stdout == ""
    debug = subprocess.run(
        [sys.executable, "-m", "sim", "--debug", "scenarios", "validate", path],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "ScenarioError" in debug.stderr


# --------------------------------------------------------------------------- safe loading

SIM = Path(__file__).parent.parent / "sim"
#: Ways to build arbitrary Python objects from a file, or to run text as code.
FORBIDDEN = re.compile(
    r"yaml\.load\(|yaml\.load_all\(|yaml\.unsafe_load|yaml\.full_load|\bFullLoader\b|"
    r"\bUnsafeLoader\b|Loader\s*=\s*yaml\.Loader|\bimport pickle\b|\bpickle\.loads?\(|"
    r"read_pickle|\bimport marshal\b|\bimport shelve\b|allow_pickle\s*=\s*True|"
    r"\bdill\b|joblib\.load|(?<![\w.])eval\(|(?<![\w.])exec\("
)


def test_no_unsafe_loading_in_sim() -> None:
    """``yaml.safe_load`` / SafeLoader only; no pickle, marshal, eval or exec anywhere."""
    hits = [
        f"{path.relative_to(SIM.parent)}:{number}: {line.strip()}"
        for path in sorted(SIM.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert hits == []


def test_forbidden_pattern_catches_what_it_should() -> None:
    bad_lines = ("yaml.load(text)", "data = yaml.unsafe_load(s)", "import pickle",
                 "pickle.load(fh)", "pd.read_pickle(p)", "eval(expr)", "allow_pickle=True")
    for bad in bad_lines:
        assert FORBIDDEN.search(bad), bad
    for fine in ("yaml.safe_load(text)", "ProcessPoolExecutor()", "model.evaluate(x)"):
        assert not FORBIDDEN.search(fine), fine


def test_our_yaml_loader_is_a_safe_loader() -> None:
    from sim.core.safeload import SafeDateLoader, safe_load_yaml

    assert issubclass(SafeDateLoader, yaml.SafeLoader)
    with pytest.raises(yaml.YAMLError, match="could not determine a constructor"):
        safe_load_yaml("x: !!python/object/apply:os.system ['true']\n")


@pytest.fixture
def opened_files():
    """Record every file this process opens while the fixture's list is being watched."""
    watched: list[str] = []
    active = [False]

    def hook(event: str, args: tuple) -> None:
        if active[0] and event == "open" and isinstance(args[0], str | bytes):
            watched.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)  # cannot be removed; inert once `active` is off
    yield watched, active
    active[0] = False


def test_a_scenario_reads_only_itself_and_its_extends_chain(tmp_path: Path, opened_files) -> None:
    """Paths written in a scenario (``source``, ``note``...) are text, never opened."""
    from sim.data.scenario import load_scenario

    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copyfile(HERE / "good.yaml", folder / "base.yaml")
    (tmp_path / "secret.yaml").write_text("name: secret\n")
    child = folder / "child.yaml"
    child.write_text(
        "name: child\ndescription: reads nothing else\nextends: base\n"
        "add:\n  - id: extra\n    date: 1995-01-01\n    type: dyad_event\n    role: context\n"
        "    actors: [RUS]\n    label: a path in a text field\n"
        f"    source: {tmp_path / 'secret.yaml'}\n    note: ../secret.yaml\n"
    )
    load_scenario(child)  # warm up lazy imports
    watched, active = opened_files
    active[0] = True
    scenario = load_scenario(child)
    active[0] = False
    assert scenario.milestone("extra").source == str(tmp_path / "secret.yaml")
    expected = {child.resolve(), (folder / "base.yaml").resolve()}
    assert {Path(p).resolve() for p in watched} == expected


@pytest.mark.parametrize(
    ("extends", "message"),
    [
        ("../secret.yaml", "same folder (no '..')"),
        ("sub/../../secret.yaml", "same folder (no '..')"),
        ("{tmp}/secret.yaml", "must name a file in the same folder"),
        ("link.yaml", "a link that leads outside this folder"),
    ],
)
def test_extends_cannot_leave_the_folder(tmp_path: Path, extends: str, message: str) -> None:
    from sim.core.errors import ScenarioError
    from sim.data.scenario import load_scenario

    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copyfile(HERE / "good.yaml", tmp_path / "secret.yaml")
    (folder / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    child = folder / "child.yaml"
    child.write_text(f"name: child\ndescription: escape\nextends: {extends.format(tmp=tmp_path)}\n")
    with pytest.raises(ScenarioError, match=re.escape(message)) as err:
        load_scenario(child)
    assert str(err.value).startswith(f"{child}: extends: ")


def test_a_scenario_path_longer_than_the_file_system_allows_is_one_line_exit_2() -> None:
    result = runner.invoke(app, ["run", "s" * 5000 + ".yaml"])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot open the scenario file" in result.output


@pytest.mark.parametrize("argv, fragment", [
    (["run", "post-cold-war", "--replicas", "abc"], "'--replicas'"),
    (["run", "post-cold-war", "--bogus"], "--bogus"),
    (["run"], "Missing argument 'scenario'"),
    (["nosuch"], "No such command 'nosuch'"),
])
def test_command_line_syntax_errors_are_one_line_exit_2(argv: list[str], fragment: str) -> None:
    """A bad option, value, missing argument or command: one line naming the command and
    what was wrong, exit 2 (click's usage block would be several lines)."""
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: natosim"), result.output
    assert fragment in lines[0] and "--help" in lines[0]
