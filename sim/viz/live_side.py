"""Every registered paradigm side by side, on the same scenario and seed, updated in place.

Three charts, laid out once and then redrawn by blitting (:class:`~sim.viz.live.BlittedCharts`):

- ``relation``: R(t) of every paradigm overlaid, median and 10–90 % band, each paradigm in
  its own colour, line style and marker (:func:`sim.viz.plots.paradigm_look`) and labelled
  directly at the end of its line; the input milestones numbered, the scored events shaded,
  and O7 (the Russia–USA UN General Assembly vote agreement, the observable R is scored
  against) on its own right-hand axis, since it is a share of votes, not R's scale;
- ``status``: small multiples of S(t), one panel per paradigm: the share of replicas at
  each rung stacked by calendar year (as :mod:`sim.viz.plots.status`), the observed O3 on top;
- ``alignment``: small multiples of the partners' median alignment, one heatmap per
  paradigm, then O8 (each partner's UNGA agreement with the USA minus with Russia), the
  observable alignment is scored against, on the same colour scale.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib
import numpy as np

from sim.model.records import Records
from sim.viz.live import (
    OBSERVED_COLOR,
    BlittedCharts,
    alignment_matrix,
    chart_key,
    input_milestones,
    live_figure,
    milestone_time,
    quantiles_of,
    replace_band,
    series_arrays,
    status_matrix,
    time_axes,
)
from sim.viz.observed_marks import (
    number_milestones,
    observed_record,
    scored_events,
    whole_year_ticks,
)
from sim.viz.plots import STYLE, paradigm_look, rung_legend_handles
from sim.viz.plots.status import draw_status_image, halo, observed_status_steps, share_axis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.model.model import NatoRussiaModel

SIDE_CHARTS = ("relation", "status", "alignment")
LABEL_GAP = 0.11  # the least vertical distance between two direct labels (R units)
LABEL_ROOM = 2.6  # years of room right of the period for the direct labels


def spread_labels(values: list[float], gap: float = LABEL_GAP, lo: float = -1.0,
                  hi: float = 1.0) -> list[float]:
    """Heights for direct labels: each ``values[i]`` moved as little as needed so that no
    two are closer than ``gap``, all inside ``[lo, hi]`` (order kept).

    Args:
        values: the labels' wanted heights.
        gap: the least distance between two labels.
        lo: the lowest height allowed.
        hi: the highest height allowed.
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [min(max(values[i], lo), hi) for i in order]
    for j in range(1, len(placed)):  # push up
        placed[j] = max(placed[j], placed[j - 1] + gap)
    if placed and placed[-1] > hi:  # then down from the top if the stack overflows
        placed[-1] = hi
        for j in range(len(placed) - 2, -1, -1):
            placed[j] = min(placed[j], placed[j + 1] - gap)
    out = [0.0] * len(values)
    for j, i in enumerate(order):
        out[i] = placed[j]
    return out


