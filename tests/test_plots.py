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


def _tiny_status_records(fake_records):
    """Two years of the fake records, realist's four replicas at hand-set rungs:
    1991: S = 0, 2, 2, 4 and 1992: S = 3, 3, 3, 1."""
    series = fake_records.series[fake_records.series["year"] <= 1992].copy()
    hand = {(0, 1991): 0, (1, 1991): 2, (2, 1991): 2, (3, 1991): 4,
            (0, 1992): 3, (1, 1992): 3, (2, 1992): 3, (3, 1992): 1}
    for (replica, year), s in hand.items():
        row = ((series["paradigm"] == "realist") & (series["replica"] == replica)
               & (series["year"] == year))
        series.loc[row, "S"] = s
    partners = fake_records.partners[fake_records.partners["year"] <= 1992]
    return dataclasses.replace(fake_records, series=series, partners=partners)


def _area(collection) -> float:
    """The area of a filled polygon (shoelace), in share x years."""
    (path,) = collection.get_paths()
    x, y = path.vertices[:, 0], path.vertices[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def test_status_shares_are_the_share_of_replicas_at_each_rung(fake_records) -> None:
    records = _tiny_status_records(fake_records)
    shares = plots.status_shares(records, "realist")
    # counted by hand: 1991 one of four at 0, two at 2, one at 4; 1992 one at 1, three at 3
    assert shares[1991].tolist() == [0.25, 0.0, 0.5, 0.0, 0.25]
    assert shares[1992].tolist() == [0.0, 0.25, 0.0, 0.75, 0.0]
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)


def test_status_chart_stacks_the_shares_with_the_observed_status_on_top(fake_records) -> None:
    """One panel per paradigm; each rung's opaque area, stacked, covers its share of the
    replicas in each calendar year (area = the sum of its yearly shares, a year being 1
    wide); the areas fill the panel (every year sums to 1); the observed S sits at its
    rung's height, (k + 0.5) / 5; the legend names every rung."""
    import pandas as pd

    records = _tiny_status_records(fake_records)
    observed = dataclasses.make_dataclass("Obs", ["status"])(pd.Series({1990: 1, 1991: 4,
                                                                        1992: 0}))
    fig = plots.plot_status(records, observed)
    panels = [ax for ax in fig.axes if _gids(ax, "status-share-")]
    assert [ax.get_title(loc="left") for ax in panels] == list(FAKE_PARADIGMS)
    realist = panels[0]
    areas = {c.get_gid(): c for c in realist.collections}
    expected = {0: 0.25, 1: 0.25, 2: 0.5, 3: 0.75, 4: 0.25}  # shares 1991 + 1992, by hand
    for rung, area in expected.items():
        fill = areas[f"status-share-{rung}"]
        assert _area(fill) == pytest.approx(area)
        assert fill.get_alpha() in (None, 1.0)  # opaque
    assert sum(_area(c) for c in areas.values()) == pytest.approx(2.0)  # 2 years x share 1
    assert len({tuple(c.get_facecolor()[0]) for c in areas.values()}) == len(S_LABELS)
    (line,) = [a for a in realist.lines if a.get_gid() == "observed-S"]
    np.testing.assert_allclose(line.get_xdata(), [1991, 1992, 1993])  # 1990 is not in the run
    np.testing.assert_allclose(line.get_ydata(), [0.9, 0.1, 0.1])  # rungs 4, 0 at (k + .5)/5
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert [f"{k} {v}" for k, v in S_LABELS.items()] == sorted(n for n in names if n[0].isdigit())


def test_rung_colours_darken_with_the_rung() -> None:
    """The order of the rungs reads in grey scale: relative luminance (WCAG) falls from
    rung 0 to rung 4, by a visible step each time."""
    from matplotlib.colors import to_rgb

    def luminance(color: str) -> float:
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
               for c in to_rgb(color)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    values = [luminance(c) for c in plots.RUNG_COLORS]
    assert len(values) == len(S_LABELS)
    assert all(a - b > 0.04 for a, b in zip(values, values[1:], strict=False))


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
