"""Institutional status S as stacked shares: for each paradigm and calendar year, the share of
replicas at each rung (0–4), one opaque colour per rung, the observed S on top.

S is a ladder of five rungs and is often bimodal across replicas (some replicas keep the NRC,
others lose it), so a median with translucent bands hides what the ensemble does and blurs
into grey where paradigms overlap. Here each paradigm has its own small panel; in each
calendar year ``y`` (from ``y`` to ``y + 1``, the state at its end) the column is cut into
the shares of replicas at each rung, stacked from rung 0 at the bottom to rung 4 at the top,
so every column fills 0–1. The observed S (O3) is a black step line on the rung scale of the
right-hand axis, where rung ``k`` sits at the middle of its fifth of the height.

Colours: ColorBrewer's sequential YlGnBu in five classes (Brewer & Harrower, colorbrewer2.org,
marked colour-blind safe), light for no relation to dark for the NRC, so the order of the
rungs reads in grey scale too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.model.records import S_LABELS, Records

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.image import AxesImage

#: One opaque colour per rung 0..4 (ColorBrewer YlGnBu, 5 classes).
RUNG_COLORS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
OBSERVED_S_COLOR = "#000000"
_HALO = [patheffects.withStroke(linewidth=3.0, foreground="white")]


def status_shares(records: Records, paradigm: str) -> pd.DataFrame:
    """Share of replicas at each rung of S (rows 0..4) by year (columns ``records.years``).

    Every column sums to 1 (a year with no rows for ``paradigm`` is all 0).
    """
    part = records.series[records.series["paradigm"] == paradigm]
    counts = pd.crosstab(part["S"], part["year"], normalize="columns")
    return counts.reindex(index=list(S_LABELS), columns=records.years, fill_value=0.0)


def rung_height(rung: np.ndarray | float) -> np.ndarray:
    """Where rung ``k`` sits on a share axis: the middle of its fifth, ``(k + 0.5) / 5``."""
    return (np.asarray(rung, dtype=float) + 0.5) / len(S_LABELS)


def _height_rung(height: np.ndarray) -> np.ndarray:
    return np.asarray(height, dtype=float) * len(S_LABELS) - 0.5


def draw_status_shares(ax: Axes, shares: pd.DataFrame, observed: pd.Series | None = None,
                       *, rung_axis: bool = True) -> list[Any]:
    """Stack the shares of replicas at each rung, by calendar year, on ``ax``.

    Args:
        ax: the axes (its y axis becomes the share of replicas, 0–1).
        shares: rungs (rows 0..4) × years (columns), e.g. :func:`status_shares`.
        observed: the observed S by year (O3), drawn where its years are in ``shares``.
        rung_axis: label the rungs 0–4 on a right-hand axis (for the observed line).

    Returns:
        The filled areas, rung 0 first (gids ``status-share-0`` … ``status-share-4``).
    """
    years = np.asarray(shares.columns, dtype=float)
    x = np.concatenate([years, years[-1:] + 1.0])  # calendar year y spans [y, y + 1]
    values = shares.to_numpy(dtype=float)
    tops = np.cumsum(values, axis=0)
    areas = []
    for k, rung in enumerate(shares.index):
        lo = tops[k - 1] if k else np.zeros_like(tops[0])
        hi = tops[k]
        areas.append(ax.fill_between(
            x, np.append(lo, lo[-1:]), np.append(hi, hi[-1:]), step="post", lw=0,
            color=RUNG_COLORS[int(rung)], gid=f"status-share-{int(rung)}", zorder=1))
    if observed is not None:
        ox, oy = observed_status_steps(observed.sort_index(), years[0], years[-1] + 1.0)
        if len(ox):
            ax.plot(ox, oy, drawstyle="steps-post", color=OBSERVED_S_COLOR, lw=1.3,
                    path_effects=_HALO, zorder=4, gid="observed-S")
    share_axis(ax, rung_axis=rung_axis)
    return areas


def share_axis(ax: Axes, *, rung_axis: bool = True) -> None:
    """The y axis of a stacked-shares panel: share 0–1 on the left; with ``rung_axis`` the
    rungs 0–4 on the right, at the heights :func:`rung_height` draws them."""
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([0.0, 0.5, 1.0], ["0", "½", "1"])
    ax.grid(False)
    if rung_axis:
        right = ax.secondary_yaxis("right", functions=(_height_rung, rung_height))
        right.set_yticks(list(S_LABELS))
        right.tick_params(labelsize=6, length=2)


def rung_colormap() -> ListedColormap:
    """The rung colours as a colour map for an image of rungs (``vmin=-0.5, vmax=4.5``);
    not-yet-simulated cells (NaN) are transparent."""
    return ListedColormap(RUNG_COLORS, name="natosim-rungs").with_extremes(
        bad=(1.0, 1.0, 1.0, 0.0))


def stacked_rungs(values: np.ndarray) -> np.ndarray:
    """Replicas × years of S, each year's column sorted (rung 0 first).

    Drawn as an image of one row per replica from the bottom of a 0–1 axis, every column is
    cut into the shares of replicas at each rung, stacked as :func:`draw_status_shares`
    stacks them.
    """
    return np.sort(np.asarray(values, dtype=float), axis=0)


def draw_status_image(ax: Axes, lo: float, hi: float) -> AxesImage:
    """An empty image of stacked rungs over the calendar years ``[lo, hi]`` (fill it with
    ``set_data(stacked_rungs(...))``, padded with NaN to ``hi - lo`` columns)."""
    return ax.imshow(np.full((1, max(int(hi - lo), 1)), np.nan), cmap=rung_colormap(),
                     vmin=-0.5, vmax=len(S_LABELS) - 0.5, origin="lower", aspect="auto",
                     interpolation="nearest", extent=(lo, hi, 0.0, 1.0), zorder=1)


def observed_status_steps(observed: pd.Series, lo: float, hi: float
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The observed S on a share axis (``steps-post``): each calendar year in ``[lo, hi)``
    at its rung's height, the last value repeated to the end of its year."""
    years = observed.index.to_numpy(dtype=float)
    keep = (years >= lo) & (years < hi)
    years, rungs = years[keep], observed.to_numpy(dtype=float)[keep]
    if not len(years):
        return np.array([]), np.array([])
    return np.append(years, years[-1] + 1.0), rung_height(np.append(rungs, rungs[-1:]))


def halo() -> list[Any]:
    """The white outline that keeps a black line legible over any rung colour."""
    return list(_HALO)


def rung_legend_handles(observed: bool = True) -> list[Any]:
    """One patch per rung, named ``k label`` (``0 none/suspended`` … ``4 NRC``), top rung
    first (as stacked), then the observed line."""
    handles: list[Any] = [Patch(facecolor=RUNG_COLORS[k], edgecolor="#999999", lw=0.4,
                                label=f"{k} {name}")
                          for k, name in reversed(S_LABELS.items())]
    if observed:
        handles.append(Line2D([], [], color=OBSERVED_S_COLOR, lw=1.3,
                              label="observed S (O3), right axis"))
    return handles
