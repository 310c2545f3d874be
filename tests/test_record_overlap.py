"""No dated act is both a model input and a scored target (issue 11).

The base scenario applies its ``role: input`` milestones to the model. If the same act were
also an event of the scored O4 index (or an O5 coercion cell), a paradigm would be scored on
reproducing its own input. The overlap is computed here from the scenario and the coding table,
independently of the ``input_milestone`` column that documents it, in two ways:

- an explicit link: the milestone's ``chronology_id`` is the id of a scored O4 event;
- date and actors: a scored event on the same date (at the coarser of the two precisions)
  whose actors include two of the milestone's actors (both sides of the same dyad).

The tests at the end show that the check fails when an overlap is put back.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.data.observed import Observed, load_observed
from sim.data.scenario import load_scenario


@pytest.fixture(scope="module")
def observed() -> Observed:
    return load_observed()


@pytest.fixture(scope="module")
def inputs() -> list:
    return [m for m in load_scenario("post-cold-war").milestones if m.role == "input"]


def _date_text(milestone) -> str:
    return f"{milestone.date:%Y-%m}" if milestone.precision == "month" else str(milestone.date)


def _same_date(a: str, b: str) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def o4_overlaps(events: pd.DataFrame, inputs: list) -> set[tuple[str, int]]:
    """(input milestone id, event id) for every scored O4 event that is also an input."""
    scored = events[events["included"] == 1]
    found = set()
    for m in inputs:
        for e in scored.itertuples():
            linked = m.chronology_id is not None and int(m.chronology_id) == int(e.chronology_id)
            actors = {a for a in str(e.actors).split(";") if a}
            same_act = _same_date(_date_text(m), str(e.date)) and len(actors & set(m.actors)) >= 2
            if linked or same_act:
                found.add((m.id, int(e.chronology_id)))
    return found


def o5_overlaps(coercion: pd.DataFrame, inputs: list) -> set[tuple[str, str, int]]:
    """(input milestone id, partner, year) for every coded O5 cell that an input applies."""
    found = set()
    for m in inputs:
        if "RUS" not in m.actors:  # an O5 cell is an act of Russia toward the partner
            continue
        for partner in set(m.actors) & set(coercion.index):
            if m.date.year in coercion.columns and coercion.loc[partner, m.date.year] > 0:
                found.add((m.id, partner, m.date.year))
    return found


def test_no_scored_o4_event_is_a_scenario_input(observed: Observed, inputs: list) -> None:
    assert inputs, "the base scenario has input milestones"
    assert o4_overlaps(observed.events, inputs) == set()


def test_no_input_milestone_applies_russian_coercion(observed: Observed, inputs: list) -> None:
    assert not [m.id for m in inputs if m.type == "coercion"]
    assert o5_overlaps(observed.coercion, inputs) == set()


def test_every_input_kept_out_of_the_index_is_documented(observed: Observed,
                                                         inputs: list) -> None:
    """The ``input_milestone`` column names exactly the inputs whose linked row would pass the
    inclusion rule's dyad test (Russia and the NATO side among its actors), so the list of
    events kept out as inputs cannot go stale. Rows linked to inputs that are third-party or
    enlargement acts are excluded by the rule itself and carry no link."""
    coded = observed.events.set_index("chronology_id")
    nato_side = {"NATO", "USA"}
    linked = {}
    for m in inputs:
        if m.chronology_id is None or int(m.chronology_id) not in coded.index:
            continue
        actors = set(str(coded.loc[int(m.chronology_id), "actors"]).split(";"))
        if "RUS" in actors and actors & nato_side:
            linked[int(m.chronology_id)] = m.id
    documented = {int(i): str(v) for i, v in coded["input_milestone"].items()
                  if isinstance(v, str) and v}
    # the issue named four institutional-menu inputs and the exclusion inputs #21 and #30
    assert {2, 4, 11, 23, 21, 30} <= set(linked)
    assert documented == linked
    assert (coded.loc[list(documented), "included"] == 0).all()


# ------------------------------------------------------------------ the check can fail


def test_putting_an_input_back_into_the_index_is_caught(observed: Observed,
                                                        inputs: list) -> None:
    events = observed.events.copy()
    events.loc[events["chronology_id"] == 23, "included"] = 1  # Rome 2002, input offer-nrc
    assert ("offer-nrc", 23) in o4_overlaps(events, inputs)


def test_an_added_act_on_an_input_date_is_caught(observed: Observed, inputs: list) -> None:
    # a new, unlinked row for the Wales summit of 5 Sep 2014 (input wales-rap)
    extra = pd.DataFrame([{"chronology_id": 999, "date": "2014-09-05", "included": 1,
                           "actors": "NATO;RUS"}])
    events = pd.concat([observed.events, extra], ignore_index=True)
    assert ("wales-rap", 999) in o4_overlaps(events, inputs)
    # the same date with a different dyad is a different act (Madrid 2022: invitation of
    # FIN and SWE is an input, the Strategic Concept naming Russia is scored)
    madrid = [m for m in inputs if m.id == "invitation-fin-swe"]
    assert madrid and not {o for o in o4_overlaps(observed.events, madrid)}


def test_an_input_coercion_cell_is_caught(observed: Observed, inputs: list) -> None:
    shock = next(m for m in inputs if m.id == "euromaidan")  # UKR, 2014
    fake = shock.model_copy(update={"actors": ["RUS", "UKR"]})
    assert observed.coercion.loc["UKR", 2014] > 0
    assert ("euromaidan", "UKR", 2014) in o5_overlaps(observed.coercion, [fake])
