"""The three paradigm modules. Adding one: a file with one class, and one line here."""

from sim.model.paradigms.base import Appraisal, Paradigm, View
from sim.model.paradigms.constructivist import Constructivist
from sim.model.paradigms.liberal import Liberal
from sim.model.paradigms.realist import Realist

PARADIGMS: dict[str, type[Paradigm]] = {
    cls.name: cls for cls in (Realist, Liberal, Constructivist)
}

__all__ = ["PARADIGMS", "Appraisal", "Paradigm", "View", "Realist", "Liberal", "Constructivist"]
