"""Sweeps: designs, outcomes, resumability after SIGKILL, and local vs dask equality."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import ParameterError
from sim.model.records import Records
from sim.runs.designs import design, parse_space
from sim.runs.outcomes import OUTCOMES, first_year_median_at_least, median_at
from sim.runs.store import (
    DESIGN_FILE,
    MANIFEST,
    PARTS,
    RESULTS,
    collect,
    completed_points,
    load_design,
    sweep_status,
)
from sim.runs.sweep import run_points, run_sweep

SHORT = ('name: short\ndescription: "1991-2000 for tests"\nextends: post-cold-war\n'
         "period: {start: 1991, end: 2000}\n")
R_2000 = "R_2000"


@pytest.fixture
def short(tmp_path) -> str:
    path = tmp_path / "short.yaml"
    path.write_text(SHORT)
    return str(path)


@pytest.fixture(scope="module", autouse=True)
def r_2000_outcome():
    """An outcome inside the short period (median R at the end of 2000)."""
    from sim.runs.outcomes import register_outcome

    register_outcome(R_2000, "median R in 2000 (tests)")(_r_2000)
    yield
    OUTCOMES.pop(R_2000, None)


def _r_2000(records: Records) -> float:
    return median_at(records, "R", 2000)


def small_design(n: int = 6, seed: int = 3) -> pd.DataFrame:
    return design("lhs", parse_space(["realist.kappa=0.5:2", "chassis.mu"]), n, seed=seed)


# ------------------------------------------------------------------ designs and outcomes


def test_parse_space_defaults_to_documented_ranges_and_rejects_bad_ones():
    dims = parse_space(["realist.kappa=0.5:2", "mu", "chassis.psi=0:1.5"])
    assert [(d.name, d.low, d.high) for d in dims] == [
        ("realist.kappa", 0.5, 2.0), ("chassis.mu", 0.0, 0.95), ("chassis.psi", 0.0, 1.5)]
    assert parse_space({"liberal.lambda_X": None})[0].high == 3.0
    for bad, pattern in [(["realist.kappa=0:9"], "outside its range"),
                         (["realist.kappa=2:1"], "LOW < HIGH"),
                         (["realist.kappa=1"], "NAME=LOW:HIGH"),
                         (["realist.kapa"], "did you mean 'realist.kappa'"),
                         (["mu", "chassis.mu"], "listed twice"), ([], "at least one")]:
        with pytest.raises(ParameterError, match=pattern):
            parse_space(bad)


def test_designs_cover_the_space_and_are_seeded():
    space = parse_space(["realist.kappa=0:3", "realist.rho=1:3"])
    grid = design("grid", space, 3)
    assert len(grid) == 9 and sorted(set(grid["realist.kappa"])) == [0.0, 1.5, 3.0]
    assert grid.index.name == "point" and list(grid.index) == list(range(9))
    for kind in ("random", "lhs"):
        a, b, c = (design(kind, space, 8, seed=s) for s in (1, 1, 2))
        pd.testing.assert_frame_equal(a, b)
        assert not a.equals(c)
        assert a["realist.kappa"].between(0, 3).all() and a["realist.rho"].between(1, 3).all()
    lhs = design("lhs", space, 8, seed=1)
    bins = np.floor((lhs["realist.rho"] - 1) / 2 * 8).astype(int)
    assert sorted(bins) == list(range(8))  # one point per stratum
    with pytest.raises(ParameterError, match="expected one of"):
        design("sobol", space, 4)


def test_outcomes_reduce_records(fake_records):
    one = Records(fake_records.series[fake_records.series["paradigm"] == "realist"],
                  fake_records.partners[fake_records.partners["paradigm"] == "realist"])
    assert median_at(one, "R", 1991) == pytest.approx(one.series.query("year == 1991")["R"]
                                                      .median())
    assert np.isnan(median_at(one, "R", 2008)) and np.isnan(OUTCOMES["R_2024"](one))
    assert first_year_median_at_least(one, "GEO", "coercion", 2) == 1996
    assert np.isnan(first_year_median_at_least(one, "UKR", "coercion", 2))
    assert {"R_2008", "R_2024", "S0_share_2024", "russia_burden_2024",
            "first_force_UKR"} <= set(OUTCOMES)


# ------------------------------------------------------------------ running


def test_run_points_serial_equals_processes_and_uses_common_random_numbers(short):
    points = small_design(4)
    kwargs = dict(outcomes=[R_2000], replicas=3, seed=5, chunk_size=1)
    serial = run_points(points, short, "realist", workers=1, **kwargs)
    pooled = run_points(points, short, "realist", workers=2, **kwargs)
    pd.testing.assert_frame_equal(serial, pooled)
    same = pd.concat([points.iloc[[0]]] * 2).reset_index(drop=True)
    twice = run_points(same, short, "realist", workers=1, **kwargs)
    assert twice[R_2000].nunique() == 1  # same parameters, same seed: same ensemble


def test_design_columns_must_belong_to_the_paradigm(short):
    bad = pd.DataFrame({"liberal.lambda_X": [1.0]})
    with pytest.raises(ParameterError, match="not a parameter of the chassis or realist"):
        run_points(bad, short, "realist", workers=1)
    out_of_range = pd.DataFrame({"chassis.mu": [0.99]})
    with pytest.raises(ParameterError, match="design point 0"):
        run_points(out_of_range, short, "realist", workers=1)


def test_sweep_table_has_parameters_outcomes_seed_and_provenance(short, tmp_path):
    seen = []
    points = small_design(5)
    table = run_sweep(points, tmp_path / "out", short, "realist", outcomes=[R_2000, "R_2008"],
                      replicas=2, seed=4, workers=1, chunk_size=2,
                      progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert list(table["point"]) == list(range(5)) and len(table) == 5
    for col in ("paradigm", "chassis.mu", "chassis.beta", "realist.kappa", "realist.chi",
                R_2000, "R_2008", "seed", "replicas", "mode", "scenario_sha256", "data_sha256",
                "natosim_version"):
        assert col in table, col
    assert np.allclose(table["realist.kappa"], points["realist.kappa"])
    assert (table["chassis.beta"] == 3.0).all() and table["R_2008"].isna().all()
    assert (table["seed"] == 4).all() and table[R_2000].between(-1, 1).all()
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["n_points"] == 5 and manifest["parameters"] == list(points.columns)
    pd.testing.assert_frame_equal(load_design(tmp_path / "out"), points)
    assert sorted(p.name for p in (tmp_path / "out" / PARTS).iterdir()) == [
        "part-00000000-00000001.parquet", "part-00000002-00000003.parquet",
        "part-00000004-00000004.parquet"]
    assert (tmp_path / "out" / DESIGN_FILE).is_file()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out" / RESULTS), table)


def test_rerun_skips_done_points_and_refuses_a_different_sweep(short, tmp_path):
    out = tmp_path / "out"
    points = small_design(4)
    kwargs = dict(outcomes=[R_2000], replicas=2, seed=1, workers=1, chunk_size=1)
    run_sweep(points.iloc[:0], tmp_path / "empty", short, "realist", **kwargs)
    first = run_sweep(points, out, short, "realist", **kwargs)
    (out / PARTS / "part-00000001-00000001.parquet").unlink()  # as if never finished
    (out / PARTS / ".part-x.parquet.abc.tmp").write_bytes(b"half a file")
    calls = []
    again = run_sweep(points, out, short, "realist",
                      progress=lambda d, t: calls.append(d), **kwargs)
    assert calls == [3, 4]  # only point 1 ran
    pd.testing.assert_frame_equal(first, again)
    assert not list((out / PARTS).glob(".*.tmp")) and sweep_status(out) == (4, 4)
    with pytest.raises(ParameterError, match="differs in: .*seed"):
        run_sweep(points, out, short, "realist", **{**kwargs, "seed": 2})
    with pytest.raises(ParameterError, match="design_sha256"):
        run_sweep(small_design(4, seed=9), out, short, "realist", **kwargs)


SCRIPT = textwrap.dedent("""
    import os, sys, time
    from sim.runs.designs import design, parse_space
    from sim.runs.outcomes import Outcome, median_at
    from sim.runs.sweep import run_sweep

    def slow_r(records):
        time.sleep(float(os.environ.get("SWEEP_TEST_DELAY", "0")))
        return median_at(records, "R", 2000)

    def main(out, scenario, workers=2, progress=None):
        points = design("lhs", parse_space(["realist.kappa=0.5:2", "chassis.mu"]), 8, seed=3)
        return run_sweep(points, out, scenario, "realist",
                         outcomes=[Outcome("slow_R", slow_r, "R in 2000"), "russia_burden_2024"],
                         replicas=2, seed=11, workers=workers, chunk_size=1, progress=progress)

    if __name__ == "__main__":
        first = []
        main(sys.argv[1], sys.argv[2], progress=lambda done, total: first.append(done))
        print("resumed-from", first[0], flush=True)
