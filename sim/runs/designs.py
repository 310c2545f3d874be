"""Parameter spaces and designs: which points a sweep evaluates.

A *design* is a table of parameter points over qualified names such as ``realist.kappa``
(one row per point, index = point number), built by :func:`design` over a space parsed by
:func:`parse_space`, and checked against a paradigm's parameters by :func:`check_points`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.errors import ParameterError
from sim.core.files import sha256_bytes
from sim.model.params import check_value, qualify, registry

DESIGNS = ("grid", "random", "lhs")


@dataclass(frozen=True)
class Dimension:
    """One swept parameter: qualified name and the closed range to sample."""

    name: str
    low: float
    high: float


def parse_space(
    items: Mapping[str, tuple[float, float] | None] | Iterable[str],
    source: str = "--vary",
) -> list[Dimension]:
    """Parse the swept parameters and their ranges.

    Args:
        items: ``{"realist.kappa": (0.5, 2.0), "chassis.mu": None}`` or strings
            ``["realist.kappa=0.5:2", "chassis.mu"]``; a missing range means the
            parameter's whole documented range.
        source: named in errors.

    Raises:
        ParameterError: unknown names, a malformed range, or a range outside the documented
            one.
    """
    pairs = items.items() if isinstance(items, Mapping) else map(_split_range, items)
    dims, seen = [], set()
    for raw_name, rng in pairs:
        name = qualify(str(raw_name).strip(), source)
        low, high = registry()[name].bounds if rng is None else rng
        low, high = check_value(name, low, source), check_value(name, high, source)
        if not low < high:
            raise ParameterError(source, name, f"expected LOW < HIGH, got {low}:{high}")
        if name in seen:
            raise ParameterError(source, name, "listed twice")
        seen.add(name)
        dims.append(Dimension(name, low, high))
    if not dims:
        raise ParameterError(source, "", "name at least one parameter to vary")
    return dims


def _split_range(item: str) -> tuple[str, tuple[float, float] | None]:
    name, sep, rng = str(item).partition("=")
    if not sep:
        return name, None
    low, colon, high = rng.partition(":")
    try:
        if not colon:
            raise ValueError
        return name, (float(low), float(high))
    except ValueError:
        raise ParameterError("--vary", str(item),
                             "expected NAME or NAME=LOW:HIGH, e.g. realist.kappa=0.5:2") from None


def design(
    kind: str, space: Sequence[Dimension], n: int, *, seed: int = 0
) -> pd.DataFrame:
    """A design over the space: one row per point, one column per qualified parameter.

    Args:
        kind: ``grid`` (``n`` evenly spaced levels per dimension, ``n ** d`` points),
            ``random`` (``n`` uniform points) or ``lhs`` (``n``-point Latin hypercube,
            scipy.stats.qmc).
        space: from :func:`parse_space`.
        n: levels per dimension (grid) or number of points.
        seed: seeds ``random`` and ``lhs``; the same seed gives the same design.

    Returns:
        A DataFrame indexed 0..N-1 (the point index).
    """
    if kind not in DESIGNS:
        raise ParameterError("--design", kind, f"expected one of {', '.join(DESIGNS)}")
    if int(n) < 1 or (kind == "grid" and int(n) < 2):
        raise ParameterError("--points", str(n), "expected at least 1 point (2 grid levels)")
    d = len(space)
    if kind == "grid":
        levels = [np.linspace(dim.low, dim.high, int(n)) for dim in space]
        mesh = np.meshgrid(*levels, indexing="ij")
        values = np.column_stack([m.ravel() for m in mesh])
    else:
        if kind == "random":
            unit = np.random.default_rng(seed).random((int(n), d))
        else:
            from scipy.stats import qmc

            unit = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(int(n))
        lows = np.array([dim.low for dim in space])
        highs = np.array([dim.high for dim in space])
        values = lows + unit * (highs - lows)
    frame = pd.DataFrame(values, columns=[dim.name for dim in space])
    frame.index.name = "point"
    return frame

def check_points(points: pd.DataFrame, paradigm: str) -> pd.DataFrame:
    """Qualify and range-check the design's columns; they must belong to the paradigm."""
    own = registry(paradigm)
    columns = {}
    for col in points.columns:
        name = qualify(str(col), "design")
        if name not in own:
            raise ParameterError("design", name, f"not a parameter of the chassis or {paradigm}")
        columns[col] = name
    points = points.rename(columns=columns)
    for name in points.columns:
        lo, hi = own[name].bounds
        bad = points[~points[name].between(lo, hi)]
        if len(bad):
            check_value(name, bad[name].iloc[0], f"design point {bad.index[0]}")
    return points


def design_sha256(points: pd.DataFrame) -> str:
    """SHA-256 of a design's point numbers, column names and values (exact float bits)."""
    head = json.dumps([list(map(str, points.columns)), points.index.astype("int64").tolist()])
    values = np.ascontiguousarray(points.to_numpy(dtype="float64")).tobytes()
    return sha256_bytes(head.encode() + values)
