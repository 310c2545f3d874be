"""Charts of one run (``natosim run``): relation, status, partner alignment, arming."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd

from sim.model.records import Records
from sim.viz.observed_marks import mark_scored_events, observed_record, scored_events
from sim.viz.plots.status import draw_status_shares, rung_legend_handles, status_shares
from sim.viz.plots.style import (
    STYLE,
    X_LABEL,
    finish_time_axis,
    footnote,
    input_milestones,
    mark_milestones,
    new_figure,
    paradigm_look,
    plot_band,
    require_rows,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def plot_relation(records: Records) -> Figure:
    """R(t) per paradigm: median and 10–90 % band over replicas, input milestones and the
    scored force onsets of the observed record marked apart.

    Args:
        records: one or more paradigms' ensembles.

    Returns:
        A figure with one axes.
    """
    require_rows(records.series, "series")
    with matplotlib.rc_context(STYLE):
        fig = new_figure(9.0, 5.8)
        ax = fig.subplots()
        plot_band(ax, records, "R")
        span = finish_time_axis(ax, records)
        mark_milestones(ax, input_milestones(records.meta), span)
        years = records.years
        mark_scored_events(ax, scored_events(), float(years[0]), float(years[-1]) + 1.0)
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("relation R (−1 hostile … +1 cooperative)")
        fig.suptitle(
            f"NATO–Russia relation R(t) · {records.meta.get('scenario', '')}",
            fontweight="bold",
            fontsize=10,
        )
        ax.legend(loc="upper right", title="median, 10–90 % band", title_fontsize=7)
        footnote(fig, records.meta, "grey lines: inputs; shaded: observed force onsets (O5, "
                 "scored)")
    return fig


def plot_status(records: Records, observed: Any | None = None) -> Figure:
    """Institutional status S(t): one panel per paradigm, the share of replicas at each rung
    stacked by calendar year (:mod:`.status`), the observed S (O3) drawn on top.

    S is often bimodal across replicas, which a median-and-band chart would hide.

    Args:
        records: one or more paradigms' ensembles.
        observed: the observed record (:class:`sim.data.observed.Observed`); the shipped one
            when not given. Its S is drawn where its years overlap the run's.
    """
    require_rows(records.series, "series")
    paradigms = records.paradigms
    status = (observed if observed is not None else observed_record()).status
    years = records.years
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(9.0, 1.3 + 1.25 * len(paradigms))
        axes = np.atleast_1d(fig.subplots(len(paradigms), 1, sharex=True, squeeze=False)[:, 0])
        for i, (ax, paradigm) in enumerate(zip(axes, paradigms, strict=True)):
            draw_status_shares(ax, status_shares(records, paradigm), status)
            ax.set_title(paradigm, loc="left", fontsize=9,
                         color=paradigm_look(paradigm, i).color)
            ax.set_ylabel("share")
            ax.set_xlim(float(years[0]), float(years[-1]) + 1.0)
        axes[-1].set_xlabel(X_LABEL)
        fig.legend(handles=rung_legend_handles(), loc="outside right center", fontsize=7,
                   title="S rung (share of replicas)", title_fontsize=7)
        fig.suptitle(
            f"NATO–Russia institutional status S(t) · {records.meta.get('scenario', '')}",
            fontweight="bold",
            fontsize=10,
        )
        footnote(fig, records.meta, "stacked: share of replicas at each rung, by calendar year")
    return fig


def alignment_matrix(records: Records, paradigm: str) -> pd.DataFrame:
    """Median partner alignment over replicas: partners (rows) × years (columns)."""
    part = records.partners[records.partners["paradigm"] == paradigm]
    return part.pivot_table(index="partner", columns="year", values="alignment", aggfunc="median")


def _partner_order(records: Records) -> list[str]:
    """Partners ordered from most West-aligned to least (mean over all cells)."""
    means = records.partners.groupby("partner")["alignment"].mean()
    return means.sort_values(ascending=False, kind="mergesort").index.tolist()


def plot_alignment_heatmap(records: Records, paradigm: str | None = None) -> Figure:
    """Median partner alignment by year, one panel per paradigm (or only ``paradigm``).

    Diverging colours centred at 0: blue toward NATO (+1), red toward Russia (−1).
    """
    require_rows(records.partners, "partner")
    paradigms = [paradigm] if paradigm else records.paradigms
    order = _partner_order(records)
    years = sorted(records.partners["year"].unique().tolist())
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(3.6 * len(paradigms) + 1.6, 0.22 * len(order) + 1.6)
        axes = np.atleast_1d(fig.subplots(1, len(paradigms), sharey=True, squeeze=False)[0])
        image = None
        for ax, name in zip(axes, paradigms, strict=True):
            matrix = alignment_matrix(records, name).reindex(index=order, columns=years)
            image = _heatmap_panel(ax, matrix, name)
        axes[0].set_ylabel("partner")
        fig.colorbar(image, ax=list(axes), shrink=0.8, label="alignment (−1 RUS … +1 NATO)")
        fig.suptitle("Partner alignment, median over replicas", fontweight="bold", fontsize=10)
        footnote(fig, records.meta)
    return fig


def _heatmap_panel(ax: Axes, matrix: pd.DataFrame, title: str) -> Any:
    years = matrix.columns.to_list()
    image = ax.imshow(
        matrix.to_numpy(dtype=float),
        cmap="RdBu",
        vmin=-1.0,
        vmax=1.0,
        aspect="auto",
        interpolation="nearest",
    )
    ax.set_title(title)
    ax.set_yticks(range(len(matrix.index)), matrix.index.to_list())
    every = 1 if len(years) <= 12 else 5
    ticks = [i for i, y in enumerate(years) if y % every == 0] or list(range(len(years)))
    ax.set_xticks(ticks, [str(years[i]) for i in ticks], rotation=90)
    ax.set_xlabel("year (end of)")
    return image


def plot_arming(records: Records) -> Figure:
    """Military burden (% of GDP): Russia (top) and NATO (bottom), median and band."""
    require_rows(records.series, "series")
    with matplotlib.rc_context(STYLE):
        fig = new_figure(9.0, 5.6)
        top, bottom = fig.subplots(2, 1, sharex=True)
        for ax, column, who in ((top, "russia_burden", "Russia"), (bottom, "nato_burden", "NATO")):
            plot_band(ax, records, column)
            ax.set_ylabel(f"{who} burden (% of GDP)")
            ax.set_ylim(bottom=0)
        finish_time_axis(bottom, records)
        top.set_title(f"Military burden · {records.meta.get('scenario', '')}")
        top.legend(loc="upper right", title="median, 10–90 % band", title_fontsize=7)
        footnote(fig, records.meta)
    return fig
