"""The one executor: same results in 1 or N processes, works from stdin, workers die with
their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from sim.core.errors import ParameterError
from sim.runs import executor

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _draws(seed: int) -> list[float]:
    """A job whose result depends only on its argument (a top-level function: it pickles)."""
    return np.random.default_rng(seed).random(3).tolist()


def _scaled(shared: float, job: int) -> float:
    return shared * job


def test_same_results_in_job_order_with_one_or_two_processes() -> None:
    jobs = [5, 1, 4, 2, 3]
    one = executor.run_jobs(_draws, jobs, processes=1)
    two = executor.run_jobs(_draws, jobs, processes=2)
    assert one == two == [_draws(j) for j in jobs]
    assert len({tuple(r) for r in one}) == len(jobs)  # the jobs really differ


def test_shared_value_reaches_every_job_and_progress_counts_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    out = executor.run_jobs(_scaled, [1, 2, 3], processes=2, shared=0.5,
                            progress=lambda done, total: seen.append((done, total)))
    assert out == [0.5, 1.0, 1.5]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_worker_count_policy() -> None:
    assert executor.worker_count(4, 2) == 2  # never more workers than jobs
    assert executor.worker_count(None, 1000) == executor.usable_cores()
    assert executor.worker_count(1, 0) == 1
    with pytest.raises(ParameterError):
        executor.worker_count(0, 3)


STDIN_SCRIPT = textwrap.dedent("""
    import json
    import pandas as pd
    from sim.runs.sweep import run_points

    points = pd.DataFrame({"chassis.mu": [0.3, 0.5, 0.7]})
    kwargs = dict(outcomes=["R_2008"], replicas=2, seed=4)
    one = run_points(points, "ratti-2009", "%s", workers=1, **kwargs)
    two = run_points(points, "ratti-2009", "%s", workers=2, chunk_size=1, **kwargs)
    print(json.dumps([one["R_2008"].tolist(), two["R_2008"].tolist()]))
""")


def test_a_script_fed_on_stdin_runs_in_two_workers() -> None:
    import json

    from sim.model.paradigms import PARADIGMS

    name = next(iter(PARADIGMS))
    proc = subprocess.run([sys.executable, "-"], input=STDIN_SCRIPT % (name, name), env=ENV,
                          capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    one, two = json.loads(proc.stdout.strip().splitlines()[-1])
    assert one == two and len(set(one)) == 3


PARENT_SCRIPT = textwrap.dedent("""
    import time
    from sim.runs import executor

    if __name__ == "__main__":
        executor.run_jobs(time.sleep, [120, 120], processes=2)
""")


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_end_when_their_parent_is_killed(tmp_path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script)], env=ENV, cwd=tmp_path,
                            start_new_session=True)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # two workers (plus a resource tracker)
            workers = _children(proc.pid)
            if len(workers) >= 3:
                break
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(1.0)  # the workers are running their jobs
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
        proc.wait()
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [w for w in workers if _alive(w)] == []
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_dead_local_worker_is_one_line_and_exit_1() -> None:
    """A worker killed mid-run (here it exits at once) ends the command with one line naming
    the likely causes, exit code 1, and no traceback."""
    import typer
    from typer.testing import CliRunner

    from sim.cli.common import NatosimGroup

    app = typer.Typer(cls=NatosimGroup)

    @app.command()
    def boom() -> None:
        executor.run_jobs(os._exit, [1, 1], processes=2)

    @app.command()
    def other() -> None:  # a group needs two commands to take a subcommand name
        pass

    result = CliRunner().invoke(app, ["boom"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "a worker process died" in lines[0], result.output
    assert "Traceback" not in result.output
