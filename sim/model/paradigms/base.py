"""The paradigm interface: a read-only view of the world in, an appraisal out.

A paradigm never touches the model. The chassis builds a :class:`View` (numpy arrays over
K replicas and P partners), calls :meth:`Paradigm.appraise`, and applies the same
behavioural rules to whatever appraisal comes back. That is what makes the comparison fair:
the paradigms differ only in how they read the world.

Shapes: ``(K, 1)`` columns for dyad-level quantities, ``(K, P)`` for partner-level state,
``(P,)`` for partner attributes and inputs that are the same in every replica, floats for
year inputs. Parameters are floats, or ``(K, 1)`` columns when every replica has its own
value (a vectorised design: one replica per point); with these shapes every formula
broadcasts the same way, so a paradigm is written once for both. The chassis flattens the
dyad-level outputs back to ``(K,)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.core.errors import ParameterError
from sim.model.parameter import Param


@dataclass(frozen=True)
class View:
    """What every paradigm may look at in a given year (read-only).

    Dyad-level, ``(K, 1)``:
        inst: institutional density S/4 in [0, 1].
        imbalance: NATO's capability lead, 2 * C_N / (C_N + C_R) - 1, in [-1, 1]
            (C = simulated burden x GDP).
        occupancy: NATO's weighted occupancy of the former Soviet / Warsaw-Pact buffer,
            sum(w * buffer * prospect) / sum(w * buffer), in [0, 1].
        enlargement: decaying pulse of enlargement steps (accession round 1, invitation or
            pledge 0.5), each scaled by the proximity w of its nearest partner.
        russia_force: Russia's demonstrated force last year, max over partners of F / 3.
        memory: the paradigm's own state from last year (e.g. collective identity).

    Year inputs (float, the same in every replica):
        xi: common external threat pulse (9/11).
        force: pulse of NATO out-of-area force; force_unmandated: the part without a UN mandate.
        posture: pulse of NATO deterrence deployments near Russia.
        exclusion: pulse of Western moves taken over Russia's objection.
        dem_russia, dem_west: V-Dem polyarchy of Russia and of the United States.
        trade_russia_west: share of Russia's trade that is with NATO members (COW).

    Partner-level:
        w, buffer, former_ussr: ``(P,)`` proximity weight, former USSR or Warsaw Pact, former USSR.
        dem, trade_rus, trade_west: ``(P,)`` polyarchy and trade shares this year.
        alignment, prospect, member, coercion, superiority: ``(K, P)``: alignment a,
            membership prospect in [0, 1], member flag, last year's coercion F / 3,
            and Russia's local military superiority over the partner in [0, 1]
            (0 for members: Article 5 puts NATO's capability behind them).
        active: ``(P,)`` whether the partner exists as a state this year.
    """

    year: int
    inst: np.ndarray
    imbalance: np.ndarray
    occupancy: np.ndarray
    enlargement: np.ndarray
    russia_force: np.ndarray
    memory: np.ndarray
    xi: float
    force: float
    force_unmandated: float
    posture: float
    exclusion: float
    dem_russia: float
    dem_west: float
    trade_russia_west: float
    w: np.ndarray
    buffer: np.ndarray
    former_ussr: np.ndarray
    dem: np.ndarray
    trade_rus: np.ndarray
    trade_west: np.ndarray
    alignment: np.ndarray
    prospect: np.ndarray
    member: np.ndarray
    coercion: np.ndarray
    superiority: np.ndarray
    active: np.ndarray


@dataclass(frozen=True)
class Appraisal:
    """A paradigm's reading of the world in one year.

    Attributes:
        H_R: Russia's perceived hostility of NATO, ``(K, 1)`` or ``(K,)``.
        H_N: NATO's perceived hostility of Russia, ``(K, 1)`` or ``(K,)``.
        L_R: Russia's loss if each partner moves West, ``(K, P)``.
        V_N: NATO's value of enlarging to each partner, ``(K, P)``.
        G: each partner's pull toward NATO, ``(K, P)``.
        memory: the paradigm's state to carry to next year, ``(K, 1)`` or ``(K,)``.
    """

    H_R: np.ndarray
    H_N: np.ndarray
    L_R: np.ndarray
    V_N: np.ndarray
    G: np.ndarray
    memory: np.ndarray


class Paradigm:
    """Base class: three free parameters, citations, and a pure ``appraise``.

    Subclasses set ``name``, ``parameters`` (exactly three :class:`Param`), ``references``
    (keys into sim/data/references.yaml), and implement :meth:`appraise` and, if they keep
    state, :meth:`initial_memory`.
    """

    name: ClassVar[str] = ""
    parameters: ClassVar[dict[str, Param]] = {}
    references: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **values: float) -> None:
        self.values: dict[str, float] = {n: p.default for n, p in self.parameters.items()}
        for key, value in values.items():
            if key not in self.parameters:
                valid = ", ".join(self.parameters)
                raise ParameterError(
                    f"paradigm {self.name}", key, f"unknown parameter; valid: {valid}"
                )
            checked = self.parameters[key].check_any(key, value, f"paradigm {self.name}")
            # one value per replica: a (K, 1) column, which broadcasts against (K, 1)
            # dyad-level and (K, P) partner-level arrays alike
            self.values[key] = checked if np.ndim(checked) == 0 else checked[:, None]

    def __getattr__(self, item: str) -> float:
        values = self.__dict__.get("values", {})
        if item in values:
            return values[item]
        raise AttributeError(item)

    def initial_memory(self, replicas: int) -> np.ndarray:
        """The paradigm's state at the start of the run, ``(K,)`` (zeros if it keeps none)."""
        return np.zeros(replicas)

    def appraise(self, view: View) -> Appraisal:  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" if np.ndim(v) == 0 else f"{k}=<{len(v)} values>"
                         for k, v in self.values.items())
        return f"{type(self).__name__}({args})"


def positive(x: np.ndarray) -> np.ndarray:
    """The positive part max(x, 0): movement West counts, movement East does not."""
    return np.maximum(x, 0.0)
