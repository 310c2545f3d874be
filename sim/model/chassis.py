"""The shared behavioural rules: identical for every paradigm (MODEL.md "One chassis").

Pure numpy functions over K replicas (and P partners). Every random number comes in as an
argument, drawn by the model from its one stream, so that the same seed gives the same
draws under every paradigm (common random numbers).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

CUTS = np.array([1.0, 2.0, 3.0])  # coercion levels 1..3 sit at c_F, 2 c_F, 3 c_F


def logit(u):
    """log(u / (1 - u)): ``u < expit(y)`` exactly when ``logit(u) < y`` (the sampling rules
    compare a uniform draw with a logistic probability this way, without the exponential)."""
    return np.log(u / (1.0 - u))


def relation(r, h_r, h_n, mu, shock):
    """R(t) = mu R(t-1) + (1 - mu) tanh(-(H_R + H_N) / 2) + shock, kept in [-1, 1]."""
    return np.clip(mu * r + (1.0 - mu) * np.tanh(-0.5 * (h_r + h_n)) + shock, -1.0, 1.0)


def arming(burden, baseline, hostility, mu, psi, lo, hi):
    """Partial adjustment toward the target burden baseline * exp(psi * H), bounded."""
    target = baseline * np.exp(psi * hostility)
    return np.clip(mu * burden + (1.0 - mu) * target, lo, hi)


def institutions(s, menu, h_r, h_n, beta, h_bar, u_suspend, u_upgrade):
    """Suspensions and upgrades of the institutional status S (0..4).

    Each side suspends an active relationship with probability logistic(beta (H - h_bar));
    a suspension drops S to 0. Otherwise, if S is below the highest rung history has put on
    the menu, both sides upgrade to it with probability
    logistic(beta (h_bar - H_R)) * logistic(beta (h_bar - H_N)).

    Returns:
        (new S, suspended flag), both ``(K,)`` integer arrays.
    """
    # u < logistic(y) is logit(u) < y: no exponential for the two suspension draws
    suspend = (s > 0) & ((logit(u_suspend[:, 0]) < beta * (h_r - h_bar))
                         | (logit(u_suspend[:, 1]) < beta * (h_n - h_bar)))
    p_up = expit(beta * (h_bar - h_r)) * expit(beta * (h_bar - h_n))
    upgrade = ~suspend & (s < menu) & (u_upgrade < p_up)
    new = np.where(suspend, 0, np.where(upgrade, menu, s))
    return new.astype(np.int8), suspend.astype(np.int8)


def coercion(propensity, loss, member, active, mu, beta, c_f, article5, u):
    """Russia's coercion level F (0..3) toward each partner by an ordered logit.

    The propensity z follows Russia's loss with inertia mu; members add the Article 5 cost.
    P(F >= k) = logistic(beta (z - article5 * member - k c_F)) for k = 1, 2, 3; one uniform
    draw per partner picks the level.

    Returns:
        (new propensity ``(K, P)``, F ``(K, P)`` int8).
    """
    z = coercion_propensity(propensity, loss, mu)
    # u < P(F >= k) = logistic(y_k) is logit(u) < y_k, with the y_k of coercion_at_least:
    # one logarithm per partner instead of three exponentials, and no (K, P, 3) arrays
    effective = z - article5 * member
    cuts = np.multiply.outer(np.asarray(c_f), CUTS)  # (3,), or (K, 1, 3) per replica
    lu = logit(u)
    level = np.zeros(lu.shape, dtype=np.int8)
    for k in range(len(CUTS)):
        level += lu < beta * (effective - cuts[..., k])
    return z, level * np.asarray(active, dtype=np.int8)


def alignment(a, pull, mu, shock, active):
    """a(t) = mu a(t-1) + (1 - mu) tanh(G) + shock for existing partners, kept in [-1, 1]."""
    moved = np.clip(mu * a + (1.0 - mu) * np.tanh(pull) + shock, -1.0, 1.0)
    return np.where(active, moved, a)


def enlargement(status, a, value, menu, beta, c_e, threshold, u, active):
    """Endogenous partner decisions of the free run (one year).

    * PfP: a partner with no status joins once PfP is on the menu (rung 2), with probability
      logistic(beta a).
    * Application and invitation: a partner with a > threshold that is not yet invited
      applies; NATO invites it with probability logistic(beta (V_N - c_E)).

    Accession after invitation is handled by the model (a fixed lag).

    Returns:
        (joined PfP, invited): boolean ``(K, P)`` arrays.
    """
    join = active & (status == 0) & (menu >= 2) & (u[..., 0] < join_probability(a, beta))
    applicant = active & (status < 2)
    invite = applicant & (u[..., 1] < invite_probability(a, value, beta, c_e, threshold))
    return join, invite


# --------------------------------------------------------------------- decision probabilities
# The sampling rules above draw from these; teacher mode (sim/model/teacher.py) scores the
# observed outcome with the same functions, so there is one copy of every rule.


def institution_probabilities(h_r, h_n, beta, h_bar):
    """``(P(Russia suspends), P(NATO suspends), P(both upgrade))`` of :func:`institutions`."""
    p_russia = expit(beta * (h_r - h_bar))
    p_nato = expit(beta * (h_n - h_bar))
    p_up = expit(beta * (h_bar - h_r)) * expit(beta * (h_bar - h_n))
    return p_russia, p_nato, p_up


def status_distribution(s, menu, h_r, h_n, beta, h_bar) -> np.ndarray:
    """``(K, 3)`` probabilities of stay, suspend, upgrade under :func:`institutions`.

    A suspension needs an active relationship (S > 0) and happens if either side suspends;
    an upgrade needs a rung above S on the menu and no suspension.
    """
    p_russia, p_nato, p_up = institution_probabilities(h_r, h_n, beta, h_bar)
    s = np.asarray(s)
    p_suspend = np.where(s > 0, 1.0 - (1.0 - p_russia) * (1.0 - p_nato), 0.0)
    p_upgrade = np.where(s < menu, (1.0 - p_suspend) * p_up, 0.0)
    return np.stack([1.0 - p_suspend - p_upgrade, p_suspend, p_upgrade], axis=-1)


def coercion_propensity(propensity, loss, mu):
    """Russia's coercion propensity z(t) = mu z(t-1) + (1 - mu) L_R."""
    return mu * propensity + (1.0 - mu) * loss


