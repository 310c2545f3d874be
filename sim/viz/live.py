"""The explorer's charts, built once per model and updated in place after every step.

Rebuilding four matplotlib figures per step took about 2 s (laying out and drawing text);
here each figure is laid out once, when the model is built, and a step only moves the data
of its lines, bands and image (``set_data``) before drawing to PNG. Everything that does not
change during a run (axes, ticks, the input milestones with their numbers, the scored events
and the observed series) is drawn once.

Time axis as in :mod:`sim.viz.plots.style`: a yearly record ``y`` (the state on 31 December)
sits at ``x = y + 1``; the calendar year ``y`` spans ``[y, y + 1]``.
"""

from __future__ import annotations

import io
import threading
import warnings
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from sim.viz.observed_marks import (
    mark_scored_events,
    number_milestones,
    observed_record,
    scored_events,
    whole_year_ticks,
)
from sim.viz.plots import NATO_COLOR, RUSSIA_COLOR, STYLE, paradigm_look, rung_legend_handles
from sim.viz.plots.status import (
    draw_status_image,
    halo,
    observed_status_steps,
    rung_height,
    share_axis,
    stacked_rungs,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.model.model import NatoRussiaModel
    from sim.model.records import Records

CHARTS = ("relation", "status", "arming", "alignment")
X_LABEL = "year (yearly values are the state on 31 December)"
OBSERVED_COLOR = "#000000"
DPI = 80
SERIES_COLUMNS = ("R", "S", "menu", "russia_burden", "nato_burden")


def input_milestones(model: NatoRussiaModel) -> list:
    """The scenario's input milestones in time order (the numbering of the key)."""
    items = [m for m in model.inputs.milestones if getattr(m, "role", "input") == "input"]
    return sorted(items, key=lambda m: (m.date, m.id))


def milestone_time(model: NatoRussiaModel, milestone) -> float:
    """A milestone's date as a decimal year (as the model's clock runs)."""
    times = {mid: float(t) for t, mid in model.event_log}
    if milestone.id in times:
        return times[milestone.id]
    d = milestone.date
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def live_figure(height: float) -> Figure:
    """A figure for the explorer (Agg canvas, laid out once by :meth:`BlittedCharts.finish`)."""
    fig = Figure(figsize=(6.4, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def time_axes(ax: Axes, lo: float, hi: float, events, *, scored_labels: bool = True,
              xlabel: str = X_LABEL) -> None:
    """The scenario period on whole-year ticks, with the scored events shaded."""
    ax.set_xlim(lo - 0.3, hi + 0.3)
    whole_year_ticks(ax)
    ax.set_xlabel(xlabel)
    mark_scored_events(ax, events, lo, hi, labels=scored_labels)


class BlittedCharts:
    """Charts laid out once and then redrawn by blitting: the static part of each figure is
    kept as pixels, a frame draws only the moving artists over it.

    Subclasses build ``figures`` (name -> Figure), list each chart's moving artists in
    ``animated`` and its replaced bands in ``bands``, implement :meth:`update` and
    :meth:`records`, then call :meth:`finish`.
    """

    #: The chart names, in page order.
    names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.figures: dict[str, Figure] = {}
        self.animated: dict[str, list] = {}
        self.bands: dict[str, list] = {}
        self.backgrounds: dict[str, object] = {}
        self.key: tuple = ()

    def adopt(self, models: dict[str, NatoRussiaModel]) -> bool:
        """Draw ``models`` on these charts if they are laid out for them (the same
        paradigms, scenario years, partners and milestones: a Reset that changed only
        sliders, replicas, seed or mode); False if new charts are needed."""
        if chart_key(models) != self.key:
            return False
        self._bind(models)
        self.update()
        return True

    def _bind(self, models: dict[str, NatoRussiaModel]) -> None:  # pragma: no cover
        raise NotImplementedError

    def finish(self) -> None:
        """Lay every figure out once (then keep the positions), keep its background, draw."""
        for fig in self.figures.values():
            fig.get_layout_engine().execute(fig)
            fig.set_layout_engine("none")
        for chart in self.names:
            self._background(chart)
        self.update()

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        """Move the data of every chart to the models' current year."""
        raise NotImplementedError

    def records(self) -> Records:  # pragma: no cover - every subclass overrides it
        """The records drawn (no rows before the first step)."""
        raise NotImplementedError

    def _background(self, chart: str) -> None:
        """Draw the static part of ``chart`` once and keep its pixels (blitting)."""
        fig = self.figures[chart]
        for artist in [*self.bands.get(chart, []), *self.animated[chart]]:
            if artist is not None:
                artist.set_animated(True)
        fig.canvas.draw()
        self.backgrounds[chart] = fig.canvas.copy_from_bbox(fig.bbox)

    def frame(self, chart: str) -> bytes:
        """The chart as PNG: the kept background plus the moving artists drawn over it."""
        fig = self.figures[chart]
        with self.lock:
            canvas = fig.canvas
            canvas.restore_region(self.backgrounds[chart])
            for artist in [*self.bands.get(chart, []), *self.animated[chart]]:
                if artist is not None:
                    artist.axes.draw_artist(artist)
            rgba = np.asarray(canvas.buffer_rgba())
            buffer = io.BytesIO()
            Image.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def render(self, chart: str, fmt: str = "png", dpi: float = 150) -> bytes:
        """One whole chart as PNG, SVG or PDF bytes (for download)."""
        buffer = io.BytesIO()
        with self.lock:
            moving = [*self.bands.get(chart, []), *self.animated[chart]]
            for artist in moving:
                if artist is not None:
                    artist.set_animated(False)
            self.figures[chart].savefig(buffer, format=fmt, dpi=dpi)
            self._background(chart)
        return buffer.getvalue()

    def series_csv(self) -> bytes:
        """The yearly series drawn (every paradigm, replica and year; ``Records.series``) as
        CSV; only the header before the first step."""
        return self.records().series.to_csv(index=False).encode()

    def partners_csv(self) -> bytes:
        """The partner table drawn (``Records.partners``) as CSV."""
        return self.records().partners.to_csv(index=False).encode()


class LiveCharts(BlittedCharts):
    """The four explorer charts of one model, updated in place.

    Args:
        model: the running model (read only).
    """

    names = CHARTS

    def __init__(self, model: NatoRussiaModel) -> None:
        super().__init__()
        self.model = model
        self.key = chart_key({model.paradigm.name: model})
        self.lo, self.hi = float(model.start), float(model.end + 1)
        self.look = paradigm_look(model.paradigm.name)
        self.milestones = input_milestones(model)
        self.times = [milestone_time(model, m) for m in self.milestones]
        self.events = scored_events()
        self.observed = observed_record()
        self.partners = list(model.inputs.partners)
        with matplotlib.rc_context(STYLE):
            self.figures = {"relation": self._relation(), "status": self._status(),
                            "arming": self._arming()}
        with matplotlib.rc_context({**STYLE, "axes.grid": False}):
            self.figures["alignment"] = self._alignment()
        self.animated = {
            "relation": [self.r_line],
            "status": [self.s_image, self.s_observed, self.menu_line],
            "arming": [entry[0] for entry in self.burden.values()], "alignment": [self.image],
        }
        self.finish()

    def records(self) -> Records:
        """The model's records so far."""
        return self.model.records()

    def _bind(self, models: dict[str, NatoRussiaModel]) -> None:
        self.model = next(iter(models.values()))

    # ----------------------------------------------------------------- construction
    def _time_axes(self, ax: Axes, *, scored_labels: bool = True) -> None:
        time_axes(ax, self.lo, self.hi, self.events, scored_labels=scored_labels)

    def _relation(self) -> Figure:
        fig = live_figure(3.4)
        ax = fig.subplots()
        self._time_axes(ax)
        number_milestones(ax, self.times)
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("R (−1 hostile … +1 cooperative)")
        name = self.model.paradigm.name
        ax.set_title(f"NATO–Russia relation R(t) · {name}", loc="left")
        (self.r_line,) = ax.plot([], [], color=self.look.color, ls=self.look.linestyle,
                                 marker=self.look.marker, ms=3, lw=1.8, label=f"{name} median")
        self.r_band = None
        self.r_ax = ax
        ax.plot([], [], color="#888888", lw=0.6, label="input milestone (number: key)")
        ax.fill_between([], [], color="#222222", alpha=0.10, label="scored event (O5 force)")
        fig.legend(loc="outside lower center", fontsize=6.5, ncols=3)
        return fig

    def _status(self) -> Figure:
        fig = live_figure(2.9)
        ax = fig.subplots()
        self._time_axes(ax, scored_labels=False)
        self.s_image = draw_status_image(ax, self.lo, self.hi)
        (self.s_observed,) = ax.plot(*observed_status_steps(self.observed.status, self.lo,
                                                            self.hi),
                                     drawstyle="steps-post", color=OBSERVED_COLOR, lw=1.3,
                                     path_effects=halo(), label="observed S (O3)")
        (self.menu_line,) = ax.plot([], [], drawstyle="steps-post", ls=":", color="#555555",
                                    lw=1.2, path_effects=halo(),
                                    label="highest rung on offer (median)")
        share_axis(ax)
        ax.set_ylabel("share of replicas")
        ax.set_title("Institutional status S(t): share of replicas at each rung", loc="left",
                     fontsize=9)
        fig.legend(handles=[*rung_legend_handles(observed=False), self.s_observed,
                            self.menu_line], loc="outside right center", fontsize=6)
        return fig

    def _arming(self) -> Figure:
        fig = live_figure(2.9)
        ax = fig.subplots()
        self._time_axes(ax, scored_labels=False)
        self.burden = {}
        for column, color, who, observed in (
            ("russia_burden", RUSSIA_COLOR, "Russia", self.observed.russia_burden),
            ("nato_burden", NATO_COLOR, "NATO", self.observed.nato_burden),
        ):
            years = observed.index.to_numpy(dtype=float)
            keep = (years >= self.lo) & (years < self.hi)
            ax.plot(years[keep] + 1.0, observed.to_numpy(dtype=float)[keep], ls="none",
                    marker="x", ms=3.5, color=color, label=f"{who} observed (O1/O2)")
            (line,) = ax.plot([], [], color=color, lw=1.6, label=f"{who} median")
            self.burden[column] = [line, None, color]
        ax.set_ylabel("% of GDP")
        ax.set_ylim(0.0, 10.0)
        ax.set_title("Arming: military burden", loc="left")
        ax.legend(loc="upper right", fontsize=6, ncols=2)
        self.a_ax = ax
        return fig

    def _alignment(self) -> Figure:
        fig = live_figure(3.4)
        ax = fig.subplots()
        n_years = int(self.hi - self.lo)
        self.image = ax.imshow(np.full((len(self.partners), n_years), np.nan), cmap="RdBu",
                               vmin=-1.0, vmax=1.0, aspect="auto", interpolation="nearest",
                               extent=(self.lo, self.hi, len(self.partners) - 0.5, -0.5))
        ax.set_yticks(range(len(self.partners)), self.partners, fontsize=5.5)
        ax.set_xlim(self.lo, self.hi)
        whole_year_ticks(ax)
        ax.set_xlabel("calendar year (each cell: the state at its end)")
        ax.set_title("Partner alignment (median)", loc="left")
        fig.colorbar(self.image, ax=ax, shrink=0.9, label="−1 Russia … +1 NATO")
        return fig

    # ----------------------------------------------------------------- updates
    def quantiles(self) -> dict[str, np.ndarray]:
        """Year (x = end of year), then q10, q50, q90 of R, S, menu and burdens by year."""
        return series_quantiles(self.model, SERIES_COLUMNS)

    def alignment_matrix(self) -> np.ndarray:
        """Median alignment, partners × scenario years (NaN until simulated)."""
        return alignment_matrix(self.model, self.partners)

    def update(self) -> None:
        """Move the data of every chart to the model's current year."""
        with self.lock:
            values = series_arrays(self.model, SERIES_COLUMNS)
            q = quantiles_of(values)
            x = q["x"]
            self.s_image.set_data(status_matrix(values["S"], int(self.hi - self.lo)))
            if "R" in q:
                self.r_line.set_data(x, q["R"][1])
                self.menu_line.set_data(*status_steps(x - 1.0, q["menu"][1]))
            self.r_band = replace_band(self.r_ax, self.r_band, x, q.get("R"),
                                        self.look.color, self.model.K)
            bands = [self.r_band]
            for column, entry in self.burden.items():
                line, band, color = entry
                if column in q:
                    line.set_data(x, q[column][1])
                entry[1] = replace_band(self.a_ax, band, x, q.get(column), color,
                                         self.model.K)
                bands.append(entry[1])
            self.image.set_data(self.alignment_matrix())
            self.bands = {"relation": bands[:1], "arming": bands[1:]}

def chart_key(models: dict[str, NatoRussiaModel]) -> tuple:
    """What the static part of the charts depends on: the paradigms, the scenario's years,
    partners and input milestones."""
    first = next(iter(models.values()))
    milestones = tuple((m.id, str(m.date)) for m in input_milestones(first))
    return (tuple(models), first.start, first.end, tuple(first.inputs.partners), milestones)


def series_arrays(model: NatoRussiaModel, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """``x`` (the end of each simulated year), then each column as replicas × years (no
    years before the first step), from one read of the model's records.

    Args:
        model: a model (any year).
        columns: ``Records.series`` columns.
    """
    done = model.year - model.start
    out: dict[str, np.ndarray] = {"x": np.arange(done, dtype=float) + model.start + 1.0}
    if done == 0:
        return out | {column: np.empty((model.K, 0)) for column in columns}
    series = model.records().series.sort_values(["replica", "year"], kind="stable")
    for column in columns:
        out[column] = series[column].to_numpy(dtype=float).reshape(model.K, done)
    return out


def quantiles_of(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``x``, then q10, q50, q90 by year of each replicas × years array of
    :func:`series_arrays` (empty rows before the first step)."""
    out = {"x": values["x"]}
    for column, array in values.items():
        if column != "x":
            out[column] = (np.quantile(array, (0.1, 0.5, 0.9), axis=0) if array.shape[1]
                           else np.empty((3, 0)))
    return out


def series_quantiles(model: NatoRussiaModel, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """``x`` (the end of each simulated year), then q10, q50, q90 of each column by year
    (empty rows before the first step).

    Args:
        model: a model (any year; no column is given before its first step).
        columns: ``Records.series`` columns.
    """
    return quantiles_of(series_arrays(model, columns))


def status_matrix(s_values: np.ndarray, n_years: int) -> np.ndarray:
    """The image of stacked rungs: replicas × ``n_years``, each simulated year's replicas
    sorted (rung 0 at the bottom), NaN (transparent) for the years not yet simulated."""
    matrix = np.full((s_values.shape[0], n_years), np.nan)
    matrix[:, :s_values.shape[1]] = stacked_rungs(s_values)
    return matrix


def status_steps(years: np.ndarray, rungs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A rung per calendar year as a ``steps-post`` line on a share axis (year ``y`` from
    ``y`` to ``y + 1``, at the rung's height)."""
    if len(years) == 0:
        return np.array([]), np.array([])
    return np.append(years, years[-1] + 1.0), rung_height(np.append(rungs, rungs[-1:]))


def alignment_matrix(model: NatoRussiaModel, partners: list[str]) -> np.ndarray:
    """Median alignment over replicas, ``partners`` × scenario years (NaN until simulated)."""
    done = model.year - model.start
    matrix = np.full((len(partners), model.end - model.start + 1), np.nan)
    if done:
        table = model.records().partners
        rows = pd.Index(partners).get_indexer(table["partner"])
        keep = rows >= 0
        replica = table["replica"].to_numpy()
        cube = np.full((len(partners), done, model.K), np.nan)
        cube[rows[keep], table["year"].to_numpy()[keep] - model.start,
             (replica - replica.min())[keep]] = table["alignment"].to_numpy(dtype=float)[keep]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a partner absent: all NaN
            matrix[:, :done] = np.nanmedian(cube, axis=2)
    return matrix


def calendar_steps(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step coordinates so calendar year ``y`` (``[y, y + 1]``) shows year ``y``'s value."""
    if len(years) == 0:
        return np.array([]), np.array([])
    return np.concatenate([years[:1], years + 1.0]), np.concatenate([values[:1], values])


def replace_band(ax: Axes, old, x: np.ndarray, q: np.ndarray | None, color: str, k: int,
                 **options):
    """Swap the 10–90 % band for a new one (a band of one replica is not drawn).

    Args:
        ax: the axes.
        old: the band drawn so far (removed), or None.
        x: the x values.
        q: q10, q50, q90 rows (None: no band yet).
        color: the band's colour.
        k: the number of replicas.
        **options: more keywords for ``fill_between`` (e.g. ``step="pre"``).
    """
    if old is not None:
        old.remove()
    if q is None or k < 2:
        return None
    return ax.fill_between(x, q[0], q[2], color=color, alpha=0.18, lw=0, animated=True,
                           **options)
