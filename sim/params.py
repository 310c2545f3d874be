"""Every free parameter, once, with its range, meaning and provenance; parameter files.

The chassis parameters live here (``CHASSIS``); each paradigm declares its own three in its
module. :func:`registry` lists them all under qualified names (``chassis.mu``,
``realist.kappa``). Overrides use the nested format ``{"chassis": {"mu": 0.7},
"realist": {"kappa": 1.5}}``, which :func:`parse_set` (``--set``), :func:`load_params_file`
(TOML or YAML, ``--params``) and :func:`resolve_params` (defaults < file < ``--set``) return
and ``sim.experiments.split_params`` accepts.

Provenance vocabulary (after Covasim): ``assumption`` (a modelling choice, documented in
docs/model.md), ``sourced`` (with a reference key from sim/data/references.yaml),
``calibrated`` (fitted; none yet: calibration is a separate step and never edits this file).
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ParameterError
from sim.safeload import MAX_SCENARIO_BYTES, read_text_file, safe_load_yaml

#: The nested parameter format: ``{"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}``.
Nested = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Param:
    """A free parameter: default value, closed range, meaning and provenance."""

    default: float
    bounds: tuple[float, float]
    meaning: str
    provenance: str = "assumption"

    def check(self, name: str, value: float, source: str = "parameters") -> float:
        """Return ``value`` as float, or raise ParameterError if it is outside the range."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ParameterError(source, name, f"expected a number, got {value!r}") from None
        lo, hi = self.bounds
        if not (lo <= value <= hi):  # also rejects NaN
            raise ParameterError(source, name, f"value {value} is outside its range [{lo}, {hi}]")
        return value

    def check_any(self, name: str, value: Any, source: str = "parameters") -> Any:
        """Like :meth:`check`, but a sequence or array gives one value per replica.

        Returns a float for a scalar, else a float array of shape ``(K,)`` (every element
        checked against the range).
        """
        import numpy as np

        if np.ndim(value) == 0:
            return self.check(name, value, source)
        try:
            arr = np.asarray(value, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ParameterError(source, name, "expected numbers, one per replica") from None
        lo, hi = self.bounds
        bad = ~((arr >= lo) & (arr <= hi))  # also rejects NaN
        if bad.any():
            value = arr[bad][0]
            raise ParameterError(source, name, f"value {value} is outside its range [{lo}, {hi}]")
        return arr


# Shared chassis parameters: identical for every paradigm (MODEL.md "One chassis").
CHASSIS: dict[str, Param] = {
    "beta": Param(3.0, (0.5, 10.0), "choice sharpness of every logistic decision"),
    "mu": Param(0.6, (0.0, 0.95), "inertia of relation, alignment, arming and coercion propensity"),
    "psi": Param(0.3, (0.0, 1.5), "arming elasticity: target burden = baseline * exp(psi * H)"),
    "h_bar": Param(1.0, (0.0, 3.0), "hostility threshold for suspending institutions"),
    "c_E": Param(0.5, (-2.0, 3.0), "NATO's cost of enlargement (invitation threshold on V_N)"),
    "c_F": Param(1.0, (0.1, 3.0), "coercion cut-point spacing on Russia's loss L_R"),
}

# Structural constants: fixed, not fitted (changing them is a different model, not a tweak).
CONSTANTS: dict[str, float] = {
    "sigma_R": 0.05,        # sd of yearly shocks to R (assumption)
    "sigma_a": 0.05,        # sd of yearly shocks to partner alignment (assumption)
    "pulse_decay": 0.5,     # yearly decay of event pulses: half-life one year (assumption)
    "burden_min": 0.5,      # % of GDP, lower bound on either side's burden (assumption)
    "burden_max": 15.0,     # % of GDP, upper bound (assumption; Russia 2024 is about 7 %)
    "article5_cost": 1.0,   # extra loss-units Russia must exceed to coerce a member (assumption)
    "accession_lag": 2.0,   # years from invitation to accession in free mode (1997->1999,
                            # 2002->2004 in the chronology)
    "apply_threshold": 0.5,  # partners with alignment above this apply (MODEL.md)
    "pledge_prospect": 0.5,  # prospect value of a membership pledge without MAP (assumption)
}

# Prospect of membership by partner status (0 none, 1 PfP, 2 MAP/invited, 3 member).
PROSPECT_BY_STATUS = (0.0, 0.25, 0.75, 1.0)


def chassis_params(overrides: dict[str, float] | None = None, source: str = "parameters"):
    """Chassis parameter values: defaults updated with validated overrides."""
    values = {name: p.default for name, p in CHASSIS.items()}
    for name, value in (overrides or {}).items():
        if name not in CHASSIS:
            valid = ", ".join(CHASSIS)
            raise ParameterError(source, name, f"unknown chassis parameter; valid: {valid}")
        values[name] = CHASSIS[name].check_any(name, value, source)
    return values


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
    from sim.paradigms import PARADIGMS  # paradigms import this module: import late

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

    Raises:
        ParameterError: for an unknown name, with the closest valid names and the full list.
    """
    specs = registry()
    if name in specs:
        return name
    bare = [q for q, s in specs.items() if s.name == name]
    if len(bare) == 1:
        return bare[0]
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
    return validate(_read_table(path), str(path))


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
    )  # size limit, binary and UTF-8 checks
    try:
        table = tomllib.loads(text) if kind == "toml" else safe_load_yaml(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(str(path), where, f"{kind.upper()} syntax error: {detail}") from None
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
    from sim.io import write_text_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)


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
