"""Writing a whole run: the tables, the charts and the manifest, staged and atomic."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.files import save_figure_atomic, write_csv_atomic, write_parquet_atomic
from sim.outputs.folders import report_as, staged_output_dir
from sim.outputs.manifest import hash_files, manifest, write_manifest

if TYPE_CHECKING:
    import pandas as pd

    from sim.model.model.records import Records


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
    from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS

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
    from sim.viz import plots

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
    with report_as(out), staged_output_dir(out, force) as staging:
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
