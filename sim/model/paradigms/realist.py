"""Realism: balance of power and balance of threat."""

from __future__ import annotations

import numpy as np

from sim.model.paradigms.base import Appraisal, Paradigm, View, positive
from sim.model.parameter import Param


class Realist(Paradigm):
    """Balance of threat: Russia's hostility follows NATO's power, proximity and shown intent.

    Threat to Russia grows with NATO's capability lead multiplied by its occupancy of the
    former Soviet and Warsaw-Pact buffer (weighted by proximity); enlargement, out-of-area
    force and forward deployments are demonstrated intent and raise it; a common external
    threat lowers it. NATO reads Russia the same way: Russia's relative capability and its
    use of force. Russia's loss from a partner moving West grows with the partner's
    proximity and its westward drift, and is sharpened where Russia enjoys local superiority
    (opportunity).
    Partners balance against a threatening Russia but bandwagon where Russia is locally
    overwhelming. Institutions and democracy have no independent effect.

    Names:

    - Structural realism, anarchy and relative gains: [Waltz1979]_
    - Balance of threat (power, proximity, offensive intent): [Walt1987]_
    - Offensive realism; enlargement as provocation: [Mearsheimer2001]_, [Mearsheimer2014]_
    """

    name = "realist"
    parameters = {
        "kappa": Param(1.0, (0.0, 3.0), "weight of proximity / buffer occupancy"),
        "rho": Param(1.0, (0.0, 3.0), "sensitivity to relative gains and demonstrated intent"),
        "chi": Param(1.0, (0.0, 3.0), "opportunism where Russia has local superiority"),
    }
    references = ("Waltz1979", "Walt1987", "Mearsheimer2001", "Mearsheimer2014")

    def appraise(self, view: View) -> Appraisal:
        kappa, rho, chi = self.kappa, self.rho, self.chi
        intent_nato = view.enlargement + view.force + view.posture
        h_r = kappa * view.imbalance * view.occupancy + rho * intent_nato - view.xi
        h_n = kappa * (1.0 - view.imbalance) + rho * view.russia_force - view.xi
        westward = view.prospect + positive(view.alignment)
        opportunity = view.superiority * (1.0 - view.member)
        loss = view.w * westward * (kappa + chi * opportunity)
        value = kappa * view.w * view.imbalance + view.alignment
        threat_to_partner = view.w * (view.russia_force + view.coercion)
        pull = rho * threat_to_partner + kappa * view.prospect - chi * view.w * opportunity
        return Appraisal(h_r, h_n, loss, value, pull, np.zeros_like(h_r))
