"""The optional ``history:`` key of a scenario: edits to the imposed observed record.

Teacher-forced runs (``--mode teacher``) and forecasts (``natosim forecast``, up to the
origin) impose the observed decision record year by year (:mod:`sim.data.history`): the
institutional status S of the dyad and Russia's coercion level toward each partner. The
paradigm's latent states follow that record. A counterfactual on Russia's own acts or on the
dyad's institutional decisions edits it::

    history:
      - remove: coercion      # the coercion episode toward UKR that starts in 2014
        partner: UKR          # (Crimea and the Donbas war, 2014-2021)
        year: 2014
      - remove: status        # the 2014 change of S (NATO suspends practical cooperation):
        year: 2014            # S keeps its 2013 value until the next observed change
      - move: coercion        # the 2008 war with Georgia two years later
        partner: GEO
        year: 2008
        to: 2010
      - add: coercion         # an act that did not happen: level 2 for two years
        partner: BLR
        year: 2010
        level: 2
        years: 2
      - add: status           # a change of S to rung 0 in 2003, until the next change
        year: 2003
        level: 0

Only the form is checked here. What needs the record (an episode that starts in the year
named, a level the menu allows, a year up to the last imposed one) is checked when the edits
are applied (:func:`sim.data.history.edit_history`). Replay and free runs ignore this key:
they simulate coercion and S instead of imposing them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.data.scenario.vocabulary import BLOC_ACTORS, ISO3, Frozen, KeyedError

Act = Literal["coercion", "status"]
VERBS = ("remove", "move", "add")
#: Highest coercion level (O5: 0 none .. 3 war) and institutional rung (S: 0 .. 4 NRC).
LEVEL_MAX = {"coercion": 3, "status": 4}


class HistoryEdit(Frozen):
    """One edit of the imposed record: ``remove``, ``move`` or ``add`` one act.

    ``remove: coercion`` clears the coercion episode toward ``partner`` that starts in
    ``year`` (the years in a row at that level); ``move`` places it, with its level and
    length, from ``to`` on; ``add`` puts ``level`` on ``years`` years (default 1) from
    ``year``. A moved or added episode raises the level of the years it covers to its own,
    never lowers another act. ``remove: status`` undoes the change of S in ``year`` (S keeps
    the level before it until the next observed change); ``move`` dates that change ``to``
    another year before the next change (or after the previous one); ``add`` makes S change
    to ``level`` in ``year``, until the next change.
    """

    remove: Act | None = None
    move: Act | None = None
    add: Act | None = None
    year: int = Field(ge=1991, le=2040, strict=True)
    partner: str | None = None
    to: int | None = Field(default=None, ge=1991, le=2040, strict=True)
    level: int | None = Field(default=None, strict=True)
    years: int | None = Field(default=None, ge=1, le=50, strict=True)

    @model_validator(mode="after")
    def _shape(self) -> HistoryEdit:
        given = [v for v in VERBS if getattr(self, v) is not None]
        if len(given) != 1:
            raise KeyedError((), "give exactly one of remove, move or add (coercion or status)")
        verb, act = given[0], getattr(self, given[0])
        if act == "coercion":
            if self.partner is None:
                raise KeyedError(("partner",), "a coercion edit names its partner (e.g. UKR)")
            if not ISO3.match(self.partner) or self.partner in BLOC_ACTORS:
                raise KeyedError(("partner",), f"'{self.partner}' is not a partner ISO-3166 "
                                 "alpha-3 code (e.g. 'UKR')")
        elif self.partner is not None:
            raise KeyedError(("partner",), "a status edit is the dyad's: it names no partner")
        if (self.to is not None) != (verb == "move"):
            raise KeyedError(("to",), "'to' (the new year) goes with move, and only with it")
        if (self.level is not None) != (verb == "add"):
            raise KeyedError(("level",), "'level' goes with add, and only with it")
        if verb == "add":
            low = 1 if act == "coercion" else 0
            if not low <= self.level <= LEVEL_MAX[act]:
                raise KeyedError(("level",), f"a {act} level is {low} to {LEVEL_MAX[act]}, "
                                 f"got {self.level}")
        if self.years is not None and not (verb == "add" and act == "coercion"):
            raise KeyedError(("years",), "'years' (the length) goes with add: coercion only")
        if verb == "move" and self.to == self.year:
            raise KeyedError(("to",), f"moving to the same year ({self.year}) changes nothing")
        return self

    @property
    def verb(self) -> str:
        return next(v for v in VERBS if getattr(self, v) is not None)

    @property
    def act(self) -> str:
        return getattr(self, self.verb)

    def describe(self) -> str:
        """One line, e.g. ``remove coercion UKR 2014`` or ``move status 2014 -> 2016``."""
        who = f" {self.partner}" if self.partner else ""
        text = f"{self.verb} {self.act}{who} {self.year}"
        if self.verb == "move":
            text += f" -> {self.to}"
        if self.verb == "add":
            text += f" level {self.level}"
            if self.years and self.years > 1:
                text += f" for {self.years} years"
        return text

    @property
    def first_year(self) -> int:
        """The first year the edit can change."""
        return min(self.year, self.to) if self.to is not None else self.year
