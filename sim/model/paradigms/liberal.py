"""Liberalism: interdependence, democratic peace and institutions."""

from __future__ import annotations

import numpy as np

from sim.model.paradigms.base import Appraisal, Paradigm, View, positive
from sim.model.parameter import Param


class Liberal(Paradigm):
    """Interdependence, joint democracy and institutional density make cooperation pay.

    Hostility falls with Russia's trade with NATO members, with joint democracy and with
    institutional density (S/4). An autocratic Russia fears democratic neighbours moving
    West (the weak link: Russia's own polyarchy), and NATO distrusts an autocratic Russia.
    Force without a UN mandate is an institutional bypass and raises Russia's hostility;
    Russian force against partners breaks institutional commitments and raises NATO's (both
    weighted by the institutional parameter). Partners are pulled West by trade with
    the West, by being more democratic than Russia, and by institutional prospects; trade
    with Russia raises Russia's cost of coercing them.

    Names:

    - Complex interdependence and institutions: [KeohaneNye1977]_
    - Kantian peace (trade, democracy, IGOs; the weak link): [RussettOneal2001]_
    - Preferences from domestic regimes: [Moravcsik1997]_
    """

    name = "liberal"
    parameters = {
        "lambda_X": Param(1.0, (0.0, 3.0), "weight of economic interdependence (trade shares)"),
        "lambda_D": Param(1.0, (0.0, 3.0),
                          "weight of democracy (Russia's polyarchy: the weak link)"),
        "lambda_I": Param(1.0, (0.0, 3.0), "weight of institutional density and bypass"),
    }
    references = ("KeohaneNye1977", "RussettOneal2001", "Moravcsik1997")

    def appraise(self, view: View) -> Appraisal:
        lx, ld, li = self.lambda_X, self.lambda_D, self.lambda_I
        autocracy = 1.0 - view.dem_russia
        westward = view.prospect + positive(view.alignment)
        weights = view.w * view.active
        total = weights.sum()  # no active partner with weight (a one-partner scenario
        # before its independence): nothing to fear, not 0 / 0
        fear = ((westward * view.dem * weights).sum(axis=1, keepdims=True) / (2.0 * total)
                if total > 0 else np.zeros((westward.shape[0], 1)))
        ties = lx * view.trade_russia_west + li * view.inst
        h_r = ld * autocracy * (1.0 + fear) - ties + li * view.force_unmandated - view.xi
        h_n = ld * autocracy - ties + li * view.russia_force - view.xi
        loss = view.w * (ld * autocracy * view.dem * westward - lx * view.trade_rus)
        value = ld * view.dem + lx * view.trade_west + li * view.prospect
        pull = (
            lx * (view.trade_west - view.trade_rus)
            + ld * (view.dem - view.dem_russia)
            + li * view.prospect
        )
        return Appraisal(h_r, h_n, loss, value, pull, np.zeros_like(h_r))
