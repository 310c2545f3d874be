"""Charts of ``natosim compare``: observed against simulated (O1–O4) and coercion events (O5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd

from sim.model.records import Records
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
    require_rows,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COMPARE_QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)
_COMPARE_BAND_NAMES = ("lo95", "lo80", "median", "hi80", "hi95")
# panel key -> (title, Records.series column, Observed attribute, y label, scale, z-scored?)
COMPARE_PANELS: dict[str, tuple[str, str, str, str, float, bool]] = {
    "O4": ("O4 net cooperation (observed Goldstein sum) vs relation R", "R", "net_coop",
           "z-score (own calibration mean and sd)", 1.0, True),
    "O1 milex": ("O1 Russian military expenditure", "russia_milex", "russia_milex",
                 "constant 2023 US$ bn", 1e-3, False),
    "O1 burden": ("O1 Russian military burden", "russia_burden", "russia_burden",
                  "% of GDP", 1.0, False),
    "O2": ("O2 NATO military burden", "nato_burden", "nato_burden", "% of GDP", 1.0, False),
    "O3": ("O3 institutional status S", "S", "status", "S (0 none … 4 NRC)", 1.0, False),
}
OBSERVED_COLOR = "#111111"
CALIBRATION_COLOR = "#f1e3c6"


def ensemble_bands(records: Records, column: str) -> pd.DataFrame:
    """Median and the 80 % and 95 % bands of a series column, by paradigm and year.

    Returns:
        Columns ``paradigm, year, lo95, lo80, median, hi80, hi95`` (the 2.5, 10, 50, 90 and
        97.5 % quantiles over replicas).
    """
    out = records.quantiles(column, COMPARE_QUANTILES)
    return out.set_axis(["paradigm", "year", *_COMPARE_BAND_NAMES], axis=1)


def _zscore_bands(part: pd.DataFrame, calibration: tuple[int, int]) -> pd.DataFrame:
    """z-score every band with the calibration mean and sd of the median (as scored)."""
    from sim.analysis.scoring import calibration_stats

    mean, sd = calibration_stats(part["median"].to_numpy(float), part["year"].to_numpy(int),
                                 calibration)
    scaled = part.copy()
    for name in _COMPARE_BAND_NAMES:
        scaled[name] = (part[name] - mean) / sd if sd else np.nan
    return scaled


def _observed_panel_series(observed: Any, attr: str, zscored: bool,
                           calibration: tuple[int, int]) -> pd.Series:
    from sim.analysis.scoring import calibration_stats

    series = getattr(observed, attr).astype(float)
    if not zscored:
        return series
    mean, sd = calibration_stats(series.to_numpy(), series.index.to_numpy(int), calibration)
    return (series - mean) / sd if sd else series * np.nan


def _draw_compare_panel(ax: Axes, records: Records, observed: Any, key: str,
                        calibration: tuple[int, int]) -> None:
    title, column, attr, ylabel, scale, zscored = COMPARE_PANELS[key]
    bands = ensemble_bands(records, column)
    for i, paradigm in enumerate(records.paradigms):
        part = bands[bands["paradigm"] == paradigm].sort_values("year")
        if zscored:
            part = _zscore_bands(part, calibration)
        x = part["year"].to_numpy(dtype=float) + 1.0
        look = paradigm_look(paradigm, i)
        color = look.color
        ax.fill_between(x, part["lo95"] * scale, part["hi95"] * scale, color=color, alpha=0.10,
                        lw=0)
        ax.fill_between(x, part["lo80"] * scale, part["hi80"] * scale, color=color, alpha=0.22,
                        lw=0)
        ax.plot(x, part["median"] * scale, color=color, ls=look.linestyle, lw=1.6, label=paradigm,
                gid=f"median-{paradigm}")
    obs = _observed_panel_series(observed, attr, zscored, calibration)
    obs = obs[obs.index.isin(records.years)]
    ax.plot(obs.index.to_numpy(dtype=float) + 1.0, obs.to_numpy() * scale, color=OBSERVED_COLOR,
            lw=1.4, marker="o", ms=2.2, label="observed", zorder=5, gid="observed")
    ax.axvspan(calibration[0], calibration[1] + 1.0, color=CALIBRATION_COLOR, alpha=0.6, lw=0,
               zorder=0, gid="calibration")
    if key == "O4":  # the milestone labels sit above this panel: title inside the axes
        ax.text(0.01, 0.98, title, transform=ax.transAxes, ha="left", va="top",
                fontweight="bold", fontsize=9, gid="panel-title")
    else:
        ax.set_title(title, loc="left", fontsize=9)
    ax.set_ylabel(ylabel)


def status_panel_keys(records: Records) -> list[str]:
    """The mosaic keys of the O3 small multiples, one per paradigm (``O3 <paradigm>``)."""
    return [f"O3 {paradigm}" for paradigm in records.paradigms]


def _draw_status_panels(axes: dict[str, Axes], records: Records, observed: Any) -> None:
    """O3 as small multiples: per paradigm the stacked shares of replicas at each rung,
    the observed S on top (opaque: the calibration window is not shaded here)."""
    keys = status_panel_keys(records)
    for i, (key, paradigm) in enumerate(zip(keys, records.paradigms, strict=True)):
        ax = axes[key]
        draw_status_shares(ax, status_shares(records, paradigm), observed.status)
        ax.set_ylabel(paradigm, color=paradigm_look(paradigm, i).color, fontsize=7,
                      fontweight="bold")
    top = axes[keys[0]]
    top.set_title(COMPARE_PANELS["O3"][0] + ": share of replicas at each rung", loc="left",
                  fontsize=9)


def plot_observed_vs_simulated(records: Records, observed: Any,
                               calibration: tuple[int, int] = (1991, 2007)) -> Figure:
    """Observed O1–O4 against each paradigm's median with 80 % and 95 % bands.

    O4 (a Goldstein sum) and R (in [−1, 1]) have different units, so both are drawn as
    z-scores with their own calibration mean and sd, as the scorecard scores them; O1 and O2
    are in the model's own units. O3, the institutional status S, is one small panel per
    paradigm: the share of replicas at each rung stacked by calendar year, the observed S on
    top (:mod:`.status`). Input milestones are grey lines (labelled on the top panel) and the
    calibration window is shaded.

    Args:
        records: one or more paradigms' ensembles.
        observed: the observed record (:class:`sim.data.observed.Observed`).
        calibration: first and last calibration year.

    Returns:
        A figure with O4; O1 milex and burden; O2; and one O3 panel per paradigm.
    """
    require_rows(records.series, "series")
    status_keys = status_panel_keys(records)
    layout = [["O4", "O4"], ["O1 milex", "O1 burden"], ["O2", [[k] for k in status_keys]]]
    with matplotlib.rc_context(STYLE):
        fig = new_figure(10.0, 10.0)
        axes = fig.subplot_mosaic(layout, sharex=True)
        for key in COMPARE_PANELS:
            if key != "O3":
                _draw_compare_panel(axes[key], records, observed, key, calibration)
        _draw_status_panels(axes, records, observed)
        milestones = input_milestones(records.meta)
        span = finish_time_axis(axes["O4"], records)
        mark_milestones(axes["O4"], milestones, span)
        times = sorted({round(float(m["time"]), 2) for m in milestones})
        for key in ("O1 milex", "O1 burden", "O2"):
            for time in times:
                axes[key].axvline(time, color="#888888", lw=0.4, alpha=0.4, zorder=0,
                                  gid="milestone")
        for key in ("O4", "O1 milex", "O1 burden", *status_keys[:-1]):
            axes[key].set_xlabel("")
        axes["O2"].set_xlabel(X_LABEL)
        axes[status_keys[-1]].set_xlabel(X_LABEL)
        # under the panels, not on them: a train | test label or the data stay visible
        handles, labels = axes["O4"].get_legend_handles_labels()
        fig.get_layout_engine().set(rect=(0, 0.075, 1, 0.925))  # room for it over the note
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.3, 0.022),
                   ncols=len(labels), title="median, 80 % and 95 % bands over replicas",
                   title_fontsize=7)
        fig.legend(handles=rung_legend_handles(), loc="lower center", ncols=3, fontsize=6.5,
                   bbox_to_anchor=(0.77, 0.022), title="O3 panels: S rung (share of replicas)",
                   title_fontsize=7)
        fig.suptitle(f"Observed vs simulated · {records.meta.get('scenario', '')}",
                     fontweight="bold", fontsize=10)
        footnote(fig, records.meta, f"shaded: calibration {calibration[0]}–{calibration[1]}; "
                                     "grey lines: input milestones")
    return fig



def event_probabilities(records: Records, level: int) -> dict[str, pd.DataFrame]:
    """Per paradigm: share of replicas with coercion ``F >= level``, partner x year."""
    part = records.partners.assign(event=(records.partners["coercion"] >= level).astype(float))
    shares = part.groupby(["paradigm", "partner", "year"], sort=False)["event"].mean()
    return {p: shares.loc[p].unstack("year") for p in records.paradigms}


def _event_panel(ax: Axes, matrix: pd.DataFrame, observed: pd.DataFrame, title: str) -> Any:
    image = ax.imshow(matrix.to_numpy(dtype=float), cmap="Reds", vmin=0.0, vmax=1.0,
                      aspect="auto", interpolation="nearest")
    rows, cols = np.nonzero(observed.to_numpy() > 0)
    ax.scatter(cols, rows, s=14, facecolors="none", edgecolors=OBSERVED_COLOR, linewidths=0.8,
               gid="observed-event")
    years = matrix.columns.to_list()
    ticks = [i for i, y in enumerate(years) if y % 5 == 0] or list(range(len(years)))
    ax.set_xticks(ticks, [str(years[i]) for i in ticks], rotation=90)
    ax.set_yticks(range(len(matrix.index)), matrix.index.to_list())
    ax.set_title(title, fontsize=9)
    return image


def plot_events(records: Records, observed: Any) -> Figure:
    """Event timelines: observed coercion (O5) vs each paradigm's predicted probability.

    Rows: any coercion (F ≥ 1) and force (F ≥ 2). Columns: the observed record (0/1), then
    each paradigm's share of replicas with the event, partner x year; open circles mark the
    observed events on every panel.

    Args:
        records: one or more paradigms' ensembles.
        observed: the observed record (:class:`sim.data.observed.Observed`).

    Returns:
        A figure with ``2 x (1 + paradigms)`` panels.
    """
    require_rows(records.partners, "partner")
    years = records.years
    simulated = set(records.partners["partner"].unique().tolist())
    partners = [p for p in observed.coercion.index if p in simulated]
    levels = observed.coercion.reindex(index=partners, columns=years).fillna(0)
    paradigms = records.paradigms
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = new_figure(1.6 + 2.9 * (len(paradigms) + 1), 1.6 + 0.34 * len(partners))
        grid = fig.subplots(2, len(paradigms) + 1, sharex=True, sharey=True, squeeze=False)
        image = None
        for row, (level, what) in enumerate(((1, "F ≥ 1 (any coercion)"),
                                             (2, "F ≥ 2 (force)"))):
            hits = (levels >= level).astype(float)
            probs = event_probabilities(records, level)
            image = _event_panel(grid[row, 0], hits, hits, f"observed · {what}")
            for col, paradigm in enumerate(paradigms, start=1):
                matrix = probs[paradigm].reindex(index=partners, columns=years)
                _event_panel(grid[row, col], matrix, hits, f"{paradigm} · P({what.split(' (')[0]})")
        fig.colorbar(image, ax=list(grid.ravel()), shrink=0.6,
                     label="share of replicas (observed: 0/1)")
        fig.suptitle("Russian coercion of partners: observed (O5) vs predicted",
                     fontweight="bold", fontsize=10)
        footnote(fig, records.meta, "open circles: observed events; year = calendar year")
    return fig

