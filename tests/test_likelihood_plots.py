"""The likelihood charts draw every forecaster and every break, from made-up tables."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.model.paradigms import PARADIGMS
from sim.viz.likelihood_plots import plot_break_costs, plot_year_contributions

THEORIES = list(PARADIGMS)
RIVALS = ["persistence", "base rate"]
META = {"scenario": "test", "seed": 0, "replicas": 4,
        "milestones": [{"time": 1999.2, "label": "an input", "role": "input"}]}


def _breaks() -> pd.DataFrame:
    rows = []
    for year, label in ((1999, "suspension"), (2008, "suspension"), (2008, "force F=3 GEO")):
        row = {"year": year, "label": label, "sample": "in" if year < 2008 else "out",
               **{f: -1.0 - i for i, f in enumerate([*THEORIES, *RIVALS])}}
        row["paid_most"], row["best_rival"] = THEORIES[-1], RIVALS[0]
        rows.append(row)
    return pd.DataFrame(rows)


def _gids(fig) -> list[str]:
    return [a.get_gid() for ax in fig.axes for a in [*ax.lines, *ax.patches] if a.get_gid()]


def test_year_contributions_draw_each_forecaster_and_each_break_year() -> None:
    contrib = pd.DataFrame([{"year": y, "forecaster": f, "loglik": -float(y - 1990)}
                            for y in range(1995, 2011) for f in [*THEORIES, *RIVALS]])
    fig = plot_year_contributions(contrib, _breaks(), paradigms=THEORIES, rivals=RIVALS,
                                  test_start=2008, meta=META)
    gids = _gids(fig)
    for name in [*THEORIES, *RIVALS]:
        assert f"loglik-{name}" in gids
    assert gids.count("break") == 2  # two break years; 2008's two breaks share one line
    assert "milestone" in gids


def test_break_costs_draw_a_bar_per_break_and_forecaster() -> None:
    fig = plot_break_costs(_breaks(), paradigms=THEORIES, rivals=RIVALS, meta=META)
    gids = _gids(fig)
    for name in [*THEORIES, *RIVALS]:
        assert gids.count(f"cost-{name}") == 3
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert all(f"paid most: {THEORIES[-1]}" in t for t in labels)


def test_empty_tables_are_refused() -> None:
    with pytest.raises(ValueError):
        plot_break_costs(_breaks().iloc[0:0], paradigms=THEORIES, rivals=RIVALS, meta=META)
