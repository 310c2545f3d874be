"""The paradigm registry, built from the ``natosim.paradigms`` entry-point group.

Every paradigm, the shipped ones included, is registered the same way: an entry point
``name = "module:Class"`` in the group :data:`GROUP` of some installed distribution's
metadata (``[project.entry-points."natosim.paradigms"]`` in its ``pyproject.toml``). So a
separate package adds a paradigm without touching natosim (docs/writing-a-paradigm.md).

Order is deterministic: the shipped paradigms first, in :data:`SHIPPED` order, then every
other one sorted by name. A plugin that cannot be imported, is not a
:class:`~sim.model.paradigms.base.Paradigm` subclass, has a ``name`` other than its
entry-point name, or reuses a registered name raises one :class:`PluginError` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from sim.core.errors import InputError
from sim.model.paradigms.base import Paradigm

#: The entry-point group every paradigm registers in.
GROUP = "natosim.paradigms"
#: The paradigms natosim ships, in their historical order (they come first in the registry).
SHIPPED: tuple[str, ...] = ("realist", "liberal", "constructivist")


class PluginError(InputError):
    """A paradigm plugin is broken: it cannot be loaded or does not fit the interface."""

    def __init__(self, name: str, value: str, message: str) -> None:
        super().__init__(f"paradigm plugin '{name}'", value, message)


def discover() -> list[EntryPoint]:
    """The installed entry points of :data:`GROUP`, in registry order."""
    return order(entry_points(group=GROUP))


def order(points: Iterable[EntryPoint]) -> list[EntryPoint]:
    """Shipped paradigms first in :data:`SHIPPED` order, then the others sorted by name.

    Two entry points with the same name (two distributions claiming it) are refused, unless
    they point at the same object (a package installed twice, e.g. editable and not).

    Raises:
        PluginError: the same name registered for two different objects.
    """
    by_name: dict[str, EntryPoint] = {}
    for point in points:
        seen = by_name.get(point.name)
        if seen is not None and seen.value != point.value:
            raise PluginError(point.name, point.value,
                              f"name already registered by {seen.value}; choose another name")
        by_name[point.name] = point

    def key(name: str) -> tuple[int, int, str]:
        shipped = name in SHIPPED
        return (0 if shipped else 1, SHIPPED.index(name) if shipped else 0, name)

    return [by_name[n] for n in sorted(by_name, key=key)]


def load(point: EntryPoint) -> type[Paradigm]:
    """Import one entry point and check that it is a paradigm class of that name.

    Raises:
        PluginError: the import fails, or the object is not a ``Paradigm`` subclass whose
            ``name`` is the entry-point name.
    """
    try:
        cls = point.load()
    except Exception as exc:  # any import-time failure of third-party code
        raise PluginError(point.name, point.value,
                          f"cannot be loaded ({type(exc).__name__}: {exc})") from exc
    if not (isinstance(cls, type) and issubclass(cls, Paradigm)) or cls is Paradigm:
        raise PluginError(point.name, point.value,
                          "expected a subclass of sim.model.paradigms.base.Paradigm")
    if cls.name != point.name:
        raise PluginError(point.name, point.value,
                          f"the class's name is {cls.name!r}; it must be the entry-point name")
    return cls


def build(points: Iterable[EntryPoint] | None = None) -> dict[str, type[Paradigm]]:
    """The registry: paradigm name -> class, in registry order.

    Args:
        points: entry points to use instead of the installed ones (tests).

    Raises:
        PluginError: a broken plugin (named in the message).
    """
    chosen = discover() if points is None else order(points)
    return {point.name: load(point) for point in chosen}


def describe() -> list[dict[str, str]]:
    """One row per registered paradigm: name, entry point, distribution, parameters, cites.

    For ``natosim paradigms``; the parameters are qualified (``name.parameter``).
    """
    rows = []
    for point in discover():
        cls = load(point)
        dist = point.dist
        rows.append({
            "name": point.name,
            "entry_point": point.value,
            "distribution": f"{dist.name} {dist.version}" if dist is not None else "",
            "parameters": ", ".join(f"{point.name}.{n}" for n in cls.parameters),
            "references": ", ".join(cls.references),
        })
    return rows
