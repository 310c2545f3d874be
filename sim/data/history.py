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


def imposed_history(scenario, inputs: Inputs, observed: Observed | None = None) -> History:
    """The record teacher mode imposes: the observed one (:func:`build_history`), with the
    scenario's ``history:`` edits applied (:func:`edit_history`).

    Raises:
        ScenarioError: an edit does not fit the record.
    """
    if observed is None:
        from sim.data.observed import load_observed

        observed = load_observed()
    source = getattr(scenario, "source_file", str(scenario))
    history = build_history(inputs, observed, source)
    return edit_history(history, getattr(scenario, "history", ()), source)


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


def episodes(values: np.ndarray, years: np.ndarray) -> list[tuple[int, int, int]]:
    """``(first year, last year, level)`` of each run of equal positive values, in order."""
    out: list[tuple[int, int, int]] = []
    for i, v in enumerate(values):
        if v > 0 and (i == 0 or values[i - 1] != v):
            out.append((int(years[i]), int(years[i]), int(v)))
        elif v > 0:
            out[-1] = (out[-1][0], int(years[i]), int(v))
    return out


def edit_history(history: History, edits, source: str) -> History:
    """The history with a scenario's ``history:`` edits applied in order (a new object).

    Each edit acts on the record as the edits before it left it; the rules are those of
    :class:`~sim.data.scenario.history_edits.HistoryEdit`. An edit that does not fit the
    record (no episode or change in the year named, a year after the last imposed year, a
    rung above the menu) is refused.

    Raises:
        ScenarioError: one line naming ``source``, ``history[i]`` and what was expected.
    """
    from sim.core.errors import ScenarioError

    if not edits:
        return history
    out = history.copy()
    for i, edit in enumerate(edits):
        where = f"history[{i}]"
        last = int(out.years[-1])
        for key in ("year", "to"):
            year = getattr(edit, key)
            if year is not None and not int(out.years[0]) <= year <= last:
                raise ScenarioError(source, f"{where}.{key}", f"{year} is after {last}, the "
                                    "last year of the imposed record (a forecast's origin): "
                                    "edit the record up to it; later years are forecast")
        try:
            if edit.act == "coercion":
                _edit_coercion(out, edit)
            else:
                _edit_status(out, edit)
        except ValueError as err:
            raise ScenarioError(source, where, str(err)) from None
    above = np.flatnonzero(out.menu < out.S)
    if above.size:
        t = int(above[0])
        raise ScenarioError(source, "history", f"the edits leave S at rung {int(out.S[t])} in "
                            f"{int(out.years[t])}, above the highest rung on offer then "
                            f"({int(out.menu[t])}); add or shift an institution_offer milestone")
    return out


def _edit_coercion(h: History, edit) -> None:
    j = h.partners.index(edit.partner)
    years, column = h.years, h.F[:, j]
    row = {int(y): k for k, y in enumerate(years)}
    if edit.verb == "add":
        start, n, level = row[edit.year], int(edit.years or 1), int(edit.level)
    else:
        found = [e for e in episodes(column, years) if e[0] == edit.year]
        if not found:
            listed = ", ".join(f"{a}-{b} level {v}" if a != b else f"{a} level {v}"
                               for a, b, v in episodes(column, years)) or "none"
            raise ValueError(f"no coercion episode toward {edit.partner} starts in {edit.year} "
                             f"in the imposed record (its episodes: {listed})")
        first, end, level = found[0]
        column[row[first]:row[end] + 1] = 0
        if edit.verb == "remove":
            return
        start, n = row[edit.to], end - first + 1
    stop = min(start + n, len(years))  # an episode moved near the end is cut at the last year
    inactive = np.flatnonzero(~h.active[start:stop, j])
    if inactive.size:
        raise ValueError(f"{edit.partner} is not a state in {int(years[start + inactive[0]])} "
                         "(before its independence year): no coercion toward it then")
    column[start:stop] = np.maximum(column[start:stop], level)


def _edit_status(h: History, edit) -> None:
    S, years = h.S, h.years
    row = {int(y): k for k, y in enumerate(years)}
    before = np.concatenate([[0], S[:-1]])  # S at the end of the year before each row
    changes = [int(y) for y, a, b in zip(years, before, S, strict=True) if a != b]
    i = row[edit.year]
    later = [y for y in changes if y > edit.year]
    end = row[later[0]] if later else len(years)  # rows i..end-1 until the next change
    if edit.verb == "add":
        if edit.year in changes:
            raise ValueError(f"S already changes in {edit.year} (to rung {int(S[i])}); remove "
                             "or move that change first")
        if int(edit.level) == int(before[i]):
            raise ValueError(f"S is already at rung {edit.level} in {edit.year}: nothing changes")
        S[i:end] = int(edit.level)
        return
    if edit.year not in changes:
        listed = ", ".join(f"{y} (to {int(S[row[y]])})" for y in changes) or "none"
        raise ValueError(f"S does not change in {edit.year} in the imposed record (its "
                         f"changes: {listed})")
    if edit.verb == "remove":
        S[i:end] = before[i]
        return
    to = row[edit.to]
    if edit.to > edit.year:
        if to >= end:
            raise ValueError(f"{edit.to} is not before the next change of S "
                             f"({later[0]}); remove this change instead, or edit that one too")
        S[i:to] = before[i]
    else:
        earlier = [y for y in changes if y < edit.year]
        if earlier and edit.to <= earlier[-1]:
            raise ValueError(f"{edit.to} is not after the previous change of S "
                             f"({earlier[-1]}); move that one too")
        S[to:i] = S[i]
