"""Social constructivism: collective identity built by practice, eroded by exclusion."""

from __future__ import annotations

import numpy as np

from sim.model.paradigms.base import Appraisal, Paradigm, View, positive
from sim.model.parameter import Param


class Constructivist(Paradigm):
    """Hostility is the absence of a shared identity, which practice builds and exclusion erodes.

    A collective identity A in [-1, 1] starts at A0 in 1991. Each year institutional
    practice (S/4) and common fate (a common external threat, 9/11) socialise the two sides
    toward a shared identity at rate sigma, and exclusion events erode it with penalty omega:
    enlargements without Russia, out-of-area force, deterrence deployments that name Russia
    as the threat, moves taken over Russia's objection, and Russian coercion of partners read
    as a norm violation. Both sides' hostility is -A. Russia's loss when a partner moves West is
    larger the more NATO is the Other, and larger still in the former Soviet space, where
    status denial bites. NATO values enlarging to democratic, like-minded partners, with
    restraint while it shares an identity with Russia; partners are pulled West by
    identification with the community of democracies.

    Names:

    - Collective identity; common fate as one of its master variables: [Wendt1999]_
    - Security communities built by practice: [AdlerBarnett1998]_
    - Russia, NATO enlargement and identity/othering: [WilliamsNeumann2000]_
    - Practice and the NATO-Russia relationship: [Pouliot2010]_
    """

    name = "constructivist"
    parameters = {
        "sigma": Param(0.2, (0.0, 1.0), "socialisation rate of institutional practice"),
        "omega": Param(0.5, (0.0, 2.0), "othering / status-denial penalty of exclusion"),
        "A0": Param(0.3, (-1.0, 1.0), "initial collective identity in 1991"),
    }
    references = ("Wendt1999", "AdlerBarnett1998", "WilliamsNeumann2000", "Pouliot2010")

    def initial_memory(self, replicas: int) -> np.ndarray:
        return np.broadcast_to(np.ravel(self.A0), (replicas,)).astype(float)

    def identity(self, view: View) -> np.ndarray:
        """This year's collective identity from last year's and this year's practice."""
        a = view.memory
        practice = view.inst + view.xi  # shared institutions; common fate (9/11)
        exclusion = (view.enlargement + view.force + view.posture + view.exclusion
                     + view.russia_force)
        change = self.sigma * practice * (1.0 - a) - self.omega * exclusion * (1.0 + a) / 2.0
        return np.clip(a + change, -1.0, 1.0)

    def appraise(self, view: View) -> Appraisal:
        identity = self.identity(view)
        otherness = (1.0 - identity) / 2.0
        westward = view.prospect + positive(view.alignment)
        loss = view.w * westward * (otherness + self.omega * view.former_ussr)
        value = view.dem + positive(view.alignment) - (1.0 + identity) / 2.0
        pull = 2.0 * (view.dem - 0.5) + view.prospect
        hostility = -identity
        return Appraisal(hostility, hostility.copy(), loss, value, pull * np.ones_like(loss),
                         identity)