""")


def _load_script(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("sweep_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sigkill_mid_sweep_then_rerun_gives_the_uninterrupted_table(short, tmp_path):
    script = tmp_path / "sweep_script.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = tmp_path / "killed"
    command = [sys.executable, str(script), str(out), short]
    proc = subprocess.Popen(command, env={**env, "SWEEP_TEST_DELAY": "0.4"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(completed_points(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes
        proc.wait()
    done_at_kill = len(completed_points(out))
    assert 2 <= done_at_kill < 8, "the kill did not land mid-way"
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed-from {done_at_kill}" in rerun.stdout
    reference = _load_script(script).main(tmp_path / "reference", short, workers=1)
    resumed = collect(out)
    assert len(resumed) == 8 and resumed["point"].is_unique
    pd.testing.assert_frame_equal(resumed, reference)


def test_dask_cluster_gives_the_same_numbers_as_local_processes(short, tmp_path):
    distributed = pytest.importorskip("distributed")
    points = small_design(6)
    kwargs = dict(outcomes=[R_2000, "first_force_UKR"], replicas=3, seed=2, chunk_size=2)
    local = run_sweep(points, tmp_path / "local", short, "realist", workers=2, **kwargs)
    with distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        remote = run_sweep(points, tmp_path / "dask", short, "realist",
                           scheduler=cluster.scheduler_address, **kwargs)
        with distributed.Client(cluster) as client:
            in_memory = run_points(points, short, "realist", scheduler=client, **kwargs)
    pd.testing.assert_frame_equal(local, remote)
    assert np.allclose(in_memory[R_2000], local[R_2000])
