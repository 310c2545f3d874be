"""Charts and summary tables: :class:`~sim.records.Records` in, matplotlib ``Figure`` out.

Figures are built with :class:`matplotlib.figure.Figure` and an Agg canvas, never with
``pyplot``: no global figure registry, no GUI, safe in threads and batch jobs. Save them with
:func:`sim.io.save_figure_atomic`.

Time axis: a yearly record ``y`` is the state at the end of calendar year ``y``, so the line
charts plot it at ``x = y + 1`` (31 December of ``y``) and milestones at their own dates
``t``. An event during year ``y`` then falls inside the interval whose right end shows its
effect, instead of appearing to be anticipated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from sim.records import S_LABELS, Records  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PARADIGM_COLORS = {
    "realist": "#b2182b",
    "liberal": "#2166ac",
    "constructivist": "#1b7837",
}
_FALLBACK_COLORS = ("#762a83", "#e08214", "#4d4d4d", "#8c510a")
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
COERCION_WATCH = ("UKR", "GEO")
_X_LABEL = "date (yearly values are the state on 31 December)"


# --------------------------------------------------------------------------- helpers


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(
        figsize=(width, height),
        layout=ConstrainedLayoutEngine(rect=(0, 0.045, 1, 0.955)),
    )
    FigureCanvasAgg(fig)
    return fig


def paradigm_color(paradigm: str, index: int = 0) -> str:
    """A fixed colour per paradigm (so every chart uses the same one)."""
    return PARADIGM_COLORS.get(paradigm, _FALLBACK_COLORS[index % len(_FALLBACK_COLORS)])


def footnote_text(meta: Mapping[str, Any]) -> str:
    """The provenance line printed under every chart."""
    from sim.io import natosim_version

    parts = [
        f"natosim v{meta.get('version') or natosim_version()}",
        f"scenario {meta.get('scenario', '?')}",
        f"mode {meta.get('mode', '?')}",
        f"seed {meta.get('seed', '?')}",
        f"{meta.get('replicas', '?')} replicas",
    ]
    return " · ".join(parts)


def _footnote(fig: Figure, meta: Mapping[str, Any], extra: str = "") -> None:
    text = footnote_text(meta) + (f" · {extra}" if extra else "")
    fig.text(0.01, 0.008, text, fontsize=7, color="#555555", ha="left", va="bottom")


def _require_rows(frame: pd.DataFrame, what: str) -> None:
    if frame.empty:
        raise ValueError(f"no {what} rows to plot")


def _band(records: Records, column: str) -> pd.DataFrame:
    """10 %, 50 % and 90 % quantiles of ``column`` by paradigm and year."""
    return records.quantiles(column, BAND)


def _plot_band(ax: Axes, records: Records, column: str) -> None:
    """Median line and 10–90 % band of ``column`` for each paradigm."""
    bands = _band(records, column)
    for i, paradigm in enumerate(records.paradigms):
        part = bands[bands["paradigm"] == paradigm].sort_values("year")
        x = part["year"].to_numpy(dtype=float) + 1.0
        color = paradigm_color(paradigm, i)
        ax.fill_between(x, part["q10"], part["q90"], color=color, alpha=0.18, lw=0)
        ax.plot(x, part["q50"], color=color, lw=1.8, label=paradigm, gid=f"median-{paradigm}")


def input_milestones(meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scenario's input milestones (role ``input``), in time order."""
    items = [m for m in meta.get("milestones", []) if m.get("role", "input") == "input"]
    return sorted(items, key=lambda m: float(m["time"]))


def _short(label: str, width: int = 24) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= width else label[: width - 1] + "…"


def _label_positions(times: Sequence[float], min_gap: float) -> list[bool]:
    """Greedy thinning: label a milestone only if it is ``min_gap`` after the last label."""
    keep, last = [], -np.inf
    for t in times:
        ok = t - last >= min_gap
        keep.append(ok)
        if ok:
            last = t
    return keep


