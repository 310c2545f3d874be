"""Charts and the summary table, on a small hand-built Records."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import FAKE_PARADIGMS, FAKE_PARTNERS, FAKE_YEARS
from matplotlib.figure import Figure

from sim.model.records import S_LABELS
from sim.viz import plots


def _gids(ax, prefix: str) -> list[str]:
    return [a.get_gid() for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)]


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for t in fig.texts)


def test_relation_chart(fake_records) -> None:
    fig = plots.plot_relation(fake_records)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert _gids(ax, "median-") == [f"median-{p}" for p in FAKE_PARADIGMS]
    assert len(_gids(ax, "milestone")) - len(_gids(ax, "milestone-label")) == 3  # inputs only
    assert 1 <= len(_gids(ax, "milestone-label")) <= 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(FAKE_PARADIGMS)
    assert fig.get_suptitle() and ax.get_xlabel() and ax.get_ylabel()
    assert "seed 0" in _texts(fig) and "4 replicas" in _texts(fig)


def test_relation_medians_are_plotted_at_year_end(fake_records) -> None:
    (ax,) = plots.plot_relation(fake_records).axes
    line = next(line for line in ax.lines if line.get_gid() == "median-realist")
    expected = fake_records.series.query("paradigm == 'realist'").groupby("year")["R"].median()
    np.testing.assert_allclose(line.get_xdata(), np.array(FAKE_YEARS) + 1.0)
    np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())


def test_status_chart_labels_levels(fake_records) -> None:
    fig = plots.plot_status(fake_records)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title(loc="left") for ax in panels] == list(FAKE_PARADIGMS)
    labels = [t.get_text() for t in panels[0].get_yticklabels()]
    assert labels == [f"{k} {v}" for k, v in S_LABELS.items()]
    assert all(len(_gids(ax, "median-")) == 1 for ax in panels)
    shares = panels[0].images[0].get_array()
    assert shares.shape == (len(S_LABELS), len(FAKE_YEARS))
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)


def test_alignment_heatmap_panels(fake_records) -> None:
    fig = plots.plot_alignment_heatmap(fake_records)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == list(FAKE_PARADIGMS)
    image = panels[0].images[0]
    assert image.get_array().shape == (len(FAKE_PARTNERS), len(FAKE_YEARS))
    assert image.get_clim() == (-1.0, 1.0)  # diverging map centred at 0
    assert len(fig.axes) == len(FAKE_PARADIGMS) + 1  # plus the colour bar
    assert [t.get_text() for t in panels[0].get_yticklabels()][0] == "POL"  # most West first

    single = plots.plot_alignment_heatmap(fake_records, "liberal")
    assert [ax.get_title() for ax in single.axes if ax.images] == ["liberal"]


def test_arming_chart(fake_records) -> None:
    fig = plots.plot_arming(fake_records)
    assert len(fig.axes) == 2
    assert "Russia" in fig.axes[0].get_ylabel() and "NATO" in fig.axes[1].get_ylabel()


def test_empty_records_refused(fake_records) -> None:
    empty = dataclasses.replace(fake_records, series=fake_records.series.iloc[:0])
    with pytest.raises(ValueError, match="no series rows"):
        plots.plot_relation(empty)


def test_summary_table(fake_records) -> None:
    table = plots.summary_table(fake_records).set_index("paradigm")
    assert list(table.index) == list(FAKE_PARADIGMS)
    assert table.loc["realist", "coercion≥2 GEO"] == "1996–1998"
    assert table.loc["realist", "coercion≥2 UKR"] == "—"
    assert table.loc["liberal", "share S=0 1998"] == 1.0
    assert np.isnan(table.loc["realist", "R 2008"])  # outside the period
    assert table.loc["realist", "RUS burden 1998"] == pytest.approx(4.7)


def test_year_ranges() -> None:
    assert plots.year_ranges([2014, 2008, 2015, 2016, 2022]) == "2008, 2014–2016, 2022"
    assert plots.year_ranges([]) == ""


# Okabe, M. and K. Ito (2008), "Color Universal Design": the eight colour-blind-safe colours.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7"}


def test_paradigm_looks_follow_the_registry_and_stay_apart() -> None:
    from sim.model.paradigms import PARADIGMS

    looks = [plots.paradigm_look(name) for name in PARADIGMS]
    assert [plots.paradigm_look(n, index=99) for n in PARADIGMS] == looks  # by registry place
    extra = [plots.paradigm_look(f"plugin{i}", i) for i in range(20 - len(PARADIGMS))]
    assert len(set(looks + extra)) == 20  # twenty distinct colour/line/marker combinations
    assert set(plots.PARADIGM_PALETTE) <= OKABE_ITO
    assert {plots.NATO_COLOR, plots.RUSSIA_COLOR} <= OKABE_ITO
    assert not {plots.NATO_COLOR, plots.RUSSIA_COLOR} & set(plots.PARADIGM_PALETTE)
    assert len({(look.color, look.linestyle) for look in looks}) == len(looks)


def test_every_chart_line_of_a_paradigm_has_its_look(fake_records) -> None:
    (ax,) = plots.plot_relation(fake_records).axes
    for name in FAKE_PARADIGMS:
        line = next(line for line in ax.lines if line.get_gid() == f"median-{name}")
        look = plots.paradigm_look(name)
        assert line.get_color() == look.color and line.get_linestyle() == look.linestyle
        assert line.get_marker() == look.marker


def test_relation_chart_marks_the_scored_force_onsets_and_never_cuts_a_label() -> None:
    """The onsets of Russian force in O5 that fall in the run are shaded apart from the
    inputs (Georgia 2008 and Ukraine 2014 and 2022 among them), and every milestone label
    is whole: its words, wrapped, are the milestone's label."""
    from sim.model.paradigms import PARADIGMS
    from sim.runs.experiments import run_paradigms
    from sim.viz.observed_marks import scored_events

    records = run_paradigms("post-cold-war", list(PARADIGMS)[:1], replicas=2, seed=0)
    (ax,) = plots.plot_relation(records).axes
    shaded = [a for a in ax.get_children() if a.get_gid() == "scored-event"]
    onsets = [e for e in scored_events() if 1991 <= e.year <= 2024]
    assert len(shaded) == len(onsets) and {(2008, "GEO"), (2014, "UKR"), (2022, "UKR")} <= {
        (e.year, e.partner) for e in onsets}
    labels = {" ".join(m["label"].split()) for m in records.meta["milestones"]}
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "milestone-label"]
    assert texts and all(" ".join(t.split()) in labels for t in texts)
    assert not any("…" in t for t in texts)
