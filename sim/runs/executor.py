"""One executor for every parallel path: run ``--processes``, validate, sweep, sensitivity.

:func:`run_jobs` returns ``[fn(job) for job in jobs]`` in job order; :func:`iter_jobs` yields
``(index, result)`` pairs as jobs finish. Where the jobs run is the caller's choice, never a
change to the numbers (every job carries its own seed):

* ``processes=1`` (or a single job): in this process, one after the other.
* ``processes=N`` / ``None``: local worker processes (``None``: every usable core), capped by
  the number of jobs. Workers start by ``spawn`` on every platform: a fresh interpreter, never
  a ``fork`` of a process that may hold threads (pyarrow, BLAS, a progress bar). So ``fn``,
  the jobs and ``shared`` must pickle: module top-level functions, or functions of a script's
  ``__main__`` behind ``if __name__ == "__main__"``. From stdin (``python - < script.py``) or
  ``python -c`` the caller's ``__main__`` is not re-run in the workers.
* ``scheduler`` (a dask address ``tcp://host:port`` or a ``distributed.Client``) or
  ``cluster="local"`` (a dask LocalCluster for this call): dask.distributed, only when asked.

Local workers end with their parent: each one polls its parent's pid and, on Linux, also
asks the kernel for ``SIGKILL`` when the parent dies (``prctl(PR_SET_PDEATHSIG)``), so a
killed ``natosim`` leaves no worker holding memory.

``shared`` (optional) is sent once per worker rather than once per job; ``fn`` is then
called as ``fn(shared, job)``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.core.errors import ParameterError

#: ``progress(done, total)`` after every finished job.
Progress = Callable[[int, int], None]

_NOTHING = object()  # "no shared value" (compared by identity in this process only)
_PARENT_POLL_S = 0.5


def usable_cores() -> int:
    """Cores this process may run on (the default number of worker processes)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_count(processes: int | None, n_jobs: int) -> int:
    """How many local workers run ``n_jobs`` jobs: ``processes`` (``None``: every usable
    core), at most one per job, at least 1.

    Raises:
        ParameterError: ``processes`` below 1.
    """
    if processes is not None and int(processes) < 1:
        raise ParameterError("--processes", str(processes), "expected an integer >= 1")
    wanted = usable_cores() if processes is None else int(processes)
    return max(1, min(wanted, n_jobs))


