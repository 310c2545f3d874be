"""How much memory an ensemble needs, estimated before it starts.

An ensemble keeps every replica's records (one series row per year, one partner row per
year and partner) until they are written, so memory grows linearly with
``replicas × paradigms × years × (1 + partners)``. :func:`check_memory` refuses a run that
would not fit in the memory available now, with one line naming the largest ``--replicas``
that fits, instead of a ``MemoryError`` traceback minutes later.

The constants are measured, not derived: peak resident memory of
``natosim run post-cold-war --paradigm <one> --replicas N`` (34 years, 22 partners, writing
tables and charts included) was 261 MB at N = 20 and 503 MB at N = 800 on Linux/x86-64,
Python 3.12: 0.31 MB per replica, i.e. about 400 bytes per (year, actor) row; the issue's
own measurement (4.9 GB reached by 100,000 replicas) agrees. A margin of 25 % is added.
"""

from __future__ import annotations

import os

from sim.core.errors import ParameterError

#: Peak bytes per replica, paradigm, year and actor row (measured 400, plus 25 %).
BYTES_PER_ROW = 500
#: Interpreter, libraries and data before the first replica (measured 250 MB, rounded up).
BASELINE_BYTES = 300 * 1024 * 1024
#: Share of the available memory a run may plan to use.
USABLE_SHARE = 0.8


#: Peak bytes per row of a streamed run (``natosim run`` above 10,000 replicas: one
#: paradigm's model arrays at a time, 37 bytes per row, written out in chunks). Measured:
#: see benchmarks/bench_run.py; 60 with margin.
STREAMED_BYTES_PER_ROW = 60


def estimate_bytes(replicas: int, paradigms: int, years: int, partners: int,
                   streamed: bool = False) -> int:
    """Peak memory of an ensemble run, in bytes (see the module docstring)."""
    rows = years * (1 + partners)
    per_row = STREAMED_BYTES_PER_ROW if streamed else BYTES_PER_ROW
    return BASELINE_BYTES + replicas * paradigms * rows * per_row


def available_bytes() -> int | None:
    """Memory the system can give this process now (``MemAvailable``), or ``None``."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def feasible_replicas(paradigms: int, years: int, partners: int, budget: int,
                      streamed: bool = False) -> int:
    """The largest replica count whose estimate fits in ``budget`` bytes (0 if none)."""
    per_row = STREAMED_BYTES_PER_ROW if streamed else BYTES_PER_ROW
    per_replica = paradigms * years * (1 + partners) * per_row
    return max(0, (budget - BASELINE_BYTES) // max(per_replica, 1))


def check_memory(
    replicas: int, paradigms: int, years: int, partners: int, option: str = "--replicas",
    streamed: bool = False,
) -> None:
    """Refuse an ensemble that would not fit in the memory available now.

    Raises:
        ParameterError: naming ``option``, the estimate, the memory available and the
            largest value of ``option`` that fits.
    """
    available = available_bytes()
    if available is None:
        return
    budget = int(available * USABLE_SHARE)
    need = estimate_bytes(replicas, paradigms, years, partners, streamed)
    if need <= budget:
        return
    most = feasible_replicas(paradigms, years, partners, budget, streamed)
    advice = f"use {option} {most:,} or fewer" if most >= 1 else "free some memory first"
    raise ParameterError(
        option, "",
        f"{replicas:,} replicas × {paradigms} paradigm(s) × {years} years need about "
        f"{_gb(need)} of memory; {_gb(available)} is available; {advice}",
    )  # fmt: skip


def _gb(size: int) -> str:
    return f"{size / 1024**3:.1f} GB"
