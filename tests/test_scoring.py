"""Known-answer tests for the metrics, and invariants of the scorecard.

Fake Records are built directly as DataFrames (no model). Arithmetic in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import scoring as sc
from sim.data.observed import YEARS, Observed, load_observed
from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS, Records


@pytest.fixture(scope="module")
def observed() -> Observed:
    return load_observed()


def fake_records(obs: Observed, paradigms: tuple[str, ...] = ("perfect",), replicas: int = 3,
                 mode: str = "replay", russia_milex: pd.Series | None = None) -> Records:
    """Records whose every replica reproduces the observed series (optionally one override)."""
    milex = obs.russia_milex if russia_milex is None else russia_milex
    base = pd.DataFrame({
        "year": list(YEARS), "R": obs.net_coop.reindex(YEARS).to_numpy(),
        "S": obs.status.reindex(YEARS).to_numpy(), "H_R": 0.0, "H_N": 0.0,
        "russia_burden": obs.russia_burden.reindex(YEARS).to_numpy(),
        "nato_burden": obs.nato_burden.reindex(YEARS).to_numpy(),
        "russia_milex": milex.reindex(YEARS).to_numpy(),
        "nato_milex": obs.nato_milex.reindex(YEARS).to_numpy(),
        "xi": 0.0, "memory": 0.0, "menu": 4, "suspended": 0,
    })
    levels = obs.partner_status.stack().rename("status")
    coercion = obs.coercion.stack().rename("coercion")
    pbase = pd.concat([levels, coercion], axis=1).reset_index()
    pbase.columns = ["partner", "year", "status", "coercion"]
    # alignment reproduces O8 (UN-vote alignment) where it is observed, 0 elsewhere
    o8 = obs.unga_alignment.reindex(columns=list(YEARS)).stack(future_stack=True)
    pbase["alignment"] = o8.reindex(pd.MultiIndex.from_frame(pbase[["partner", "year"]])
                                    ).fillna(0.0).to_numpy()
    pbase = pbase.assign(L_R=0.0, V_N=0.0, G=0.0)
    series, partners = [], []
    for p in paradigms:
        for r in range(replicas):
            series.append(base.assign(paradigm=p, replica=r))
            partners.append(pbase.assign(paradigm=p, replica=r))
    return Records(series=pd.concat(series, ignore_index=True)[list(SERIES_COLUMNS)],
                   partners=pd.concat(partners, ignore_index=True)[list(PARTNER_COLUMNS)],
                   meta={"mode": mode})


# ------------------------------------------------------------------------------ series metrics


def test_calibration_stats_and_zscore() -> None:
    # x = 1, 2, 3, 10 in 2000-2003, calibration 2000-2002: m = 2,
    # s = sqrt(((1-2)^2 + 0 + (3-2)^2) / 3) = sqrt(2/3) = 0.81650; z(10) = 8 / 0.81650 = 9.7980
    x, years = np.array([1.0, 2.0, 3.0, 10.0]), np.arange(2000, 2004)
    m, s = sc.calibration_stats(x, years, (2000, 2002))
    assert m == pytest.approx(2.0)
    assert s == pytest.approx(math.sqrt(2 / 3))
    assert sc.zscore(x, m, s)[3] == pytest.approx(9.79796, rel=1e-5)
    assert np.isnan(sc.zscore(x, 1.0, 0.0)).all()


def test_nrmse() -> None:
    # sqrt((0^2 + 1^2 + 2^2) / 3) = sqrt(5/3) = 1.29099
    assert sc.nrmse(np.array([0.0, 1.0, 2.0]), np.zeros(3)) == pytest.approx(1.290994, rel=1e-6)


def test_direction_accuracy() -> None:
    # Δsim = +1, -1, 0; Δobs = +2, +1, 0 -> matches: yes, no, yes -> 2/3
    assert sc.direction_accuracy(np.array([1, 2, 1, 1]), np.array([1, 3, 4, 4])) == 2 / 3


def test_turning_points() -> None:
    # (x1-x0)(x2-x1) = (1)(-1) < 0 -> 1; (x2-x1)(x3-x2) = (-1)(1) < 0 -> 2; (1)(0) = 0 -> no
    assert sc.turning_points(np.array([0, 1, 0, 1, 1])).tolist() == [1, 2]
    # sim peak at index 1, obs peak at index 2: 1 year apart -> found within ±1, not within 0
    sim, obs = np.array([0, 1, 0, 0, 0]), np.array([0, 0, 1, 0, 0])
    assert sc.turning_point_scores(sim, obs, tol=1) == (1.0, 1.0)
    assert sc.turning_point_scores(sim, obs, tol=0) == (0.0, 0.0)
    assert all(np.isnan(sc.turning_point_scores(np.zeros(5), np.zeros(5))))


# ------------------------------------------------------------------------------ ordinal


def test_ordinal_probabilities() -> None:
    # 4 replicas x 2 years; year 0: three 0s, one 1; year 1: one 1, three 2s
    probs = sc.ordinal_probabilities(np.array([[0, 1], [0, 2], [1, 2], [0, 2]]), 3)
    assert probs.tolist() == [[0.75, 0.25, 0.0], [0.0, 0.25, 0.75]]


def test_rps_and_exact_match() -> None:
    # K = 3. Year 0: P = (.5, .5, 0), y = 1: F = (.5, 1), O = ([1<=0], [1<=1]) = (0, 1)
    #   RPS = ((.5-0)^2 + (1-1)^2) / 2 = 0.125
    # Year 1: P = (1, 0, 0), y = 2: F = (1, 1), O = (0, 0): RPS = (1 + 1) / 2 = 1
    # mean = (0.125 + 1) / 2 = 0.5625
    probs = np.array([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0]])
    assert sc.rps(probs, np.array([1, 2])) == pytest.approx(0.5625)
    # modes: year 0 tie -> 0 (lower), year 1 -> 0; observed (0, 2): 1 of 2 match
    assert sc.exact_match(probs, np.array([0, 2])) == 0.5
    assert sc.rps(sc.one_hot(np.array([3, 0])), np.array([3, 0])) == 0.0


# ------------------------------------------------------------------------------ events


def test_tolerant_brier_and_log_score() -> None:
    # p = (.2, .9, .1, .3), o = (1, 0, 0, 0)
    # t0 event: q = max(p0, p1) = .9; t1: no event but next to one -> not scored;
    # t2: q = .1; t3: q = .3
    # Brier = ((.9-1)^2 + .1^2 + .3^2) / 3 = (.01 + .01 + .09) / 3 = 0.036667
    # Log = -(ln .9 + ln .9 + ln .7) / 3 = (0.105361 + 0.105361 + 0.356675) / 3 = 0.189132
    p, o = np.array([[0.2, 0.9, 0.1, 0.3]]), np.array([[1, 0, 0, 0]])
    q, scored = sc.tolerant_probabilities(p, o, tol=1)
    assert q.tolist() == [[0.9, 0.9, 0.1, 0.3]]
    assert scored.tolist() == [[True, False, True, True]]
    assert sc.brier(q, o, scored) == pytest.approx(0.11 / 3)
    assert sc.log_score(q, o, scored) == pytest.approx(0.189132, rel=1e-5)


def test_timing_error_and_false_alarms() -> None:
    # row 0: observed at t0, first p >= .5 at t2 -> error 2
    # row 1: observed at t1, never predicted -> missed
    # row 2: nothing observed -> not in the timing error
    p = np.array([[0, 0, 0.6, 0.7], [0, 0, 0, 0], [0.9, 0, 0, 0]])
    o = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    assert sc.timing_error(p, o) == (2.0, 1)
    # false alarms (±1): row 0 t2 (o[1..3] = 0) and t3 (o[2..3] = 0); row 2 t0 (o[0..1] = 0)
    assert sc.false_alarms(p, o) == 3


def test_sign_test() -> None:
    # obs Δ = (2, -1, 0, 1, 1): the 0 is dropped, n = 4
    # sim Δ = (1, -1, ., .5, -3): hits at 0, 1, 3 -> 3
    # P(X >= 3 | n = 4, 1/2) = (C(4,3) + C(4,4)) / 16 = 5/16 = 0.3125
    hits, n, p = sc.sign_test(np.array([1, -1, 2, 0.5, -3]), np.array([2, -1, 0, 1, 1]))
    assert (hits, n) == (3, 4)
    assert p == pytest.approx(0.3125)


def test_skill() -> None:
    assert sc.skill(1.0, 4.0) == 0.75  # 1 - 1/4
    assert sc.skill(0.0, 0.0) == 0.0
    assert sc.skill(1.0, 0.0) == float("-inf")


# ------------------------------------------------------------------------------ baselines


def test_baselines() -> None:
    years, values = np.arange(2000, 2005), np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    # calibration 2000-2002: in sample every year <- y(2000) = 1 (the origin the free-running
    # model also starts from); 2003 and 2004 <- y(2002) = 2 (the last calibration value)
    assert sc.persistence(years, values, years, (2000, 2002)).tolist() == [1, 1, 1, 2, 2]
    # a later calibration start moves the in-sample origin: 2001, 2002 <- y(2001) = 3
    assert sc.persistence(years, values, years[1:], (2001, 2002)).tolist() == [3, 3, 2, 2]
    # OLS on (2000, 1), (2001, 3), (2002, 2): slope = ((-1)(-1) + 0 + (1)(0)) / 2 = 0.5,
    # line through (2001, 2): at 2004 -> 2 + 3 * 0.5 = 3.5
    trend = sc.linear_trend(years, values, years, (2000, 2002))
    assert trend[-1] == pytest.approx(3.5)
    assert sc.base_rate(years, values, years, (2000, 2002)).tolist() == [2.0] * 5


def test_rank_stability() -> None:
    # a dominates b on every observable -> always first
    skills = pd.DataFrame([[1.0, 1.0], [0.0, 0.0]], index=["a", "b"])
    assert sc.rank_stability(skills).tolist() == [1.0, 0.0]
    # symmetric -> a wins iff w0 > w1: about half the weightings
    mirror = pd.DataFrame([[1.0, 0.0], [0.0, 1.0]], index=["a", "b"])
    assert sc.rank_stability(mirror)["a"] == pytest.approx(0.5, abs=0.05)


# ------------------------------------------------------------------------------ scorecard


def _value(card: sc.Scorecard, forecaster: str, component: str, metric: str) -> float:
    t = card.table
    row = t[(t.forecaster == forecaster) & (t.component == component) & (t.metric == metric)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


def test_perfect_records_score_perfect_skill(observed: Observed) -> None:
    card = sc.score(fake_records(observed), observed)
    # R = O4 exactly: the level map fitted on 1991-2007 is a = 0, b = 1, so CRPS 0
    for comp in ("russia_milex", "russia_burden", "nato_burden", "R", "alignment"):
        assert _value(card, "perfect", comp, "crps") == pytest.approx(0.0, abs=1e-9)
        assert _value(card, "perfect", comp, "skill") == pytest.approx(1.0)
    for comp in ("russia_milex", "russia_burden", "nato_burden", "R"):
        assert _value(card, "perfect", comp, "direction_accuracy") == 1.0
    assert _value(card, "perfect", "S", "rps") == 0.0
    assert _value(card, "perfect", "S", "exact_match") == 1.0
    assert _value(card, "perfect", "coercion", "brier") == 0.0
    assert _value(card, "perfect", "status", "brier") == 0.0
    # log score of a sure, right forecast: -ln(1 - eps) = 0.0010005
    assert _value(card, "perfect", "coercion", "log_score") == pytest.approx(
        -math.log(1 - sc.LOG_EPS))
    per = card.observable_skills().loc["perfect"]
    for name in ("O1", "O2", "O3", "O8"):
        assert per[name] == pytest.approx(1.0)


def test_observed_series_beats_every_baseline(observed: Observed) -> None:
    # the forecaster that outputs the observed record (R = O4, so O7 only through its map)
    # has a higher aggregate skill than every baseline, in and out of the calibration years
    for window in ((1991, 2008), (1991, 2024), (2008, 2024)):
        card = sc.score(fake_records(observed), observed, window=window)
        agg = card.aggregate.set_index("forecaster")["aggregate_skill"]
        assert all(agg["perfect"] > agg[b] for b in sc.BASELINES), window


def test_persistence_has_zero_skill_against_itself(observed: Observed) -> None:
    card = sc.score(fake_records(observed), observed)
    t = card.table
    own = t[(t.forecaster == "persistence") & (t.metric == "skill_vs_persistence")]
    assert not own.empty and (own["value"] == 0).all()
    agg = card.aggregate.set_index("forecaster")["aggregate_skill"]
    # persistence is the continuous reference: bounded skill 0 on O1, O2, O4, O7, O8
    per = card.observable_skills().loc["persistence"]
    assert (per[["O1", "O2", "O4", "O7", "O8"]] == 0).all()
    assert np.isfinite(agg["persistence"])
    # a paradigm whose Russian milex equals the persistence forecast scores 0 skill on it
    oy = observed.russia_milex.index.to_numpy()
    targets = np.arange(1992, 2009)
    fc = sc.persistence(oy, observed.russia_milex.to_numpy(), targets, (1991, 2007))
    copy = observed.russia_milex.copy()
    copy.loc[targets] = fc
    card = sc.score(fake_records(observed, russia_milex=copy), observed)
    assert _value(card, "perfect", "russia_milex", "skill_vs_persistence") == pytest.approx(0.0)


def test_scorecard_is_deterministic(observed: Observed) -> None:
    rec = fake_records(observed, paradigms=("a", "b"))
    one, two = sc.score(rec, observed), sc.score(rec, observed)
    pd.testing.assert_frame_equal(one.table, two.table)
    pd.testing.assert_frame_equal(one.aggregate, two.aggregate)
    pd.testing.assert_series_equal(one.rank_stability, two.rank_stability)
    assert one.meta == two.meta


def test_o6_excluded_in_replay_included_in_free(observed: Observed) -> None:
    replay = sc.score(fake_records(observed, mode="replay"), observed)
    free = sc.score(fake_records(observed, mode="free"), observed)
    assert "O6" not in replay.meta["aggregate_observables"]
    assert "O6" in free.meta["aggregate_observables"]
    assert "O6" in set(replay.table["observable"])  # still reported


def test_scorecard_table_shape(observed: Observed) -> None:
    card = sc.score(fake_records(observed, paradigms=("a", "b")), observed,
                    window=(1991, 2024), calibration=(1991, 2007))
    assert list(card.table.columns) == ["observable", "component", "forecaster", "kind",
                                        "metric", "value"]
    assert set(card.table["forecaster"]) == {"a", "b", *sc.BASELINES}
    assert set(card.rank_stability.index) == {"a", "b"}
    assert card.rank_stability.sum() == pytest.approx(1.0)
    assert {"sign_hits", "sign_n", "sign_p"} <= set(card.table["metric"])


def test_window_is_cut_to_the_simulated_years(observed: Observed) -> None:
    rec = fake_records(observed)
    short = Records(series=rec.series[rec.series.year <= 2008],
                    partners=rec.partners[rec.partners.year <= 2008], meta=rec.meta)
    card = sc.score(short, observed, window=(2000, 2024))
    assert card.meta["years_scored"] == [2000, 2008]
    with pytest.raises(ValueError, match="no year"):
        sc.score(short, observed, window=(2010, 2024))


def test_sign_test_uses_only_dyadic_milestones(observed: Observed) -> None:
    ev = observed.events.set_index("chronology_id")
    # SORT (22) instead of the NRC (23): since the issue-11 recode the NRC is a scenario input
    # (offer-nrc) and is kept out of the scored O4 index.
    assert ev.loc[22, "included"] == 1 and ev.loc[32, "included"] == 0  # SORT; Georgia war
    rec = fake_records(observed)
    milestones = [
        {"id": "sort", "date": "2002-05-24", "time": 2002.4, "chronology_id": 22},
        {"id": "georgia", "date": "2008-08-08", "time": 2008.6, "chronology_id": 32},
        {"id": "gas", "date": "2006-01-01", "time": 2006.0, "chronology_id": None},
    ]
    rec = Records(series=rec.series, partners=rec.partners,
                  meta={**rec.meta, "milestones": milestones})
    assert sc.dyadic_milestone_years(rec, observed) == [2002]
    card = sc.score(rec, observed)
    assert _value(card, "perfect", "R", "sign_n") == 1.0  # ΔO4(2002) = 4 - 7 != 0
    # without chronology ids: the O4 events themselves
    bare = sc.dyadic_milestone_years(fake_records(observed), observed)
    assert bare == sorted(set(observed.events.loc[observed.events.included == 1, "year"]))
