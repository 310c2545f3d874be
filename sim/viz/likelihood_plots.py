"""Charts of ``natosim likelihood``: tables in, matplotlib ``Figure`` out.

- :func:`plot_year_contributions`: each forecaster's log-likelihood contribution per year,
  with the scenario's input milestones and the scored breaks of the record marked;
- :func:`plot_break_costs`: what each forecaster paid (``-log p``) for each break, and which
  paradigm paid most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.style import (
    footnote,
    input_milestones,
    mark_milestones,
    new_figure,
    paradigm_look,
    require_rows,
)

RIVAL_GREYS = ("#444444", "#888888", "#bbbbbb", "#222222")
RIVAL_STYLES = (":", "--", "-.", "-")
BREAK_COLOR = "#B2182B"


def _look(name: str, paradigms: Sequence[str], rivals: Sequence[str]) -> dict[str, Any]:
    if name in paradigms:
        look = paradigm_look(name, list(paradigms).index(name))
        return {"color": look.color, "ls": look.linestyle, "marker": look.marker, "lw": 1.8}
    i = list(rivals).index(name) if name in rivals else 0
    return {"color": RIVAL_GREYS[i % len(RIVAL_GREYS)], "ls": RIVAL_STYLES[i % 4],
            "marker": None, "lw": 1.2}


def plot_year_contributions(contributions: pd.DataFrame, breaks: pd.DataFrame, *,
                            paradigms: Sequence[str], rivals: Sequence[str],
                            test_start: int, meta: Mapping[str, Any]) -> Figure:
    """Per-year log-likelihood of every forecaster (fits of one split), breaks marked.

    Args:
        contributions: long ``year, forecaster, loglik``.
        breaks: :func:`sim.analysis.likelihood.compare.break_costs` rows (``year, label``).
        paradigms, rivals: forecaster names (paradigms drawn in their registry look).
        test_start: first out-of-sample year (a shaded region from there on).
        meta: ``scenario``, ``seed``, ``milestones`` (input milestones are marked).
    """
    require_rows(contributions, "log-likelihood")
    fig = new_figure(10, 5.2)
    ax = fig.add_subplot()
    years = np.sort(contributions["year"].unique())
    for name in [*paradigms, *rivals]:
        part = contributions.loc[contributions["forecaster"] == name].sort_values("year")
        if part.empty:
            continue
        ax.plot(part["year"] + 0.5, part["loglik"], ms=3, label=name,
                gid=f"loglik-{name}", **_look(name, paradigms, rivals))
    lo, hi = float(years[0]), float(years[-1]) + 1.0
    ax.axvspan(test_start, hi + 0.2, color="#eeeeee", zorder=-1, lw=0)
    ax.text(test_start + 0.1, 0.02, "out of sample", transform=ax.get_xaxis_transform(),
            fontsize=7, color="#555555")
    mark_milestones(ax, input_milestones(meta), hi - lo)
    by_year = breaks.groupby("year", sort=True)["label"].agg("; ".join) if len(breaks) else {}
    for year, label in dict(by_year).items():
        ax.axvline(year + 0.5, color=BREAK_COLOR, lw=0.9, ls="--", alpha=0.7, gid="break")
        ax.text(year + 0.5, 0.04, f" {year} {label}", rotation=90, fontsize=6.5,
                color=BREAK_COLOR, transform=ax.get_xaxis_transform(), va="bottom")
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_xlabel("year (each point: the sum of log p over that year's decisions)")
    ax.set_ylabel("log-likelihood contribution")
    fig.suptitle("One-step log-likelihood by year (teacher forcing); dashed red: scored breaks",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside: no overlap
    footnote(fig, {**meta, "mode": "teacher"}, "higher is better")
    return fig


def plot_break_costs(breaks: pd.DataFrame, *, paradigms: Sequence[str],
                     rivals: Sequence[str], meta: Mapping[str, Any]) -> Figure:
    """Grouped bars of ``-log p`` per break and forecaster; the paradigm that paid most named.

    Args:
        breaks: :func:`sim.analysis.likelihood.compare.break_costs` rows.
        paradigms, rivals: forecaster names (columns of ``breaks``).
        meta: ``scenario``, ``seed``.
    """
    require_rows(breaks, "break")
    names = [n for n in [*paradigms, *rivals] if n in breaks.columns]
    fig = new_figure(10, 4.6)
    ax = fig.add_subplot()
    x = np.arange(len(breaks))
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        look = _look(name, paradigms, rivals)
        ax.bar(x + (i - (len(names) - 1) / 2) * width, -breaks[name].to_numpy(dtype=float),
               width, color=look["color"], label=name, gid=f"cost-{name}",
               hatch=None if name in paradigms else "//", edgecolor="white", lw=0.3)
    labels = [f"{r.year} {r.label}\n({r.sample} of sample)\npaid most: {r.paid_most}"
              for r in breaks.itertuples(index=False)]
    ax.set_xticks(x, labels, fontsize=6.5)
    ax.set_ylabel("cost = -log p of the observed outcome")
    ax.set_title("What each forecaster paid for each break (higher bar: more surprised)",
                 fontsize=10)
    ax.legend(fontsize=7, ncol=3)
    footnote(fig, {**meta, "mode": "teacher"}, "lower is better")
    return fig
