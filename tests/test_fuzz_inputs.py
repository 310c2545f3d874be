"""A fuzzer over the files users send each other: scenarios, parameter files, manifests.

Hypothesis builds each file from a valid one with a few random edits (a value replaced by
another type, a huge or deep value, a key dropped or invented, the text cut or garbled) or
from scratch, and runs the command that reads it. Each run must end with exit 0, or exit 2
and exactly one ``error:`` line on stderr; for a manifest also exit 1 ("not reproduced": a
recorded file is missing, reported as a table). Never a traceback, a hang (an alarm fails
an example after 20 s) or another exit code. The budget is bounded: ``NATOSIM_FUZZ_EXAMPLES``
examples per file kind (default 25, derandomised so every run tries the same files), no
per-example deadline: about 30 s in all on the 2-core test machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.model.params import registry

HERE = Path(__file__).parent / "bad_inputs"
EXAMPLES = int(os.environ.get("NATOSIM_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
runner = CliRunner()

# ----------------------------------------------------------------------------- values

_text = st.text(alphabet=string.printable + "éß€\u202e\x00", max_size=40)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6),
    st.integers(min_value=10**19, max_value=10**500), st.floats(allow_nan=True),
    _text, st.text(min_size=5000, max_size=12000, alphabet="ab"),
    st.sampled_from(["1994-02-31", "1994-13", "2008-08", "NATO", "RUS", "POL", "ZZZ", "yes",
                     "", " ", "-1", "1e999", "../x.yaml", "/dev/zero", "&a", "*a"]),
)  # fmt: skip


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


_values = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.dictionaries(_text, _scalars, max_size=3),
    st.integers(20, 200).map(_nested),
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of nested dicts and lists."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _edit(data: Any, path: tuple, action: str, value: Any) -> Any:
    """``data`` with the value at ``path`` replaced, deleted, or given an extra key."""
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "extra" and isinstance(parent, dict):
        parent[f"{last}_x"] = value
    else:
        parent[last] = value
    return data


@st.composite
def _mutated(draw: Any, base: Any) -> Any:
    data = json.loads(json.dumps(base, default=str))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "delete", "extra"]))
        data = _edit(data, path, action, draw(_values))
    return data


@st.composite
def _garbled(draw: Any, text: str) -> str:
    """The text cut short, with a few characters replaced."""
    chars = list(text[: draw(st.integers(0, len(text)))])
    for _ in range(draw(st.integers(0, 4))):
        if chars:
            chars[draw(st.integers(0, len(chars) - 1))] = draw(st.sampled_from(
                list("\x00:[]{}&*!|>\t'\"#-%@`\\") + ["\u2028", "\udcff"]))  # fmt: skip
    return "".join(chars)


# ----------------------------------------------------------------------------- the check


@contextlib.contextmanager
def _alarm(seconds: int) -> Any:
    def hang(*_: Any) -> None:
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _check(args: list[str], allowed: tuple[int, ...] = (0, 2)) -> None:
    with _alarm(20):
        result = runner.invoke(app, args)
    if isinstance(result.exception, TimeoutError):
        raise result.exception
    assert "Traceback" not in result.output, result.output[-3000:]
    assert result.exit_code in allowed, (result.exit_code, result.output[-3000:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an unexpected exception is a bug, whatever the exit code
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-3000:]
        assert len(lines[0]) < 2000, f"message of {len(lines[0])} characters"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


# ----------------------------------------------------------------------------- scenarios

GOOD_SCENARIO = yaml.safe_load((HERE / "good.yaml").read_text())


def _scenario_text(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_scenario_files = st.one_of(
    _mutated(GOOD_SCENARIO).map(_scenario_text),
    _garbled((HERE / "good.yaml").read_text()),
    st.just("name: x\ndescription: y\nextends: post-cold-war\n").flatmap(
        lambda head: _mutated({"period": {"start": 2000, "end": 2005},
                               "remove": ["accession-1999"], "shift": {}})
        .map(lambda tail: head + _scenario_text(tail))),
)  # fmt: skip


@FUZZ
@given(text=_scenario_files)
def test_fuzzed_scenarios_are_valid_or_one_line(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("scenario")
    _check(["scenarios", "validate", str(_write(folder, "fuzz.yaml", text))])


# ----------------------------------------------------------------------------- parameter files

_names = st.sampled_from(sorted(registry())) | st.sampled_from(["kappa", "x.y", "chassis",
                                                                 "provenance", ""])


@st.composite
def _param_table(draw: Any) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        name = draw(_names)
        value = draw(st.floats(-1, 12) | _values)
        group, _, key = name.partition(".")
        if key and draw(st.booleans()):
            table.setdefault(group, {})
            if isinstance(table[group], dict):
                table[group][key] = value
        else:
            table[name] = value
    return table


def _toml_text(table: dict[str, Any]) -> str:
    lines = []
    for key, value in table.items():
        if isinstance(value, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()]
        else:
            lines.insert(0, f"{json.dumps(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return '""'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value) if value == value else "nan"
    return json.dumps(value, default=str)


_param_files = st.one_of(
    _param_table().map(lambda t: ("p.yaml", yaml.safe_dump(t, allow_unicode=True))),
    _param_table().map(lambda t: ("p.toml", _toml_text(t))),
    _garbled("[chassis]\nmu = 0.7\n[realist]\nkappa = 1.5\n").map(lambda s: ("p.toml", s)),
    _garbled("chassis: {mu: 0.7}\nrealist:\n  kappa: 1.5\n").map(lambda s: ("p.yaml", s)),
)


@FUZZ
@given(case=_param_files)
def test_fuzzed_parameter_files_are_valid_or_one_line(tmp_path_factory, case) -> None:  # noqa: ANN001
    name, text = case
    folder = tmp_path_factory.mktemp("params")
    _check(["params", "--params", str(_write(folder, name, text))])


# ----------------------------------------------------------------------------- manifests

SHA = "ab" * 32
GOOD_MANIFEST = {
    "command": ["natosim", "run", "post-cold-war", "--paradigm", "all", "--replicas", "2",
                "--seed", "0", "--out", "out"],
    "scenario": {"name": "post-cold-war", "sha256": SHA},
    "data": {"milex.csv": SHA},
    "files": {"series.csv": SHA},
    "seed": 0, "replicas": 2, "mode": "replay", "paradigms": [], "params": {},
}  # fmt: skip
_commands = st.lists(
    st.sampled_from(["natosim", "run", "compare", "validate", "sensitivity", "sweep",
                     "explore", "--help", "--scheduler", "tcp://203.0.113.9:8786",
                     "--replicas", "100000", "-1", "--out", "--force", "--set",
                     "realist.kappa=true", "post-cold-war", "x.yaml", "--params",
                     "/dev/zero", "--debug", "--version", "--processes", "0", "--budget",
                     "--n", "3", "--window", "2008-2030"]) | _text,
    max_size=12,
).map(lambda parts: ["natosim", *parts])  # fmt: skip


@st.composite
def _manifests(draw: Any) -> str:
    data = draw(_mutated(GOOD_MANIFEST))
    if draw(st.booleans()) and isinstance(data, dict):
        data["command"] = draw(_commands)
    return json.dumps(data, default=str)


_manifest_files = _manifests() | _garbled(json.dumps(GOOD_MANIFEST, indent=1))


@FUZZ
@given(text=_manifest_files)
def test_fuzzed_manifests_are_refused_in_one_line(tmp_path_factory, text: str) -> None:
    """No fuzzed manifest carries the real scenario hash, so none may re-run anything."""
    folder = tmp_path_factory.mktemp("manifest")
    _check(["reproduce", str(_write(folder, "manifest.json", text))], allowed=(1, 2))

