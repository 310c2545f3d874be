"""Safe, reproducible output writing.

Every file is written to a temporary file in the same directory and moved into place with
:func:`os.replace`, so a reader never sees a half-written file. A whole run is written into
a temporary sibling directory (:func:`staged_output_dir`) that is renamed into place only
when everything succeeded: a killed run leaves either the previous complete results or
none, never a mixture.

Reproducibility: CSV files are written with a fixed float format, ``\\n`` line endings and
sorted rows, so the same inputs and seed give byte-identical files. ``manifest.json`` is
written with sorted keys; its ``created`` field (UTC time of the run) is the only field that
differs between two identical invocations.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sim.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.records import Records

CSV_FLOAT_FORMAT = "%.10g"
MANIFEST_NAME = "manifest.json"
_STAGING_PREFIX = ".natosim-staging-"
_RETIRED_PREFIX = ".natosim-old-"


# --------------------------------------------------------------------------- atomic files


def _write_atomic(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write`` on a temp file next to ``path``, then move it into place.

    On any exception the temp file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return target


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return _write_atomic(path, lambda handle: handle.write(data))


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (no newline translation)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def csv_bytes(df: pd.DataFrame, sort_by: Sequence[str] | None = None) -> bytes:
    """Serialise a frame to canonical CSV bytes (fixed float format, stable row order).

    Args:
        df: the frame; its index is not written.
        sort_by: columns to sort rows by (stable sort); ``None`` keeps the given order.
    """
    keys = [c for c in (sort_by or ()) if c in df.columns]  # an empty table may lack them
    if keys:
        df = df.sort_values(keys, kind="mergesort")
    text = df.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    return text.encode("utf-8")


def write_csv_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], sort_by: Sequence[str] | None = None
) -> Path:
    """Write ``df`` as canonical CSV (see :func:`csv_bytes`) atomically."""
    return write_bytes_atomic(path, csv_bytes(df, sort_by))


def write_parquet_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], sort_by: Sequence[str] | None = None
) -> Path:
    """Write ``df`` as Parquet (pyarrow, no index) atomically."""
    if sort_by:
        df = df.sort_values(list(sort_by), kind="mergesort")
    return _write_atomic(path, lambda handle: df.to_parquet(handle, index=False, engine="pyarrow"))


def save_figure_atomic(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically; the format follows the file suffix."""
    fmt = Path(path).suffix.lstrip(".") or "png"
    # A fixed Software entry keeps PNGs free of the matplotlib version string.
    meta = {"Software": None} if fmt == "png" else None
    return _write_atomic(
        path, lambda handle: fig.savefig(handle, format=fmt, dpi=dpi, metadata=meta)
    )


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- directories


def _is_natosim_output(path: Path) -> bool:
    return (path / MANIFEST_NAME).is_file()


def prepare_output_dir(path: str | os.PathLike[str], force: bool) -> Path:
    """Check that a run may write its results to ``path``; return it as an absolute path.

    The directory itself is not created (see :func:`staged_output_dir`).

    Raises:
        InputError: ``path`` is a file; it is a non-empty directory and ``force`` is false;
            it is a non-empty directory that holds no ``manifest.json`` (``--force`` only
            replaces earlier natosim results, never an arbitrary folder); or its parent
            cannot be created or written.
    """
    target = Path(path).expanduser().absolute()
    if target.parent.is_dir():
        clean_stale_dirs(target.parent)
    if target.exists() and not target.is_dir():
        raise InputError(str(path), "", "output path exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise InputError(
                str(path), "", "output directory exists and is not empty; use --force to replace it"
            )
        if not _is_natosim_output(target):
            raise InputError(
                str(path),
                "",
                f"not a natosim output directory (no {MANIFEST_NAME}); "
                "refusing to replace it even with --force",
            )
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:
        raise InputError(str(path), "", "a parent of the output path is a file") from err
    except OSError as err:
        reason = f"cannot create output directory ({err.strerror})"
        raise InputError(str(parent), "", reason) from err
    if not os.access(parent, os.W_OK | os.X_OK) or not _can_create_in(parent):
        raise InputError(str(parent), "", "output directory is not writable")
    return target


def _can_create_in(parent: Path) -> bool:
    """Try to create (and remove) a folder in ``parent``: the only test that also holds for
    root, read-only file systems and pseudo file systems such as ``/proc``."""
    try:
        os.rmdir(tempfile.mkdtemp(dir=parent, prefix=_owned(_STAGING_PREFIX)))
    except OSError:
        return False
    return True


