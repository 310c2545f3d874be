"""Parameters: the registry, --set parsing, parameter files and merge order."""

from __future__ import annotations

import pytest

from sim.core.errors import ParameterError
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, chassis_params
from sim.model.params import (
    default_params,
    describe_params,
    dump_params_file,
    flatten,
    load_params_file,
    load_provenance,
    merge_params,
    nest,
    parse_set,
    registry,
    resolve_params,
    validate,
)
from sim.runs.experiments import split_params


def test_registry_lists_chassis_and_three_per_paradigm():
    reg = registry()
    assert [q for q in reg if q.startswith("chassis.")] == [f"chassis.{n}" for n in CHASSIS]
    for name, cls in PARADIGMS.items():
        own = [s for s in reg.values() if s.group == name]
        assert len(own) == 3 and {s.name for s in own} == set(cls.parameters)
        assert all(s.citation == "; ".join(cls.references) for s in own)
    assert reg["realist.kappa"].default == 1.0
    assert reg["chassis.mu"].bounds == (0.0, 0.95)


def test_registry_for_one_paradigm_and_describe_table():
    assert set(registry("liberal")) == {f"chassis.{n}" for n in CHASSIS} | {
        f"liberal.{n}" for n in PARADIGMS["liberal"].parameters}
    table = describe_params("realist")
    assert list(table.columns) == ["name", "group", "default", "low", "high", "meaning",
                                   "provenance", "citation"]
    assert len(table) == len(CHASSIS) + 3 and table["meaning"].str.len().gt(0).all()
    with pytest.raises(ParameterError, match="expected one of"):
        registry("marxist")


def test_parse_set_gives_the_nested_format():
    got = parse_set(["realist.kappa=1.5", "chassis.mu=0.7", "omega=1", "realist.kappa=2"])
    assert got == {"realist": {"kappa": 2.0}, "chassis": {"mu": 0.7},
                   "constructivist": {"omega": 1.0}}


@pytest.mark.parametrize("item, pattern", [
    ("realist.kapa=1", r"did you mean 'realist.kappa'\? valid: chassis.beta, .*constructivist.A0"),
    ("kapa=1", r"did you mean 'realist.kappa'"),
    ("chassis.mu=5", r"outside its range \[0.0, 0.95\]"),
    ("chassis.mu=abc", "expected a number"),
    ("chassis.mu", "expected NAME=VALUE"),
])
def test_parse_set_rejects_unknown_names_and_bad_values(item, pattern):
    with pytest.raises(ParameterError, match=pattern) as info:
        parse_set([item])
    assert str(info.value).startswith("--set: ")


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".yml"])
def test_file_round_trip_with_provenance(tmp_path, suffix):
    params = {"chassis": {"mu": 0.7, "c_E": -1.25}, "realist": {"kappa": 1.5},
              "constructivist": {"A0": -0.3}}
    prov = {"source": "calibration \"run\" 7", "when": "2026-01-01", "n": 3, "ok": True,
            "hashes": {"milex.csv": "abc"}, "years": [1991, 2008]}
    path = dump_params_file(params, tmp_path / f"p{suffix}", provenance=prov)
    assert load_params_file(path) == params
    assert load_provenance(path) == prov
    assert not list(tmp_path.glob(".*.tmp"))


def test_files_accept_qualified_keys_and_ignore_provenance(tmp_path):
    toml = tmp_path / "p.toml"
    toml.write_text('"realist.kappa" = 2.0\n\n[chassis]\nmu = 0.5\n\n[provenance]\nby = "me"\n')
    assert load_params_file(toml) == {"realist": {"kappa": 2.0}, "chassis": {"mu": 0.5}}
    yml = tmp_path / "p.yaml"
    yml.write_text("liberal: {lambda_X: 0.5}\nprovenance: {by: me}\n")
    assert load_params_file(yml) == {"liberal": {"lambda_X": 0.5}}


@pytest.mark.parametrize("name, text, pattern", [
    ("bad.toml", "[chassis\nmu = 1", "TOML syntax error"),
    ("bad.yaml", "chassis: [1,\n", "YAML syntax error"),
    ("bad.yaml", "- 1\n", "expected a mapping"),
    ("bad.yaml", "chassis: {muu: 0.5}\n", r"chassis.muu: unknown parameter; did you mean "
                                          r"'chassis.mu'"),
    ("bad.yaml", "realist: {kappa: 9}\n", r"outside its range \[0.0, 3.0\]"),
    ("bad.json", "{}", r"expected a .toml, .yaml or .yml"),
])
def test_bad_files_name_the_file(tmp_path, name, text, pattern):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ParameterError, match=pattern) as info:
        load_params_file(path)
    assert str(info.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="cannot read"):
        load_params_file(tmp_path / "nope.toml")


def test_merge_order_defaults_file_set(tmp_path):
    path = dump_params_file({"chassis": {"mu": 0.7, "beta": 2.0}}, tmp_path / "p.toml")
    got = resolve_params(path, ["chassis.mu=0.8"])
    assert got == {"chassis": {"mu": 0.8, "beta": 2.0}}
    full = resolve_params(path, ["realist.kappa=0.5"], with_defaults=True)
    assert full["chassis"]["mu"] == 0.7 and full["chassis"]["psi"] == CHASSIS["psi"].default
    assert full["realist"]["kappa"] == 0.5 and full["liberal"] == default_params()["liberal"]
    assert resolve_params() == {}
    assert merge_params({"mu": 0.1}, {"chassis.mu": 0.2}) == {"chassis": {"mu": 0.2}}


def test_flatten_nest_and_validate_round_trip():
    nested = {"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}
    assert flatten(nested) == {"chassis.mu": 0.7, "realist.kappa": 1.5}
    assert nest(flatten(nested)) == nested
    assert validate({"mu": 0.7, "realist": {"kappa": 1.5}}) == nested


def test_nested_format_stays_compatible_with_split_params_and_old_api():
    params = parse_set(["realist.kappa=1.5", "chassis.mu=0.7", "liberal.lambda_X=2"])
    assert split_params("realist", params) == {"mu": 0.7, "kappa": 1.5}
    assert chassis_params({"mu": 0.7})["mu"] == 0.7
    with pytest.raises(ParameterError, match="unknown chassis parameter"):
        chassis_params({"kappa": 1.0})
