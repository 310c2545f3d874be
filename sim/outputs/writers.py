"""Writing a whole run: the tables, the charts and the manifest, staged and atomic."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.files import write_csv_atomic, write_parquet_atomic
from sim.outputs.charts import DEFAULT_FORMATS, save_charts
from sim.outputs.folders import report_as, staged_output_dir
from sim.outputs.manifest import hash_files, manifest, write_manifest

if TYPE_CHECKING:
    import pandas as pd

    from sim.model.records import Records


SERIES_SORT = ("paradigm", "replica", "year")
PARTNER_SORT = ("paradigm", "replica", "year", "partner")
TABLE_FILES = ("series.csv", "series.parquet", "partners.csv", "partners.parquet")
CHART_FILES = ("relation.png", "status.png", "alignment.png", "arming.png")
#: Parquet is the primary table format; a table is also written as CSV when it has at most
#: this many rows (a 200-replica run of three paradigms: series.csv yes, partners.csv no).
CSV_MAX_ROWS = 250_000
#: Replicas of each paradigm per Parquet row group in a streamed run.
CHUNK_REPLICAS = 5_000
#: A streamed run draws its charts and summary from the first this-many replicas of each
#: paradigm (replicas are independent draws, so these are a random sample of the ensemble).
CHART_SAMPLE = 1_000


def _contract_order(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Contract columns first, in contract order, then any extra columns."""
    extra = [c for c in df.columns if c not in columns]
    return df[[*columns, *extra]]


def write_tables(records: Records, directory: str | os.PathLike[str],
                 csv: bool | None = None) -> list[str]:
    """Write ``series`` and ``partners`` as Parquet, and as canonical CSV when ``csv`` (by
    default: a table of at most :data:`CSV_MAX_ROWS` rows); return the file names."""
    from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS

    directory = Path(directory)
    names = []
    for stem, columns, order in (("series", SERIES_COLUMNS, SERIES_SORT),
                                 ("partners", PARTNER_COLUMNS, PARTNER_SORT)):
        table = _contract_order(getattr(records, stem), columns)
        if csv or (csv is None and len(table) <= CSV_MAX_ROWS):
            write_csv_atomic(table, directory / f"{stem}.csv", order)
            names.append(f"{stem}.csv")
        write_parquet_atomic(table, directory / f"{stem}.parquet", order)
        names.append(f"{stem}.parquet")
    return names


def write_charts(records: Records, directory: str | os.PathLike[str],
                 formats: Sequence[str] = DEFAULT_FORMATS) -> list[str]:
    """Render the four standard charts in each of ``formats``; return file names."""
    from sim.viz import plots

    directory = Path(directory)
    builders = (
        plots.plot_relation,
        plots.plot_status,
        plots.plot_alignment_heatmap,
        plots.plot_arming,
    )
    figures = {name: build(records) for name, build in zip(CHART_FILES, builders, strict=True)}
    return save_charts(figures, directory, formats)