class SideBySideCharts(BlittedCharts):
    """The side-by-side charts of one model per paradigm, updated in place.

    Args:
        models: paradigm name -> its model, in registry order; the same scenario, mode,
            replicas and seed (the models are read only).
    """

    names = SIDE_CHARTS

    def __init__(self, models: dict[str, NatoRussiaModel]) -> None:
        super().__init__()
        self._bind(models)
        first = self.first
        self.key = chart_key(models)
        self.lo, self.hi = float(first.start), float(first.end + 1)
        self.looks = {name: paradigm_look(name) for name in models}
        self.milestones = input_milestones(first)
        self.times = [milestone_time(first, m) for m in self.milestones]
        self.events = scored_events()
        self.observed = observed_record()
        self.partners = list(first.inputs.partners)
        with matplotlib.rc_context(STYLE):
            self.figures = {"relation": self._relation(), "status": self._status()}
        with matplotlib.rc_context({**STYLE, "axes.grid": False}):
            self.figures["alignment"] = self._alignment()
        self.animated = {
            "relation": [*self.r_lines.values(), *self.r_labels.values()],
            "status": [*self.s_images.values(), *self.s_observed],
            "alignment": list(self.images.values()),
        }
        self.bands = {"relation": []}
        self.r_bands: dict[str, object] = dict.fromkeys(models)
        self.finish()

    def _bind(self, models: dict[str, NatoRussiaModel]) -> None:
        self.models = models
        self.first = next(iter(models.values()))

    def records(self) -> Records:
        """Every paradigm's records so far, joined in registry order."""
        return Records.concat([model.records() for model in self.models.values()])

    # ----------------------------------------------------------------- construction
    def _relation(self) -> Figure:
        fig = live_figure(3.9)
        ax = fig.subplots()
        time_axes(ax, self.lo, self.hi, self.events)
        ax.set_xlim(self.lo - 0.3, self.hi + LABEL_ROOM)
        number_milestones(ax, self.times)
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("R (−1 hostile … +1 cooperative)")
        ax.set_title("R(t), every paradigm · median and 10–90 % band", loc="left")
        self.r_ax = ax
        self.r_lines, self.r_labels = {}, {}
        for name, look in self.looks.items():
            (self.r_lines[name],) = ax.plot([], [], **look.line(), ms=3, lw=1.8,
                                            label=f"{name} median", gid=f"median-{name}")
            self.r_labels[name] = ax.text(self.lo, 0.0, name, color=look.color, fontsize=7,
                                          fontweight="bold", ha="left", va="center",
                                          visible=False, gid=f"label-{name}",
                                          bbox={"boxstyle": "round,pad=0.1", "fc": "white",
                                                "ec": "none", "alpha": 0.75})
        o7 = self.observed.unga_rus_usa
        years = o7.index.to_numpy(dtype=float)
        keep = (years >= self.lo) & (years < self.hi)
        right = ax.twinx()
        right.grid(False)
        right.spines["right"].set_visible(True)
        right.plot(years[keep] + 1.0, o7.to_numpy(dtype=float)[keep], color=OBSERVED_COLOR,
                   ls=":", marker="x", ms=3, lw=1.0, label="observed O7: UNGA vote agreement "
                   "RUS–USA (right axis)", gid="observed-O7")
        right.set_ylim(0.0, 1.0)
        right.set_ylabel("O7 share of UNGA votes alike", fontsize=7)
        ax.plot([], [], color="#888888", lw=0.6, label="input milestone (number: key)")
        ax.fill_between([], [], color="#222222", alpha=0.10, label="scored event (O5 force)")
        handles = ax.get_legend_handles_labels()
        extra = right.get_legend_handles_labels()
        fig.legend(handles[0] + extra[0], handles[1] + extra[1], loc="outside lower center",
                   fontsize=6.5, ncols=3)
        return fig

    def _status(self) -> Figure:
        n = len(self.models)
        fig = live_figure(0.95 * n + 1.1)
        axes = np.atleast_1d(fig.subplots(n, 1, sharex=True, sharey=True))
        steps = observed_status_steps(self.observed.status, self.lo, self.hi)
        self.s_images, self.s_observed = {}, []
        for i, (ax, (name, look)) in enumerate(zip(axes, self.looks.items(), strict=True)):
            time_axes(ax, self.lo, self.hi, self.events, scored_labels=False,
                      xlabel="year" if i == n - 1 else "")
            self.s_images[name] = draw_status_image(ax, self.lo, self.hi)
            (line,) = ax.plot(*steps, drawstyle="steps-post", color=OBSERVED_COLOR, lw=1.2,
                              path_effects=halo(), label="observed S (O3), right axis")
            self.s_observed.append(line)
            share_axis(ax)
            ax.set_ylabel(name, color=look.color, fontweight="bold", fontsize=7)
        axes[0].set_title("S(t) per paradigm: share of replicas at each rung", loc="left",
                          fontsize=8)
        fig.legend(handles=rung_legend_handles(), loc="outside right center", fontsize=6)
        return fig

    def _alignment(self) -> Figure:
        panels = [*self.models, "O8"]
        cols = 2
        rows = math.ceil(len(panels) / cols)
        fig = live_figure(2.3 * rows + 0.4)
        grid = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True)).ravel()
        n_years = int(self.hi - self.lo)
        extent = (self.lo, self.hi, len(self.partners) - 0.5, -0.5)
        self.images = {}
        image = None
        for ax, name in zip(grid, panels, strict=False):
            if name == "O8":
                matrix = self._o8()
                title, color = "observed O8: UNGA agreement USA − RUS", OBSERVED_COLOR
            else:
                matrix = np.full((len(self.partners), n_years), np.nan)
                title, color = f"{name} (median)", self.looks[name].color
            image = ax.imshow(matrix, cmap="RdBu", vmin=-1.0, vmax=1.0, aspect="auto",
                              interpolation="nearest", extent=extent)
            if name != "O8":
                self.images[name] = image
            ax.set_title(title, loc="left", fontsize=8, color=color)
            ax.set_yticks(range(len(self.partners)), self.partners, fontsize=4.5)
            ax.set_xlim(self.lo, self.hi)
            whole_year_ticks(ax)
        for ax in grid[len(panels):]:
            ax.set_visible(False)
        fig.colorbar(image, ax=list(grid), shrink=0.8, label="−1 Russia … +1 NATO/USA")
        fig.suptitle("Partner alignment per paradigm, and the observed O8",
                     fontweight="bold", fontsize=9, x=0.02, ha="left")
        return fig

    def _o8(self) -> np.ndarray:
        """O8 on the charts' grid: partners × scenario years (NaN where there is no vote)."""
        years = list(range(int(self.lo), int(self.hi)))
        table = self.observed.unga_alignment.reindex(index=self.partners, columns=years)
        return table.to_numpy(dtype=float)

    # ----------------------------------------------------------------- updates
    def update(self) -> None:
        """Move every paradigm's lines, bands, labels and heatmap to the current year."""
        with self.lock:
            values = {name: series_arrays(model, ("R", "S"))
                      for name, model in self.models.items()}
            quantiles = {name: quantiles_of({"x": v["x"], "R": v["R"]})
                         for name, v in values.items()}
            ends: dict[str, float] = {}
            for name, q in quantiles.items():
                model, color = self.models[name], self.looks[name].color
                x = q["x"]
                self.r_lines[name].set_data(x, q["R"][1])
                self.s_images[name].set_data(status_matrix(values[name]["S"],
                                                           int(self.hi - self.lo)))
                if len(x):
                    ends[name] = float(q["R"][1][-1])
                self.r_bands[name] = replace_band(self.r_ax, self.r_bands[name], x, q.get("R"),
                                                  color, model.K)
                self.images[name].set_data(alignment_matrix(model, self.partners))
            self._place_labels(ends, quantiles)
            self.bands = {"relation": list(self.r_bands.values())}

    def _place_labels(self, ends: dict[str, float], quantiles: dict[str, dict]) -> None:
        """Each paradigm's name just right of its line's last point, never overlapping."""
        names = list(ends)
        heights = spread_labels([ends[n] for n in names])
        for name, height in zip(names, heights, strict=True):
            label = self.r_labels[name]
            label.set_position((float(quantiles[name]["x"][-1]) + 0.25, height))
            label.set_visible(True)
        for name in set(self.r_labels) - set(ends):
            self.r_labels[name].set_visible(False)
