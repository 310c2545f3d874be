"""The on-disk store of a resumable sweep: manifest, design, part files, results.

Layout of a results directory::

    sweep.json     what was run: scenario and data hashes, paradigm, seed, outcomes...
    design.parquet the points (one row per point, column ``point`` = index)
    parts/part-<first>-<last>.parquet   results of completed chunks
    results.parquet the collected table, written once every point is done

Every file is written atomically (temporary file, then ``os.replace``), so a sweep killed at
any moment leaves only complete part files; rerunning skips the points they hold.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.errors import ParameterError
from sim.core.files import write_parquet_atomic, write_text_atomic

MANIFEST = "sweep.json"
DESIGN_FILE = "design.parquet"
RESULTS = "results.parquet"
PARTS = "parts"


def row_provenance(manifest: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("scenario", "scenario_sha256", "data_sha256", "natosim_version")
    return {k: manifest[k] for k in keys}



def prepare_dir(out: Path, manifest: dict[str, Any], points: pd.DataFrame) -> None:
    """Create the directory (or check it holds this sweep) and drop stale temporary files."""
    parts = out / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    for stale in list(out.glob(".*.tmp")) + list(parts.glob(".*.tmp")):
        stale.unlink(missing_ok=True)  # left behind by a killed run: never a complete file
    path = out / MANIFEST
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        differ = [k for k in manifest if old.get(k) != json.loads(json.dumps(manifest[k]))]
        if differ:
            raise ParameterError(
                str(out), MANIFEST,
                f"holds a different sweep (differs in: {', '.join(differ)}); "
                "use another results directory or delete this one",
            )
    else:
        design_frame = points.reset_index().rename(columns={"index": "point"})
        write_parquet_atomic(design_frame, out / DESIGN_FILE)
        write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True))


def completed_points(out_dir: str | Path) -> set[int]:
    """Point numbers already in the part files of a results directory."""
    import pyarrow.parquet as pq

    done: set[int] = set()
    for path in sorted((Path(out_dir) / PARTS).glob("part-*.parquet")):
        done.update(pq.read_table(path, columns=["point"]).column("point").to_pylist())
    return done


def write_part(out: Path, rows: pd.DataFrame) -> Path:
    first, last = int(rows["point"].min()), int(rows["point"].max())
    path = out / PARTS / f"part-{first:08d}-{last:08d}.parquet"
    return write_parquet_atomic(rows, path)


def collect(out_dir: str | Path) -> pd.DataFrame:
    """Join the part files of a results directory, one row per point, sorted by point.

    Raises:
        ParameterError: a point that appears in two part files (not produced by
            :func:`run_sweep`; e.g. parts copied in from another run).
    """
    paths = sorted((Path(out_dir) / PARTS).glob("part-*.parquet"))
    if not paths:
        return pd.DataFrame()
    table = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    dup = table["point"].duplicated()
    if dup.any():
        raise ParameterError(str(out_dir), PARTS,
                             f"point {int(table.loc[dup, 'point'].iloc[0])} is in two part files")
    return table.sort_values("point", kind="stable").reset_index(drop=True)


def load_design(out_dir: str | Path) -> pd.DataFrame:
    """The design stored in a results directory, indexed by point."""
    return pd.read_parquet(Path(out_dir) / DESIGN_FILE).set_index("point")


def sweep_status(out_dir: str | Path) -> tuple[int, int]:
    """``(completed points, total points)`` of a results directory."""
    manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    return len(completed_points(out_dir)), int(manifest["n_points"])