def _mark_milestones(ax: Axes, milestones: list[dict[str, Any]], span: float) -> None:
    """Thin vertical lines at each milestone; short labels above the axes where there is room.

    Labels sit outside the plotting area so they never hide the data; crowded milestones
    keep their line but lose their label (greedy thinning in time order).
    """
    times = [float(m["time"]) for m in milestones]
    keep = _label_positions(times, min_gap=max(span / 45.0, 0.25))
    transform = ax.get_xaxis_transform()
    for milestone, t, labelled in zip(milestones, times, keep, strict=True):
        ax.axvline(t, color="#888888", lw=0.5, alpha=0.6, zorder=0, gid="milestone")
        if labelled:
            ax.text(
                t, 1.01, _short(milestone.get("label") or milestone.get("id", "")),
                transform=transform, rotation=90, fontsize=5.5, color="#555555",
                ha="center", va="bottom", gid="milestone-label", clip_on=False,
            )  # fmt: skip


def _finish_time_axis(ax: Axes, records: Records) -> float:
    years = records.years
    lo, hi = float(years[0]), float(years[-1]) + 1.0
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ax.set_xlabel(_X_LABEL)
    return hi - lo


# --------------------------------------------------------------------------- charts


def plot_relation(records: Records) -> Figure:
    """R(t) per paradigm: median and 10–90 % band over replicas, milestones marked.

    Args:
        records: one or more paradigms' ensembles.

    Returns:
        A figure with one axes.
    """
    _require_rows(records.series, "series")
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(9.0, 5.8)
        ax = fig.subplots()
        _plot_band(ax, records, "R")
        span = _finish_time_axis(ax, records)
        _mark_milestones(ax, input_milestones(records.meta), span)
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("relation R (−1 hostile … +1 cooperative)")
        fig.suptitle(
            f"NATO–Russia relation R(t) · {records.meta.get('scenario', '')}",
            fontweight="bold",
            fontsize=10,
        )
        ax.legend(loc="upper right", title="median, 10–90 % band", title_fontsize=7)
        _footnote(fig, records.meta, "grey lines: input milestones")
    return fig


def status_shares(records: Records, paradigm: str) -> pd.DataFrame:
    """Share of replicas in each status S (rows 0..4) by year (columns)."""
    part = records.series[records.series["paradigm"] == paradigm]
    counts = pd.crosstab(part["S"], part["year"], normalize="columns")
    return counts.reindex(index=list(S_LABELS), columns=records.years, fill_value=0.0)


def plot_status(records: Records) -> Figure:
    """Institutional status S(t): one panel per paradigm, share of replicas in each S.

    Each cell is a calendar year (from ``y`` to ``y + 1``) and a status level, shaded by the
    share of replicas there at the end of the year; the line is the median. S is often
    bimodal across replicas, which a median-and-band chart would hide.
    """
    _require_rows(records.series, "series")
    paradigms = records.paradigms
    bands = _band(records, "S")
    years = records.years
    extent = (years[0], years[-1] + 1.0, -0.5, max(S_LABELS) + 0.5)
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = _new_figure(9.0, 1.0 + 1.5 * len(paradigms))
        axes = np.atleast_1d(fig.subplots(len(paradigms), 1, sharex=True, squeeze=False)[:, 0])
        image = None
        for i, (ax, paradigm) in enumerate(zip(axes, paradigms, strict=True)):
            shares = status_shares(records, paradigm).to_numpy(dtype=float)
            image = ax.imshow(
                shares,
                origin="lower",
                extent=extent,
                aspect="auto",
                cmap="Greys",
                vmin=0.0,
                vmax=1.0,
                interpolation="nearest",
            )
            part = bands[bands["paradigm"] == paradigm].sort_values("year")
            x, (_, q50, _) = _calendar_steps(part)
            ax.plot(
                x,
                q50,
                drawstyle="steps-pre",
                color=paradigm_color(paradigm, i),
                lw=2.0,
                label=f"{paradigm} median",
                gid=f"median-{paradigm}",
            )
            ax.set_yticks(list(S_LABELS), [f"{k} {v}" for k, v in S_LABELS.items()])
            ax.set_title(paradigm, loc="left", fontsize=9)
        axes[-1].set_xlabel(_X_LABEL)
        fig.colorbar(image, ax=list(axes), shrink=0.8, label="share of replicas")
        fig.suptitle(
            f"NATO–Russia institutional status S(t) · {records.meta.get('scenario', '')}",
            fontweight="bold",
            fontsize=10,
        )
        _footnote(fig, records.meta, "line: median; shading: share of replicas")
    return fig