def run_jobs(
    fn: Callable[..., Any],
    jobs: Sequence[Any],
    *,
    processes: int | None = None,
    shared: Any = _NOTHING,
    scheduler: Any = None,
    cluster: str | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """``[fn(job) for job in jobs]`` (or ``fn(shared, job)``), results in job order.

    Args:
        fn: a picklable callable (module top level).
        jobs: the jobs, each picklable.
        processes: local worker processes (``None``: every usable core; 1: this process).
        shared: a value every job needs, sent once per worker.
        scheduler, cluster: run on dask instead (see the module docstring).
        progress: called as ``progress(done, total)`` after every finished job.
    """
    results: list[Any] = [None] * len(jobs)
    for done, (index, result) in enumerate(
        iter_jobs(fn, jobs, processes=processes, shared=shared, scheduler=scheduler,
                  cluster=cluster), start=1):
        results[index] = result
        if progress is not None:
            progress(done, len(jobs))
    return results


def iter_jobs(
    fn: Callable[..., Any],
    jobs: Sequence[Any],
    *,
    processes: int | None = None,
    shared: Any = _NOTHING,
    scheduler: Any = None,
    cluster: str | None = None,
) -> Iterator[tuple[int, Any]]:
    """Yield ``(index, fn(job))`` as each job finishes (in-process: in job order).

    Arguments as in :func:`run_jobs`. Closing the iterator early cancels the jobs not yet
    started. The first failing job's exception is raised.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if scheduler is not None or cluster is not None:
        yield from _iter_dask(fn, jobs, shared, processes, scheduler, cluster)
        return
    workers = worker_count(processes, len(jobs))
    if workers == 1:
        for index, job in enumerate(jobs):
            yield index, (fn(job) if shared is _NOTHING else fn(shared, job))
        return
    yield from _iter_local(fn, jobs, shared, workers)


def _iter_local(fn, jobs, shared, workers: int) -> Iterator[tuple[int, Any]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    has_shared = shared is not _NOTHING
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker, initargs=(os.getpid(), has_shared, shared if has_shared
                                            else None))
    try:
        with _main_importable():  # workers start while jobs are submitted
            futures = {pool.submit(_call, fn, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BrokenProcessPool as exc:
        raise BrokenProcessPool(
            "a worker process died: killed, out of memory, or started from a script that "
            "calls natosim's parallel runs outside `if __name__ == \"__main__\":`") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _iter_dask(fn, jobs, shared, processes, scheduler, cluster) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - the [cluster] extra is not installed
        raise ParameterError("--scheduler", str(scheduler or cluster),
                             "dask is not installed: pip install 'natosim[cluster]'") from None
    local = None
    if scheduler is None:
        if cluster != "local":
            raise ParameterError("--cluster", str(cluster), "expected 'local'")
        local = LocalCluster(n_workers=worker_count(processes, len(jobs)),
                             threads_per_worker=1, dashboard_address=None)
        scheduler = local
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        if shared is _NOTHING:
            futures = {client.submit(fn, job, pure=False): i for i, job in enumerate(jobs)}
        else:
            ref = client.scatter(shared, broadcast=True)
            futures = {client.submit(fn, ref, job, pure=False): i
                       for i, job in enumerate(jobs)}
        try:
            for future, result in _dask_results(as_completed(list(futures), with_results=True)):
                yield futures[future], result
        finally:
            client.cancel(list(futures))
    finally:
        if client is not scheduler:
            client.close()
        if local is not None:
            local.close()


class WorkersLost(ConnectionError):
    """The dask workers died or the scheduler cancelled the work (one line for the CLI;
    results already yielded, such as a sweep's saved parts, are kept)."""


def _dask_results(pairs: Iterator[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """``(future, result)`` pairs from dask, with lost workers as :class:`WorkersLost`.

    A cancelled future comes back with its exception object as the "result", and a task
    whose workers all died raises ``KilledWorker``; neither may reach the caller as data.
    An exception raised by the job itself passes through unchanged.
    """
    from concurrent.futures import CancelledError

    from distributed.scheduler import KilledWorker

    try:
        for future, result in pairs:
            if isinstance(result, BaseException) or future.status != "finished":
                kind = type(result).__name__ if isinstance(result, BaseException) else future.status
                raise WorkersLost(f"the dask work was lost ({kind}): the workers died or the "
                                  "scheduler went away; results already saved are kept")
            yield future, result
    except (KilledWorker, CancelledError) as exc:
        raise WorkersLost(f"the dask workers died ({type(exc).__name__}); results already "
                          "saved are kept") from exc


# ----------------------------------------------------------------------------- in the workers

_SHARED: Any = None


def _init_worker(parent: int, has_shared: bool, shared: Any) -> None:
    """Worker start-up: keep ``shared`` and arrange to die with the parent."""
    global _SHARED
    _SHARED = shared if has_shared else _NOTHING
    _die_with_parent(parent)


def _call(fn, job):
    return fn(job) if _SHARED is _NOTHING else fn(_SHARED, job)


def _die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends: ``PR_SET_PDEATHSIG`` on Linux, plus a daemon
    thread polling the parent pid everywhere (the portable fallback)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="natosim-parent-watch", daemon=True).start()


@contextlib.contextmanager
def _main_importable() -> Iterator[None]:
    """Hide a ``__main__.__file__`` that is not a file (``<stdin>``, ``<string>``) while
    workers start, so ``spawn`` does not try to re-run it in each worker."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    hide = path is not None and not os.path.isfile(path)
    if hide:
        del main.__file__
    try:
        yield
    finally:
        if hide:
            main.__file__ = path
