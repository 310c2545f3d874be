"""One writer per output folder: an exclusive ``fcntl.flock`` held while results are made.

Used by :mod:`sim.outputs.folders` (run, compare, validate, ...) and by resumable sweeps.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sim.core.errors import InputError
from sim.core.safeload import short_path

LOCK_PREFIX = ".natosim-lock-"

#: Output folders this process holds the lock of: absolute path -> open lock file.
_HELD: dict[Path, Any] = {}


#: Longest path (bytes) and longest file name (bytes) Linux file systems take.
PATH_MAX = 4096
NAME_MAX = 255


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path the file system cannot take; return it absolute.

    Checked before any ``stat`` of the path, which would fail with an ``OSError`` (exit 1)
    for what is an input problem (exit 2).

    Raises:
        InputError: the whole path is longer than ``PATH_MAX - 1`` bytes, a folder name in
            it is longer than ``NAME_MAX`` bytes, or the output folder's own name leaves no
            room for its lock file's prefix.
    """
    target = Path(path).expanduser().absolute()
    if len(os.fsencode(str(target))) >= PATH_MAX:
        raise InputError(short_path(path), "", f"output path is longer than {PATH_MAX - 1} bytes")
    if any(len(os.fsencode(part)) > NAME_MAX for part in target.parent.parts):
        raise InputError(short_path(path), "",
                         f"a folder name in the output path is longer than {NAME_MAX} bytes")
    if len(os.fsencode(target.name)) > NAME_MAX - len(LOCK_PREFIX):
        raise InputError(short_path(path), "", "output folder name is longer than "
                         f"{NAME_MAX - len(LOCK_PREFIX)} bytes")
    return target


def lock_output_dir(target: Path) -> None:
    """Take the exclusive lock of an output folder for this process (kept until released).

    The lock is an ``fcntl.flock`` on ``.natosim-lock-<name>`` beside the folder, so it
    also covers a folder that does not exist yet. The kernel drops it when the process ends
    (even on SIGKILL); a lock file left behind is reused. Taking it twice in one process is
    a no-op.

    Raises:
        InputError: another process holds the lock (another command is writing there).
    """
    target = Path(target).absolute()
    if target in _HELD or os.name != "posix":
        return
    import fcntl

    lock_path = target.parent / f"{LOCK_PREFIX}{target.name}"
    for _ in range(3):  # the file may be unlinked by its releasing holder meanwhile
        try:
            handle = open(lock_path, "a+")  # noqa: SIM115 (held beyond this function)
        except OSError as err:
            raise InputError(str(target.parent), "", "output directory is not writable") from err
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise InputError(
                short_path(target),
                "",
                "another natosim command is writing into this output "
                "directory; wait for it to finish or choose another --out",
            ) from None
        if _same_file(lock_path, handle.fileno()):
            _HELD[target] = handle
            return
        handle.close()
    raise InputError(short_path(target), "", "cannot lock the output directory")


def _same_file(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def release_output_dir(target: Path) -> None:
    """Release the lock taken by :func:`lock_output_dir` and remove its file (no-op if not
    held)."""
    target = Path(target).absolute()
    handle = _HELD.pop(target, None)
    if handle is not None:
        with contextlib.suppress(OSError):
            os.unlink(target.parent / f"{LOCK_PREFIX}{target.name}")  # while still locked
        handle.close()  # closing the file releases the flock