@contextlib.contextmanager
def staged_output_dir(path: str | os.PathLike[str], force: bool) -> Iterator[Path]:
    """Yield a fresh temporary sibling of ``path``; move it to ``path`` on success.

    Everything a run writes goes into the yielded directory. If the block raises (or the
    process is killed), ``path`` keeps its previous content and the staging directory is
    removed (or, after a kill, left as a hidden ``.natosim-staging-<pid>-*`` sibling, which
    the next run in the same folder removes: see :func:`clean_stale_dirs`). On success the
    previous ``path`` (allowed only with ``force``) is retired and replaced.

    Raises:
        InputError: as :func:`prepare_output_dir`, or when the staging directory cannot be
            created.
    """
    target = prepare_output_dir(path, force)
    try:
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=_owned(_STAGING_PREFIX)))
    except OSError as err:
        raise InputError(str(target.parent), "", f"cannot write here ({err.strerror})") from err
    try:
        yield staging
        os.chmod(staging, 0o755)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``, retiring an existing ``target`` first."""
    if not target.exists():
        os.rename(staging, target)
        return
    retired = Path(tempfile.mkdtemp(dir=target.parent, prefix=_owned(_RETIRED_PREFIX)))
    retired = retired / target.name
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)  # put the previous results back
        raise
    shutil.rmtree(retired.parent, ignore_errors=True)


def _owned(prefix: str) -> str:
    """``prefix`` plus this process's id, so a later run can tell a dead run's leftovers."""
    return f"{prefix}{os.getpid()}-"


def _dead_owner(name: str, prefix: str) -> bool:
    """Whether a ``<prefix><pid>-*`` name belongs to a process that no longer runs here."""
    pid, sep, _ = name.removeprefix(prefix).partition("-")
    if not (sep and pid.isdigit()) or os.name != "posix":
        return False  # unknown layout or no safe liveness test: leave it alone
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: the process exists under another user
        return False
    return False


def clean_stale_dirs(parent: str | os.PathLike[str]) -> list[Path]:
    """Remove what killed runs left in ``parent``; return the paths removed or restored.

    A run killed mid-way leaves a ``.natosim-staging-<pid>-*`` folder (its unfinished
    results); one killed between the two renames of :func:`_swap_into_place` leaves the
    previous results in ``.natosim-old-<pid>-*/<name>`` with ``<name>`` itself missing.
    Staging folders of dead processes are deleted; retired results are moved back to
    ``<name>`` if it is missing, deleted otherwise. Folders of live processes (another run
    in progress) are left alone. The liveness test is by process id on this machine.
    """
    parent = Path(parent)
    done: list[Path] = []
    with contextlib.suppress(OSError):
        entries = sorted(parent.iterdir())
        for entry in entries:
            if entry.is_symlink() or not entry.is_dir():
                continue
            if entry.name.startswith(_STAGING_PREFIX) and _dead_owner(entry.name, _STAGING_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)
                done.append(entry)
            elif entry.name.startswith(_RETIRED_PREFIX) and _dead_owner(
                entry.name, _RETIRED_PREFIX
            ):
                _restore_retired(entry, parent)
                done.append(entry)
    return done


def _restore_retired(retired: Path, parent: Path) -> None:
    """Move retired results back into ``parent`` where the target is missing; drop the rest."""
    for child in retired.iterdir():
        target = parent / child.name
        if not target.exists() and (child / MANIFEST_NAME).is_file():
            os.rename(child, target)
    shutil.rmtree(retired, ignore_errors=True)


# --------------------------------------------------------------------------- manifest


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def natosim_version() -> str:
    """The installed natosim version (``"unknown"`` when not installed)."""
    return _version("natosim")


def manifest(
    *,
    meta: Mapping[str, Any],
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    files: Mapping[str, str],
    created: datetime | None = None,
) -> dict[str, Any]:
    """Describe a run completely enough to reproduce and verify it.

    Args:
        meta: ``Records.meta`` (``seed``, ``replicas``, ``mode``, ``paradigms``, ``params``).
        scenario_name: the scenario's name.
        scenario_sha256: hash of the resolved scenario.
        data_hashes: sha256 per data file (``Dataset.hashes``).
        command: the command line (``sys.argv``).
        files: output file name → sha256 (see :func:`hash_files`).
        created: run time; defaults to now (UTC). The only non-deterministic field.

    Returns:
        A JSON-serialisable dict.
    """
    created = created or datetime.now(UTC)
    params = meta.get("params", {})
    return {
        "natosim_version": natosim_version(),
        "python_version": platform.python_version(),
        "mesa_version": _version("mesa"),
        "command": list(command),
        "seed": meta.get("seed"),
        "replicas": meta.get("replicas"),
        "mode": meta.get("mode"),
        "paradigms": list(meta.get("paradigms") or list(params)),
        "params": {name: dict(values) for name, values in params.items()},
        "scenario": {"name": scenario_name, "sha256": scenario_sha256},
        "data": dict(sorted(data_hashes.items())),
        "files": dict(sorted(files.items())),
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
    }


def hash_files(directory: str | os.PathLike[str], names: Sequence[str]) -> dict[str, str]:
    """sha256 of each named file in ``directory``."""
    return {name: file_sha256(Path(directory) / name) for name in names}


def manifest_json(content: Mapping[str, Any]) -> str:
    """Canonical JSON text of a manifest (sorted keys, 2-space indent, final newline)."""
    text = json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return text + "\n"


def write_manifest(directory: str | os.PathLike[str], content: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` into ``directory`` atomically."""
    return write_text_atomic(Path(directory) / MANIFEST_NAME, manifest_json(content))


