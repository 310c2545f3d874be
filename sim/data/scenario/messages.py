"""Error translation: the first pydantic error of a scenario as ``(key path, plain words)``."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ValidationError

from sim.core.safeload import short_repr
from sim.data.scenario.assumptions import Assumptions, InputPath
from sim.data.scenario.milestone import Milestone
from sim.data.scenario.schema import Agents, Period
from sim.data.scenario.vocabulary import KeyedError, suggest

_MODEL_FOR_LOC: dict[str, type[BaseModel]] = {
    "period": Period,
    "agents": Agents,
    "milestones": Milestone,
    "add": Milestone,
    "assumptions": Assumptions,
}


def format_loc(loc: Sequence[str | int]) -> str:
    """Render a key path: ``("milestones", 3, "date")`` -> ``milestones[3].date``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel]:
    if not loc:
        return root
    if loc[0] == "assumptions" and len(loc) >= 3:  # assumptions.paths[i]
        return InputPath
    return _MODEL_FOR_LOC.get(str(loc[0]), root)


def first_error(exc: ValidationError, root: type[BaseModel]) -> tuple[str, str]:
    """Turn the first pydantic error into ``(key path, plain-words message)``.

    An unknown key is reported before anything else: a misspelt key also makes the intended
    one "missing", and "unknown key 'descripton'; did you mean 'description'?" says both.
    """
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, KeyedError):
        return format_loc(loc + cause.key), str(cause)
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc[:-1], root)
        return format_loc(loc), f"unknown key '{key}'{suggest(key, model.model_fields)}"
    if kind == "missing":
        return format_loc(loc), "required field missing"
    if kind == "literal_error":
        return format_loc(loc), f"expected {err['ctx']['expected']}, got {short_repr(err['input'])}"
    msg = msg.removeprefix("Value error, ").replace("Input should be", "expected", 1)
    got = short_repr(err["input"])
    return format_loc(loc), f"{msg} (got {got})" if kind != "value_error" else msg
