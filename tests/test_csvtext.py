"""The plain CSV writer gives the bytes of ``DataFrame.to_csv`` and refuses what it cannot."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from sim.core.csvtext import CHUNK_ROWS, write_plain_csv
from sim.core.files import CSV_FLOAT_FORMAT, csv_bytes


def _pandas(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_csv(buffer, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n",
              encoding="utf-8")
    return buffer.getvalue()


def _plain(df: pd.DataFrame) -> bytes | None:
    buffer = io.BytesIO()
    return buffer.getvalue() if write_plain_csv(df, buffer, CSV_FLOAT_FORMAT) else None


def test_hand_worked_table():
    df = pd.DataFrame({"paradigm": pd.Categorical(["b", "a"], categories=["b", "a"]),
                       "year": np.array([1991, 1992], dtype=np.int16),
                       "R": [0.5, np.nan], "S": np.array([3, -1], dtype=np.int8)})
    assert _plain(df) == b"paradigm,year,R,S\nb,1991,0.5,3\na,1992,,-1\n"


def test_same_bytes_as_pandas_on_awkward_values():
    rng = np.random.default_rng(2)
    n = CHUNK_ROWS + 7  # more than one chunk
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-12, 12, n)
    floats[:8] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-300, 1.0 / 3.0, 123456789012.5]
    cats = pd.Categorical.from_codes(rng.integers(-1, 3, n), categories=["UKR", "POL", "é"])
    df = pd.DataFrame({"replica": np.arange(n, dtype=np.int32), "x": floats,
                       "partner": cats, "big": rng.integers(-2**62, 2**62, n),
                       "u": rng.integers(0, 255, n).astype(np.uint8)})
    assert _plain(df) == _pandas(df)
    assert _plain(df.iloc[:0]) == _pandas(df.iloc[:0])  # the header alone
    assert csv_bytes(df, ["partner", "replica"]) == _pandas(
        df.sort_values(["partner", "replica"], kind="mergesort"))


def test_refuses_what_would_need_quoting_or_other_types():
    base = {"a": [1.0, 2.0], "b": [1, 2]}
    refused = [
        pd.DataFrame({"a": [1.0, 2.0]}),  # one column: an empty cell would be quoted
        pd.DataFrame({"a,b": [1.0, 2.0], "c": [1, 2]}),  # a name with a comma
        pd.DataFrame({**base, "c": pd.Categorical(["x,y", "z"])}),  # a category with one
        pd.DataFrame({**base, "c": ["x", "y"]}),  # strings: pandas
        pd.DataFrame({**base, "c": [True, False]}),  # booleans: pandas
        pd.DataFrame({**base, "c": pd.array([1, None], dtype="Int64")}),  # nullable
        pd.DataFrame({**base, "c": np.array([1.5, 2.5], dtype=np.float32)}),
    ]
    for df in refused:
        assert _plain(df) is None, df.dtypes.to_dict()
        assert csv_bytes(df) == _pandas(df)  # and the file is still written, by pandas
