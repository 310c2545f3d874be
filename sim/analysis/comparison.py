"""The scorecards of one ensemble run over one or more windows, as tidy tables.

Built by :func:`sim.analysis.compare.run_comparison`; read by the printed scorecard
(:mod:`sim.analysis.scorecard_tables`), the leaders (:mod:`sim.analysis.leaders`) and the
writers of ``compare``'s output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.scoring import BASELINES, Scorecard

if TYPE_CHECKING:
    from sim.data.observed import Observed
    from sim.model.records import Records
Window = tuple[int, int]


@dataclass(frozen=True)
class Comparison:
    """The scorecards of one ensemble run over one or more windows.

    Attributes:
        records: the paradigms' ensembles (one scenario, one seed).
        observed: the observed record they were scored against.
        cards: window label (``"1991-2008"``) → :class:`~sim.analysis.scoring.Scorecard`, in order.
        calibration: the calibration years used by every window.
    """

    records: Records
    observed: Observed
    cards: dict[str, Scorecard]
    calibration: Window

    @property
    def paradigms(self) -> list[str]:
        return self.records.paradigms

    @property
    def forecasters(self) -> list[str]:
        """Paradigms first (in run order), then the baselines."""
        return [*self.paradigms, *BASELINES]

    def scorecard(self) -> pd.DataFrame:
        """Every score of every window: ``window, observable, component, forecaster, kind,
        metric, value`` (tidy)."""
        parts = [card.table.assign(window=label) for label, card in self.cards.items()]
        frame = pd.concat(parts, ignore_index=True)
        return frame[["window", *(c for c in frame.columns if c != "window")]]

    def aggregate(self) -> pd.DataFrame:
        """One row per window and forecaster: the aggregate skill, the clipped skill of each
        observable O1–O6 and the observables that went into the aggregate."""
        parts = []
        for label, card in self.cards.items():
            per_obs = card.observable_skills().reindex(card.aggregate["forecaster"])
            frame = card.aggregate.reset_index(drop=True)
            frame = pd.concat([frame, per_obs.reset_index(drop=True)], axis=1)
            parts.append(frame.assign(window=label, rank=np.arange(1, len(frame) + 1)))
        out = pd.concat(parts, ignore_index=True)
        lead = ["window", "rank", "forecaster", "kind", "aggregate_skill", "observables"]
        return out[[*lead, *(c for c in out.columns if c not in lead)]]

    def rank_stability(self) -> pd.DataFrame:
        """``window, paradigm, share_first``: share of random weightings ranking it first."""
        parts = [
            pd.DataFrame({"window": label, "paradigm": card.rank_stability.index,
                          "share_first": card.rank_stability.to_numpy()})
            for label, card in self.cards.items()
        ]  # fmt: skip
        return pd.concat(parts, ignore_index=True)

    def pit(self) -> pd.DataFrame:
        """PIT histograms of every window: ``window, observable, component, forecaster, bin,
        count``."""
        parts = [card.pit.assign(window=label) for label, card in self.cards.items()]
        frame = pd.concat(parts, ignore_index=True)
        return frame[["window", *(c for c in frame.columns if c != "window")]]

    def windows_meta(self) -> list[dict[str, Any]]:
        """Each window's scoring settings (``Scorecard.meta``) with its label."""
        return [{"label": label, **card.meta} for label, card in self.cards.items()]
