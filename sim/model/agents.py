"""The model's agents: NATO, Russia, the partner states, and scheduled milestones.

Each agent's state is a numpy vector over the replicas of its model
(:class:`~sim.model.model.NatoRussiaModel`), so one agent stands for the actor in every
replica; a partner is a column of the model's (replica x partner) arrays.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.model import chassis
from sim.model.parameter import CONSTANTS


class Nato(mesa.Agent):
    """The Alliance as one collective actor: its military burden (% GDP) per replica."""

    def __init__(self, model: mesa.Model, burden: np.ndarray) -> None:
        super().__init__(model)
        self.burden = burden
        self.baseline = float(burden[0])
        self.hostility0: np.ndarray | float = 0.0  # set once the first appraisal is known

    def arm(self, hostility: np.ndarray) -> None:
        """Move the burden toward baseline * exp(psi * (H - H_start)).

        Hostility is measured from its own value in the first year, as R starts at the
        paradigm's own first-year level: the observed first-year burden is where every
        paradigm's arming starts and rests while its hostility is unchanged, whatever the
        paradigm's natural scale.
        """
        m = self.model
        self.burden = chassis.arming(
            self.burden, self.baseline, hostility - self.hostility0, m.p["mu"], m.p["psi"],
            CONSTANTS["burden_min"], CONSTANTS["burden_max"],
        )


class Russia(Nato):
    """Russia: military burden, and a coercion propensity toward each partner."""

    def __init__(self, model: mesa.Model, burden: np.ndarray, partners: int) -> None:
        super().__init__(model, burden)
        self.propensity = np.zeros((len(burden), partners))

    def coerce(self, loss: np.ndarray, u: np.ndarray) -> np.ndarray:
        m = self.model
        self.propensity, level = chassis.coercion(
            self.propensity, loss, m.member, m.active_now, m.pc["mu"], m.pc["beta"],
            m.pc["c_F"], CONSTANTS["article5_cost"], u,
        )
        return level


class Partner(mesa.Agent):
    """A partner state: a column of the model's (replica x partner) arrays."""

    def __init__(self, model: mesa.Model, iso3: str, column: int) -> None:
        super().__init__(model)
        self.iso3 = iso3
        self.column = column

    @property
    def alignment(self) -> np.ndarray:
        return self.model.alignment[:, self.column]

    @property
    def status(self) -> np.ndarray:
        return self.model.status[:, self.column]

    def raise_status(self, level: int) -> None:
        col = self.model.status[:, self.column]
        np.maximum(col, level, out=col)

    def shock(self, magnitude: float) -> None:
        col = self.model.alignment[:, self.column]
        np.clip(col + magnitude, -1.0, 1.0, out=col)


class Milestone:
    """A scheduled input milestone; ``fire`` is the bound method Mesa calls at its date."""

    def __init__(self, model: mesa.Model, milestone) -> None:
        self.model = model
        self.milestone = milestone

    def fire(self) -> None:
        self.model.apply_milestone(self.milestone)
