"""The counterfactual chart (``natosim counterfactual``): where the theories disagree."""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.style import STYLE, X_LABEL, new_figure, paradigm_look, require_rows


def plot_divergence(
    div: pd.DataFrame, column: str, base: str, cf: str, partner: str | None = None
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
        of = f" ({partner})" if partner else ""
        ax.set_ylabel(f"Δ median {column}{of}")
        ax.set_xlabel(X_LABEL)
        ax.set_title(f"{cf} minus {base}: where the theories disagree")
        ax.legend(title="paradigm", fontsize="small")
        fig.text(0.01, 0.008, "same seeds in both runs; band: paired bootstrap of the "
                 "difference of medians", fontsize=7, color="#555555")
    return fig
