"""The observed record on time charts: scored events, marked apart from the input milestones.

Input milestones (the scenario's dated acts that drive a run) are drawn as thin grey lines
with a number and a key. The scored events are something else: outcomes the paradigms are
scored against, which no run is told about. They are read from the observed record files in
``sim/data`` (:func:`sim.data.observed.load_observed`), never typed in here: every onset of
Russian force against a partner in O5 (``observed_coercion.csv``: a year at level 2 "limited
force" or 3 "major war" that is higher than the year before; coding rule in
``sim/data/OBSERVED.md``). They are drawn as a shaded calendar-year column with a bold
dark label, so a reader never confuses what went in with what is scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from sim.data.observed import Observed, load_observed

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

#: O5 levels as OBSERVED.md names them (0 none, 1 economic/energy pressure).
O5_LEVELS = {2: "limited force", 3: "major war"}
#: The lowest O5 level marked as a scored event.
FORCE_LEVEL = 2
SCORED_COLOR = "#222222"
MILESTONE_COLOR = "#8a8a8a"


@dataclass(frozen=True)
class ScoredEvent:
    """One onset of Russian force against a partner in the observed record (O5).

    Attributes:
        year: the calendar year of the onset (the O5 cell).
        partner: ISO3 code of the partner.
        level: the O5 level reached (2 or 3).
    """

    year: int
    partner: str
    level: int

    @property
    def label(self) -> str:
        """Short label, e.g. ``GEO 2008 major war (O5)``."""
        return f"{self.partner} {self.year} {O5_LEVELS.get(self.level, self.level)} (O5)"


def force_onsets(coercion: pd.DataFrame, min_level: int = FORCE_LEVEL) -> list[ScoredEvent]:
    """Years where a partner's O5 level reaches ``min_level`` or more and rises.

    Args:
        coercion: O5, partners (rows) × years (columns), levels 0–3.
        min_level: the lowest level counted as force.

    Returns:
        The onsets in time order (then partner order).
    """
    years = [int(y) for y in coercion.columns]
    values = coercion.to_numpy(dtype=int)
    before = np.concatenate([np.zeros((len(values), 1), dtype=int), values[:, :-1]], axis=1)
    rows, cols = np.nonzero((values >= min_level) & (values > before))
    events = [ScoredEvent(years[c], str(coercion.index[r]), int(values[r, c]))
              for r, c in zip(rows, cols, strict=True)]
    return sorted(events, key=lambda e: (e.year, e.partner))


@lru_cache(maxsize=1)
def observed_record() -> Observed:
    """The shipped observed record, read once per process."""
    return load_observed()


@lru_cache(maxsize=1)
def scored_events() -> tuple[ScoredEvent, ...]:
    """The scored force onsets of the shipped observed record (read once)."""
    return tuple(force_onsets(observed_record().coercion))


def mark_scored_events(ax: Axes, events: tuple[ScoredEvent, ...] | list[ScoredEvent],
                       lo: float, hi: float, *, labels: bool = True) -> list[ScoredEvent]:
    """Shade each scored event's calendar year inside ``[lo, hi]`` and label it (bold, dark,
    written upward from the bottom of the axes).

    Args:
        ax: the time axes (x in years, a year ``y`` spanning ``[y, y + 1]``).
        events: the scored events.
        lo: first date shown.
        hi: last date shown.
        labels: write the labels (off for the lower panels of a stack).

    Returns:
        The events drawn (inside the window).
    """
    shown = [e for e in events if lo <= e.year < hi]
    transform = ax.get_xaxis_transform()
    for event in shown:
        ax.axvspan(event.year, event.year + 1, color=SCORED_COLOR, alpha=0.10, lw=0, zorder=0,
                   gid="scored-event")
        if labels:
            ax.text(event.year + 0.5, 0.03, f"{event.partner} {O5_LEVELS[event.level]} ▲",
                    transform=transform, rotation=90, fontsize=6.5, fontweight="bold",
                    color=SCORED_COLOR, ha="center", va="bottom", gid="scored-event-label")
    return shown


def milestone_groups(times: list[float], gap: float = 0.2) -> list[tuple[float, int, int]]:
    """Milestones closer than ``gap`` years to the previous one share a number label.

    Args:
        times: milestone dates in time order (decimal years).
        gap: the largest gap inside a group.

    Returns:
        ``(time of the first, first number, last number)`` per group, numbers from 1.
    """
    groups: list[list[float | int]] = []
    for i, t in enumerate(times, start=1):
        if groups and t - float(groups[-1][3]) < gap:
            groups[-1][2], groups[-1][3] = i, t
        else:
            groups.append([t, i, i, t])
    return [(float(g[0]), int(g[1]), int(g[2])) for g in groups]


def number_milestones(ax: Axes, times: list[float], *, labels: bool = True) -> None:
    """Thin grey lines at input milestones, numbered (their rows in the key) at the top.

    Milestones on (nearly) the same date share one label (``2–17``); labels of groups less
    than 1.2 years apart are staggered over three heights so they never overlap.
    """
    transform = ax.get_xaxis_transform()
    for t in times:
        ax.axvline(t, color=MILESTONE_COLOR, lw=0.6, alpha=0.7, zorder=0, gid="milestone")
    if not labels:
        return
    lane, last = 0, -np.inf
    for t, first, final in milestone_groups(times):
        lane = (lane + 1) % 3 if t - last < 1.2 else 0
        last = t
        text = str(first) if first == final else f"{first}–{final}"
        ax.text(t, 0.985 - 0.05 * lane, text, transform=transform, fontsize=5.5,
                color="#444444", ha="center", va="top", gid="milestone-number",
                bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85})


def whole_year_ticks(ax: Axes) -> None:
    """Ticks on whole years only (never 1992.5)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True, min_n_ticks=3))
