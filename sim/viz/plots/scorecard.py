"""The scorecard heatmap of ``natosim compare`` and ``validate``: skill against the baselines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd

from sim.viz.plots.style import STYLE, footnote, new_figure, require_rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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


def _aggregated_first(matrix: pd.DataFrame, included: set[str]) -> pd.DataFrame:
    """Rows of observables left out of the aggregate (O6, forced in replay) moved to the
    bottom, just above the aggregate row: the eye starts with what is scored."""
    rows = list(matrix.index)
    kept = [r for r in rows if r[0] in included or r[0] == "aggregate"]
    left_out = [r for r in rows if r not in kept]
    body = [r for r in kept if r[0] != "aggregate"]
    return matrix.reindex(body + left_out + [r for r in kept if r[0] == "aggregate"])


def _scorecard_panel(ax: Axes, matrix: pd.DataFrame, title: str, included: set[str]) -> Any:
    values = matrix.to_numpy(dtype=float)
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="#eeeeee")
    out = np.array([o not in included and o != "aggregate" for o, _ in matrix.index])
    # left-out rows are drawn grey, their values printed: reported, not a colour to read
    shown = np.ma.masked_invalid(np.where(out[:, None], np.nan, np.clip(values, -1.0, 1.0)))
    image = ax.imshow(shown, cmap=cmap, vmin=-1.0, vmax=1.0, aspect="auto",
                      interpolation="nearest")
    for (r, c), value in np.ndenumerate(values):
        dark = np.isfinite(value) and abs(value) > 0.6 and not out[r]
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
    ``aggregate``, a last row shows each forecaster's aggregate skill, and observables left
    out of it (O6, forced in replay mode) sit just above it, grey, marked ``(not aggr.)``.

    Args:
        scorecard: tidy scores with columns ``window, observable, component, forecaster, kind,
            metric, value`` (``Comparison.scorecard()``).
        aggregate: ``window, forecaster, aggregate_skill, observables`` rows, or None.
        meta: run metadata for the footnote (``Records.meta``).

    Returns:
        A figure with one heatmap per window.
    """
    require_rows(scorecard, "scorecard")
    windows = list(dict.fromkeys(scorecard["window"]))
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        first = _skill_matrix(scorecard, windows[0])
        fig = new_figure(2.0 + 0.75 * first.shape[1] * len(windows),
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
            matrix = _aggregated_first(matrix, included)
            image = _scorecard_panel(ax, matrix, f"window {window}", included)
        fig.colorbar(image, ax=list(axes), shrink=0.8,
                     label="skill = 1 − score / reference score (colour clipped to ±1)")
        fig.suptitle("Scorecard: skill against the reference baseline", fontweight="bold",
                     fontsize=10)
        footnote(fig, meta or {}, "reference: persistence (O1, O2, O4), base rate (O3, O5, O6)")
    return fig

