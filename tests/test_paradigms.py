"""Each shipped theory's signature behaviour on hand-built situations.

The contract every registered paradigm must meet is in tests/test_paradigm_contract.py.

``situation(**changes)`` builds a small world (K=1 replica, P=2 partners: a bordering
former-Soviet partner and a distant one) and ``given(...)`` answers "under this paradigm,
in this situation, what is the appraisal?" in the Axelrod manner.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.paradigms import Paradigm, View
from sim.model.paradigms.constructivist import Constructivist
from sim.model.paradigms.liberal import Liberal
from sim.model.paradigms.realist import Realist

K, P = 1, 2


def col(value) -> np.ndarray:
    """A dyad-level quantity: a (K, 1) column."""
    return np.full((K, 1), value, dtype=float)


def dyad(arr) -> np.ndarray:
    """A dyad-level output, (K, 1) or (K,), as a (K,) vector."""
    arr = np.asarray(arr, dtype=float)
    return np.broadcast_to(arr.reshape(-1) if arr.ndim == 2 else arr, (K,))


def situation(**changes) -> View:
    """A neutral world: no pulses, a weak relationship, partners unaligned."""
    base = dict(
        year=2000,
        inst=col(0.5),
        imbalance=col(0.8),
        occupancy=col(0.0),
        enlargement=col(0.0),
        russia_force=col(0.0),
        memory=col(0.0),
        xi=0.0, force=0.0, force_unmandated=0.0, posture=0.0, exclusion=0.0,
        dem_russia=0.5, dem_west=0.9, trade_russia_west=0.5,
        w=np.array([1.0, 0.3]),
        buffer=np.array([1.0, 0.0]),
        former_ussr=np.array([1.0, 0.0]),
        dem=np.array([0.6, 0.8]),
        trade_rus=np.array([0.3, 0.05]),
        trade_west=np.array([0.4, 0.7]),
        alignment=np.zeros((K, P)),
        prospect=np.zeros((K, P)),
        member=np.zeros((K, P)),
        coercion=np.zeros((K, P)),
        superiority=np.full((K, P), 0.5),
        active=np.ones(P, dtype=bool),
    )
    base.update(changes)
    return View(**base)


def given(paradigm: Paradigm, **changes):
    return paradigm.appraise(situation(**changes))


def accession_of_bordering_partner() -> dict:
    """Partner 0 (bordering, former USSR) becomes a member this year."""
    return dict(
        occupancy=col(1.0),
        enlargement=col(1.0),
        prospect=np.array([[1.0, 0.0]]),
        member=np.array([[1.0, 0.0]]),
        superiority=np.array([[0.0, 0.5]]),
    )


# --------------------------------------------------------------------------- realist
class TestRealistSignature:
    def test_hostility_rises_when_a_bordering_partner_accedes(self):
        before = given(Realist())
        after = given(Realist(), **accession_of_bordering_partner())
        assert after.H_R[0] > before.H_R[0]

    def test_common_threat_lowers_hostility(self):
        assert given(Realist(), xi=1.0).H_R[0] < given(Realist()).H_R[0]
        assert given(Realist(), xi=1.0).H_N[0] < given(Realist()).H_N[0]

    def test_institutions_have_no_independent_effect(self):
        low, high = given(Realist(), inst=col(0.0)), given(Realist(), inst=col(1.0))
        np.testing.assert_array_equal(low.H_R, high.H_R)
        np.testing.assert_array_equal(low.L_R, high.L_R)

    def test_out_of_area_force_is_demonstrated_intent(self):
        assert given(Realist(), force=1.0).H_R[0] > given(Realist()).H_R[0]

    def test_russia_loses_more_from_a_near_partner_than_a_far_one(self):
        app = given(Realist(), alignment=np.array([[0.5, 0.5]]))
        assert app.L_R[0, 0] > app.L_R[0, 1]

    def test_local_superiority_raises_coercion_opportunity(self):
        drifting = np.full((K, P), 0.5)
        weak = given(Realist(), alignment=drifting, superiority=np.full((K, P), 0.2))
        strong = given(Realist(), alignment=drifting, superiority=np.full((K, P), 0.9))
        assert np.all(strong.L_R > weak.L_R)

    def test_no_loss_from_a_partner_that_stays_with_russia(self):
        app = given(Realist(), alignment=np.full((K, P), -0.8), superiority=np.ones((K, P)))
        np.testing.assert_array_equal(app.L_R, 0.0)


# --------------------------------------------------------------------------- liberal
class TestLiberalSignature:
    def test_institutional_ties_lower_hostility(self):
        assert given(Liberal(), inst=col(1.0)).H_R[0] < given(Liberal(), inst=col(0.0)).H_R[0]

    def test_trade_lowers_hostility(self):
        assert given(Liberal(), trade_russia_west=0.8).H_R[0] < given(
            Liberal(), trade_russia_west=0.2).H_R[0]

    def test_hostility_rises_as_russian_democracy_falls(self):
        democratic = given(Liberal(), dem_russia=0.6)
        autocratic = given(Liberal(), dem_russia=0.2)
        assert autocratic.H_R[0] > democratic.H_R[0]
        assert autocratic.H_N[0] > democratic.H_N[0]

    def test_force_without_mandate_is_a_bypass(self):
        mandated = given(Liberal(), force=1.0)
        bypass = given(Liberal(), force=1.0, force_unmandated=1.0)
        assert bypass.H_R[0] > mandated.H_R[0]
        np.testing.assert_array_equal(mandated.H_R, given(Liberal()).H_R)

    def test_trade_with_russia_makes_coercion_costlier(self):
        app = given(Liberal(), trade_rus=np.array([0.6, 0.6]), alignment=np.ones((K, P)))
        base = given(Liberal(), trade_rus=np.array([0.0, 0.0]), alignment=np.ones((K, P)))
        assert np.all(app.L_R < base.L_R)


# --------------------------------------------------------------------------- constructivist
class TestConstructivistSignature:
    def test_identity_starts_at_A0(self):
        np.testing.assert_array_equal(Constructivist(A0=0.4).initial_memory(3), [0.4] * 3)

    def test_identity_grows_with_institutional_practice(self):
        c = Constructivist()
        app = given(c, inst=col(1.0), memory=col(0.0))
        assert app.memory[0] > 0.0
        assert app.H_R[0] == pytest.approx(-app.memory[0])

    def test_identity_erodes_with_exclusion_events(self):
        c = Constructivist()
        for pulse in ("enlargement", "exclusion", "russia_force"):
            app = given(c, inst=col(0.0), memory=col(0.5), **{pulse: col(1.0)})
            assert app.memory[0] < 0.5, pulse
        app = given(c, inst=col(0.0), memory=col(0.5), force=1.0)
        assert app.memory[0] < 0.5

    def test_no_practice_and_no_exclusion_leaves_identity_unchanged(self):
        app = given(Constructivist(), inst=col(0.0), memory=col(0.3))
        assert app.memory[0] == pytest.approx(0.3)

    def test_zero_socialisation_rate_means_practice_does_nothing(self):
        app = given(Constructivist(sigma=0.0), inst=col(1.0), memory=col(0.1))
        assert app.memory[0] == pytest.approx(0.1)

    def test_status_denial_bites_in_the_former_soviet_space(self):
        app = given(Constructivist(omega=1.0), alignment=np.ones((K, P)), w=np.ones(P))
        assert app.L_R[0, 0] > app.L_R[0, 1]  # partner 0 is former USSR, same proximity


class TestInputsReachEveryReadingThatClaimsThem:
    """Inputs each module reads by its own theory (see docs/model.md, 'Which inputs')."""

    def test_common_fate_builds_identity(self):
        c = Constructivist()
        calm = given(c, inst=col(0.0), memory=col(0.0))
        shared_threat = given(c, inst=col(0.0), memory=col(0.0), xi=1.0)
        assert dyad(shared_threat.memory)[0] > dyad(calm.memory)[0]

    def test_deterrence_posture_is_othering(self):
        c = Constructivist()
        app = given(c, inst=col(0.0), memory=col(0.5), posture=1.0)
        assert dyad(app.memory)[0] < 0.5

    def test_liberal_reads_russian_force_through_institutions(self):
        force = col(1.0)
        assert dyad(given(Liberal(lambda_I=2.0), russia_force=force).H_N)[0] > dyad(
            given(Liberal(lambda_I=2.0)).H_N)[0]
        without = given(Liberal(lambda_I=0.0), russia_force=force).H_N
        np.testing.assert_allclose(dyad(without), dyad(given(Liberal(lambda_I=0.0)).H_N))

    def test_every_weight_has_the_same_range(self):
        """No paradigm gets a wider range for a weight (fairness of calibration)."""
        for cls in (Realist, Liberal):
            for name, param in cls.parameters.items():
                assert param.bounds == (0.0, 3.0), (cls.name, name)
