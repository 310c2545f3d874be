"""What each input milestone does to the model's state (a mixin of the model).

Mesa calls :meth:`MilestoneRules.apply_milestone` at the milestone's date; the handler is
``_on_<type>`` for the milestone's type (``sim.data.scenario`` vocabulary). A type without a
handler is logged and changes nothing. Definitions: ``docs/model.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.parameter import CONSTANTS


class MilestoneRules:
    """The milestone handlers of :class:`~sim.model.model.NatoRussiaModel`."""

    def apply_milestone(self, m) -> None:
        """Apply one input milestone (called by Mesa at the milestone's date)."""
        handler = getattr(self, f"_on_{m.type}", None)
        self.event_log.append((self.time, m.id))
        if handler is not None:
            handler(m)

    def _partners_of(self, m) -> list[Any]:
        return [self.partner_agents[self.inputs.partners.index(a)]
                for a in m.actors if a in self.inputs.partners]

    def _on_institution_offer(self, m) -> None:
        self.menu = max(self.menu, int(m.rung))

    def _on_pfp_join(self, m) -> None:
        for partner in self._partners_of(m):
            partner.raise_status(1)

    def _on_map(self, m) -> None:
        for partner in self._partners_of(m):
            partner.raise_status(2)

    def _pulse(self, partners: list[Any], size: float) -> None:
        """Add an enlargement step to the intent pulse: one milestone counts once, scaled by
        the proximity of its nearest partner (a round that reaches Russia's border = 1)."""
        if partners:
            self.pending_enlargement += size * max(self.inputs.w[p.column] for p in partners)

    def _on_invitation(self, m) -> None:
        partners = self._partners_of(m)
        for partner in partners:
            partner.raise_status(2)
        self._pulse(partners, 0.5)

    def _on_membership_pledge(self, m) -> None:
        partners = self._partners_of(m)
        for partner in partners:
            self.pledged[:, partner.column] = True
        self._pulse(partners, 0.5)

    def _on_application(self, m) -> None:
        for partner in self._partners_of(m):
            col = self.alignment[:, partner.column]
            np.maximum(col, CONSTANTS["apply_threshold"], out=col)

    def _on_accession(self, m) -> None:
        partners = self._partners_of(m)
        for partner in partners:
            partner.raise_status(3)
        self._pulse(partners, 1.0)

    def _on_domestic_shock(self, m) -> None:
        for partner in self._partners_of(m):
            partner.shock(float(m.magnitude))

    def _on_out_of_area(self, m) -> None:
        size = 1.0 if m.magnitude is None else float(m.magnitude)
        self.pending["force"] += size
        if not m.mandate:
            self.pending["force_unmandated"] += size

    def _on_common_threat(self, m) -> None:
        self.pending["xi"] += 1.0 if m.magnitude is None else float(m.magnitude)

    def _on_deterrence_posture(self, m) -> None:
        self.pending["posture"] += 1.0 if m.magnitude is None else float(m.magnitude)

    def _on_exclusion(self, m) -> None:
        self.pending["exclusion"] += 1.0 if m.magnitude is None else float(m.magnitude)
