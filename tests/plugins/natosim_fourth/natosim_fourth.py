"""A fourth paradigm for tests only: the whole of a contributor's paradigm, in one file.

It exists to exercise the plugin path (the ``natosim.paradigms`` entry point) end to end,
not as a theory of NATO-Russia relations. It deliberately shares the bare parameter name
``kappa`` with the shipped realist paradigm: qualified names (``fourth.kappa``,
``realist.kappa``) keep the two apart.
"""

from __future__ import annotations

import numpy as np

from sim.model.paradigms.base import Appraisal, Paradigm, View, positive
from sim.model.parameter import Param


class Fourth(Paradigm):
    """Threat tempered by institutions: a test blend of two shipped readings.

    Russia's hostility grows with NATO's capability lead and its enlargement, and falls with
    institutional density; NATO's grows with Russia's use of force. Russia's loss from a
    partner moving West grows with proximity; partners are pulled West by Russian coercion
    and by trade with the West.

    Names:

    - Balance of threat (power, proximity, offensive intent): [Walt1987]_
    - Institutions lower the cost of cooperation: [KeohaneNye1977]_
    """

    name = "fourth"
    parameters = {
        "kappa": Param(1.0, (0.0, 3.0), "weight of NATO's capability lead and enlargement"),
        "eta": Param(1.0, (0.0, 3.0), "weight of proximity in Russia's loss and in the pull"),
        "tau": Param(1.0, (0.0, 3.0), "weight of institutional density and trade"),
    }
    references = ("Walt1987", "KeohaneNye1977")

    def appraise(self, view: View) -> Appraisal:
        kappa, eta, tau = self.kappa, self.eta, self.tau
        h_r = kappa * (view.imbalance + view.enlargement) - tau * view.inst - view.xi
        h_n = kappa * view.russia_force - tau * view.inst - view.xi
        loss = eta * view.w * positive(view.alignment + view.prospect)
        value = kappa * view.w * view.imbalance + view.alignment
        pull = eta * view.w * view.coercion + tau * view.trade_west - view.trade_rus
        return Appraisal(h_r, h_n, loss, value, pull, np.zeros_like(h_r))
