"""Canonical CSV text of a plain numeric table, written without ``DataFrame.to_csv``.

``pandas.DataFrame.to_csv(index=False, float_format=..., lineterminator="\\n")`` formats
every float through a Python formatter, one value at a time, inside several layers of
array conversions: a 200-replica run's ``series.csv`` (20,400 rows) took 0.3 s. The tables
natosim writes are plain: float, integer and categorical columns whose text never needs
quoting. For those, :func:`write_plain_csv` writes the same bytes from column lists in
chunks (about 3x faster); any other table is left to pandas, which the caller uses when it
returns False. ``tests/test_csvtext.py`` checks the bytes against ``to_csv``.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Rows formatted at a time: the text of one chunk is all that is held.
CHUNK_ROWS = 50_000
#: Characters that make the csv module quote a field (QUOTE_MINIMAL, "," and "\n").
_SPECIAL = (",", '"', "\n", "\r")


def _plain(text: str) -> bool:
    return not any(ch in text for ch in _SPECIAL)


def _column_writer(series: pd.Series, float_format: str) -> Any:
    """A function of ``(start, stop)`` giving the column's text cells, or None when the
    column is not plain (then pandas writes the table)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = [str(c) for c in dtype.categories]
        if not all(isinstance(c, str) for c in dtype.categories) or not _plain("".join(cats)):
            return None
        lookup = [*cats, ""]  # code -1 (missing) is the empty cell pandas writes
        codes = series.cat.codes.to_numpy()
        return lambda a, b: [lookup[i] for i in codes[a:b].tolist()]
    if not isinstance(dtype, np.dtype):
        return None  # nullable, string, arrow, datetime-with-zone ... : pandas
    values = series.to_numpy()
    if dtype == np.float64:
        return lambda a, b: [float_format % v if v == v else "" for v in values[a:b].tolist()]
    if dtype.kind in "iu":
        return lambda a, b: [str(v) for v in values[a:b].tolist()]
    return None


def write_plain_csv(df: pd.DataFrame, handle: IO[bytes], float_format: str) -> bool:
    """Write ``df`` to ``handle`` exactly as ``df.to_csv(handle, index=False,
    float_format=float_format, lineterminator="\\n", encoding="utf-8")`` would, if every
    column is plain; return False (having written nothing) otherwise.

    Plain: at least two columns (a lone empty cell would be quoted), string column names
    that need no quoting, and columns of float64 (NaN as an empty cell), numpy integers or
    categoricals of strings that need no quoting.
    """
    names = list(df.columns)
    if len(names) < 2 or not all(isinstance(n, str) for n in names) or \
            not _plain("".join(names)) or df.columns.duplicated().any():
        return False
    writers = [_column_writer(df[n], float_format) for n in names]
    if any(w is None for w in writers):
        return False
    handle.write((",".join(names) + "\n").encode("utf-8"))
    for start in range(0, len(df), CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, len(df))
        cells = [w(start, stop) for w in writers]
        handle.write(("\n".join(map(",".join, zip(*cells, strict=True))) + "\n")
                     .encode("utf-8"))
    return True
