"""The look shared by every chart: rc style, paradigm palette, figure, footnote, time axis.

Figures are built with :class:`matplotlib.figure.Figure` and an Agg canvas, never with
``pyplot``: no global figure registry, no GUI, safe in threads and batch jobs. Save them with
:func:`sim.core.files.save_figure_atomic`.

Time axis: a yearly record ``y`` is the state at the end of calendar year ``y``, so the line
charts plot it at ``x = y + 1`` (31 December of ``y``) and milestones at their own dates
``t``. An event during year ``y`` then falls inside the interval whose right end shows its
effect, instead of appearing to be anticipated.

Paradigm colours follow the registry order (:data:`sim.model.paradigms.PARADIGMS`), so the
same paradigm has the same look in every chart without any chart naming a paradigm. The
colours are the Okabe–Ito colour-blind-safe set, less its blue and vermillion, which stay
for NATO (:data:`NATO_COLOR`) and Russia (:data:`RUSSIA_COLOR`); each paradigm also has its
own line style and marker, so the charts still read in grey scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sim.model.paradigms import PARADIGMS
from sim.model.records import Records

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Okabe & Ito (2008), "Color Universal Design": orange, bluish green, reddish purple, sky blue.
PARADIGM_PALETTE = ("#E69F00", "#009E73", "#CC79A7", "#56B4E9")
PARADIGM_LINESTYLES = ("-", "--", "-.", ":")
PARADIGM_MARKERS = ("o", "s", "^", "D", "v")  # 5 against 4 colours: 20 distinct looks
NATO_COLOR = "#0072B2"  # Okabe–Ito blue
RUSSIA_COLOR = "#D55E00"  # Okabe–Ito vermillion
STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.5,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
}
BAND = (0.1, 0.5, 0.9)
X_LABEL = "date (yearly values are the state on 31 December)"


@dataclass(frozen=True)
class Look:
    """How one paradigm is drawn: colour, line style and marker."""

    color: str
    linestyle: str
    marker: str

    def line(self) -> dict[str, str]:
        """Keyword arguments for ``Axes.plot``."""
        return {"color": self.color, "ls": self.linestyle, "marker": self.marker}


def paradigm_position(paradigm: str, index: int = 0) -> int:
    """The paradigm's place in the registry; an unregistered name goes after all of them.

    Args:
        paradigm: a paradigm (or other forecaster) name.
        index: its position in the chart, used only for names not in the registry.
    """
    names = list(PARADIGMS)
    return names.index(paradigm) if paradigm in PARADIGMS else len(names) + index


def paradigm_look(paradigm: str, index: int = 0) -> Look:
    """The fixed colour, line style and marker of a paradigm (registry order)."""
    i = paradigm_position(paradigm, index)
    return Look(
        PARADIGM_PALETTE[i % len(PARADIGM_PALETTE)],
        PARADIGM_LINESTYLES[i % len(PARADIGM_LINESTYLES)],
        PARADIGM_MARKERS[i % len(PARADIGM_MARKERS)],
    )


def paradigm_color(paradigm: str, index: int = 0) -> str:
    """A fixed colour per paradigm (so every chart uses the same one)."""
    return paradigm_look(paradigm, index).color


def new_figure(width: float, height: float) -> Figure:
    """An Agg-backed figure with room for the footnote under it."""
    fig = Figure(
        figsize=(width, height),
        layout=ConstrainedLayoutEngine(rect=(0, 0.045, 1, 0.955)),
    )
    FigureCanvasAgg(fig)
    return fig


def footnote_text(meta: Mapping[str, Any]) -> str:
    """The provenance line printed under every chart."""
    from sim.core.versions import natosim_version

    parts = [
        f"natosim v{meta.get('version') or natosim_version()}",
        f"scenario {meta.get('scenario', '?')}",
        f"mode {meta.get('mode', '?')}",
        f"seed {meta.get('seed', '?')}",
        f"{meta.get('replicas', '?')} replicas",
    ]
    return " · ".join(parts)


def footnote(fig: Figure, meta: Mapping[str, Any], extra: str = "") -> None:
    """Print the provenance line (and ``extra``) at the bottom left of ``fig``."""
    text = footnote_text(meta) + (f" · {extra}" if extra else "")
    edits = [str(e) for e in meta.get("history_edits") or ()]
    if edits:  # a teacher-mode run on a counterfactual record says so on every chart
        text += ("\nrecord imposed year by year edited (counterfactual): "
                 + "; ".join(edits[:3]) + (f" and {len(edits) - 3} more" if len(edits) > 3
                                           else ""))
    lines = text.count("\n") + 1
    engine = fig.get_layout_engine()
    if lines > 1 and isinstance(engine, ConstrainedLayoutEngine):  # room for every line
        bottom = (0.13 * lines + 0.03) / fig.get_figheight()
        engine.set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.01, 0.008, text, fontsize=7, color="#555555", ha="left", va="bottom")


def require_rows(frame: pd.DataFrame, what: str) -> None:
    """Refuse an empty table: there is nothing to plot.

    Raises:
        ValueError: ``frame`` has no rows.
    """
    if frame.empty:
        raise ValueError(f"no {what} rows to plot")


def plot_band(ax: Axes, records: Records, column: str) -> None:
    """Median line and 10–90 % band of ``column`` for each paradigm."""
    bands = records.quantiles(column, BAND)
    for i, paradigm in enumerate(records.paradigms):
        part = bands[bands["paradigm"] == paradigm].sort_values("year")
        x = part["year"].to_numpy(dtype=float) + 1.0
        look = paradigm_look(paradigm, i)
        ax.fill_between(x, part["q10"], part["q90"], color=look.color, alpha=0.18, lw=0)
        ax.plot(x, part["q50"], **look.line(), ms=3, lw=1.8, label=paradigm,
                gid=f"median-{paradigm}")


def input_milestones(meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scenario's input milestones (role ``input``), in time order."""
    items = [m for m in meta.get("milestones", []) if m.get("role", "input") == "input"]
    return sorted(items, key=lambda m: float(m["time"]))


