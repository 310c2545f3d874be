"""The calibration target: the scorecard's own per-year scores, on a truncated record.

The scoring engine (:class:`Target`, :class:`Contributions`, :class:`Simulated`) lives in
:mod:`sim.analysis.scoring` so that the scorecard, the calibration loss and the validation
bootstrap share one definition of every score; it is re-exported here. This module adds
:func:`truncate_observed` (a calibration never reads the test period) and
:func:`summarise_model`.
"""

from __future__ import annotations

from dataclasses import replace

from sim.analysis.scoring.contributions import (
    Component,
    Contributions,
    Simulated,
    summarise,
    year_counts,
)
from sim.analysis.scoring.target import CONTINUOUS, Target
from sim.data.observed import Observed

__all__ = ["CONTINUOUS", "Component", "Contributions", "Simulated", "Target", "summarise",
           "summarise_model", "truncate_observed", "year_counts"]


def truncate_observed(observed: Observed, end_year: int) -> Observed:
    """The observed record up to and including ``end_year`` (later years are dropped).

    A calibration target built from the truncated record cannot read the test period.
    """

    def series(s):
        return s[s.index <= end_year]

    def wide(frame):
        return frame.loc[:, [c for c in frame.columns if int(c) <= end_year]]

    return replace(
        observed,
        russia_milex=series(observed.russia_milex),
        russia_burden=series(observed.russia_burden),
        nato_milex=series(observed.nato_milex),
        nato_burden=series(observed.nato_burden),
        status=series(observed.status),
        net_coop=series(observed.net_coop),
        coercion=wide(observed.coercion),
        status_events=observed.status_events[observed.status_events["year"] <= end_year],
        partner_status=wide(observed.partner_status),
        events=observed.events[observed.events["year"] <= end_year],
        net_coop_stock=series(observed.net_coop_stock),
        unga_rus_usa=series(observed.unga_rus_usa),
        unga_alignment=wide(observed.unga_alignment),
        unga=observed.unga[observed.unga["year"] <= end_year],
    )


def summarise_model(model, observed: Observed) -> Simulated:
    """:func:`summarise` of a finished (or partly run) ``NatoRussiaModel``."""
    years, series, partners = model.recorded()
    return summarise(years, series, partners, tuple(model.inputs.partners),
                     tuple(observed.coercion.index))
