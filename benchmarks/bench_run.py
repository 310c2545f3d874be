"""Benchmark: ``natosim run`` and ``compare`` end to end, and a streamed 100,000-replica run.

Run with ``.venv/bin/python benchmarks/bench_run.py`` (``--big 0`` skips the large run).
Every command runs in a fresh subprocess, as a user runs it. Printed, one JSON line each:

- ``imports``: the baseline, ``python -c "import sim.cli.main"`` plus loading the data;
  what every command pays before it does anything;
- ``run --replicas 200`` and ``compare --replicas 200`` (all paradigms): wall seconds,
  seconds beyond the baseline, and the ratio to the baseline;
- ``tables``: writing a 200-replica run's tables as Parquet only against Parquet plus the
  partner-level CSV (the old default), in this process, same records;
- ``run --replicas 100000`` (streamed, all paradigms): wall seconds and the peak resident
  memory of the command (``ru_maxrss`` of the child), against the 8 GB target.

The machine is noisy: read the ratios, not the absolute numbers; each timing is the best of
``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATOSIM = [sys.executable, "-m", "sim"]
SEED = "20090401"


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds of a subprocess and its peak RSS in bytes (Linux: ru_maxrss in KiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) * 1024


def best(repeat: int, cmd: list[str]) -> float:
    return min(timed(cmd)[0] for _ in range(repeat))


def bench_tables(out: Path, repeat: int) -> dict:
    from sim.model.paradigms import PARADIGMS
    from sim.outputs.writers import write_tables
    from sim.runs.experiments import run_paradigms

    records = run_paradigms("post-cold-war", list(PARADIGMS), replicas=200, seed=int(SEED))
    len(records.series), len(records.partners)  # build the tables before timing the writes

    def write(csv: bool) -> float:
        times = []
        for _ in range(repeat):
            folder = Path(tempfile.mkdtemp(dir=out))
            start = time.perf_counter()
            write_tables(records, folder, csv=csv)
            times.append(time.perf_counter() - start)
        return min(times)

    parquet, with_csv = write(False), write(True)
    return {"bench": "tables", "parquet_s": round(parquet, 3),
            "parquet_and_csv_s": round(with_csv, 3), "ratio": round(with_csv / parquet, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=100_000, help="replicas of the large run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        base = best(args.repeat, [sys.executable, "-c",
                                  "import sim.cli.main; from sim.data.datasets import "
                                  "load_data; load_data()"])
        print(json.dumps({"bench": "imports", "seconds": round(base, 3)}), flush=True)
        for command in ("run", "compare"):
            cmd = [*NATOSIM, command, "post-cold-war", "--paradigms", "all", "--replicas",
                   "200", "--seed", SEED, "--out", str(out / command), "--force"]
            seconds = best(args.repeat, cmd)
            print(json.dumps({"bench": f"{command} --replicas 200", "seconds": round(seconds, 3),
                              "beyond_imports_s": round(seconds - base, 3),
                              "ratio_to_imports": round(seconds / base, 2)}), flush=True)
        print(json.dumps(bench_tables(out, args.repeat)), flush=True)
        if args.big:
            cmd = [*NATOSIM, "run", "post-cold-war", "--paradigms", "all", "--replicas",
                   str(args.big), "--seed", SEED, "--out", str(out / "big"), "--force"]
            seconds, peak = timed(cmd)
            size = sum(f.stat().st_size for f in (out / "big").iterdir())
            print(json.dumps({"bench": f"run --replicas {args.big}", "seconds": round(seconds, 1),
                              "peak_rss_gb": round(peak / 1e9, 2), "output_mb": round(size / 1e6),
                              "ratio_to_imports": round(seconds / base, 1)}), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
