"""Charts and summary tables: :class:`~sim.model.records.Records` in, matplotlib ``Figure`` out.

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
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from sim.model.records import S_LABELS, Records

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
    from sim.core.versions import natosim_version

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


# --------------------------------------------------------------------------- compare charts

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
    step = "pre" if column == "S" else None
    for i, paradigm in enumerate(records.paradigms):
        part = bands[bands["paradigm"] == paradigm].sort_values("year")
        if zscored:
            part = _zscore_bands(part, calibration)
        x = part["year"].to_numpy(dtype=float) + 1.0
        color = paradigm_color(paradigm, i)
        light, dark = (0.05, 0.10) if step else (0.10, 0.22)  # S is often bimodal: fainter
        ax.fill_between(x, part["lo95"] * scale, part["hi95"] * scale, color=color, alpha=light,
                        lw=0, step=step)
        ax.fill_between(x, part["lo80"] * scale, part["hi80"] * scale, color=color, alpha=dark,
                        lw=0, step=step)
        ax.plot(x, part["median"] * scale, color=color, lw=1.6, label=paradigm,
                drawstyle="steps-pre" if step else "default", gid=f"median-{paradigm}")
    obs = _observed_panel_series(observed, attr, zscored, calibration)
    obs = obs[obs.index.isin(records.years)]
    ax.plot(obs.index.to_numpy(dtype=float) + 1.0, obs.to_numpy() * scale, color=OBSERVED_COLOR,
            lw=1.4, marker="o", ms=2.2, label="observed", zorder=5,
            drawstyle="steps-pre" if step else "default", gid="observed")
    ax.axvspan(calibration[0], calibration[1] + 1.0, color=CALIBRATION_COLOR, alpha=0.6, lw=0,
               zorder=0, gid="calibration")
    if key == "O4":  # the milestone labels sit above this panel: title inside the axes
        ax.text(0.01, 0.98, title, transform=ax.transAxes, ha="left", va="top",
                fontweight="bold", fontsize=9, gid="panel-title")
    else:
        ax.set_title(title, loc="left", fontsize=9)
    ax.set_ylabel(ylabel)
    if column == "S":
        ax.set_yticks(list(S_LABELS))
        ax.set_ylim(-0.3, max(S_LABELS) + 0.3)


def plot_observed_vs_simulated(records: Records, observed: Any,
                               calibration: tuple[int, int] = (1991, 2007)) -> Figure:
    """Observed O1–O4 against each paradigm's median with 80 % and 95 % bands.

    O4 (a Goldstein sum) and R (in [−1, 1]) have different units, so both are drawn as
    z-scores with their own calibration mean and sd, as the scorecard scores them; O1 and O2
    are in the model's own units. Input milestones are grey lines (labelled on the top panel)
    and the calibration window is shaded.

    Args:
        records: one or more paradigms' ensembles.
        observed: the observed record (:class:`sim.data.observed.Observed`).
        calibration: first and last calibration year.

    Returns:
        A figure with five panels (O4; O1 milex and burden; O2; O3).
    """
    _require_rows(records.series, "series")
    layout = [["O4", "O4"], ["O1 milex", "O1 burden"], ["O2", "O3"]]
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(10.0, 10.0)
        axes = fig.subplot_mosaic(layout, sharex=True)
        for key in COMPARE_PANELS:
            _draw_compare_panel(axes[key], records, observed, key, calibration)
        milestones = input_milestones(records.meta)
        span = _finish_time_axis(axes["O4"], records)
        _mark_milestones(axes["O4"], milestones, span)
        times = sorted({round(float(m["time"]), 2) for m in milestones})
        for key in ("O1 milex", "O1 burden", "O2", "O3"):
            for time in times:
                axes[key].axvline(time, color="#888888", lw=0.4, alpha=0.4, zorder=0,
                                  gid="milestone")
        for key in ("O4", "O1 milex", "O1 burden"):
            axes[key].set_xlabel("")
        axes["O3"].set_xlabel(_X_LABEL)
        axes["O4"].legend(loc="lower left", ncols=len(records.paradigms) + 1,
                          title="median, 80 % and 95 % bands over replicas", title_fontsize=7)
        fig.suptitle(f"Observed vs simulated · {records.meta.get('scenario', '')}",
                     fontweight="bold", fontsize=10)
        _footnote(fig, records.meta, f"shaded: calibration {calibration[0]}–{calibration[1]}; "
                                     "grey lines: input milestones")
    return fig


def _skill_matrix(scorecard: pd.DataFrame, window: str) -> pd.DataFrame:
    """(observable component) x forecaster matrix of ``skill``, paradigms first."""
    part = scorecard[(scorecard["window"] == window) & (scorecard["metric"] == "skill")]
    rows = sorted(dict.fromkeys(zip(part["observable"], part["component"], strict=True)),
                  key=lambda row: row[0])  # O1..O6, components in scoring order
    kinds = dict(zip(part["forecaster"], part["kind"], strict=True))
    columns = [f for f in kinds if kinds[f] == "paradigm"] + [f for f in kinds
                                                               if kinds[f] != "paradigm"]
    matrix = part.pivot_table(index=["observable", "component"], columns="forecaster",
                              values="value", aggfunc="first", dropna=False)
    return matrix.reindex(index=pd.MultiIndex.from_tuples(rows), columns=columns)


def _skill_label(value: float) -> str:
    if np.isnan(value):
        return "n/a"
    if np.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value:+.2f}" if abs(value) < 10 else f"{value:+.0f}"
    return text.replace("-", "−")


def _scorecard_panel(ax: Axes, matrix: pd.DataFrame, title: str, included: set[str]) -> Any:
    values = matrix.to_numpy(dtype=float)
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="#eeeeee")
    shown = np.ma.masked_invalid(np.clip(values, -1.0, 1.0))
    image = ax.imshow(shown, cmap=cmap, vmin=-1.0, vmax=1.0, aspect="auto",
                      interpolation="nearest")
    for (r, c), value in np.ndenumerate(values):
        dark = np.isfinite(value) and abs(value) > 0.6
        ax.text(c, r, _skill_label(value), ha="center", va="center", fontsize=7,
                color="white" if dark else "#222222", gid="skill-value")
    labels = [f"{o} {c}" if c else o for o, c in matrix.index]
    labels = [lab + ("" if lab.split()[0] in included or lab == "aggregate" else " (not aggr.)")
              for lab in labels]
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xticks(range(matrix.shape[1]), [str(c).replace("_", " ") for c in matrix.columns],
                  rotation=30, ha="right")
    ax.set_title(title, fontsize=9)
    if labels and labels[-1] == "aggregate":
        ax.axhline(len(labels) - 1.5, color="#222222", lw=1.0)
    return image


def plot_scorecard(scorecard: pd.DataFrame, aggregate: pd.DataFrame | None = None,
                   meta: Mapping[str, Any] | None = None) -> Figure:
    """Heatmap of skill (vs each observable's reference baseline): components x forecasters.

    One panel per window. The diverging colormap is centred at 0 (blue beats the reference,
    red is worse) and clipped to ±1; the annotated values are not clipped. With
    ``aggregate``, a last row shows each forecaster's aggregate skill.

    Args:
        scorecard: tidy scores with columns ``window, observable, component, forecaster, kind,
            metric, value`` (``Comparison.scorecard()``).
        aggregate: ``window, forecaster, aggregate_skill, observables`` rows, or None.
        meta: run metadata for the footnote (``Records.meta``).

    Returns:
        A figure with one heatmap per window.
    """
    _require_rows(scorecard, "scorecard")
    windows = list(dict.fromkeys(scorecard["window"]))
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        first = _skill_matrix(scorecard, windows[0])
        fig = _new_figure(2.0 + 0.75 * first.shape[1] * len(windows),
                          1.8 + 0.38 * (first.shape[0] + 1))
        axes = np.atleast_1d(fig.subplots(1, len(windows), sharey=True, squeeze=False)[0])
        image = None
        for ax, window in zip(axes, windows, strict=True):
            matrix, included = _skill_matrix(scorecard, window), set()
            if aggregate is not None:
                part = aggregate[aggregate["window"] == window].set_index("forecaster")
                matrix.loc[("aggregate", ""), :] = part["aggregate_skill"].reindex(
                    matrix.columns).to_numpy()
                included = set(str(part["observables"].iloc[0]).split(",")) if len(part) else set()
            else:
                included = set(matrix.index.get_level_values(0))
            image = _scorecard_panel(ax, matrix, f"window {window}", included)
        fig.colorbar(image, ax=list(axes), shrink=0.8,
                     label="skill = 1 − score / reference score (colour clipped to ±1)")
        fig.suptitle("Scorecard: skill against the reference baseline", fontweight="bold",
                     fontsize=10)
        _footnote(fig, meta or {}, "reference: persistence (O1, O2, O4), base rate (O3, O5, O6)")
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
    _require_rows(records.partners, "partner")
    years = records.years
    simulated = set(records.partners["partner"].unique().tolist())
    partners = [p for p in observed.coercion.index if p in simulated]
    levels = observed.coercion.reindex(index=partners, columns=years).fillna(0)
    paradigms = records.paradigms
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = _new_figure(1.6 + 2.9 * (len(paradigms) + 1), 1.6 + 0.34 * len(partners))
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
        _footnote(fig, records.meta, "open circles: observed events; year = calendar year")
    return fig


# --------------------------------------------------------------------------- validation charts

SPLIT_COLOR = "#333333"
BASELINE_STYLES = {"persistence": ":", "trend": "--", "base_rate": "-."}


def mark_split(fig: Figure, last_train_year: int) -> Figure:
    """Draw the train/test split on every time axis of a chart of yearly records.

    The line sits at ``last_train_year + 1`` (31 December of the last training year, where
    that year's value is plotted); the top axes is labelled ``train | test``.

    Args:
        fig: a chart whose x axis is the date (e.g. :func:`plot_observed_vs_simulated`).
        last_train_year: the last year of the training window.

    Returns:
        The same figure.
    """
    x = float(last_train_year) + 1.0
    axes = [ax for ax in fig.axes if ax.get_xlim()[0] < x < ax.get_xlim()[1]]
    for ax in axes:
        ax.axvline(x, color=SPLIT_COLOR, lw=1.2, ls="--", zorder=5, gid="train-test-split")
    if axes:
        top = max(axes, key=lambda ax: ax.get_position().y1)
        top.text(x, 0.02, "train  ", transform=top.get_xaxis_transform(), ha="right",
                 va="bottom", fontsize=7, color=SPLIT_COLOR, gid="split-label")
        top.text(x, 0.02, "  test", transform=top.get_xaxis_transform(), ha="left",
                 va="bottom", fontsize=7, color=SPLIT_COLOR, gid="split-label")
    return fig


def plot_skill_by_horizon(horizons: pd.DataFrame) -> Figure:
    """Out-of-sample aggregate skill by forecast horizon (rolling origins).

    Args:
        horizons: ``origin, horizon, forecaster, kind, skill`` (``natosim validate``'s
            ``horizons.csv``): the skill over the ``horizon`` years after each origin.

    Returns:
        A figure: per paradigm the mean over origins (line) and each origin (dots);
        baselines as grey lines (the reference baselines have skill 0 by definition).
    """
    _require_rows(horizons, "horizon")
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(7.0, 4.6)
        ax = fig.subplots()
        paradigms = list(dict.fromkeys(horizons.loc[horizons["kind"] != "baseline",
                                                    "forecaster"]))
        for name, part in horizons.groupby("forecaster", sort=False):
            means = part.groupby("horizon")["skill"].mean()
            if name not in paradigms:
                ax.plot(means.index, means.to_numpy(), color="#999999", lw=1.0,
                        ls=BASELINE_STYLES.get(str(name), "--"), label=f"{name} (baseline)")
                continue
            i = paradigms.index(name)
            color = paradigm_color(str(name), i)
            jitter = 0.06 * (i - (len(paradigms) - 1) / 2)
            ax.scatter(part["horizon"] + jitter, part["skill"], color=color, s=12, alpha=0.5,
                       lw=0)
            ax.plot(means.index, means.to_numpy(), color=color, lw=1.8, marker="o",
                    label=str(name), gid=f"horizon-{name}")
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_xticks(sorted(horizons["horizon"].unique()))
        ax.set_xlabel("horizon (years after the origin, scored together)")
        ax.set_ylabel("aggregate skill vs reference baselines")
        origins = ", ".join(str(o) for o in sorted(horizons["origin"].unique()))
        ax.set_title(f"Skill by horizon · rolling origins {origins}")
        ax.legend(loc="best", title="mean over origins; dots: each origin",
                  title_fontsize=7)
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


def plot_divergence(
    div: pd.DataFrame, column: str, base: str, cf: str, partner: str | None = None
) -> Figure:
    """Counterfactual minus base, per paradigm: median difference with its paired band.

    Args:
        div: the table of :func:`sim.runs.experiments.diverge` (``paradigm``, ``year``, ``diff``,
            ``lo``, ``hi``).
        column: the compared series, for the axis label.
        base, cf: scenario names, for the title.
        partner: the partner of a partner-level column, if any.
    """
    _require_rows(div, "divergence")
    with matplotlib.rc_context(STYLE):
        fig = _new_figure(8.0, 4.4)
        ax = fig.subplots()
        for i, (paradigm, g) in enumerate(div.groupby("paradigm", sort=False)):
            color = paradigm_color(str(paradigm), i)
            ax.plot(g["year"], g["diff"], color=color, label=str(paradigm))
            ax.fill_between(g["year"], g["lo"], g["hi"], color=color, alpha=0.2, linewidth=0)
        ax.axhline(0.0, color="#444444", linewidth=0.8)
        of = f" ({partner})" if partner else ""
        ax.set_ylabel(f"Δ median {column}{of}")
        ax.set_xlabel("year (end of)")
        ax.set_title(f"{cf} minus {base}: where the theories disagree")
        ax.legend(title="paradigm", fontsize="small")
        fig.text(0.01, 0.008, "same seeds in both runs; band: paired bootstrap of the "
                 "difference of medians", fontsize=7, color="#555555")
    return fig
