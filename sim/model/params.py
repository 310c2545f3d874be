"""Every free parameter, once, with its range, meaning and provenance; parameter files.

The chassis parameters live here (``CHASSIS``); each paradigm declares its own three in its
module. :func:`registry` lists them all under qualified names (``chassis.mu``,
``realist.kappa``). Overrides use the nested format ``{"chassis": {"mu": 0.7},
"realist": {"kappa": 1.5}}``, which :func:`parse_set` (``--set``), :func:`load_params_file`
(TOML or YAML, ``--params``) and :func:`resolve_params` (defaults < file < ``--set``) return
and ``sim.runs.experiments.split_params`` accepts.

Provenance vocabulary (after Covasim): ``assumption`` (a modelling choice, documented in
docs/model.md), ``sourced`` (with a reference key from sim/data/references.yaml),
``calibrated`` (fitted; none yet: calibration is a separate step and never edits this file).
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.core.errors import ParameterError
from sim.core.safeload import (
    MAX_SCENARIO_BYTES,
    check_structure,
    parse_toml,
    read_text_file,
    safe_load_yaml,
    short_repr,
)
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, Param

#: The nested parameter format: ``{"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}``.
Nested = dict[str, dict[str, float]]


# --------------------------------------------------------------------------------------
# The registry: every free parameter (chassis and paradigms) under a qualified name
# --------------------------------------------------------------------------------------

#: Top-level key of a parameter file that holds provenance, not values.
PROVENANCE_KEY = "provenance"
#: Where the chassis parameters are documented (their provenance is ``assumption``).
CHASSIS_CITATION = "assumption (docs/model.md, 'One chassis')"


@dataclass(frozen=True)
class ParamSpec:
    """One entry of the parameter registry.

    Attributes:
        group: ``chassis`` or a paradigm name (``realist``, ``liberal``, ``constructivist``).
        name: the name inside its group (``mu``, ``kappa``).
        param: default, range, meaning and provenance.
        citation: reference keys (sim/data/references.yaml) or a pointer to the documentation.
    """

    group: str
    name: str
    param: Param
    citation: str

    @property
    def qualified(self) -> str:
        """``group.name``, e.g. ``realist.kappa``."""
        return f"{self.group}.{self.name}"

    @property
    def default(self) -> float:
        return self.param.default

    @property
    def bounds(self) -> tuple[float, float]:
        return self.param.bounds


def registry(paradigm: str | None = None) -> dict[str, ParamSpec]:
    """Every free parameter by qualified name: the chassis first, then each paradigm's three.

    Args:
        paradigm: if given, only the chassis and this paradigm's parameters.

    Raises:
        ParameterError: if ``paradigm`` is not a known paradigm.
    """
    if paradigm is not None and paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", paradigm, f"expected one of {list(PARADIGMS)}")
    specs = [ParamSpec("chassis", n, p, CHASSIS_CITATION) for n, p in CHASSIS.items()]
    for name, cls in PARADIGMS.items():
        if paradigm is None or name == paradigm:
            cite = "; ".join(cls.references)
            specs += [ParamSpec(name, n, p, cite) for n, p in cls.parameters.items()]
    return {s.qualified: s for s in specs}


def groups() -> tuple[str, ...]:
    """The parameter groups: ``chassis`` and every paradigm name."""
    return tuple(dict.fromkeys(s.group for s in registry().values()))


def describe_params(paradigm: str | None = None):
    """The registry as a table (for ``natosim params``).

    Returns:
        A pandas DataFrame with columns ``name`` (qualified), ``group``, ``default``,
        ``low``, ``high``, ``meaning``, ``provenance`` and ``citation``.
    """
    import pandas as pd

    rows = [
        {"name": s.qualified, "group": s.group, "default": s.default, "low": s.bounds[0],
         "high": s.bounds[1], "meaning": s.param.meaning, "provenance": s.param.provenance,
         "citation": s.citation}
        for s in registry(paradigm).values()
    ]
    return pd.DataFrame(rows)


def qualify(name: str, source: str = "parameters") -> str:
    """The qualified name of ``name``: ``realist.kappa`` stays, a bare ``kappa`` is completed
    when it names exactly one parameter.

    Parameters are namespaced by their group, so two paradigms may both have a ``kappa``:
    ``realist.kappa`` and ``other.kappa`` are distinct, and the bare ``kappa`` is then
    refused as ambiguous instead of silently picking one.

    Raises:
        ParameterError: for an unknown name, with the closest valid names and the full list,
            or for a bare name that several groups share, with the qualified choices.
    """
    specs = registry()
    if name in specs:
        return name
    bare = [q for q, s in specs.items() if s.name == name]
    if len(bare) == 1:
        return bare[0]
    if bare:
        raise ParameterError(source, name, f"ambiguous: write one of {', '.join(bare)}")
    raise ParameterError(source, name, _unknown_message(name, specs))


def _unknown_message(name: str, specs: dict[str, ParamSpec]) -> str:
    """``unknown parameter; did you mean 'realist.kappa'? valid: chassis.beta, ...``."""
    candidates = {q: q for q in specs}
    for q, s in specs.items():
        candidates.setdefault(s.name, q)  # bare names point to their first qualified name
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    hint = f"; did you mean '{candidates[close[0]]}'?" if close else ";"
    return f"unknown parameter{hint} valid: {', '.join(specs)}"


def check_value(qualified: str, value: object, source: str = "parameters") -> float:
    """Validate one value of a qualified parameter against its range.

    Raises:
        ParameterError: unknown name, a non-number, or a value outside the range.
    """
    spec = registry().get(qualified)
    if spec is None:
        raise ParameterError(source, qualified, _unknown_message(qualified, registry()))
    if isinstance(value, bool | Mapping | list) or type(value).__name__ == "bool_":
        # strict: `kappa = true` is not 1.0; strings come from --set and are parsed below
        raise ParameterError(source, qualified, f"expected a number, got {short_repr(value)}")
    if isinstance(value, int) and value.bit_length() > 64:
        raise ParameterError(source, qualified, "expected a number, got an over-long integer")
    return spec.param.check(qualified, value, source)


def validate(params: Mapping[str, object] | None, source: str = "parameters") -> Nested:
    """Check a parameter mapping and return it in the nested format.

    Accepts the nested format ``{"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}``,
    qualified keys ``{"realist.kappa": 1.5}``, bare unique names ``{"kappa": 1.5}``, or a mix.
    A top-level ``provenance`` table is ignored.

    Returns:
        ``{group: {name: float}}`` with only the groups that have values.

    Raises:
        ParameterError: unknown names (listing the valid ones) or values out of range.
    """
    out: Nested = {}
    for key, value in (params or {}).items():
        if key == PROVENANCE_KEY:
            continue
        if isinstance(value, Mapping):
            for name, inner in value.items():
                _put(out, qualify(f"{key}.{name}", source), inner, source)
        else:
            _put(out, qualify(str(key), source), value, source)
    return out


def _put(out: Nested, qualified: str, value: object, source: str) -> None:
    group, name = qualified.split(".", 1)
    out.setdefault(group, {})[name] = check_value(qualified, value, source)


def parse_set(items: Iterable[str], source: str = "--set") -> Nested:
    """Parse ``--set`` overrides such as ``["realist.kappa=1.5", "chassis.mu=0.7"]``.

    Returns:
        The nested format, ``{"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}``; a later
        item overrides an earlier one.

    Raises:
        ParameterError: an item without ``=``, an unknown name or a value out of range.
    """
    out: Nested = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        if not sep or not name.strip():
            raise ParameterError(source, str(item), "expected NAME=VALUE, e.g. realist.kappa=1.5")
        _put(out, qualify(name.strip(), source), value.strip(), source)
    return out


def merge_params(*layers: Mapping[str, object] | None) -> Nested:
    """Merge parameter mappings, later layers winning per parameter (each is validated)."""
    out: Nested = {}
    for layer in layers:
        for group, values in validate(layer).items():
            out.setdefault(group, {}).update(values)
    return out


def default_params(paradigm: str | None = None) -> Nested:
    """Every default value in the nested format."""
    out: Nested = {}
    for spec in registry(paradigm).values():
        out.setdefault(spec.group, {})[spec.name] = spec.default
    return out


def resolve_params(
    params_file: str | Path | None = None,
    sets: Iterable[str] = (),
    *,
    with_defaults: bool = False,
) -> Nested:
    """The effective parameters of a run: defaults < ``--params FILE`` < ``--set``.

    Args:
        params_file: a TOML or YAML parameter file, or None.
        sets: ``--set NAME=VALUE`` items.
        with_defaults: include every default (otherwise only the overrides).

    Returns:
        The nested format, ready for ``run_ensemble(params=...)``.
    """
    from_file = load_params_file(params_file) if params_file else {}
    layers = [default_params() if with_defaults else {}, from_file, parse_set(sets)]
    return merge_params(*layers)


def flatten(params: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Nested ``{group: {name: v}}`` to qualified ``{"group.name": v}``."""
    return {f"{g}.{n}": v for g, values in params.items() for n, v in values.items()}


def nest(flat: Mapping[str, float]) -> Nested:
    """Qualified ``{"group.name": v}`` to nested ``{group: {name: v}}`` (no validation)."""
    out: Nested = {}
    for key, value in flat.items():
        group, name = key.split(".", 1)
        out.setdefault(group, {})[name] = value
    return out


# --------------------------------------------------------------------------------------
# Parameter files (TOML or YAML)
# --------------------------------------------------------------------------------------


def load_params_file(path: str | Path) -> Nested:
    """Read a parameter file: ``{chassis: {mu: 0.7}, realist: {kappa: 1.5}}``.

    TOML (``.toml``) is read with tomllib, YAML (``.yaml``/``.yml``) with ``safe_load``. An
    optional ``provenance`` table (who or what produced the values) is ignored here; read it
    with :func:`load_provenance`.

    Raises:
        ParameterError: a missing or unreadable file, a syntax error, unknown names or
            values out of range (naming the file).
    """
    table = _read_table(path)
    _refuse_text_values(table, str(path))
    return validate(table, str(path))


def _refuse_text_values(table: Mapping[str, Any], source: str, prefix: str = "") -> None:
    """A file's values are numbers: ``kappa = "1.5"`` is refused, not read as 1.5 (only
    ``--set`` passes text, which it parses)."""
    for key, value in table.items():
        if not prefix and key == PROVENANCE_KEY:
            continue
        if isinstance(value, Mapping):
            _refuse_text_values(value, source, f"{prefix}{key}.")
        elif isinstance(value, str):
            raise ParameterError(source, f"{prefix}{key}",
                                 f"expected a number, got the text {short_repr(value)}")


def load_provenance(path: str | Path) -> dict[str, Any]:
    """The ``provenance`` table of a parameter file (empty if there is none)."""
    value = _read_table(path).get(PROVENANCE_KEY) or {}
    return dict(value) if isinstance(value, Mapping) else {"note": value}


def _read_table(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    kind = _file_kind(path)
    if not path.exists():
        message = "cannot read the parameter file (No such file or directory)"
        raise ParameterError(str(path), "", message)
    text = read_text_file(
        path, limit=MAX_SCENARIO_BYTES, error=ParameterError, what="parameter file"
    )  # regular files only, size limit, binary and UTF-8 checks
    if kind == "toml":  # syntax, nesting depth and number size, one line each
        return _as_table(path, parse_toml(text, str(path), error=ParameterError))
    try:
        table = safe_load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(str(path), where, f"{kind.upper()} syntax error: {detail}") from None
    return _as_table(path, check_structure(table, str(path), error=ParameterError))


def _as_table(path: Path, table: Any) -> dict[str, Any]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ParameterError(str(path), "", "expected a mapping such as {realist: {kappa: 1.5}}")
    return table


def _file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise ParameterError(str(path), "", "expected a .toml, .yaml or .yml parameter file")


def dump_params_file(
    params: Mapping[str, object],
    path: str | Path,
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write parameters (validated) and an optional provenance table, atomically.

    The format follows the suffix (``.toml`` or ``.yaml``/``.yml``);
    :func:`load_params_file` reads back the same values.

    Args:
        params: any format :func:`validate` accepts.
        path: the file to write.
        provenance: strings, numbers, booleans, lists of those and nested tables.

    Returns:
        The path written.
    """
    path = Path(path)
    kind = _file_kind(path)
    table: dict[str, Any] = {g: dict(v) for g, v in validate(params, str(path)).items()}
    if provenance:
        table[PROVENANCE_KEY] = dict(provenance)
    if kind == "toml":
        text = _toml_text(table)
    else:
        text = yaml.safe_dump(table, sort_keys=False, allow_unicode=True)
    _atomic_write_text(path, text)
    return path


def _atomic_write_text(path: Path, text: str) -> None:
    from sim.core.files import write_text_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError as err:  # named by the user's path, never the temporary file's
        reason = err.strerror or type(err).__name__
        raise ParameterError(str(path), "", f"cannot write the parameter file ({reason})") from None


def _toml_text(table: Mapping[str, Any], prefix: str = "") -> str:
    """A small TOML writer for nested tables of scalars and lists of scalars."""
    scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for key, sub in tables.items():
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        lines += ["", f"[{name}]", _toml_text(sub, name).strip("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def _toml_key(key: object) -> str:
    key = str(key)
    return key if key and all(c.isalnum() or c in "_-" for c in key) else json.dumps(key)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    return json.dumps(str(value), ensure_ascii=False)
