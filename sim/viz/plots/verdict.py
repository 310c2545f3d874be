"""The verdict as a picture: each forecaster's score with its interval, the naive baselines
as reference lines (``validate``'s ``verdict.png`` and the verdict chart of ``natosim
report``).

One drawing (:func:`plot_verdict`) takes a tidy table; three small functions turn the table
each command writes into it: :func:`validation_verdict_table` (``skills.csv``: aggregate
skill with its 95 % block-bootstrap interval), :func:`compare_verdict_table`
(``aggregate.csv``: one default-parameter run, no interval) and
:func:`likelihood_verdict_table` (``log_scores.csv``: out-of-sample log score of the main
seed, the range over seeds as its interval).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.viz.plots.style import STYLE, footnote, new_figure, paradigm_look, require_rows

#: Columns of the table :func:`plot_verdict` draws.
VERDICT_COLUMNS = ("panel", "forecaster", "kind", "value", "lo", "hi")
BASELINE_LINESTYLES = (":", "--", "-.", (0, (1, 3)))
BASELINE_COLOR = "#555555"


def validation_verdict_table(skills: pd.DataFrame) -> pd.DataFrame:
    """``skills.csv`` of ``validate`` → verdict rows, out-of-sample panels first.

    Baselines are rows of kind ``baseline``; the paradigms and the mixture keep their
    interval ``lo``–``hi``.
    """
    require_rows(skills, "skills")
    order = {"out of sample": 0, "in sample": 1}
    frame = skills.assign(
        panel=skills["split"] + ", " + skills["sample"] + " (" + skills["window"].astype(str)
        + ")",
        _order=skills["sample"].map(order).fillna(2),
        kind=np.where(skills["kind"] == "baseline", "baseline", "forecaster"),
        value=skills["skill"],
    )
    frame = frame.sort_values(["_order"], kind="mergesort")
    return frame.loc[:, list(VERDICT_COLUMNS)].reset_index(drop=True)


def compare_verdict_table(aggregate: pd.DataFrame) -> pd.DataFrame:
    """``aggregate.csv`` of ``compare`` → verdict rows (no interval: one run, default
    parameters)."""
    require_rows(aggregate, "aggregate")
    return pd.DataFrame({
        "panel": "window " + aggregate["window"].astype(str),
        "forecaster": aggregate["forecaster"],
        "kind": np.where(aggregate["kind"] == "baseline", "baseline", "forecaster"),
        "value": aggregate["aggregate_skill"], "lo": np.nan, "hi": np.nan,
    })


def likelihood_verdict_table(log_scores: pd.DataFrame, rivals: list[str],
                             main_seed: int) -> pd.DataFrame:
    """``log_scores.csv`` of ``likelihood`` → verdict rows: the out-of-sample log score
    (the ``all`` rows: every decision kind) of the two splits and the rolling origins pooled, the
    main seed's value with the range over seeds as its interval; the rivals are the
    baselines."""
    require_rows(log_scores, "log score")
    every = log_scores[log_scores["kind"] == "all"]  # the row summing every decision kind
    frame = every.assign(panel=np.where(
        every["split"].str.startswith("origin"), "rolling origins (pooled)",
        every["split"].astype(str) + " (test " + every["test"].astype(str) + ")"))
    totals = frame.groupby(["panel", "forecaster", "seed"], sort=False)["log_score"].sum()
    rows = []
    for (panel, forecaster), part in totals.groupby(level=["panel", "forecaster"], sort=False):
        seeds = part.droplevel(["panel", "forecaster"])
        main = seeds.get(main_seed, seeds.iloc[0])
        rows.append({"panel": panel, "forecaster": forecaster,
                     "kind": "baseline" if forecaster in rivals else "forecaster",
                     "value": float(main), "lo": float(seeds.min()), "hi": float(seeds.max())})
    table = pd.DataFrame(rows, columns=list(VERDICT_COLUMNS))
    return table.sort_values("panel", key=lambda p: p.str.startswith("rolling"),
                             kind="mergesort").reset_index(drop=True)


def plot_verdict(table: pd.DataFrame, *, xlabel: str, title: str, interval: str,
                 meta: Mapping[str, Any] | None = None, zero_line: bool = True) -> Figure:
    """One panel per row group of ``table``: each forecaster's value as a dot with its
    interval (a horizontal bar), the baselines as labelled vertical reference lines.

    Args:
        table: rows with :data:`VERDICT_COLUMNS`; ``kind`` is ``baseline`` for a reference
            line, anything else for a dot; ``lo``/``hi`` NaN draws no bar.
        xlabel: what the value is (higher is better in every use here).
        title: the figure title.
        interval: what the bars are, for the legend note.
        meta: run metadata for the footnote.
        zero_line: draw a solid line at 0 (skill: as good as the reference).

    Returns:
        A figure with one panel per ``panel`` value, in the table's order.
    """
    require_rows(table, "verdict")
    panels = list(dict.fromkeys(table["panel"]))
    dots = table[table["kind"] != "baseline"]
    n_rows = max(1, dots.groupby("panel")["forecaster"].nunique().max()
                 if not dots.empty else 1)
    with matplotlib.rc_context(STYLE):
        fig = new_figure(8.0, 1.2 + len(panels) * (0.55 + 0.32 * n_rows))
        axes = np.atleast_1d(fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0])
        for ax, panel in zip(axes, panels, strict=True):
            _verdict_panel(ax, table[table["panel"] == panel], zero_line)
            ax.set_title(panel, loc="left", fontsize=9)
        axes[-1].set_xlabel(xlabel)
        fig.suptitle(title, fontweight="bold", fontsize=10)
        footnote(fig, meta or {}, f"bars: {interval}; dotted and dashed lines: naive baselines "
                 "(labelled); right is better")
    return fig


def _verdict_panel(ax: Any, part: pd.DataFrame, zero_line: bool) -> None:
    dots = part[part["kind"] != "baseline"].reset_index(drop=True)
    names = list(dict.fromkeys(dots["forecaster"]))
    for i, row in dots.iterrows():
        y = len(names) - 1 - names.index(row["forecaster"])
        look = paradigm_look(str(row["forecaster"]), int(i))
        if np.isfinite(row["lo"]) and np.isfinite(row["hi"]):
            ax.plot([row["lo"], row["hi"]], [y, y], color=look.color, lw=2.2,
                    solid_capstyle="butt", gid=f"interval-{row['forecaster']}")
        ax.plot([row["value"]], [y], color=look.color, marker=look.marker, ms=6, ls="none",
                markeredgecolor="#222222", markeredgewidth=0.6, zorder=4,
                gid=f"value-{row['forecaster']}")
    ax.set_yticks(range(len(names)), [str(n).replace("_", " ") for n in reversed(names)])
    ax.set_ylim(-0.7, max(len(names), 1) - 0.3)
    baselines = part[part["kind"] == "baseline"].reset_index(drop=True)
    transform = ax.get_xaxis_transform()
    for j, row in baselines.iterrows():
        style = BASELINE_LINESTYLES[int(j) % len(BASELINE_LINESTYLES)]
        ax.axvline(row["value"], color=BASELINE_COLOR, lw=1.0, ls=style, zorder=2,
                   gid=f"baseline-{row['forecaster']}")
        label = " " + str(row["forecaster"]).replace("_", " ")
        ax.text(row["value"], 1.0 - 0.13 * (int(j) % 3), label, transform=transform,
                fontsize=7, color=BASELINE_COLOR, ha="left", va="top", gid="baseline-label")
    if zero_line:
        ax.axvline(0.0, color="#222222", lw=0.8, zorder=1)
    ax.grid(axis="y", visible=False)
