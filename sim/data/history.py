"""The observed decision history as arrays, and the decisions each year puts at risk.

Teacher forcing (``NatoRussiaModel(mode="teacher")``) imposes this history year by year and
scores the chassis' probability of every observed decision; the likelihood tables
(``sim.analysis.likelihood.decisions``) list the same decisions. Both read the risk sets from
:func:`risk_sets` here, so there is one definition of "which decisions were open in year t".

Codings (see docs/likelihood.md):

* ``status`` (the dyad, S 0..4): 0 stay, 1 suspend (S fell, to any rung), 2 upgrade (S rose).
  Open when S(t-1) > 0 (a suspension is possible) or S(t-1) < menu(t) (an upgrade is).
* ``coercion`` (Russia toward each active partner): the observed level F(t) in 0..3.
* ``pfp``: an active partner with status 0 once PfP is on the menu (rung >= 2): 1 joined.
* ``invitation``: an active partner not yet invited and not a member: 1 invited in year t.
* ``accession``: an invited partner not yet a member: 1 acceded in year t.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.data.inputs import Inputs
from sim.data.observed import Observed

KINDS: tuple[str, ...] = ("status", "coercion", "pfp", "invitation", "accession")
N_CATEGORIES = {"status": 3, "coercion": 4, "pfp": 2, "invitation": 2, "accession": 2}
STAY, SUSPEND, UPGRADE = 0, 1, 2


@dataclass(frozen=True)
class History:
    """The observed (or simulated) decision record over the scenario's years.

    Attributes:
        years: ``(T,)`` the scenario's years (``Inputs.years``).
        partners: partner ISO3 codes in the scenario's order.
        S: ``(T,)`` institutional status at year end.
        F: ``(T, P)`` Russia's coercion level toward each partner in the year.
        status: ``(T, P)`` partner status at year end (0 none, 1 PfP, 2 MAP/invited, 3 member).
        invited: ``(T, P)`` invited by NATO by year end.
        invited_year: ``(P,)`` year of the invitation (inf if none).
        menu: ``(T,)`` highest institutional rung on offer during the year (an input).
        active: ``(T, P)`` the partner exists as a state (an input).
        status0: ``(P,)`` partner status before the first year (an input).
    """

    years: np.ndarray
    partners: tuple[str, ...]
    S: np.ndarray
    F: np.ndarray
    status: np.ndarray
    invited: np.ndarray
    invited_year: np.ndarray
    menu: np.ndarray
    active: np.ndarray
    status0: np.ndarray

    def previous(self, i: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """``(S, F, status, invited)`` at the end of the year before row ``i``."""
        if i == 0:
            P = len(self.partners)
            return 0, np.zeros(P, dtype=int), self.status0.astype(int), np.zeros(P, bool)
        return int(self.S[i - 1]), self.F[i - 1], self.status[i - 1], self.invited[i - 1]

    def copy(self) -> History:
        """A deep copy (the simulated histories of teacher-mode generation write into it)."""
        return replace(self, S=self.S.copy(), F=self.F.copy(), status=self.status.copy(),
                       invited=self.invited.copy(), invited_year=self.invited_year.copy())

    def blank(self) -> History:
        """The same inputs with no outcome recorded yet (for generating a history)."""
        T, P = self.F.shape
        return replace(self, S=np.zeros(T, dtype=int), F=np.zeros((T, P), dtype=int),
                       status=np.zeros((T, P), dtype=int),
                       invited=np.zeros((T, P), dtype=bool),
                       invited_year=np.full(P, np.inf))


@dataclass(frozen=True)
class RiskSets:
    """The decisions open in one year (partner columns, in the scenario's order)."""

    status: bool
    coercion: np.ndarray
    pfp: np.ndarray
    invitation: np.ndarray
    accession: np.ndarray

    def columns(self, kind: str) -> np.ndarray:
        return getattr(self, kind)


def menu_by_year(inputs: Inputs) -> np.ndarray:
    """The highest rung offered by ``institution_offer`` milestones dated up to each year end.

    Only milestones inside the run count, as in the model (which schedules only those).
    """
    years = inputs.years
    menu = np.zeros(len(years), dtype=int)
    for m in inputs.milestones:
        if m.type == "institution_offer" and years[0] <= m.time < years[-1] + 1:
            menu[years >= int(np.floor(m.time))] = np.maximum(
                menu[years >= int(np.floor(m.time))], int(m.rung))
    return menu


def build_history(inputs: Inputs, observed: Observed, source: str = "scenario") -> History:
    """The observed record O3, O5 and O6 as arrays on the scenario's years and partners.

    Raises:
        ScenarioError: a scenario partner or year is not in the observed record (one line).
    """
    from sim.core.errors import ScenarioError

    years = [int(y) for y in inputs.years]
    partners = list(inputs.partners)
    missing = [p for p in partners if p not in observed.coercion.index
               or p not in observed.partner_status.index]
    if missing:
        raise ScenarioError(source, "agents.partners",
                            f"{', '.join(missing)} not in the observed record "
                            "(sim/data/observed_coercion.csv, observed_status_events.csv), "
                            "which teacher-forced runs, the likelihood and forecasts impose "
                            "and score; drop them from the scenario, or see docs/scenarios.md, "
                            "Adding a partner")
    absent = [y for y in years if y not in observed.status.index]
    if absent:
        raise ScenarioError(source, "period", f"the observed record has no year {absent[0]} "
                            f"(it covers {int(observed.status.index.min())}-"
                            f"{int(observed.status.index.max())})")
    S = observed.status.loc[years].to_numpy(dtype=int)
    F = observed.coercion.loc[partners, years].to_numpy(dtype=int).T
    status = observed.partner_status.loc[partners, years].to_numpy(dtype=int).T
    invited_year = np.full(len(partners), np.inf)
    events = observed.status_events
    for row in events[events["event"] == "invitation"].itertuples():
        if row.partner in partners:
            j = partners.index(row.partner)
            invited_year[j] = min(invited_year[j], row.year)
    invited = np.asarray(years)[:, None] >= invited_year[None, :]
    return History(years=np.asarray(years), partners=tuple(partners), S=S, F=F,
                   status=status, invited=invited, invited_year=invited_year,
                   menu=menu_by_year(inputs), active=inputs.active.copy(),
                   status0=np.asarray(inputs.status0, dtype=int))


def empty_history(inputs: Inputs) -> History:
    """A history on the inputs' years and partners with no outcome recorded (all zeros):
    the template teacher-mode generation fills in."""
    T, P = len(inputs.years), len(inputs.partners)
    return History(years=np.asarray(inputs.years, dtype=int), partners=tuple(inputs.partners),
                   S=np.zeros(T, dtype=int), F=np.zeros((T, P), dtype=int),
                   status=np.zeros((T, P), dtype=int), invited=np.zeros((T, P), dtype=bool),
                   invited_year=np.full(P, np.inf), menu=menu_by_year(inputs),
                   active=inputs.active.copy(), status0=np.asarray(inputs.status0, dtype=int))


def risk_sets(history: History, i: int) -> RiskSets:
    """The decisions open in row ``i``, from the history through the year before."""
    s_prev, _, status_prev, invited_prev = history.previous(i)
    active = history.active[i]
    menu = int(history.menu[i])
    member = status_prev >= 3
    return RiskSets(
        status=bool(s_prev > 0 or s_prev < menu),
        coercion=np.flatnonzero(active),
        pfp=np.flatnonzero(active & (status_prev == 0) & (menu >= 2)),
        invitation=np.flatnonzero(active & ~invited_prev & ~member),
        accession=np.flatnonzero(active & invited_prev & ~member),
    )


def outcomes(history: History, i: int, sets: RiskSets) -> dict[str, np.ndarray]:
    """The observed category of every open decision in row ``i`` (kind -> ``(n,)`` ints)."""
    s_prev = history.previous(i)[0]
    s_now = int(history.S[i])
    status = STAY if s_now == s_prev else (SUSPEND if s_now < s_prev else UPGRADE)
    return {
        "status": np.array([status] if sets.status else [], dtype=int),
        "coercion": history.F[i, sets.coercion].astype(int),
        "pfp": (history.status[i, sets.pfp] >= 1).astype(int),
        "invitation": history.invited[i, sets.invitation].astype(int),
        "accession": (history.status[i, sets.accession] >= 3).astype(int),
    }

