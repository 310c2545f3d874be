"""Teacher forcing: the observed history imposed year by year, every decision scored.

In ``NatoRussiaModel(mode="teacher", history=...)`` each year t starts from the observed
state at the end of t-1: the institutional status S, Russia's coercion level F toward each
partner and the partners' statuses (O3, O5, O6, :class:`~sim.data.history.History`), with the
input milestones at their dates. The paradigm's latent states (R, arming, its memory such as
the constructivist identity, Russia's coercion propensity, partner alignment) evolve under
its own rules, driven by that history. The chassis then gives, for every decision open in
year t (:func:`~sim.data.history.risk_sets`), the distribution of its outcome in every
replica (particle), computed by the same functions the sampling rules draw from
(:mod:`sim.model.chassis`). After scoring, the observed outcomes of year t are imposed.

Partner-status milestones (PfP joining, MAP, invitation, accession) are not scheduled in
this mode: they are scored outcomes, imposed from the history at the end of their year, so
their enlargement pulse reaches the appraisal of the next year (as in free mode).

With ``generate=True`` (one replica) the outcomes are drawn instead, by the chassis' own
sampling rules from the model's random stream, and written into a blank copy of the
history: a simulated decision record of the teacher-mode model (for recovery tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.data.history import KINDS, History, outcomes, risk_sets
from sim.model import chassis
from sim.model.parameter import CONSTANTS

#: Milestone types imposed from the history in teacher mode instead of being scheduled.
IMPOSED_IN_TEACHER = frozenset({"pfp_join", "map", "invitation", "accession"})
MAX_CATEGORIES = 5
#: Model attributes that are (K, ...) particle state, reindexed on resampling.
PARTICLE_STATE = ("R", "alignment", "S", "suspended", "level", "status", "pledged",
                  "invited_at", "enlargement", "pending_enlargement", "memory")


@dataclass(frozen=True)
class YearScores:
    """The decisions of one year and each particle's predicted distribution.

    Attributes:
        year: the calendar year.
        kinds: ``(D,)`` decision kinds, in scoring order.
        columns: ``(D,)`` partner column of each decision (-1 for the dyad's status).
        outcome: ``(D,)`` the observed (or generated) category.
        blocks: the distributions by kind, ``(K, n_kind, n_categories)`` arrays in order.
    """

    year: int
    kinds: tuple[str, ...]
    columns: np.ndarray
    outcome: np.ndarray
    blocks: tuple[np.ndarray, ...]

    def observed_probability(self) -> np.ndarray:
        """``(K, D)`` each particle's probability of the observed outcome of each decision."""
        parts, at = [], 0
        for block in self.blocks:
            n = block.shape[1]
            idx = self.outcome[at:at + n][None, :, None]
            parts.append(np.take_along_axis(block, idx, axis=2)[..., 0])
            at += n
        return np.concatenate(parts, axis=1)

    def distribution(self) -> np.ndarray:
        """``(K, D, 5)`` each particle's probabilities of the categories (0 beyond)."""
        K = self.blocks[0].shape[0]
        dist = np.zeros((K, len(self.outcome), MAX_CATEGORIES))
        at = 0
        for block in self.blocks:
            n = block.shape[1]
            dist[:, at:at + n, :block.shape[2]] = block
            at += n
        return dist


class Teacher:
    """Holds the imposed (or generated) history and the scores of the last year."""

    def __init__(self, history: History, generate: bool = False) -> None:
        self.history = history.blank() if generate else history
        self.generate = generate
        self.last: YearScores | None = None

    def step(self, model, app, normals: np.ndarray, uniforms: np.ndarray) -> None:
        """Score (or draw) year ``model.year``'s decisions, then impose its outcomes."""
        h, i = self.history, model.inputs.index(model.year)
        sets = risk_sets(h, i)
        K, P = model.K, len(model.inputs.partners)
        p, pc = model.p, model.pc
        status = chassis.status_distribution(model.S, int(h.menu[i]), app.H_R, app.H_N,
                                             p["beta"], p["h_bar"])
        model.russia.propensity = chassis.coercion_propensity(model.russia.propensity,
                                                             app.L_R, pc["mu"])
        at_least = chassis.coercion_at_least(model.russia.propensity, model.member,
                                             pc["beta"], pc["c_F"], CONSTANTS["article5_cost"])
        coercion = chassis.coercion_distribution(at_least)
        model.alignment = chassis.alignment(model.alignment, app.G, pc["mu"],
                                            CONSTANTS["sigma_a"] * normals[:, 1:],
                                            model.active_now)
        join = chassis.join_probability(model.alignment, pc["beta"])
        invite = chassis.invite_probability(model.alignment, app.V_N, pc["beta"], pc["c_E"],
                                            CONSTANTS["apply_threshold"])
        lag = model.year - h.invited_year >= CONSTANTS["accession_lag"]
        accede = np.broadcast_to(lag.astype(float), (K, P))
        if self.generate:
            u = uniforms[:, 3 + P:].reshape(K, P, 2)
            new_s, _ = chassis.institutions(model.S, int(h.menu[i]), app.H_R, app.H_N,
                                            p["beta"], p["h_bar"], uniforms[:, 0:2],
                                            uniforms[:, 2])
            level = chassis.coercion_level(at_least, uniforms[:, 3:3 + P], model.active_now)
            self._write(i, sets, int(new_s[0]), level[0], u[0, :, 0] < join[0],
                        u[0, :, 1] < invite[0], lag)
        binary = {"pfp": join, "invitation": invite, "accession": accede}
        self.last = self._scores(model.year, sets, outcomes(h, i, sets), status, coercion,
                                 binary)
        self._impose(model, i)

    # ------------------------------------------------------------------ helpers
    def _scores(self, year, sets, outs, status, coercion, binary) -> YearScores:
        blocks, kinds, columns = [], [], []
        K = status.shape[0]
        if sets.status:
            blocks.append(status[:, None, :])
            kinds.append("status")
            columns.append(np.array([-1]))
        blocks.append(coercion[:, sets.coercion, :])
        kinds += ["coercion"] * len(sets.coercion)
        columns.append(sets.coercion)
        for kind in KINDS[2:]:
            cols = sets.columns(kind)
            q = np.broadcast_to(binary[kind], (K, binary[kind].shape[-1]))[:, cols]
            blocks.append(np.stack([1.0 - q, q], axis=-1))
            kinds += [kind] * len(cols)
            columns.append(cols)
        outcome = np.concatenate([outs[k] for k in KINDS]).astype(int)
        return YearScores(year=int(year), kinds=tuple(kinds),
                          columns=np.concatenate(columns).astype(int), outcome=outcome,
                          blocks=tuple(blocks))

    def _write(self, i, sets, s_new, level, join, invite, lag) -> None:
        """Generation: the drawn outcomes of row ``i`` become the history."""
        h = self.history
        _, _, status_prev, invited_prev = h.previous(i)
        h.S[i] = s_new
        h.F[i] = level
        status = status_prev.copy()
        status[sets.pfp[join[sets.pfp]]] = np.maximum(status[sets.pfp[join[sets.pfp]]], 1)
        new_inv = sets.invitation[invite[sets.invitation]]
        status[new_inv] = 2
        h.invited_year[new_inv] = h.years[i]
        status[sets.accession[lag[sets.accession]]] = 3
        h.status[i] = status
        h.invited[i] = invited_prev.copy()
        h.invited[i, new_inv] = True

    def _impose(self, model, i: int) -> None:
        """The outcomes of row ``i`` become the state every particle carries into i + 1."""
        h = self.history
        s_prev, _, status_prev, invited_prev = h.previous(i)
        K = model.K
        model.S = np.full(K, h.S[i], dtype=np.int8)
        model.suspended = np.full(K, int(h.S[i] < s_prev), dtype=np.int8)
        model.level = np.tile(h.F[i].astype(np.int8), (K, 1))
        model.status = np.tile(h.status[i].astype(np.int8), (K, 1))
        model.invited_at = np.tile(np.where(h.invited[i], h.invited_year, np.inf), (K, 1))
        invited = h.invited[i] & ~invited_prev
        acceded = (h.status[i] >= 3) & (status_prev < 3)
        model.add_enlargement_pulse(np.tile(invited, (K, 1)), np.tile(acceded, (K, 1)))


def reindex(model, idx: np.ndarray) -> None:
    """Resample the particles: replica k takes the state of replica ``idx[k]``."""
    for name in PARTICLE_STATE:
        value = getattr(model, name)
        if np.ndim(value):
            setattr(model, name, np.array(value)[idx])
    for agent in (model.nato, model.russia):
        agent.burden = agent.burden[idx]
    model.russia.propensity = model.russia.propensity[idx]