def coercion_at_least(z, member, beta, c_f, article5) -> np.ndarray:
    """``(K, P, 3)``: P(F >= k) = logistic(beta (z - article5 * member - k c_F)), k = 1..3."""
    effective = z - article5 * member
    cuts = np.multiply.outer(np.asarray(c_f), CUTS)  # (3,), or (K, 1, 3) per replica
    return expit(np.asarray(beta)[..., None] * (effective[..., None] - cuts))


def coercion_level(p_at_least: np.ndarray, u: np.ndarray, active) -> np.ndarray:
    """The level F drawn by one uniform per partner: the number of cut-points ``u`` is below."""
    return ((u[..., None] < p_at_least).sum(axis=-1) * active).astype(np.int8)


def coercion_distribution(p_at_least: np.ndarray) -> np.ndarray:
    """``(..., 4)`` probabilities of F = 0..3 from the ``(..., 3)`` P(F >= k)."""
    out = np.empty(p_at_least.shape[:-1] + (4,))
    out[..., 0] = 1.0 - p_at_least[..., 0]
    np.subtract(p_at_least[..., :2], p_at_least[..., 1:], out=out[..., 1:3])
    out[..., 3] = p_at_least[..., 2]
    return out


def join_probability(a, beta):
    """P(a partner with no status joins PfP | PfP on the menu) = logistic(beta a)."""
    return expit(beta * a)


def invite_probability(a, value, beta, c_e, threshold):
    """P(NATO invites a partner) = [a > threshold] logistic(beta (V_N - c_E)).

    Only partners whose alignment exceeds the application threshold apply.
    """
    return (a > threshold) * expit(beta * (value - c_e))
