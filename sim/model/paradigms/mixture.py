"""The encompassing model: a convex mixture of the three paradigms' appraisals.

Not a fourth theory and not in ``PARADIGMS``: it exists to ask which reading of the world the
observed record prefers when all three may contribute (an encompassing test). Only the two
free weights are fitted; each component keeps the parameters it was given (calibrated or
default).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.core.errors import ParameterError
from sim.model.paradigms.base import Appraisal, Paradigm, View
from sim.model.parameter import Param

#: Component order of the weights (and of the stick-breaking).
COMPONENTS: tuple[str, ...] = ("realist", "liberal", "constructivist")
_FIELDS = ("H_R", "H_N", "L_R", "V_N", "G")


def stick_breaking(u1: float, u2: float) -> np.ndarray:
    """Map two numbers in [0, 1] to three weights on the simplex.

    ``w1 = 1 - sqrt(1 - u1)``, ``w2 = (1 - w1) u2``, ``w3 = (1 - w1)(1 - u2)``. With
    ``u1, u2`` uniform the weights are uniform on the simplex (Dirichlet(1, 1, 1)): no
    component is favoured by the parametrisation, whatever its place in the order.
    """
    w1 = 1.0 - np.sqrt(1.0 - float(u1))
    return np.array([w1, (1.0 - w1) * float(u2), (1.0 - w1) * (1.0 - float(u2))])


def inverse_stick_breaking(weights: np.ndarray) -> tuple[float, float]:
    """The ``(u1, u2)`` of :func:`stick_breaking` for weights on the simplex."""
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    u1 = 1.0 - (1.0 - w[0]) ** 2
    rest = 1.0 - w[0]
    u2 = w[1] / rest if rest > 0 else 0.5
    return float(np.clip(u1, 0.0, 1.0)), float(np.clip(u2, 0.0, 1.0))


def _stateful(paradigm: Paradigm) -> bool:
    return type(paradigm).initial_memory is not Paradigm.initial_memory


class Mixture(Paradigm):
    """Appraisal = w_realist x realist + w_liberal x liberal + w_constructivist x constructivist.

    Every appraisal term (H_R, H_N, L_R, V_N, G) is the same convex combination of the three
    components' terms, each computed from the same view with the component's own parameters.
    The weights come from two free numbers ``u1, u2`` in [0, 1] by a stick-breaking map that
    is uniform on the simplex (:func:`stick_breaking`). The constructivist identity is
    carried as the mixture's memory, so it evolves exactly as it would in the constructivist
    run (at most one component may keep state).

    Names:

    - Encompassing tests of rival models: Mizon, G. E. and J.-F. Richard (1986), "The
      encompassing principle and its application to testing non-nested hypotheses",
      Econometrica 54(3), 657-678 (not a paradigm, so not in sim/data/references.yaml).
    """

    name = "mixture"
    parameters = {
        "u1": Param(5.0 / 9.0, (0.0, 1.0), "stick-breaking share of the first component"),
        "u2": Param(0.5, (0.0, 1.0), "stick-breaking split of the rest between the others"),
    }
    references = ()

    def __init__(self, components: Mapping[str, Paradigm] | None = None, **values: float) -> None:
        super().__init__(**values)
        from sim.model.paradigms import PARADIGMS

        given = dict(components or {})
        unknown = sorted(set(given) - set(COMPONENTS))
        if unknown:
            raise ParameterError("mixture", ",".join(unknown), f"components are {COMPONENTS}")
        self.components = {n: given.get(n) or PARADIGMS[n]() for n in COMPONENTS}
        stateful = [n for n, c in self.components.items() if _stateful(c)]
        if len(stateful) > 1:
            raise ParameterError("mixture", ",".join(stateful), "at most one stateful component")
        self._memory_of = stateful[0] if stateful else None

    @classmethod
    def from_weights(cls, weights: Mapping[str, float],
                     components: Mapping[str, Paradigm] | None = None) -> Mixture:
        """A mixture with the given weights (normalised to sum to one)."""
        u1, u2 = inverse_stick_breaking(np.array([weights[n] for n in COMPONENTS]))
        return cls(components, u1=u1, u2=u2)

    @property
    def weights(self) -> dict[str, float]:
        """The component weights, by name (they sum to one)."""
        w = stick_breaking(self.values["u1"], self.values["u2"])
        return dict(zip(COMPONENTS, (float(x) for x in w), strict=True))

    def initial_memory(self, replicas: int) -> np.ndarray:
        if self._memory_of is None:
            return np.zeros(replicas)
        return self.components[self._memory_of].initial_memory(replicas)

    def appraise(self, view: View) -> Appraisal:
        weights = self.weights
        parts = {n: c.appraise(view) for n, c in self.components.items()}
        mixed = {f: sum(weights[n] * np.asarray(getattr(parts[n], f)) for n in COMPONENTS)
                 for f in _FIELDS}
        memory = (parts[self._memory_of].memory if self._memory_of is not None
                  else np.zeros_like(np.asarray(mixed["H_R"], dtype=float)))
        return Appraisal(memory=memory, **mixed)
