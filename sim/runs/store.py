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
from sim.core.locks import check_output_path, lock_output_dir
from sim.core.safeload import (
    MAX_SCENARIO_BYTES,
    parse_json,
    read_text_file,
    short_path,
    shorten,
)

MANIFEST = "sweep.json"
DESIGN_FILE = "design.parquet"
RESULTS = "results.parquet"
PARTS = "parts"


def row_provenance(manifest: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("scenario", "scenario_sha256", "data_sha256", "natosim_version")
    return {k: manifest[k] for k in keys}



def prepare_dir(out: Path, manifest: dict[str, Any], points: pd.DataFrame) -> None:
    """Lock the directory, create it (or check it holds this sweep) and drop the temporary
    files a killed sweep left behind (only those named after a sweep's own files).

    Raises:
        InputError: ``out`` is a file, a folder that is not a sweep's, is being written by
            another process, or holds an unreadable ``sweep.json``.
    """
    check_output_path(out)  # lengths first: a stat of an over-long path fails (exit 1)
    path = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise ParameterError(short_path(out), "", "--out exists and is not a directory")
    if out.is_dir() and not path.exists() and not _only_sweep_files(out):
        raise ParameterError(short_path(out), "", f"not a sweep's results folder (no {MANIFEST}); "
                             "choose an empty or new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ParameterError(short_path(out), "", f"cannot create the results folder "
                             f"({err.strerror})") from None
    lock_output_dir(out)  # one writer; held until this process ends
    parts = out / PARTS
    parts.mkdir(exist_ok=True)
    own = [f".{name}.*.tmp" for name in (MANIFEST, DESIGN_FILE, RESULTS)]
    for stale in [p for g in own for p in out.glob(g)] + list(parts.glob(".part-*.parquet.*.tmp")):
        stale.unlink(missing_ok=True)  # left behind by a killed run: never a complete file
    design_frame = points.reset_index().rename(columns={"index": "point"})
    if path.exists():
        old = read_state(path)
        differ = [k for k in manifest if old.get(k) != json.loads(json.dumps(manifest[k]))]
        if differ:
            raise ParameterError(
                str(out), MANIFEST,
                f"holds a different sweep (differs in: {', '.join(differ)}); "
                "use another results directory or delete this one",
            )
        # the design follows from the command (its hash is in sweep.json): a resumed sweep
        # writes it again, so a deleted or edited design.parquet never survives a rerun
        write_parquet_atomic(design_frame, out / DESIGN_FILE)
    else:
        write_parquet_atomic(design_frame, out / DESIGN_FILE)
        write_text_atomic(path, json.dumps(manifest, indent=2, sort_keys=True))


def _only_sweep_files(out: Path) -> bool:
    """Whether ``out`` holds nothing but what a sweep killed before its ``sweep.json``
    was written can leave (the design, the parts folder, its own temporary files)."""
    import fnmatch

    own = (DESIGN_FILE, PARTS, *(f".{n}.*.tmp" for n in (MANIFEST, DESIGN_FILE, RESULTS)))
    return all(any(fnmatch.fnmatch(p.name, g) for g in own) for p in out.iterdir())


def read_state(path: Path) -> dict[str, Any]:
    """A sweep's ``sweep.json``, read by the safe reader.

    Raises:
        InputError: not a regular file, over the size limit, invalid JSON or not an object.
    """
    text = read_text_file(path, limit=MAX_SCENARIO_BYTES, error=ParameterError,
                          what="sweep state file")  # fmt: skip
    state = parse_json(text, short_path(path), error=ParameterError)
    if not isinstance(state, dict) or not isinstance(state.get("n_points"), int):
        raise ParameterError(short_path(path), "", "not a sweep state file (no n_points)")
    return state


def completed_points(out_dir: str | Path) -> set[int]:
    """Point numbers already in the part files of a results directory.

    Raises:
        InputError: a part file that is not a readable Parquet file with a ``point`` column
            (truncated or edited by hand), naming it.
    """
    import pyarrow.parquet as pq

    done: set[int] = set()
    for path in sorted((Path(out_dir) / PARTS).glob("part-*.parquet")):
        try:
            done.update(pq.read_table(path, columns=["point"]).column("point").to_pylist())
        except (OSError, ValueError, KeyError) as err:  # pyarrow's errors derive from these
            raise ParameterError(short_path(path), "", "not a complete part file "
                                 f"({shorten(str(err), 80)}); delete it and rerun the same "
                                 "command to compute its points again") from None
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
    manifest = read_state(Path(out_dir) / MANIFEST)
    return len(completed_points(out_dir)), int(manifest["n_points"])
