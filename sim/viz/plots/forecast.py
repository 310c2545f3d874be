"""Forecast charts: fan charts joined to the observed history, and the assumed input paths.

A fan chart shows, for one component and each paradigm (one panel each), the observed record
up to the origin (black) and the forecast after it: the median and the central 50, 80 and 95 %
bands of the ensemble (quantiles 25-75, 10-90, 2.5-97.5 %). The fan starts in the origin
year from the filtered particles (give the origin year's rows in ``quantiles``), where the
black line ends. It is not pinned to the last observation: the filter imposes the observed
decisions, not the levels of arming or of R, so a gap between the end of the black line and
the start of the fan is the model's own level error at the origin, shown rather than hidden. The
footnote says which input paths the forecast assumed; ``plot_assumptions`` draws them (data
to the origin, solid; the path after it, dashed). Yearly values are drawn at 31 December
(``x = year + 1``), as elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.status import draw_status_shares, rung_legend_handles
from sim.viz.plots.style import STYLE, footnote, new_figure, paradigm_look

OBSERVED = "#000000"
FANS = (("q2.5", "q97.5", 0.15, "95 %"), ("q10", "q90", 0.25, "80 %"),
        ("q25", "q75", 0.4, "50 %"))
LABELS = {
    "relation": "relation R (model units, −1 hostile … +1 cooperative)",
    "russia_milex": "O1 Russia's military expenditure (constant 2023 US$ m)",
    "russia_burden": "O1 Russia's military burden (% of GDP)",
    "nato_burden": "O2 NATO's military burden (% of GDP)",
    "R": "O4 net cooperation, yearly (Goldstein sum; R mapped)",
    "R_stock": "O4 net cooperation, stock (running sum; R mapped)",
    "R_unga": "O7 Russia-USA UN vote agreement (R mapped)",
    "S": "O3 institutional status S (0 none … 4 NRC)",
}


def plot_fan(quantiles: pd.DataFrame, component: str, history: pd.Series | None,
             origin: int, meta: Mapping[str, Any], note: str = "",
             history_label: str = "observed") -> Figure:
    """One component's fan chart, one panel per paradigm (in the order of ``quantiles``);
    ``history`` drawn as ``history_label`` (e.g. the edited record a counterfactual imposed)."""
    import matplotlib as mpl

    rows = quantiles[quantiles["component"] == component]
    paradigms = list(dict.fromkeys(rows["paradigm"]))
    with mpl.rc_context(STYLE):
        fig = new_figure(3.6 * max(len(paradigms), 1) + 0.6, 3.6)
        axes = fig.subplots(1, max(len(paradigms), 1), sharey=True, squeeze=False)[0]
        for index, (ax, paradigm) in enumerate(zip(axes, paradigms, strict=False)):
            part = rows[rows["paradigm"] == paradigm].sort_values("year")
            look = paradigm_look(paradigm, index)
            x = part["year"].to_numpy(dtype=float) + 1.0

            def column(name: str, part=part) -> np.ndarray:
                return part[name].to_numpy(dtype=float)

            for lo, hi, alpha, label in FANS:
                ax.fill_between(x, column(lo), column(hi), color=look.color, alpha=alpha,
                                lw=0, label=f"{label} band")
            ax.plot(x, column("q50"), color=look.color, ls=look.linestyle, lw=1.6,
                    label="median")
            if history is not None and not history.empty:
                hist = history.loc[:origin]
                ax.plot(hist.index.to_numpy(dtype=float) + 1.0, hist.to_numpy(dtype=float),
                        color=OBSERVED, lw=1.2, label=history_label)
            ax.axvline(origin + 1.0, color="#777777", ls=":", lw=1)
            ax.set_title(paradigm)
            ax.set_xlabel("year (state on 31 December)")
        axes[0].set_ylabel(LABELS.get(component, component), fontsize=8)
        axes[0].legend(loc="best", fontsize=7)
        fig.suptitle(f"Forecast from {origin}: {LABELS.get(component, component)}",
                     fontsize=10)
        footnote(fig, meta, note)
    return fig


def forecast_status_shares(events: pd.DataFrame, paradigm: str, history: pd.Series,
                           origin: int) -> pd.DataFrame:
    """Rungs (rows 0..4) x years: one-hot on the imposed ``history`` up to ``origin`` (every
    filtered particle carries it), the forecast's probabilities ``S=k`` after it."""
    rows = events[(events["paradigm"] == paradigm) & events["event"].str.startswith("S=")]
    ahead = rows.assign(rung=rows["event"].str[2:].astype(int)).pivot_table(
        index="rung", columns="year", values="p", aggfunc="sum")
    known = history.loc[:origin].astype(int)
    past = pd.DataFrame(0.0, index=range(5), columns=known.index)
    for year, rung in known.items():
        past.loc[rung, year] = 1.0
    shares = pd.concat([past, ahead.reindex(index=range(5), fill_value=0.0)], axis=1)
    return shares.fillna(0.0).sort_index(axis=1)


