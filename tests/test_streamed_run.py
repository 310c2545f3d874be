"""Large runs are written paradigm by paradigm (sim.outputs.writers.write_run_streamed).

The streamed Parquet tables must hold exactly the rows, values and order that the
in-memory path (write_tables) writes for the same run; the charts and summary come from
the first CHART_SAMPLE replicas of each paradigm. Small sizes: the chunk and sample sizes
are patched down so a 12-replica run is cut into chunks and sampled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model.paradigms import PARADIGMS
from sim.model.records import PARTNER_COLUMNS, SERIES_COLUMNS, Records
from sim.outputs import writers
from sim.runs.experiments import resolve, run_ensemble

REPLICAS = 12


@pytest.fixture(scope="module")
def runs():
    scenario, _, inputs = resolve("post-cold-war")
    names = list(PARADIGMS)[:2]
    return names, scenario, inputs


def _parts(runs):
    names, scenario, inputs = runs
    for name in names:
        yield run_ensemble(scenario, name, replicas=REPLICAS, seed=3, inputs=inputs)


def _streamed(runs, out: Path, monkeypatch) -> tuple[dict, Records]:
    monkeypatch.setattr(writers, "CHUNK_REPLICAS", 5)
    monkeypatch.setattr(writers, "CHART_SAMPLE", 7)
    return writers.write_run_streamed(
        _parts(runs), out, paradigms=runs[0], force=False, scenario_name="post-cold-war",
        scenario_sha256="ab" * 32, data_hashes={"a.csv": "1"},
        command=["natosim", "run", "post-cold-war"])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: categorical strings as strings, integers as int64."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str)
        elif out[column].dtype.kind == "i":
            out[column] = out[column].astype("int64")
    return out


def test_streamed_tables_equal_the_in_memory_tables(runs, tmp_path, monkeypatch):
    content, sample = _streamed(runs, tmp_path / "streamed", monkeypatch)
    whole = Records.concat(list(_parts(runs)))
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    writers.write_tables(whole, plain_dir, csv=False)
    for stem, columns in (("series", SERIES_COLUMNS), ("partners", PARTNER_COLUMNS)):
        streamed = pd.read_parquet(tmp_path / "streamed" / f"{stem}.parquet")
        plain = pd.read_parquet(plain_dir / f"{stem}.parquet")
        assert list(streamed.columns) == list(columns)
        pd.testing.assert_frame_equal(_plain(streamed), _plain(plain))
    n_partners = len(resolve("post-cold-war")[2].partners)
    assert len(streamed) == len(runs[0]) * REPLICAS * 34 * n_partners


def test_streamed_run_writes_parquet_charts_manifest_and_samples(runs, tmp_path, monkeypatch):
    content, sample = _streamed(runs, tmp_path / "out", monkeypatch)
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert names == {"series.parquet", "partners.parquet", *writers.CHART_FILES,
                     "manifest.json"}
    assert set(content["files"]) == names - {"manifest.json"}
    assert sample.paradigms == runs[0]
    per = sample.series.groupby("paradigm", observed=True)["replica"].agg(["min", "max"])
    assert per["min"].tolist() == [0, 0] and per["max"].tolist() == [6, 6]
    # the sample is the first replicas of the full run, value for value
    full = pd.read_parquet(tmp_path / "out" / "series.parquet")
    head = full[full["replica"] < 7].reset_index(drop=True)
    np.testing.assert_array_equal(head["R"].to_numpy(), sample.series["R"].to_numpy())


def test_same_seed_gives_identical_streamed_files(runs, tmp_path, monkeypatch):
    one, _ = _streamed(runs, tmp_path / "one", monkeypatch)
    two, _ = _streamed(runs, tmp_path / "two", monkeypatch)
    for name in ("series.parquet", "partners.parquet"):
        assert one["files"][name] == two["files"][name]


def test_a_streamed_run_says_it_does_not_use_processes(tmp_path, monkeypatch):
    from short_scenario import write_short_scenario
    from typer.testing import CliRunner

    from sim.cli import app
    from sim.cli import run as run_cli

    monkeypatch.setattr(run_cli, "STREAMED_ABOVE", 3)
    scenario = write_short_scenario(tmp_path)
    result = CliRunner().invoke(app, ["run", str(scenario), "--paradigms", list(PARADIGMS)[0],
                                      "--replicas", "4", "--processes", "2",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "--processes is not used" in result.output
    assert (tmp_path / "out" / "series.parquet").is_file()
