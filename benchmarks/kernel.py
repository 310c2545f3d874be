"""A hand-vectorised numpy kernel of the replay: the yardstick for the model's stepping.

The same equations as :class:`sim.model.model.NatoRussiaModel` in ``mode="replay"``, the
same inputs and the same random numbers, written as one flat loop over the years with no
Mesa events, agents or per-step dictionaries:

* every input milestone is applied at the start of its calendar year, in date order (the
  model's yearly update runs at ``y + 1`` after every milestone dated in ``y``);
* in replay the partner statuses, pledges, the menu and the event pulses are forced by the
  milestones, so they are the same in every replica and are kept as ``(P,)`` vectors and
  floats; only the latent states (R, burdens, alignment, Russia's coercion propensity, the
  paradigm's memory) and the drawn decisions (S, F) are per replica;
* the paradigm's own :meth:`~sim.model.paradigms.Paradigm.appraise` is called on a
  :class:`~sim.model.paradigms.View` built from these, as the model does;
* decisions compare ``logit(u)`` with the logistic's argument (``u < expit(y)`` without
  the exponential).

* the random numbers come from the same keyed streams (one per actor and purpose: see
  :mod:`sim.model.draws`), written out here year by year and stream by stream, with no
  pre-drawn blocks, as an independent check of the model's block layout.

It is not used by the product: ``tests/test_kernel_reference.py`` checks that it gives the
model's recorded arrays bit for bit, and ``benchmarks/bench_stepping.py`` times the model
against it. Chassis parameters are the defaults (scalars).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from sim.model.paradigms import Paradigm, View
from sim.model.parameter import CONSTANTS, PROSPECT_BY_STATUS, chassis_params

# The stream keys of sim.model.draws, restated (the kernel must not share its code).
TAG, DYAD = 0x4E41544F, "DYAD"
STATUS_OF = {"pfp_join": 1, "map": 2, "invitation": 2, "accession": 3}
PULSE_OF = {"invitation": 0.5, "membership_pledge": 0.5, "accession": 1.0}


def _year_events(inputs) -> dict[int, list]:
    """The scheduled milestones of each year, in the order the model fires them."""
    start, end = int(inputs.years[0]), int(inputs.years[-1])
    chosen = [m for m in inputs.milestones if start <= m.time < end + 1]
    chosen.sort(key=lambda m: m.time)  # stable: equal dates keep the scenario order
    events: dict[int, list] = {}
    for m in chosen:
        events.setdefault(int(np.floor(m.time)), []).append(m)
    return events


def _streams(seed: int, actors: list[str]) -> list[tuple]:
    """(shock, decision) generators of each actor, keyed by its code's ASCII bytes."""
    out = []
    for actor in actors:
        key = int.from_bytes(actor.encode("ascii"), "big")
        out.append(tuple(
            np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(seed, spawn_key=(TAG, key, purpose))))
            for purpose in (0, 1)))
    return out


def _year_draws(streams: list[tuple], K: int) -> tuple[np.ndarray, np.ndarray]:
    """One year's (normals (K, 1 + P), uniforms (K, 3 + 3P)) in the chassis layout."""
    (dyad_shock, dyad_decision), partners = streams[0], streams[1:]
    P = len(partners)
    normals = np.column_stack([dyad_shock.standard_normal(K)]
                              + [shock.standard_normal(K) for shock, _ in partners])
    own = [decision.random((K, 3)) for _, decision in partners]
    uniforms = np.column_stack([dyad_decision.random((K, 3))] + [u[:, 0] for u in own]
                               + [u[:, 1:] for u in own])
    return normals, uniforms.reshape(K, 3 + 3 * P)


