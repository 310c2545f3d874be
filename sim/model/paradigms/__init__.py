"""The paradigms: the interface (:mod:`.base`) and the registry :data:`PARADIGMS`.

:data:`PARADIGMS` maps each paradigm's name to its class. It is built from the
``natosim.paradigms`` entry points (:mod:`.registry`), the shipped paradigms included, so
adding one is one file with one class and one entry-point line (docs/writing-a-paradigm.md).
Everything outside this package iterates :data:`PARADIGMS` instead of naming a paradigm.
"""

from sim.model.paradigms.base import Appraisal, Paradigm, View
from sim.model.paradigms.registry import GROUP, PluginError, build

#: name -> paradigm class: the shipped paradigms first, then plugins sorted by name.
PARADIGMS: dict[str, type[Paradigm]] = build()

__all__ = ["GROUP", "PARADIGMS", "Appraisal", "Paradigm", "PluginError", "View"]
