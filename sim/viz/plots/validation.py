"""Charts of ``natosim validate``: the train/test split and skill by forecast horizon."""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.style import STYLE, new_figure, paradigm_look, require_rows

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
    require_rows(horizons, "horizon")
    with matplotlib.rc_context(STYLE):
        fig = new_figure(7.0, 4.6)
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
            look = paradigm_look(str(name), i)
            color = look.color
            jitter = 0.06 * (i - (len(paradigms) - 1) / 2)
            ax.scatter(part["horizon"] + jitter, part["skill"], color=color, marker=look.marker,
                       s=12, alpha=0.5, lw=0)
            ax.plot(means.index, means.to_numpy(), **look.line(), lw=1.8,
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

