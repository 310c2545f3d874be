"""The paradigm registry: entry points, their order, broken plugins, namespaced parameters.

The test-only plugin package tests/plugins/natosim_fourth/ (one file, one class, and the
metadata ``pip install`` would write) supplies real entry points.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from sim.model import params as P
from sim.model.paradigms import GROUP, PARADIGMS, PluginError
from sim.model.paradigms.registry import SHIPPED, build, order
from sim.runs.experiments import split_params

PLUGIN = Path(__file__).parent / "plugins" / "natosim_fourth"


def point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


@pytest.fixture
def fourth(monkeypatch) -> type:
    """The test plugin's class, importable as ``natosim_fourth``."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    from natosim_fourth import Fourth

    return Fourth


# --------------------------------------------------------------------------- order


def test_shipped_paradigms_come_first_then_the_others_by_name() -> None:
    shuffled = [point("zeta", "z:Z"), *(point(n, f"m:{n}") for n in reversed(SHIPPED)),
                point("alpha", "a:A")]
    assert [p.name for p in order(shuffled)] == [*SHIPPED, "alpha", "zeta"]


def test_the_installed_registry_is_the_entry_points_in_that_order() -> None:
    assert list(PARADIGMS)[: len(SHIPPED)] == list(SHIPPED)
    plugins = list(PARADIGMS)[len(SHIPPED):]
    assert plugins == sorted(plugins)
    assert all(cls.name == name for name, cls in PARADIGMS.items())


def test_a_plugin_is_loaded_through_its_entry_point(fourth) -> None:
    registry = build([point("fourth", "natosim_fourth:Fourth")])
    assert registry == {"fourth": fourth}


# --------------------------------------------------------------------------- broken plugins


@pytest.mark.parametrize(("value", "fragment"), [
    ("no_such_module_xyz:Thing", "cannot be loaded (ModuleNotFoundError"),
    ("sim.model.parameter:Param", "expected a subclass of sim.model.paradigms.base.Paradigm"),
    ("sim.model.parameter:NoSuchName", "cannot be loaded (AttributeError"),
])
def test_a_broken_plugin_is_one_error_naming_it(value: str, fragment: str) -> None:
    with pytest.raises(PluginError) as err:
        build([point("broken", value)])
    message = str(err.value)
    assert message.startswith(f"paradigm plugin 'broken': {value}: ")
    assert fragment in message and "\n" not in message


def test_a_plugin_must_register_under_its_own_name(fourth) -> None:
    with pytest.raises(PluginError, match="must be the entry-point name"):
        build([point("other", "natosim_fourth:Fourth")])


def test_two_plugins_cannot_claim_one_name(fourth) -> None:
    with pytest.raises(PluginError, match="already registered by natosim_fourth:Fourth"):
        build([point("fourth", "natosim_fourth:Fourth"), point("fourth", "elsewhere:Fourth")])


def test_the_cli_reports_a_broken_plugin_in_one_line(tmp_path: Path) -> None:
    """A distribution whose entry point cannot be imported: exit 2, one line naming it."""
    info = tmp_path / "natosim_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: natosim-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\nbroken = natosim_broken_xyz:Broken\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "sim", "params"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "paradigm plugin 'broken'" in lines[0], done.stderr
    assert "natosim_broken_xyz" in lines[0] and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- namespaced names


@pytest.fixture
def shared(fourth, monkeypatch) -> tuple[str, str]:
    """The fourth paradigm registered next to a shipped one with the same bare name."""
    bare = "kappa"
    owners = [n for n, cls in PARADIGMS.items() if bare in cls.parameters]
    assert owners, "the plugin shares a bare name with a shipped paradigm"
    monkeypatch.setitem(PARADIGMS, "fourth", fourth)
    return owners[0], bare


def test_two_paradigms_may_share_a_bare_parameter_name(shared) -> None:
    other, bare = shared
    specs = P.registry()
    assert {f"{other}.{bare}", f"fourth.{bare}"} <= set(specs)
    assert specs[f"{other}.{bare}"].param is not specs[f"fourth.{bare}"].param
    got = P.parse_set([f"{other}.{bare}=0.5", f"fourth.{bare}=2.5"])
    assert got == {other: {bare: 0.5}, "fourth": {bare: 2.5}}
    assert P.validate({other: {bare: 0.5}, "fourth": {bare: 2.5}}) == got
    defaults = P.default_params()
    assert bare in defaults[other] and bare in defaults["fourth"]
    # each paradigm's run takes its own value, from nested or qualified flat keys alike
    assert split_params("fourth", got)[bare] == 2.5
    assert split_params(other, got)[bare] == 0.5
    flat = {f"{other}.{bare}": 0.5, f"fourth.{bare}": 2.5, "chassis.mu": 0.7}
    assert split_params("fourth", flat) == {bare: 2.5, "mu": 0.7}
    assert split_params(other, flat) == {bare: 0.5, "mu": 0.7}


