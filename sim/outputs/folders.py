"""Output folders: checked before a run, written into a staging folder, renamed into place.

A whole run is written into a temporary sibling directory (:func:`staged_output_dir`) that is
renamed into place only when everything succeeded: a killed run leaves either the previous
complete results or none, never a mixture.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sim.core.errors import InputError
from sim.core.locks import check_output_path, lock_output_dir, release_output_dir

MANIFEST_NAME = "manifest.json"
_STAGING_PREFIX = ".natosim-staging-"
_RETIRED_PREFIX = ".natosim-old-"


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
    target = check_output_path(path)  # lengths first: a stat of an over-long path fails
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
    lock_output_dir(target)  # held until the results are in place (staged_output_dir)
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
    finally:
        release_output_dir(target)


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


@contextlib.contextmanager
def report_as(out: str | os.PathLike[str]) -> Iterator[None]:
    """Re-raise an OS error (disk full, ...) under the output path the user gave."""
    try:
        yield
    except OSError as err:
        reason = f"{err.strerror or err}; earlier results, if any, were left in place"
        raise OSError(err.errno, reason, str(out)) from err
