"""A scenario's ``history:`` edits applied to the record teacher mode imposes.

Teacher-forced runs and forecasts impose the observed decision record year by year
(:mod:`sim.data.history`). A counterfactual on Russia's acts or on the dyad's institutional
decisions edits that record (the scenario key, :mod:`sim.data.scenario.history_edits`):
remove, move or add a coercion episode toward a partner, or a change of the status S. The
rules, worked by hand in ``tests/test_history_edits.py``:

* a coercion **episode** is a run of years at one positive level toward one partner; a moved
  or added one raises the years it covers to its level and never lowers another act, and is
  cut at the record's last year;
* a **change** of S is a year whose S differs from the year before (the first year of the
  record counts only when the record starts in :data:`RECORD_START`: before it there was no
  institutional relationship); removing one keeps the level before it until the next change
  (a change the next one undoes, a suspension and its resumption, goes with it), moving one
  dates it within the years between its neighbours;
* an edit must change the record, must not remove or reverse another observed change of S
  (edit that one explicitly), must not coerce a partner before it is a state, and must not
  leave S above the rung on offer in a year it changes.
"""

from __future__ import annotations

import numpy as np

from sim.core.errors import ScenarioError
from sim.data.history import History, build_history
from sim.data.inputs import Inputs
from sim.data.observed import Observed

#: The observed record's first year: S was 0 (no institutions) at the end of the year before.
RECORD_START = 1991


def imposed_history(scenario, inputs: Inputs, observed: Observed | None = None) -> History:
    """The record teacher mode imposes: the observed one (:func:`build_history`), with the
    scenario's ``history:`` edits applied (:func:`edit_history`).

    Raises:
        ScenarioError: a partner without an observed record, or an edit that does not fit.
    """
    if observed is None:
        from sim.data.observed import load_observed

        observed = load_observed()
    source = getattr(scenario, "source_file", str(scenario))
    history = build_history(inputs, observed, source)
    return edit_history(history, getattr(scenario, "history", ()), source)


def episodes(values: np.ndarray, years: np.ndarray) -> list[tuple[int, int, int]]:
    """``(first year, last year, level)`` of each run of equal positive values, in order."""
    out: list[tuple[int, int, int]] = []
    for i, v in enumerate(values):
        if v > 0 and (i == 0 or values[i - 1] != v):
            out.append((int(years[i]), int(years[i]), int(v)))
        elif v > 0:
            out[-1] = (out[-1][0], int(years[i]), int(v))
    return out


def status_changes(history: History) -> dict[int, int]:
    """Year -> direction (+1 up, -1 down) of every change of S in the record."""
    S, years = history.S, history.years
    before = _before(history)
    return {int(y): int(np.sign(b - a)) for y, a, b in zip(years, before, S, strict=True)
            if a != b}


def edit_history(history: History, edits, source: str) -> History:
    """The history with a scenario's ``history:`` edits applied in order (a new object).

    Each edit acts on the record as the edits before it left it (module docstring).

    Raises:
        ScenarioError: one line naming ``source``, ``history[i]`` and what was expected.
    """
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
        before_S, before_F = out.S.copy(), out.F.copy()
        try:
            if edit.act == "coercion":
                _edit_coercion(out, edit)
            else:
                changes = status_changes(out)
                _edit_status(out, edit)
                _check_other_changes(out, edit, changes)
        except ValueError as err:
            raise ScenarioError(source, where, str(err)) from None
        if np.array_equal(before_S, out.S) and np.array_equal(before_F, out.F):
            raise ScenarioError(source, where, f"'{edit.describe()}' changes nothing in the "
                                "imposed record (a level at or below the one already there?)")
        changed = np.flatnonzero((before_S != out.S) & (out.menu < out.S))
        if changed.size:
            t = int(changed[0])
            raise ScenarioError(source, where, f"leaves S at rung {int(out.S[t])} in "
                                f"{int(out.years[t])}, above the highest rung on offer then "
                                f"({int(out.menu[t])}); add or shift an institution_offer "
                                "milestone")
    return out


def _before(h: History) -> np.ndarray:
    """S at the end of the year before each row; the first row has none before it unless
    the record starts in :data:`RECORD_START` (then 0)."""
    first = 0 if int(h.years[0]) <= RECORD_START else int(h.S[0])
    return np.concatenate([[first], h.S[:-1]])


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
    stop = min(start + n, len(years))  # cut at the last year of the record
    inactive = np.flatnonzero(~h.active[start:stop, j])
    if inactive.size:
        raise ValueError(f"{edit.partner} is not a state in {int(years[start + inactive[0]])} "
                         "(before its independence year): no coercion toward it then")
    column[start:stop] = np.maximum(column[start:stop], level)


def _edit_status(h: History, edit) -> None:
    S, years = h.S, h.years
    row = {int(y): k for k, y in enumerate(years)}
    before = _before(h)
    changes = sorted(status_changes(h))
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


def _check_other_changes(h: History, edit, old: dict[int, int]) -> None:
    """Refuse a status edit that also removes or reverses another observed change of S."""
    new = status_changes(h)
    own = {edit.year, edit.to}
    later = [y for y in sorted(old) if y > edit.year]
    if edit.verb == "remove" and later:  # the change that undid it (a resumption) goes too
        own.add(later[0])
    for year, direction in old.items():
        if year in own:
            continue
        if year not in new:
            raise ValueError(f"also removes the change of S in {year}; edit that change "
                             "explicitly (remove or move it) first")
        if new[year] != direction:
            word = {1: "an upgrade", -1: "a suspension"}
            raise ValueError(f"also turns the change of S in {year} ({word[direction]}) into "
                             f"{word[new[year]]}; edit that change explicitly too")
