"""The counterfactual chart (``natosim counterfactual``): where the theories disagree."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.style import STYLE, X_LABEL, new_figure, paradigm_look, require_rows

#: Changes shaded and numbered on the chart (the manifest lists them all).
MAX_MARKED = 6


def plot_divergence(
    div: pd.DataFrame, column: str, base: str, cf: str, partner: str | None = None,
    changes: Sequence[tuple[int, str]] = (),
) -> Figure:
    """Counterfactual minus base, per paradigm: median difference with its paired band.

    Year ``y`` is drawn at ``x = y + 1`` (its state on 31 December), as in every other chart
    of yearly records (:mod:`sim.viz.plots.style`).

    Args:
        div: the table of :func:`sim.runs.experiments.diverge` (``paradigm``, ``year``, ``diff``,
            ``lo``, ``hi``).
        column: the compared series, for the axis label.
        base, cf: scenario names, for the title.
        partner: the partner of a partner-level column, if any.
        changes: ``(year, description)`` of what the counterfactual changes: each year is
            shaded and numbered, and a key under the chart says what changed.
    """
    require_rows(div, "divergence")
    with matplotlib.rc_context(STYLE):
        fig = new_figure(8.0, 4.4)
        ax = fig.subplots()
        for i, (paradigm, g) in enumerate(div.groupby("paradigm", sort=False)):
            look = paradigm_look(str(paradigm), i)
            color = look.color
            x = g["year"].to_numpy(dtype=float) + 1.0
            ax.plot(x, g["diff"], **look.line(), ms=3, label=str(paradigm),
                    gid=f"divergence-{paradigm}")
            ax.fill_between(x, g["lo"], g["hi"], color=color, alpha=0.2, linewidth=0)
        ax.axhline(0.0, color="#444444", linewidth=0.8)
        key, numbers = [], {}
        for n, (year, text) in enumerate(changes[:MAX_MARKED], start=1):
            numbers.setdefault(int(year), []).append(str(n))
            key.append(f"{n} {text}")
        for year, marks in numbers.items():  # one shaded year, its changes' numbers inside
            ax.axvspan(year, year + 1, color="#999999", alpha=0.18, linewidth=0, zorder=0)
            ax.annotate(",".join(marks), (year + 0.5, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, -3), textcoords="offset points", ha="center", va="top",
                        fontsize=8, color="#333333")
        if len(changes) > MAX_MARKED:
            key.append(f"and {len(changes) - MAX_MARKED} more (manifest.json)")
        of = f" ({partner})" if partner else ""
        ax.set_ylabel(f"Δ median {column}{of}")
        ax.set_xlabel(X_LABEL)
        ax.set_title(f"{cf} minus {base}: where the theories disagree")
        ax.legend(title="paradigm", fontsize="small")
        note = ("same seeds in both runs; band: paired bootstrap of the difference of "
                "medians")
        if key:
            note = "changed (shaded years): " + "; ".join(key) + "\n" + note
            fig.get_layout_engine().set(rect=(0, 0.09, 1, 0.91))  # room for two lines
        fig.text(0.01, 0.008, note, fontsize=7, color="#555555", wrap=True)
    return fig
