"""dask workers that all die give one line, never a result that is an exception object."""

from __future__ import annotations

import os

import pytest

from sim.runs import executor


def test_workers_that_die_are_one_clear_error() -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with cluster, pytest.raises(executor.WorkersLost, match="dask workers died"):
        executor.run_jobs(os._exit, [1, 1], scheduler=cluster.scheduler_address)


class _Future:
    def __init__(self, status: str) -> None:
        self.status = status


def test_a_cancelled_future_is_not_passed_on_as_a_result() -> None:
    pytest.importorskip("distributed")
    from concurrent.futures import CancelledError

    pairs = iter([(_Future("finished"), 1), (_Future("cancelled"), CancelledError("x"))])
    got = executor._dask_results(pairs)
    assert next(got)[1] == 1
    with pytest.raises(executor.WorkersLost, match="CancelledError"):
        next(got)


def test_an_error_of_the_job_itself_passes_through() -> None:
    def fail():  # noqa: ANN202
        yield from ()
        raise ValueError("the job's own error")

    with pytest.raises(ValueError, match="the job's own error"):
        list(executor._dask_results(fail()))