def _tables_beside_charts(records: Records, staging: Path,
                          formats: Sequence[str]) -> list[str]:
    """:func:`write_tables` in a second thread while this one draws the charts; the file
    names in the order of ``write_tables(...) + write_charts(...)``.

    Parquet encoding runs in Arrow's C++ code without the GIL, so it overlaps the chart
    drawing (the tables are built first: the two threads only read them). Each file's bytes
    are those of writing one after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    len(records.series), len(records.partners)  # build the lazy tables before sharing them
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="natosim-tables") as pool:
        tables = pool.submit(write_tables, records, staging)
        charts = write_charts(records, staging, formats)
        return tables.result() + charts


def write_run(
    records: Records,
    out: str | os.PathLike[str],
    *,
    force: bool,
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> dict[str, Any]:
    """Write a run's tables, charts (in each of ``formats``) and manifest to ``out``, all
    or nothing.

    Returns:
        The manifest that was written.

    Raises:
        InputError: ``out`` cannot be used (see :func:`prepare_output_dir`).
    """
    with report_as(out), staged_output_dir(out, force) as staging:
        names = _tables_beside_charts(records, staging, formats)
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


def write_run_streamed(
    parts: Iterable[Records],
    out: str | os.PathLike[str],
    *,
    paradigms: Sequence[str],
    force: bool,
    scenario_name: str,
    scenario_sha256: str,
    data_hashes: Mapping[str, str],
    command: Sequence[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
) -> tuple[dict[str, Any], Records]:
    """Write a large run paradigm by paradigm, in bounded memory, all or nothing.

    Each part (one paradigm's records, as arrays) is appended to ``series.parquet`` and
    ``partners.parquet`` in row groups of :data:`CHUNK_REPLICAS` replicas and then
    released, so only one paradigm's arrays are held at a time. The rows and their order
    are those of :func:`write_tables` (paradigm, replica, year, partner). No CSV is
    written. The charts and the returned summary records are the first
    :data:`CHART_SAMPLE` replicas of each paradigm (recorded as ``chart_sample`` in the
    manifest's metadata).

    Returns:
        The manifest that was written, and the sample records.
    """
    from sim.model.records import Records

    with report_as(out), staged_output_dir(out, force) as staging:
        samples = []
        with _ParquetStream(staging / "series.parquet", paradigms, "series") as series, \
                _ParquetStream(staging / "partners.parquet", paradigms, "partners") as partners:
            for part in parts:
                for block in part.blocks or ():
                    for start in range(0, block.replicas, CHUNK_REPLICAS):
                        chunk = _chunk(block, start, start + CHUNK_REPLICAS)
                        series.write(chunk)
                        partners.write(chunk)
                samples.append(_sample(part, CHART_SAMPLE))
                del part
        sample = Records.concat(samples)
        sample.meta["chart_sample"] = CHART_SAMPLE
        names = ["series.parquet", "partners.parquet", *write_charts(sample, staging, formats)]
        content = manifest(
            meta=sample.meta, scenario_name=scenario_name, scenario_sha256=scenario_sha256,
            data_hashes=data_hashes, command=command, files=hash_files(staging, names),
        )
        write_manifest(staging, content)
    return content, sample


def _chunk(block, start: int, stop: int):
    """Replicas ``start:stop`` of a block (views)."""
    from dataclasses import replace

    return replace(block, series=block.series[:, :, start:stop],
                   partner_values={k: v[:, start:stop] for k, v in block.partner_values.items()},
                   replica0=block.replica0 + start)


def _sample(part: Records, n: int) -> Records:
    """The first ``n`` replicas of a part, copied (the part's arrays can then be freed)."""
    from dataclasses import replace

    from sim.model.records import Records

    blocks = []
    for block in part.blocks or ():
        if block.replica0 >= n:
            continue
        k = n - block.replica0
        blocks.append(replace(block, series=block.series[:, :, :k].copy(), partner_values={
            name: v[:, :k].copy() for name, v in block.partner_values.items()}))
    return Records(series=blocks, partners=list(blocks), meta=dict(part.meta))


class _ParquetStream:
    """Row groups appended to one Parquet file with a fixed schema."""

    def __init__(self, path: Path, paradigms: Sequence[str], kind: str) -> None:
        self.path, self.paradigms, self.kind = path, list(paradigms), kind
        self.writer = None

    def __enter__(self) -> _ParquetStream:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()

    def write(self, block) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        from sim.model.records import partner_columns, series_columns

        build = series_columns if self.kind == "series" else partner_columns
        cols = build(block)
        rows = len(cols["replica"])
        index = self.paradigms.index(block.paradigm)
        arrays = {"paradigm": pa.DictionaryArray.from_arrays(
            np.full(rows, index, dtype=np.int8), pa.array(self.paradigms))}
        for name, values in cols.items():
            if name == "partner":
                arrays[name] = pa.DictionaryArray.from_arrays(
                    values.astype(np.int8), pa.array(list(block.partners)))
            else:
                arrays[name] = pa.array(values)
        table = pa.table(arrays)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema, compression="snappy",
                                           use_dictionary=["paradigm", "partner"])
        self.writer.write_table(table)
