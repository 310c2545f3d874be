"""The three paradigm modules. Adding one: a file with one class, and one line here."""

from sim.paradigms.base import Appraisal, Paradigm, View
from sim.paradigms.constructivist import Constructivist
from sim.paradigms.liberal import Liberal
from sim.paradigms.realist import Realist

PARADIGMS: dict[str, type[Paradigm]] = {
    cls.name: cls for cls in (Realist, Liberal, Constructivist)
}

__all__ = ["PARADIGMS", "Appraisal", "Paradigm", "View", "Realist", "Liberal", "Constructivist"]
