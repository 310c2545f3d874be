"""Atomic file writing and the one hashing helper.

Every file is written to a temporary file in the same directory and moved into place with
:func:`os.replace`, so a reader never sees a half-written file. CSV files are written with a
fixed float format, ``\\n`` line endings and sorted rows, so the same inputs and seed give
byte-identical files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

CSV_FLOAT_FORMAT = "%.10g"


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


def _sorted(df: pd.DataFrame, sort_by: Sequence[str] | None) -> pd.DataFrame:
    keys = [c for c in (sort_by or ()) if c in df.columns]  # an empty table may lack them
    return df.sort_values(keys, kind="mergesort") if keys else df


def _to_csv(df: pd.DataFrame, handle: IO[bytes]) -> None:
    """Canonical CSV text of ``df``, encoded as UTF-8 straight into a binary ``handle``
    (written in chunks: the text is never held whole). A plain numeric table is written by
    :func:`sim.core.csvtext.write_plain_csv` (the same bytes, faster), any other by pandas."""
    from sim.core.csvtext import write_plain_csv

    if not write_plain_csv(df, handle, CSV_FLOAT_FORMAT):
        df.to_csv(handle, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n",
                  encoding="utf-8")


def csv_bytes(df: pd.DataFrame, sort_by: Sequence[str] | None = None) -> bytes:
    """Serialise a frame to canonical CSV bytes (fixed float format, stable row order).

    Args:
        df: the frame; its index is not written.
        sort_by: columns to sort rows by (stable sort); ``None`` keeps the given order.
    """
    buffer = io.BytesIO()
    _to_csv(_sorted(df, sort_by), buffer)
    return buffer.getvalue()


def write_csv_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], sort_by: Sequence[str] | None = None
) -> Path:
    """Write ``df`` as canonical CSV (the bytes of :func:`csv_bytes`) atomically, streamed
    to the file rather than built in memory first."""
    df = _sorted(df, sort_by)
    return _write_atomic(path, lambda handle: _to_csv(df, handle))


def write_parquet_atomic(
    df: pd.DataFrame, path: str | os.PathLike[str], sort_by: Sequence[str] | None = None
) -> Path:
    """Write ``df`` as Parquet (pyarrow, no index) atomically."""
    if sort_by:
        df = df.sort_values(list(sort_by), kind="mergesort")
    return _write_atomic(path, lambda handle: df.to_parquet(handle, index=False, engine="pyarrow"))


#: The chart formats every chart-writing command can write (``--format``).
FIGURE_FORMATS = ("png", "svg", "pdf")
# Metadata that would carry a time or a version string is left out, so the same figure gives
# the same bytes (PNG: no Software entry; SVG: no date; PDF: no dates, creator or producer).
_FIGURE_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
#: A fixed salt for the ids matplotlib writes into SVG (random per process otherwise).
SVG_HASHSALT = "natosim"


def freeze_layout(fig: Figure, digits: int = 6) -> None:
    """Lay ``fig`` out once, round every axes' position to ``digits`` decimals of the figure
    and switch its layout engine off, so that every later save draws the same positions.

    Matplotlib's constrained layout solves for the margins anew at every draw, and in about
    one process in ten gets a position that differs in its last bits (the order in which it
    meets some objects follows their memory addresses); an SVG, which prints coordinates to
    six decimals, then differs in a digit. Rounded positions remove that noise: the same
    figure gives the same bytes in every process. A figure without a layout engine is left
    as it is.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        return
    engine.execute(fig)  # the layout alone, as a draw would solve it first
    for ax in fig.axes:
        if ax.get_axes_locator() is None:
            ax.set_position([round(float(v), digits) for v in ax.get_position().bounds])
    fig.set_layout_engine("none")


def _save_figure(fig: Figure, handle: IO[bytes], fmt: str, dpi: int) -> None:
    import matplotlib

    freeze_layout(fig)  # the same positions in every format and every process
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        if fmt != "svg":
            fig.savefig(handle, format=fmt, dpi=dpi, metadata=_FIGURE_METADATA.get(fmt))
            return
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_FIGURE_METADATA.get(fmt))
    handle.write(_renumbered_svg_ids(buffer.getvalue()))


def _renumbered_svg_ids(svg: bytes) -> bytes:
    """SVG with matplotlib's hashed element ids (``p0123456789``: clip paths, markers,
    hatches) renamed in order of appearance. Some of them hash an object's memory address,
    so the same figure drawn twice in one process could get other ids."""
    import re

    text = svg.decode("utf-8")
    names: dict[str, str] = {}
    for match in re.finditer(r'\bid="([a-z])([0-9a-f]{10})"', text):
        names.setdefault(match.group(1) + match.group(2),
                         f"{match.group(1)}{len(names):010d}")
    if names:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
        text = pattern.sub(lambda m: names[m.group(1)], text)
    return text.encode("utf-8")


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """The bytes :func:`save_figure_atomic` would write for ``fig`` in format ``fmt``
    (deterministic: the same figure gives the same bytes)."""
    buffer = io.BytesIO()
    _save_figure(fig, buffer, fmt, dpi)
    return buffer.getvalue()


def save_figure_atomic(fig: Figure, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Save a matplotlib figure atomically; the format follows the file suffix (PNG, SVG
    and PDF without timestamps or version strings: same figure, same bytes)."""
    fmt = Path(path).suffix.lstrip(".") or "png"
    return _write_atomic(path, lambda handle: _save_figure(fig, handle, fmt, dpi))


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return _fd_sha256(fd)
    finally:
        os.close(fd)


def regular_file_sha256(path: str | os.PathLike[str]) -> str | None:
    """Hex sha256 of a regular file's bytes, or ``None`` for a link, a FIFO, a device, a
    folder or a file that cannot be read (checking a folder someone else filled)."""
    import stat

    try:
        if Path(path).is_symlink():
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        return _fd_sha256(fd) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _fd_sha256(fd: int) -> str:
    digest = hashlib.sha256()
    while chunk := os.read(fd, 1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """sha256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: Any) -> str:
    """sha256 of the canonical JSON text of ``value`` (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return sha256_bytes(text.encode("utf-8"))