def _jsonable(value: Any) -> Any:
    """Convert numpy scalars, paths and dates for ``json.dumps``."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (Path, datetime)):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# --------------------------------------------------------------------------- a whole run

SERIES_SORT = ("paradigm", "replica", "year")
PARTNER_SORT = ("paradigm", "replica", "year", "partner")
TABLE_FILES = ("series.csv", "series.parquet", "partners.csv", "partners.parquet")
CHART_FILES = ("relation.png", "status.png", "alignment.png", "arming.png")


def _contract_order(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Contract columns first, in contract order, then any extra columns."""
    extra = [c for c in df.columns if c not in columns]
    return df[[*columns, *extra]]


def write_tables(records: Records, directory: str | os.PathLike[str]) -> list[str]:
    """Write ``series`` and ``partners`` as canonical CSV and Parquet; return file names."""
    from sim.records import PARTNER_COLUMNS, SERIES_COLUMNS

    directory = Path(directory)
    series = _contract_order(records.series, SERIES_COLUMNS)
    partners = _contract_order(records.partners, PARTNER_COLUMNS)
    write_csv_atomic(series, directory / "series.csv", SERIES_SORT)
    write_parquet_atomic(series, directory / "series.parquet", SERIES_SORT)
    write_csv_atomic(partners, directory / "partners.csv", PARTNER_SORT)
    write_parquet_atomic(partners, directory / "partners.parquet", PARTNER_SORT)
    return list(TABLE_FILES)


def write_charts(records: Records, directory: str | os.PathLike[str]) -> list[str]:
    """Render the four standard charts as PNG; return file names."""
    from sim import plots

    directory = Path(directory)
    builders = (
        plots.plot_relation,
        plots.plot_status,
        plots.plot_alignment_heatmap,
        plots.plot_arming,
    )
    for name, build in zip(CHART_FILES, builders, strict=True):
        save_figure_atomic(build(records), directory / name)
    return list(CHART_FILES)


def write_run(
    records: Records,
    out: str | os.PathLike[str],
    *,
    force: bool,
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
) -> dict[str, Any]:
    """Write a run's tables, charts and manifest to ``out``, all or nothing.

    Returns:
        The manifest that was written.

    Raises:
        InputError: ``out`` cannot be used (see :func:`prepare_output_dir`).
    """
    with _report_as(out), staged_output_dir(out, force) as staging:
        names = write_tables(records, staging) + write_charts(records, staging)
        content = manifest(
            meta=records.meta,
            scenario_name=scenario_name,
            scenario_sha256=scenario_sha256,
            data_hashes=data_hashes,
            command=command,
            files=hash_files(staging, names),
        )
        write_manifest(staging, content)
    return content


@contextlib.contextmanager
def _report_as(out: str | os.PathLike[str]) -> Iterator[None]:
    """Re-raise an OS error (disk full, ...) under the output path the user gave."""
    try:
        yield
    except OSError as err:
        reason = f"{err.strerror or err}; earlier results, if any, were left in place"
        raise OSError(err.errno, reason, str(out)) from err
