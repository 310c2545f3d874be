"""The Mesa model: NATO, Russia and the partner states, K replicas at once.

Model time is the calendar year as a float. Input milestones are scheduled with Mesa's
event list at their dates (``schedule_event(bound_method, at=1999.19)``), so events within
a year keep their order. The yearly update for year ``y`` runs at ``t = y + 1`` with high
priority, after every milestone dated inside year ``y``; it records the state at the end
of year ``y``.

Every agent's state is a numpy vector over replicas (and partners), so one model advances a
whole ensemble; ``replicas=1`` is an ordinary single run (and what ``mesa.batch_run``
uses). The model's random numbers come from streams keyed by actor and purpose
(:mod:`sim.model.draws`): every year draws the same numbers in the same shapes whatever the
paradigm or mode (common random numbers), and adding or removing a partner leaves every
other actor's numbers unchanged (counterfactual pairing).
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.time.events import EventGenerator, Priority, Schedule

from sim.core.errors import ParameterError
from sim.data.inputs import Inputs
from sim.model import chassis, teacher
from sim.model.agents import Milestone, Nato, Partner, Russia
from sim.model.draws import Streams
from sim.model.milestones import MilestoneRules
from sim.model.paradigms import PARADIGMS, Appraisal, Paradigm, View
from sim.model.parameter import CONSTANTS, PROSPECT_BY_STATUS, chassis_params
from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS, Records
from sim.model.reporting import MesaReporting

MODES = ("replay", "free", "teacher")
# Partner milestones forced in replay mode and left to the model in free mode.
ENDOGENOUS_IN_FREE = {
    "pfp_join", "map", "invitation", "membership_pledge", "application", "accession",
}
_SERIES = SERIES_COLUMNS[3:]
_PARTNER = PARTNER_COLUMNS[4:]
_PARTNER_DTYPES = {"status": np.int8, "coercion": np.int8}
_PROSPECT = np.asarray(PROSPECT_BY_STATUS)


class NatoRussiaModel(MilestoneRules, MesaReporting, mesa.Model):
    """NATO-Russia relations under one paradigm's appraisal, for K replicas.

    Args:
        scenario: a shipped scenario name, a YAML path, or a loaded ``Scenario``.
        paradigm: a registered paradigm's name (None: the first in ``PARADIGMS``), or a ready
            :class:`~sim.model.paradigms.Paradigm` instance (e.g. the encompassing mixture of
            ``sim.model.paradigms.mixture``), which then carries its own parameter values.
        mode: ``replay`` (NATO and partner milestones forced at their dates), ``free``
            (enlargement decisions endogenous from the start year) or ``teacher`` (the
            observed ``history`` imposed year by year and every decision scored: see
            :mod:`sim.model.teacher`).
        replicas: K, the number of replicas advanced together.
        rng: seed or numpy Generator (Mesa's ``rng``); it seeds the model's keyed streams
            (:mod:`sim.model.draws`).
        beta, mu, psi, h_bar, c_E, c_F: chassis parameters (None = default).
        inputs: prebuilt :class:`Inputs` (skips loading; for speed in experiments).
        common_draws: every replica gets the same random numbers (for vectorised designs
            where each replica is a different parameter point: common random numbers).
        history: the :class:`~sim.data.history.History` teacher mode imposes (required there).
        generate: teacher mode draws the outcomes instead and records them in a blank copy of
            ``history`` (``model.teacher.history``); one replica.
        draw_rows: number of distinct rows of random numbers; replica k uses row
            ``k % draw_rows`` (None = one per replica). G parameter points x N particles in
            group-major order with ``draw_rows=N`` share their draws across points.
        latent_noise: False switches off the shocks to R and alignment (the draws are still
            taken, so the stream is unchanged).
        **paradigm_params: the paradigm's own three parameters, e.g. ``kappa=1.5``.

    Any parameter may also be a sequence of K values, one per replica: one model then runs
    K parameter points at once (sensitivity analyses, sweeps with one replica per point).
    """

    def __init__(
        self,
        scenario="post-cold-war",
        paradigm: str | Paradigm | None = None,
        mode: str = "replay",
        replicas: int = 1,
        rng=None,
        beta: float | None = None,
        mu: float | None = None,
        psi: float | None = None,
        h_bar: float | None = None,
        c_E: float | None = None,
        c_F: float | None = None,
        inputs: Inputs | None = None,
        common_draws: bool = False,
        history=None,
        generate: bool = False,
        draw_rows: int | None = None,
        latent_noise: bool = True,
        **paradigm_params: float,
    ) -> None:
        super().__init__(rng=rng)
        if mode not in MODES:
            raise ParameterError("--mode", mode, f"expected one of {list(MODES)}")
        if int(replicas) < 1:
            raise ParameterError("--replicas", str(replicas), "expected an integer >= 1")
        given = {"beta": beta, "mu": mu, "psi": psi, "h_bar": h_bar, "c_E": c_E, "c_F": c_F}
        self.p = chassis_params({k: v for k, v in given.items() if v is not None})
        self.paradigm: Paradigm = _make_paradigm(paradigm, paradigm_params)
        self.mode = mode
        self.K = int(replicas)
        self.common_draws = bool(common_draws)
        self.draw_rows = 1 if self.common_draws else int(draw_rows or self.K)
        self.latent_noise = bool(latent_noise)
        self.teacher = self._make_teacher(history, generate)
        _check_lengths(self.K, {**self.p, **self.paradigm.values})
        # partner-level rules need per-replica parameters as (K, 1) columns
        self.pc = {k: v[:, None] if np.ndim(v) else v for k, v in self.p.items()}
        self.inputs = inputs if inputs is not None else _load_inputs(scenario)
        self._init_clock()
        self.streams = Streams(rng, self.inputs.partners, self.draw_rows,
                               self.end - self.start + 1)
        self._init_state()
        self._schedule_milestones()
        self._collect_times: list[float] = []  # Mesa's clock at each year's end
        self._collector: tuple[int, mesa.DataCollector] | None = None

    # ----------------------------------------------------------------- set-up
    def _make_teacher(self, history, generate: bool) -> teacher.Teacher | None:
        if self.mode != "teacher":
            return None
        if history is None:
            raise ParameterError("--mode", "teacher", "teacher mode needs the observed history")
        if generate and self.K != 1:
            raise ParameterError("--replicas", str(self.K), "generation runs one replica")
        return teacher.Teacher(history, generate=generate)

    def _init_clock(self) -> None:
        """Re-anchor Mesa's clock on the calendar: time = start year, steps at y + 1."""
        self.start = int(self.inputs.years[0])
        self.end = int(self.inputs.years[-1])
        self._default_schedule.stop()
        self.time = float(self.start)
        self._default_schedule = EventGenerator(
            self, self._do_step, Schedule(interval=1.0, start=self.start + 1.0),
            priority=Priority.HIGH,
        ).start()

    def _init_state(self) -> None:
        inp, K = self.inputs, self.K
        P = len(inp.partners)
        self.nato = Nato(self, np.full(K, inp.burden_nato0))
        self.russia = Russia(self, np.full(K, inp.burden_russia0), P)
        self.partner_agents = [Partner(self, iso3, j) for j, iso3 in enumerate(inp.partners)]
        self.alignment = np.tile(inp.alignment0, (K, 1)).astype(float)
        self.status = np.tile(inp.status0, (K, 1)).astype(np.int8)
        self.pledged = np.zeros((K, P), dtype=bool)
        self.invited_at = np.full((K, P), np.inf)
        self.level = np.zeros((K, P), dtype=np.int8)  # Russia's coercion F
        self.S = np.zeros(K, dtype=np.int8)
        self.suspended = np.zeros(K, dtype=np.int8)
        self.menu = 0
        self.memory = self.paradigm.initial_memory(K)
        self.pulses = {k: 0.0 for k in ("xi", "force", "force_unmandated", "posture",
                                        "exclusion")}
        self.pending = dict.fromkeys(self.pulses, 0.0)
        self.enlargement = np.zeros(K)
        self.pending_enlargement = np.zeros(K)
        self.year = self.start
        first = self._appraise(self._view(self.start))
        self.R = np.tanh(-0.5 * (first.H_R + first.H_N))  # the paradigm's own 1991 level
        self.russia.hostility0 = np.array(first.H_R)  # arming is anchored on the same year
        self.nato.hostility0 = np.array(first.H_N)
        T = len(inp.years)
        self._series = np.zeros((T, len(_SERIES), K))
        # one (T, K, P) array per partner column; the integer columns as int8
        self._partner_rec = {name: np.zeros((T, K, P), dtype=_PARTNER_DTYPES.get(name, float))
                             for name in _PARTNER}

    def _schedule_milestones(self) -> None:
        self._events = []
        self.event_log: list[tuple[float, str]] = []
        for m in self.inputs.milestones:
            if self.mode == "free" and m.type in ENDOGENOUS_IN_FREE:
                continue
            if self.mode == "teacher" and m.type in teacher.IMPOSED_IN_TEACHER:
                continue
            if not (self.start <= m.time < self.end + 1):
                continue
            event = Milestone(self, m)
            self._events.append(event)  # Mesa holds callbacks weakly: keep them alive
            self.schedule_event(event.fire, at=m.time)

    # ----------------------------------------------------------------- the year
    @property
    def member(self) -> np.ndarray:
        return (self.status == 3).astype(float)

    def _status_rows(self) -> np.ndarray:
        """The partner statuses the year's arithmetic reads: ``(1, P)`` in replay, where the
        statuses are forced by the milestones and so the same in every replica (the values,
        and so every result, are those of the ``(K, P)`` array), else ``(K, P)``."""
        return self.status[:1] if self.mode == "replay" else self.status

    @property
    def active_now(self) -> np.ndarray:
        return self.inputs.active[self.inputs.index(self.year)]

    def _capabilities(self, i: int, member: np.ndarray | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
        inp = self.inputs
        if member is None:
            member = (self._status_rows() == 3).astype(float)
        gdp_nato = inp.gdp_nato_core[i] + (member * inp.gdp[i]).sum(axis=1)
        c_nato = self.nato.burden / 100.0 * gdp_nato
        c_russia = self.russia.burden / 100.0 * inp.gdp_russia[i]
        return c_nato, c_russia

    def _view(self, year: int) -> View:
        inp, i = self.inputs, self.inputs.index(year)
        status = self._status_rows()
        member = (status == 3).astype(float)
        c_nato, c_russia = self._capabilities(i, member)
        active = inp.active[i]
        prospect = _PROSPECT[status]
        pledged = self.pledged[:1] if status.shape[0] == 1 else self.pledged
        prospect = np.maximum(prospect, CONSTANTS["pledge_prospect"] * pledged)
        buffer = inp.w * inp.buffer * active
        superiority = c_russia[:, None] / (c_russia[:, None] + inp.milex[i]) * (1.0 - member)
        occupancy = (prospect * buffer).sum(axis=1, keepdims=True) / max(buffer.sum(), 1e-12)
        return View(  # dyad-level quantities as (K, 1) columns: see sim/paradigms/base.py
            year=year, inst=self.S[:, None] / 4.0,
            imbalance=(2.0 * c_nato / (c_nato + c_russia) - 1.0)[:, None],
            occupancy=occupancy,
            enlargement=self.enlargement[:, None],
            russia_force=self.level.max(axis=1, keepdims=True) / 3.0,
            memory=self.memory[:, None], dem_russia=float(inp.dem_russia[i]),
            dem_west=float(inp.dem_west[i]), trade_russia_west=float(inp.trade_russia_west[i]),
            w=inp.w, buffer=inp.buffer, former_ussr=inp.former_ussr, dem=inp.dem[i],
            trade_rus=inp.trade_rus[i], trade_west=inp.trade_west[i],
            alignment=self.alignment, prospect=prospect, member=member,
            coercion=self.level / 3.0, superiority=superiority, active=active,
            **self.pulses,
        )

    def _appraise(self, view: View) -> Appraisal:
        """The paradigm's appraisal, broadcast to the (K,) and (K, P) shapes the chassis uses."""
        app = self.paradigm.appraise(view)
        kp = (self.K, len(self.inputs.partners))
        return Appraisal(
            H_R=self._flat(app.H_R), H_N=self._flat(app.H_N),
            L_R=np.broadcast_to(app.L_R, kp), V_N=np.broadcast_to(app.V_N, kp),
            G=np.broadcast_to(app.G, kp), memory=self._flat(app.memory),
        )

    def _flat(self, x) -> np.ndarray:
        """A dyad-level output, (K, 1) or (K,) or scalar, as a (K,) vector."""
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(x.reshape(-1) if x.ndim == 2 else x, (self.K,))

    def _draws(self) -> tuple[np.ndarray, np.ndarray]:
        """This year's random numbers, always the same shapes (common random numbers)."""
        P = len(self.inputs.partners)
        rows = self.draw_rows
        normals, uniforms = self.streams.year()
        if not self.latent_noise:
            normals = np.zeros_like(normals)
        if self.common_draws:
            normals = np.broadcast_to(normals, (self.K, 1 + P))
            uniforms = np.broadcast_to(uniforms, (self.K, 3 + 3 * P))
        elif rows != self.K:
            row = np.arange(self.K) % rows
            normals, uniforms = normals[row], uniforms[row]
        return normals, uniforms

    def _decay_pulses(self) -> None:
        decay = CONSTANTS["pulse_decay"]
        for key in self.pulses:
            self.pulses[key] = decay * self.pulses[key] + self.pending[key]
            self.pending[key] = 0.0
        self.enlargement = decay * self.enlargement + self.pending_enlargement
        self.pending_enlargement = np.zeros(self.K)

    def step(self) -> None:
        """Advance every replica through calendar year ``self.year`` and record it."""
        if self.year > self.end:
            self.running = False
            return
        self._decay_pulses()
        view = self._view(self.year)
        app = self._appraise(view)
        normals, uniforms = self._draws()
        p, active = self.p, view.active
        self.R = chassis.relation(self.R, app.H_R, app.H_N, p["mu"],
                                  CONSTANTS["sigma_R"] * normals[:, 0])
        self.russia.arm(app.H_R)
        self.nato.arm(app.H_N)
        if self.mode == "teacher":
            self.teacher.step(self, app, normals, uniforms)
        else:
            self._simulate_decisions(app, normals, uniforms, active)
        self.memory = np.array(app.memory, dtype=float)
        self._record(app)
        self._collect_times.append(self.time)
        self.year += 1
        self.running = self.year <= self.end

    def _simulate_decisions(self, app: Appraisal, normals: np.ndarray, uniforms: np.ndarray,
                            active: np.ndarray) -> None:
        """This year's institutional, coercion and (free mode) partner decisions, drawn."""
        P, p = len(self.inputs.partners), self.p
        self.S, self.suspended = chassis.institutions(
            self.S, self.menu, app.H_R, app.H_N, p["beta"], p["h_bar"],
            uniforms[:, 0:2], uniforms[:, 2])
        self.level = self.russia.coerce(app.L_R, uniforms[:, 3:3 + P])
        self.alignment = chassis.alignment(self.alignment, app.G, self.pc["mu"],
                                           CONSTANTS["sigma_a"] * normals[:, 1:], active)
        if self.mode == "free":
            self._free_decisions(app, uniforms[:, 3 + P:].reshape(self.K, P, 2), active)

    def _free_decisions(self, app: Appraisal, u: np.ndarray, active: np.ndarray) -> None:
        join, invite = chassis.enlargement(
            self.status, self.alignment, app.V_N, self.menu, self.pc["beta"], self.pc["c_E"],
            CONSTANTS["apply_threshold"], u, active)
        self.status[join] = np.maximum(self.status[join], 1)
        self.status[invite] = 2
        self.invited_at[invite] = self.year
        accede = (self.status == 2) & (self.year - self.invited_at >= CONSTANTS["accession_lag"])
        self.status[accede] = 3
        self.add_enlargement_pulse(invite, accede)

    def add_enlargement_pulse(self, invite: np.ndarray, accede: np.ndarray) -> None:
        """Invitations (0.5) and accessions (1) of a year, ``(K, P)`` flags, scaled by the
        proximity of the nearest partner, enter next year's enlargement pulse."""
        w = self.inputs.w
        self.pending_enlargement = self.pending_enlargement + np.maximum(
            0.5 * (invite * w).max(axis=1), (accede * w).max(axis=1))

    def _record(self, app: Appraisal) -> None:
        t = self.year - self.start
        i = self.inputs.index(self.year)
        c_nato, c_russia = self._capabilities(i)
        values = {
            "R": self.R, "S": self.S, "H_R": app.H_R, "H_N": app.H_N,
            "russia_burden": self.russia.burden, "nato_burden": self.nato.burden,
            "russia_milex": c_russia, "nato_milex": c_nato, "xi": self.pulses["xi"],
            "memory": self.memory, "menu": self.menu, "suspended": self.suspended,
        }
        for j, name in enumerate(_SERIES):
            self._series[t, j] = values[name]
        partner_values = (self.alignment, self.status, self.level, app.L_R, app.V_N, app.G)
        for name, values_kp in zip(_PARTNER, partner_values, strict=True):
            self._partner_rec[name][t] = values_kp

    # ----------------------------------------------------------------- outputs
    def run(self) -> NatoRussiaModel:
        """Run every remaining year of the scenario."""
        self.run_until(self.end + 1.0)
        return self

    def recorded(self) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The years recorded so far and the raw arrays behind :meth:`records` (views).

        Returns:
            ``(years (T,), series {column: (T, K)}, partners {column: (T, K, P)})`` with the
            ``Records`` column names; for fast loss evaluation without building DataFrames.
        """
        done = self.year - self.start
        series = {name: self._series[:done, j] for j, name in enumerate(_SERIES)}
        partners = {name: self._partner_rec[name][:done] for name in _PARTNER}
        return self.inputs.years[:done], series, partners

    def records(self) -> Records:
        """The recorded years as tidy tables (see sim/records.py)."""
        from sim.model.records import records_from_arrays

        done = self.year - self.start
        return records_from_arrays(
            paradigm=self.paradigm.name,
            years=self.inputs.years[:done],
            partners=self.inputs.partners,
            series=self._series[:done],
            partner_values={name: self._partner_rec[name][:done] for name in _PARTNER},
            meta={"mode": self.mode, "replicas": self.K,
                  "params": {self.paradigm.name: {
                      k: float(v) if np.ndim(v) == 0 else np.ravel(v).tolist()
                      for k, v in {**self.p, **self.paradigm.values}.items()}}},
        )


def _make_paradigm(paradigm: str | Paradigm | None, values: dict[str, float]) -> Paradigm:
    """A paradigm instance from a registered name (None: the first registered) and its
    values, or the instance given."""
    if paradigm is None:
        paradigm = next(iter(PARADIGMS), "")
    if isinstance(paradigm, Paradigm):
        if values:
            raise ParameterError("--paradigm", paradigm.name,
                                 "set the parameters on the paradigm instance, not as keywords")
        return paradigm
    if paradigm not in PARADIGMS:
        raise ParameterError("--paradigm", str(paradigm), f"expected one of {list(PARADIGMS)}")
    return PARADIGMS[paradigm](**values)


def _check_lengths(replicas: int, values: dict) -> None:
    """Per-replica parameter vectors must have one value per replica."""
    for name, value in values.items():
        if np.ndim(value) and np.size(value) != replicas:
            raise ParameterError("parameters", name,
                                 f"{np.size(value)} values given for {replicas} replicas")


def _load_inputs(scenario) -> Inputs:
    """The inputs of a scenario (name, path or object), cached by content (an edited
    scenario or data file is read again in the same process)."""
    from sim.data import cache

    return cache.resolve(scenario)[2]
