"""What a counterfactual scenario changes, and whether a run mode can see the change.

``compare BASE --counterfactual CF`` runs both scenarios on the same seeds and reports the
paired divergence. Two things about the pair are known before running: *what* differs
(milestones added, removed, moved or edited; partners added or removed; partner overrides)
and *when* it first differs. This module works both out, so the command can

* refuse a pair whose every difference is one the run mode never applies (a counterfactual
  that only edits partner-status milestones, run in free mode, where the chassis decides
  partner status: the divergence would be zero by construction, not by finding); and
* show the years around each change in its terminal table, not a fixed grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.errors import ParameterError
from sim.model.model import ENDOGENOUS_IN_FREE
from sim.model.teacher import IMPOSED_IN_TEACHER

#: ``Change.type`` of an edit of the imposed record (the scenario's ``history:`` key).
HISTORY = "history"
#: What each mode never applies among input milestones (it decides or imposes them).
NOT_APPLIED = {"free": ENDOGENOUS_IN_FREE, "teacher": IMPOSED_IN_TEACHER}


@dataclass(frozen=True)
class Change:
    """One difference between a base scenario and its counterfactual.

    Attributes:
        year: the first calendar year the difference can act in.
        what: ``added``, ``removed``, ``moved``, ``edited`` (milestones), ``partner added``,
            ``partner removed``, ``overrides``, or ``history`` (an edit of the imposed record
            only one of the two scenarios makes).
        name: the milestone id, partner code or the history edit (``remove coercion UKR 2014``).
        type: the milestone type (``"history"`` for a history edit, ``""`` for partners and
            overrides).
        role: the milestone role (``input``, ``observed``, ``context``; ``""`` otherwise).
    """

    year: int
    what: str
    name: str
    type: str = ""
    role: str = ""

    def applied_in(self, mode: str) -> bool:
        """Whether a run in ``mode`` can act on this difference at all."""
        if not self.type:  # partners and overrides change every mode's inputs
            return True
        if self.type == HISTORY:  # the imposed record exists in teacher mode only
            return mode == "teacher"
        if self.role != "input":  # observed and context milestones are never applied
            return False
        return self.type not in NOT_APPLIED.get(mode, ())

    def describe(self) -> str:
        if self.type == HISTORY:
            return f"history: {self.name}"
        return f"{self.name} {self.what} ({self.year})"


def changes(base, counterfactual) -> list[Change]:
    """Every difference between two resolved scenarios, sorted by year.

    Milestones are matched by id: one only in the counterfactual is ``added``, one only in
    the base ``removed``, one in both with another date ``moved`` (its year is the earlier
    of the two dates), otherwise ``edited`` if any field differs. Partners added or removed
    and changed partner overrides act from the first year of the period.
    """
    start = min(base.period.start, counterfactual.period.start)
    old = {m.id: m for m in base.milestones}
    new = {m.id: m for m in counterfactual.milestones}
    found: list[Change] = []
    for key in old.keys() - new.keys():
        m = old[key]
        found.append(Change(m.date.year, "removed", key, m.type, m.role))
    for key in new.keys() - old.keys():
        m = new[key]
        found.append(Change(m.date.year, "added", key, m.type, m.role))
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        if a == b:
            continue
        what = "moved" if a.date != b.date else "edited"
        role = "input" if "input" in (a.role, b.role) else b.role
        found.append(Change(min(a.date.year, b.date.year), what, key, b.type, role))
    base_partners, cf_partners = set(base.agents.partners), set(counterfactual.agents.partners)
    found += [Change(start, "partner added", p) for p in cf_partners - base_partners]
    found += [Change(start, "partner removed", p) for p in base_partners - cf_partners]
    if (base.partner_overrides or {}) != (counterfactual.partner_overrides or {}):
        found.append(Change(start, "overrides", "partner_overrides"))
    old_edits = {e.describe(): e for e in getattr(base, "history", ())}
    for text, edit in {e.describe(): e for e in getattr(counterfactual, "history", ())}.items():
        if text not in old_edits:
            found.append(Change(edit.first_year, HISTORY, text, HISTORY, HISTORY))
    for text, edit in old_edits.items():
        if text not in {e.describe() for e in getattr(counterfactual, "history", ())}:
            found.append(Change(edit.first_year, HISTORY, f"not: {text}", HISTORY, HISTORY))
    ordered = [e.describe() for e in getattr(counterfactual, "history", ())]
    if (set(ordered) == set(old_edits) and ordered != list(old_edits)):  # order matters
        first = min(e.first_year for e in counterfactual.history)
        found.append(Change(first, HISTORY, "the same edits in another order", HISTORY, HISTORY))
    return sorted(found, key=lambda c: (c.year, c.name))


def check_visible(base, counterfactual, mode: str, source: str) -> list[Change]:
    """The differences a run in ``mode`` acts on; refuse a pair with none.

    Raises:
        ParameterError: the scenarios are the same, or differ only in milestones ``mode``
            never applies (one line saying what to do instead).
    """
    last = min(base.period.end, counterfactual.period.end)  # the years both runs cover
    found = [c for c in changes(base, counterfactual) if c.year <= last]
    if not found:
        raise ParameterError("--counterfactual", source,
                             f"changes nothing against '{base.name}' in the years both runs "
                             f"cover ({base.period.start}-{last}): nothing to compare")
    visible = [c for c in found if c.applied_in(mode)]
    if visible:
        return visible
    shown = ", ".join(c.name for c in found[:4]) + (", ..." if len(found) > 4 else "")
    if any(c.type == HISTORY for c in found):
        raise ParameterError("--mode", mode, f"{source} edits the imposed record ({shown}), "
                             "which exists only in --mode teacher (and in forecasts, up to "
                             f"the origin); --mode {mode} simulates those decisions, so the "
                             "divergence would be 0 by construction: use --mode teacher")
    if mode == "teacher" and any(c.role == "input" for c in found):
        raise ParameterError("--mode", mode, f"{source} differs from '{base.name}' only in "
                             f"partner-status milestones ({shown}), which --mode teacher "
                             "imposes from the observed record, so the divergence would be 0 "
                             "by construction; use --mode replay")
    if mode == "free" and any(c.role == "input" for c in found):
        reason = (f"differs from '{base.name}' only in partner-status milestones ({shown}), "
                  "which --mode free does not apply (the chassis decides partner status "
                  "there), so the divergence would be 0 by construction; use --mode replay, "
                  "or change an input free mode applies (institution_offer, out_of_area, "
                  "common_threat, deterrence_posture, exclusion, domestic_shock)")
        raise ParameterError("--mode", "free", f"{source} {reason}")
    raise ParameterError(
        "--counterfactual", source,
        f"differs from '{base.name}' only in observed or context milestones ({shown}), which "
        "the model never applies (they are drawn on charts): the divergence would be 0; "
        "change input milestones instead, or, to change Russia's acts or the dyad's "
        "institutional decisions, edit the imposed record with the scenario key 'history:' "
        "and run --mode teacher (docs/scenarios.md)")


def table_years(years, change_years, *, every: int = 4, around: tuple[int, int] = (1, 2)
                ) -> list[int]:
    """The years a divergence table shows: a coarse grid, the years around each change
    (``around[0]`` before to ``around[1]`` after) and the last year, within ``years``."""
    years = sorted(int(y) for y in years)
    if not years:
        return []
    chosen = set(years[::every]) | {years[-1]}
    for year in sorted(set(change_years))[:3]:
        chosen |= set(range(year - around[0], year + around[1] + 1))
    return [y for y in years if y in chosen]