def test_a_shared_bare_name_is_refused_as_ambiguous(shared) -> None:
    other, bare = shared
    with pytest.raises(P.ParameterError, match=f"ambiguous: write one of {other}.{bare}, "
                                               f"fourth.{bare}"):
        P.parse_set([f"{bare}=1.0"])
    assert P.qualify("tau") == "fourth.tau"  # a bare name still completes when unique


def test_explorer_sliders_are_namespaced(shared) -> None:
    pytest.importorskip("solara", reason="the app extra is not installed")
    from sim.viz import app

    other, bare = shared
    for name in (other, "fourth"):
        top = PARADIGMS[name].parameters[bare].bounds[1]
        model = app.ExplorerModel(paradigm=name, replicas=1, **{bare: top})
        assert model.paradigm.name == name and model.paradigm.values[bare] == top
        if hasattr(app, "model_params"):  # SolaraViz sliders
            spec = app.model_params("post-cold-war", name)
            assert spec[bare]["label"] == f"{name}.{bare}"
            assert spec[bare]["max"] == top
        if hasattr(app, "Settings"):  # the sidebar's values, by qualified name
            values = {**app.default_values(), f"{other}.{bare}": 0.0, f"fourth.{bare}": top}
            used = app.Settings(paradigm=name, values=values).used()
            assert used[f"{name}.{bare}"] == (top if name == "fourth" else 0.0)
            assert not any(q.startswith(f"{o}.") for o in (other, "fourth") if o != name
                           for q in used)


# --------------------------------------------------------------------------- nothing else names one

#: Where a registered name may appear as a string in the package: the paradigm modules only.
NAMING_ALLOWED = ("sim/model/paradigms/",)


def test_no_module_outside_the_paradigms_names_a_paradigm() -> None:
    """No string literal equal to a registered name outside the registry's package: code
    iterates ``PARADIGMS`` instead of listing, defaulting to or special-casing a paradigm."""
    import ast

    root = Path(__file__).parents[1]
    found = []
    for path in sorted((root / "sim").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where.startswith(NAMING_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in PARADIGMS:
                found.append(f"{where}:{node.lineno}: {node.value!r}")
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- the mixture


def _plan(paradigms: tuple[str, ...]):
    from sim.analysis.validation import Plan

    return Plan(paradigms=paradigms, splits=(), origins=(), last=2024, notes=())


def test_the_mixture_spans_every_registered_paradigm(fourth, monkeypatch) -> None:
    from sim.model.paradigms.mixture import Mixture

    monkeypatch.setitem(PARADIGMS, "fourth", fourth)
    names = tuple(PARADIGMS)
    mixture = Mixture()
    assert tuple(mixture.components) == names and len(mixture.parameters) == len(names) - 1
    assert mixture.weights == pytest.approx(dict.fromkeys(names, 1 / len(names)))
    assert _plan(names).with_mixture and not _plan(names[:-1]).with_mixture


def test_the_mixture_is_skipped_when_two_paradigms_keep_state(fourth, monkeypatch) -> None:
    """The mixture carries one component's memory; a second stateful one is refused."""
    from sim.model.paradigms.mixture import Mixture, stateful_components

    class Remembering(fourth):
        name = "remembering"

        def initial_memory(self, replicas: int):  # noqa: ANN201
            return super().initial_memory(replicas) + 0.5

    class Recalling(Remembering):
        name = "recalling"

    monkeypatch.setitem(PARADIGMS, "remembering", Remembering)
    monkeypatch.setitem(PARADIGMS, "recalling", Recalling)
    assert {"remembering", "recalling"} <= set(stateful_components(PARADIGMS.values()))
    assert not _plan(tuple(PARADIGMS)).with_mixture
    with pytest.raises(P.ParameterError, match="at most one stateful component"):
        Mixture()
