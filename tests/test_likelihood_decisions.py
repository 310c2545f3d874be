"""The observed decision table: codings checked against the dated record by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.likelihood.decisions import DECISION_COLUMNS, observed_decisions
from sim.data.datasets import load_data
from sim.data.inputs import build_inputs
from sim.data.observed import load_observed
from sim.data.scenario import load_scenario


@pytest.fixture(scope="module")
def table():
    inputs = build_inputs(load_scenario("post-cold-war"), load_data())
    return inputs, observed_decisions(inputs, load_observed())


def _row(t, year, kind, actor):
    rows = t[(t.year == year) & (t.kind == kind) & (t.actor == actor)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_columns_and_unique_keys(table):
    _, t = table
    assert tuple(t.columns) == DECISION_COLUMNS
    assert not t.duplicated(["year", "kind", "actor"]).any()
    assert (t.outcome < t.n_categories).all() and (t.outcome >= 0).all()


def test_status_codings_from_the_dated_record(table):
    _, t = table
    # 1999 Kosovo (3 -> 0), 2008 Georgia (4 -> 0), 2014 Crimea (4 -> 1), 2021 (1 -> 0): suspend
    for year in (1999, 2008, 2014, 2021):
        assert _row(t, year, "status", "NATO-RUS").outcome == 1
    # 1991 NACC, 1994 PfP, 1997 PJC, 2000 restored, 2002 NRC, 2009 resumed: upgrade
    for year in (1991, 1994, 1997, 2000, 2002, 2009):
        assert _row(t, year, "status", "NATO-RUS").outcome == 2
    # S = 1 with the NRC on the menu in 2016: an upgrade was open and not taken
    row = _row(t, 2016, "status", "NATO-RUS")
    assert (row.outcome, row.prev_state, row.menu) == (0, 1, 4)


def test_partner_risk_sets(table):
    _, t = table
    assert _row(t, 1994, "pfp", "POL").outcome == 1
    assert t[(t.kind == "pfp") & (t.year < 1994)].empty  # PfP not on the menu before 1994
    pol_acc = t[(t.kind == "accession") & (t.actor == "POL")]
    assert pol_acc.year.tolist() == [1998, 1999] and pol_acc.outcome.tolist() == [0, 1]
    assert t[(t.kind == "invitation") & (t.actor == "POL") & (t.year > 1997)].empty
    assert _row(t, 2014, "coercion", "UKR").outcome == 2
    assert _row(t, 2008, "coercion", "GEO").outcome == 3
    # Montenegro exists from 2006: no coercion decision before
    mne = t[(t.kind == "coercion") & (t.actor == "MNE")]
    assert mne.year.min() == 2006


def test_coercion_rows_are_active_partner_years(table):
    inputs, t = table
    counts = t[t.kind == "coercion"].groupby("year").size()
    np.testing.assert_array_equal(counts.to_numpy(), inputs.active.sum(axis=1))
