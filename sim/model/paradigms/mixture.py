"""The encompassing model: a convex mixture of every registered paradigm's appraisal.

Not a paradigm of its own and not in ``PARADIGMS``: it exists to ask which reading of the
world the observed record prefers when all of them may contribute (an encompassing test).
Its components are the whole registry (:func:`components`, N >= 2), so a plugin paradigm
joins the mixture with no edit here. Only the N - 1 free weights are fitted; each component
keeps the parameters it was given (calibrated or default).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.core.errors import ParameterError
from sim.model.paradigms.base import Appraisal, Paradigm, View
from sim.model.parameter import Param

_FIELDS = ("H_R", "H_N", "L_R", "V_N", "G")


def components() -> tuple[str, ...]:
    """The mixture's components: every registered paradigm, in registry order."""
    from sim.model.paradigms import PARADIGMS

    return tuple(PARADIGMS)


def stick_breaking(*u: float) -> np.ndarray:
    """Map N - 1 numbers in [0, 1] to N weights on the simplex.

    Piece k (of N) takes the share ``v_k = 1 - (1 - u_k) ** (1 / (N - k))`` of what the
    earlier pieces left; the last piece takes the rest. ``v_k`` is the inverse CDF of
    Beta(1, N - k) at ``u_k``, so with every ``u_k`` uniform the weights are uniform on the
    simplex (Dirichlet(1, ..., 1)): no component is favoured by the parametrisation, whatever
    its place in the order. For N = 3: ``w1 = 1 - sqrt(1 - u1)``, ``w2 = (1 - w1) u2``,
    ``w3 = (1 - w1)(1 - u2)``.
    """
    n = len(u) + 1
    weights, rest = [], 1.0
    for k, uk in enumerate(u, start=1):
        share = 1.0 - (1.0 - float(uk)) ** (1.0 / (n - k))
        weights.append(rest * share)
        rest *= 1.0 - share
    return np.array([*weights, rest])


def inverse_stick_breaking(weights: np.ndarray) -> tuple[float, ...]:
    """The ``u`` of :func:`stick_breaking` for N weights on the simplex (N - 1 numbers)."""
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    n, rest, out = len(w), 1.0, []
    for k in range(1, n):
        share = w[k - 1] / rest if rest > 0 else 1.0 / (n - k + 1)
        share = float(np.clip(share, 0.0, 1.0))
        out.append(float(np.clip(1.0 - (1.0 - share) ** (n - k), 0.0, 1.0)))
        rest *= 1.0 - share
    return tuple(out)


def weight_parameters(n: int) -> dict[str, Param]:
    """The N - 1 stick-breaking numbers ``u1 .. u{N-1}``; defaults give equal weights."""
    if n < 2:
        raise ParameterError("mixture", str(n), "needs at least two registered paradigms")
    equal = inverse_stick_breaking(np.ones(n))
    return {f"u{k}": Param(float(equal[k - 1]), (0.0, 1.0),
                           f"stick-breaking share of component {k} in what is left")
            for k in range(1, n)}


def stateful(paradigm: Paradigm | type[Paradigm]) -> bool:
    """Whether a paradigm keeps state from year to year (overrides ``initial_memory``)."""
    cls = paradigm if isinstance(paradigm, type) else type(paradigm)
    return cls.initial_memory is not Paradigm.initial_memory


def stateful_components(paradigms) -> list[str]:  # noqa: ANN001 - paradigms or classes
    """The names of the stateful paradigms among ``paradigms`` (instances or classes)."""
    return [p.name for p in paradigms if stateful(p)]


class Mixture(Paradigm):
    """Appraisal = sum over the registered paradigms of weight x that paradigm's appraisal.

    Every appraisal term (H_R, H_N, L_R, V_N, G) is the same convex combination of the
    components' terms, each computed from the same view with the component's own
    parameters. The N weights come from N - 1 free numbers ``u1 .. u{N-1}`` in [0, 1] by a
    stick-breaking map that is uniform on the simplex (:func:`stick_breaking`). A component
    that keeps state (e.g. a collective identity) has its memory carried as the mixture's,
    so it evolves exactly as it would in its own run (at most one component may keep state).

    Names:

    - Encompassing tests of rival models: Mizon, G. E. and J.-F. Richard (1986), "The
      encompassing principle and its application to testing non-nested hypotheses",
      Econometrica 54(3), 657-678 (not a paradigm, so not in sim/data/references.yaml).
    """

    name = "mixture"
    parameters = weight_parameters(max(len(components()), 2))
    references = ()

    def __init__(self, components: Mapping[str, Paradigm] | None = None, **values: float) -> None:
        from sim.model.paradigms import PARADIGMS

        names = tuple(PARADIGMS)
        self.parameters = weight_parameters(len(names))  # the registry as it is now
        super().__init__(**values)
        given = dict(components or {})
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ParameterError("mixture", ",".join(unknown), f"components are {names}")
        self.components = {n: given.get(n) or PARADIGMS[n]() for n in names}
        stateful = stateful_components(self.components.values())
        if len(stateful) > 1:
            raise ParameterError("mixture", ",".join(stateful), "at most one stateful component")
        self._memory_of = stateful[0] if stateful else None

    @classmethod
    def from_weights(cls, weights: Mapping[str, float],
                     components: Mapping[str, Paradigm] | None = None) -> Mixture:
        """A mixture with the given weights (normalised to sum to one), one per component."""
        u = inverse_stick_breaking(np.array([weights[n] for n in _registered()]))
        return cls(components, **{f"u{k}": x for k, x in enumerate(u, start=1)})

    @property
    def weights(self) -> dict[str, float]:
        """The component weights, by name (they sum to one)."""
        w = stick_breaking(*(self.values[f"u{k}"] for k in range(1, len(self.components))))
        return dict(zip(self.components, (float(x) for x in w), strict=True))

    def initial_memory(self, replicas: int) -> np.ndarray:
        if self._memory_of is None:
            return np.zeros(replicas)
        return self.components[self._memory_of].initial_memory(replicas)

    def appraise(self, view: View) -> Appraisal:
        weights = self.weights
        parts = {n: c.appraise(view) for n, c in self.components.items()}
        mixed = {f: sum(weights[n] * np.asarray(getattr(parts[n], f)) for n in parts)
                 for f in _FIELDS}
        memory = (parts[self._memory_of].memory if self._memory_of is not None
                  else np.zeros_like(np.asarray(mixed["H_R"], dtype=float)))
        return Appraisal(memory=memory, **mixed)


def _registered() -> tuple[str, ...]:
    return components()