def replay(inputs, paradigm: Paradigm, replicas: int, seed: int):
    """Run the replay; return ``(series (T, 12, K), partners {column: (T, K, P)})``.

    The arrays hold what the model's :meth:`~sim.model.model.NatoRussiaModel.recorded`
    returns (the series in ``SERIES_COLUMNS[3:]`` order).
    """
    K, P, T = int(replicas), len(inputs.partners), len(inputs.years)
    p = chassis_params()
    mu, beta, psi, h_bar, c_f = p["mu"], p["beta"], p["psi"], p["h_bar"], p["c_F"]
    decay, sigma_r, sigma_a = (CONSTANTS[k] for k in ("pulse_decay", "sigma_R", "sigma_a"))
    lo, hi, art5 = CONSTANTS["burden_min"], CONSTANTS["burden_max"], CONSTANTS["article5_cost"]
    streams = _streams(seed, [DYAD, *inputs.partners])
    column = {iso3: j for j, iso3 in enumerate(inputs.partners)}
    events = _year_events(inputs)
    prospects = np.asarray(PROSPECT_BY_STATUS)
    buffer_w = inputs.w * inputs.buffer
    cuts = c_f * np.array([1.0, 2.0, 3.0])

    status = inputs.status0.astype(np.int8).copy()
    pledged = np.zeros(P, dtype=bool)
    menu = 0
    pulses = dict.fromkeys(("xi", "force", "force_unmandated", "posture", "exclusion"), 0.0)
    pending = dict(pulses)
    enlargement = pending_enl = 0.0
    alignment = np.tile(inputs.alignment0, (K, 1)).astype(float)
    level = np.zeros((K, P), dtype=np.int8)
    S = np.zeros(K, dtype=np.int8)
    suspended = np.zeros(K, dtype=np.int8)
    memory = paradigm.initial_memory(K)
    propensity = np.zeros((K, P))
    b_russia = np.full(K, inputs.burden_russia0)
    b_nato = np.full(K, inputs.burden_nato0)
    base_russia, base_nato = float(b_russia[0]), float(b_nato[0])

    series = np.zeros((T, 12, K))
    out = {name: np.zeros((T, K, P), dtype=dt) for name, dt in (
        ("alignment", float), ("status", np.int8), ("coercion", np.int8),
        ("L_R", float), ("V_N", float), ("G", float))}

    def view(year: int):
        i = year - inputs.years[0]
        member = (status == 3).astype(float)
        gdp_nato = inputs.gdp_nato_core[i] + (member * inputs.gdp[i]).sum()
        c_nato = b_nato / 100.0 * gdp_nato
        c_russia = b_russia / 100.0 * inputs.gdp_russia[i]
        active = inputs.active[i]
        prospect = np.maximum(prospects[status], CONSTANTS["pledge_prospect"] * pledged)
        buffer = buffer_w * active
        occupancy = (prospect * buffer).sum() / max(buffer.sum(), 1e-12)
        superiority = c_russia[:, None] / (c_russia[:, None] + inputs.milex[i]) * (1.0 - member)
        v = View(
            year=year, inst=S[:, None] / 4.0,
            imbalance=(2.0 * c_nato / (c_nato + c_russia) - 1.0)[:, None],
            occupancy=np.full((1, 1), occupancy), enlargement=np.full((1, 1), enlargement),
            russia_force=level.max(axis=1, keepdims=True) / 3.0,
            memory=memory[:, None], dem_russia=float(inputs.dem_russia[i]),
            dem_west=float(inputs.dem_west[i]),
            trade_russia_west=float(inputs.trade_russia_west[i]),
            w=inputs.w, buffer=inputs.buffer, former_ussr=inputs.former_ussr, dem=inputs.dem[i],
            trade_rus=inputs.trade_rus[i], trade_west=inputs.trade_west[i],
            alignment=alignment, prospect=prospect, member=member, coercion=level / 3.0,
            superiority=superiority, active=active, **pulses)
        return v, member, active, c_russia, c_nato

    def flat(x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(x.reshape(-1) if x.ndim == 2 else x, (K,))

    def apply(m) -> None:
        nonlocal menu, pending_enl, alignment
        cols = [column[a] for a in m.actors if a in column]
        kind = m.type
        if kind == "institution_offer":
            menu = max(menu, int(m.rung))
        elif kind in STATUS_OF:
            for j in cols:
                status[j] = max(status[j], STATUS_OF[kind])
        if kind == "membership_pledge":
            pledged[cols] = True
        if kind in PULSE_OF and cols:
            pending_enl += PULSE_OF[kind] * max(inputs.w[j] for j in cols)
        size = 1.0 if m.magnitude is None else float(m.magnitude)
        if kind == "application":
            alignment[:, cols] = np.maximum(alignment[:, cols], CONSTANTS["apply_threshold"])
        elif kind == "domestic_shock":
            alignment[:, cols] = np.clip(alignment[:, cols] + float(m.magnitude), -1.0, 1.0)
        elif kind == "out_of_area":
            pending["force"] += size
            if not m.mandate:
                pending["force_unmandated"] += size
        elif kind == "common_threat":
            pending["xi"] += size
        elif kind == "deterrence_posture":
            pending["posture"] += size
        elif kind == "exclusion":
            pending["exclusion"] += size

    start = int(inputs.years[0])
    first = paradigm.appraise(view(start)[0])
    h_r0, h_n0 = flat(first.H_R), flat(first.H_N)
    R = np.tanh(-0.5 * (h_r0 + h_n0))
    for t in range(T):
        year = start + t
        for m in events.get(year, ()):
            apply(m)
        for key in pulses:
            pulses[key] = decay * pulses[key] + pending[key]
            pending[key] = 0.0
        enlargement = decay * enlargement + pending_enl
        pending_enl = 0.0
        v, member, active, _, _ = view(year)
        app = paradigm.appraise(v)
        h_r, h_n = flat(app.H_R), flat(app.H_N)
        normals, uniforms = _year_draws(streams, K)
        R = np.clip(mu * R + (1.0 - mu) * np.tanh(-0.5 * (h_r + h_n))
                    + sigma_r * normals[:, 0], -1.0, 1.0)
        b_russia = np.clip(mu * b_russia + (1.0 - mu) * (base_russia * np.exp(psi * (h_r - h_r0))),
                           lo, hi)
        b_nato = np.clip(mu * b_nato + (1.0 - mu) * (base_nato * np.exp(psi * (h_n - h_n0))),
                         lo, hi)
        # institutions: each side suspends with logistic(beta (H - h_bar)), else an upgrade
        logit_u = np.log(uniforms[:, :2] / (1.0 - uniforms[:, :2]))
        up = expit(beta * (h_bar - h_r)) * expit(beta * (h_bar - h_n))
        s_now = S
        suspend = (s_now > 0) & ((logit_u[:, 0] < beta * (h_r - h_bar))
                             | (logit_u[:, 1] < beta * (h_n - h_bar)))
        upgrade = ~suspend & (s_now < menu) & (uniforms[:, 2] < up)
        S = np.where(suspend, 0, np.where(upgrade, menu, S)).astype(np.int8)
        suspended = suspend.astype(np.int8)
        # coercion: an ordered logit on Russia's propensity, one uniform per partner
        loss = np.broadcast_to(app.L_R, (K, P))
        propensity = mu * propensity + (1.0 - mu) * loss
        u = uniforms[:, 3:3 + P]
        lu = np.log(u / (1.0 - u))
        effective = propensity - art5 * member
        count = np.zeros((K, P), dtype=np.int8)
        for cut in cuts:
            count += lu < beta * (effective - cut)
        level = count * active.astype(np.int8)
        pull = np.broadcast_to(app.G, (K, P))
        moved = np.clip(mu * alignment + (1.0 - mu) * np.tanh(pull)
                        + sigma_a * normals[:, 1:], -1.0, 1.0)
        alignment = np.where(active, moved, alignment)
        memory = np.array(flat(app.memory), dtype=float)
        i = year - inputs.years[0]
        gdp_nato = inputs.gdp_nato_core[i] + (member * inputs.gdp[i]).sum()
        rec = series[t]
        rec[0], rec[1], rec[2], rec[3] = R, S, h_r, h_n
        rec[4], rec[5] = b_russia, b_nato
        rec[6] = b_russia / 100.0 * inputs.gdp_russia[i]
        rec[7] = b_nato / 100.0 * gdp_nato
        rec[8], rec[9], rec[10], rec[11] = pulses["xi"], memory, menu, suspended
        out["alignment"][t], out["status"][t], out["coercion"][t] = alignment, status, level
        out["L_R"][t], out["V_N"][t], out["G"][t] = loss, app.V_N, pull
    return series, out