def _wrapped(label: str, width: int = 22) -> str:
    """The whole label, wrapped onto lines of at most ``width`` characters (never cut)."""
    import textwrap

    return "\n".join(textwrap.wrap(" ".join(str(label).split()), width)) or str(label)


def _label_positions(times: Sequence[float], min_gap: float) -> list[bool]:
    """Greedy thinning: label a milestone only if it is ``min_gap`` after the last label."""
    keep, last = [], -np.inf
    for t in times:
        ok = t - last >= min_gap
        keep.append(ok)
        if ok:
            last = t
    return keep


def mark_milestones(ax: Axes, milestones: list[dict[str, Any]], span: float) -> None:
    """Thin vertical lines at each milestone; full labels above the axes where there is room.

    Labels sit outside the plotting area so they never hide the data, and are wrapped, never
    cut; crowded milestones keep their line but lose their label (greedy thinning in time
    order, wider for the two-line labels).
    """
    times = [float(m["time"]) for m in milestones]
    keep = _label_positions(times, min_gap=max(span / 40.0, 0.25))
    transform = ax.get_xaxis_transform()
    for milestone, t, labelled in zip(milestones, times, keep, strict=True):
        ax.axvline(t, color="#888888", lw=0.5, alpha=0.6, zorder=0, gid="milestone")
        if labelled:
            ax.text(
                t, 1.01, _wrapped(milestone.get("label") or milestone.get("id", "")),
                transform=transform, rotation=90, fontsize=5.5, color="#555555",
                ha="center", va="bottom", gid="milestone-label", clip_on=False,
                linespacing=1.0,
            )  # fmt: skip


def finish_time_axis(ax: Axes, records: Records) -> float:
    """Set the date axis to the run's years; return its span in years."""
    years = records.years
    lo, hi = float(years[0]), float(years[-1]) + 1.0
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_xlabel(X_LABEL)
    return hi - lo