def _calendar_steps(part: pd.DataFrame) -> tuple[np.ndarray, list[np.ndarray]]:
    """Step coordinates so that calendar year ``y`` (from ``y`` to ``y + 1``) shows year
    ``y``'s end state: x = first year, then every year end; the first value is repeated."""
    years = part["year"].to_numpy(dtype=float)
    x = np.concatenate([years[:1], years + 1.0])
    values = [part[q].to_numpy(dtype=float) for q in ("q10", "q50", "q90")]
    return x, [np.concatenate([v[:1], v]) for v in values]


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
    _require_rows(records.partners, "partner")
    paradigms = [paradigm] if paradigm else records.paradigms
    order = _partner_order(records)
    years = sorted(records.partners["year"].unique().tolist())
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = _new_figure(3.6 * len(paradigms) + 1.6, 0.22 * len(order) + 1.6)
        axes = np.atleast_1d(fig.subplots(1, len(paradigms), sharey=True, squeeze=False)[0])
        image = None
        for ax, name in zip(axes, paradigms, strict=True):
            matrix = alignment_matrix(records, name).reindex(index=order, columns=years)
            image = _heatmap_panel(ax, matrix, name)
        axes[0].set_ylabel("partner")
        fig.colorbar(image, ax=list(axes), shrink=0.8, label="alignment (−1 RUS … +1 NATO)")
        fig.suptitle("Partner alignment, median over replicas", fontweight="bold", fontsize=10)
        _footnote(fig, records.meta)
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
    _require_rows(records.series, "series")
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(9.0, 5.6)
        top, bottom = fig.subplots(2, 1, sharex=True)
        for ax, column, who in ((top, "russia_burden", "Russia"), (bottom, "nato_burden", "NATO")):
            _plot_band(ax, records, column)
            ax.set_ylabel(f"{who} burden (% of GDP)")
            ax.set_ylim(bottom=0)
        _finish_time_axis(bottom, records)
        top.set_title(f"Military burden · {records.meta.get('scenario', '')}")
        top.legend(loc="upper right", title="median, 10–90 % band", title_fontsize=7)
        _footnote(fig, records.meta)
    return fig


# --------------------------------------------------------------------------- summary


def _year_ranges(years: Iterable[int]) -> str:
    """``[2008, 2014, 2015, 2016]`` → ``"2008, 2014–2016"``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _median_at(series: pd.DataFrame, column: str, year: int) -> float:
    values = series.loc[series["year"] == year, column]
    return float(values.median()) if len(values) else float("nan")


def _coercion_years(partners: pd.DataFrame, partner: str) -> str:
    """Years in which the median coercion against ``partner`` is at least 2 (limited force)."""
    rows = partners[partners["partner"] == partner]
    if rows.empty:
        return "n/a"
    medians = rows.groupby("year")["coercion"].median()
    return _year_ranges(medians[medians >= 2].index.tolist()) or "—"


def summary_table(records: Records, anchor_year: int = 2008) -> pd.DataFrame:
    """One row per paradigm with the headline numbers of a run.

    Columns: median R in the first year, in ``anchor_year`` and in the last year; share of
    replicas with S = 0 in the last year; median Russian burden in the last year; and, per
    partner in ``COERCION_WATCH`` (UKR, GEO), the years in which the median coercion is at
    least 2 (limited force), as ranges (``"—"`` none, ``"n/a"`` partner not modelled).
    """
    first, last = records.years[0], records.years[-1]
    rows = []
    for paradigm in records.paradigms:
        series = records.series[records.series["paradigm"] == paradigm]
        partners = records.partners[records.partners["paradigm"] == paradigm]
        end = series[series["year"] == last]
        rows.append(
            {
                "paradigm": paradigm,
                f"R {first}": _median_at(series, "R", first),
                f"R {anchor_year}": _median_at(series, "R", anchor_year),
                f"R {last}": _median_at(series, "R", last),
                f"share S=0 {last}": float((end["S"] == 0).mean()) if len(end) else float("nan"),
                f"RUS burden {last}": _median_at(series, "russia_burden", last),
                **{f"coercion≥2 {p}": _coercion_years(partners, p) for p in COERCION_WATCH},
            }
        )
    return pd.DataFrame(rows)