def plot_status_fan(events: pd.DataFrame, history: pd.Series, origin: int,
                    meta: Mapping[str, Any], note: str = "",
                    history_label: str = "observed") -> Figure:
    """The forecast of S as stacked shares: one panel per paradigm, the imposed record up to
    the origin (one rung each year) and the share of particles at each rung after it, the
    record drawn on top as a step line labelled ``history_label``."""
    import matplotlib as mpl

    paradigms = list(dict.fromkeys(events["paradigm"]))
    with mpl.rc_context(STYLE):
        fig = new_figure(3.6 * max(len(paradigms), 1) + 0.6, 3.6)
        axes = fig.subplots(1, max(len(paradigms), 1), sharey=True, squeeze=False)[0]
        for ax, paradigm in zip(axes, paradigms, strict=False):
            shares = forecast_status_shares(events, paradigm, history, origin)
            draw_status_shares(ax, shares, history.loc[:origin],
                               rung_axis=ax is axes[-1])
            ax.axvline(origin + 1.0, color="#777777", ls=":", lw=1)
            ax.set_title(paradigm)
            ax.set_xlabel("year")
        axes[0].set_ylabel("share of particles at each rung", fontsize=8)
        handles = rung_legend_handles(observed=True)
        handles[-1].set_label(f"{history_label} S (O3), right axis")
        fig.legend(handles=handles, loc="outside right center", fontsize=7, frameon=False)
        fig.suptitle(f"Forecast from {origin}: {LABELS['S']}", fontsize=10)
        footnote(fig, meta, note)
    return fig


def plot_assumptions(years: np.ndarray, series: Mapping[str, np.ndarray],
                     rules: Mapping[str, str], origin: int,
                     meta: Mapping[str, Any]) -> Figure:
    """The input paths of a forecast: each series' data to the origin and its path after.

    Args:
        years: ``(T,)`` the forecast's years.
        series: panel title -> ``(T,)`` values (data, then the assumed path).
        rules: panel title -> how the path was made (``hold``, ``growth``, ``values``).
        origin: the last year of data.
    """
    import matplotlib as mpl

    names: Sequence[str] = list(series)
    cols = 3
    nrows = max(1, -(-len(names) // cols))
    with mpl.rc_context(STYLE):
        fig = new_figure(11, 2.6 * nrows + 0.6)
        axes = fig.subplots(nrows, cols, squeeze=False).ravel()
        x = np.asarray(years, dtype=float) + 1.0
        known = np.asarray(years) <= origin
        after = np.asarray(years) >= origin
        for ax, name in zip(axes, names, strict=False):
            values = np.asarray(series[name], dtype=float)
            ax.plot(x[known], values[known], color=OBSERVED, lw=1.2, label="data")
            ax.plot(x[after], values[after], color="#0072B2", ls="--", lw=1.4,
                    label=f"assumed: {rules.get(name, 'hold')}")
            ax.axvline(origin + 1.0, color="#777777", ls=":", lw=1)
            ax.set_title(name, fontsize=9)
            ax.legend(loc="best", fontsize=7)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        fig.suptitle(f"Inputs of the forecast: data to {origin}, assumed paths after it",
                     fontsize=10)
        footnote(fig, meta)
    return fig
