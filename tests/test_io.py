"""Atomic writes, output-directory safety, canonical CSV and the manifest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.core import files
from sim.core.errors import InputError
from sim.outputs import folders, writers
from sim.outputs import manifest as manifests


def _listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# --------------------------------------------------------------------------- atomic files


def test_write_text_atomic_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    files.write_text_atomic(target, "one\n")
    files.write_text_atomic(target, "two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failure_mid_write_leaves_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "series.csv"
    target.write_text("old complete content\n")

    def half_then_crash(handle) -> None:
        handle.write(b"partial,row")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        files._write_atomic(target, half_then_crash)
    assert target.read_text() == "old complete content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["series.csv"]  # no temp file left


def test_failed_csv_serialisation_leaves_no_file(tmp_path: Path) -> None:
    class Exploding(pd.DataFrame):
        def to_csv(self, *args, **kwargs):  # noqa: ANN002, ANN003
            raise ValueError("boom")

    with pytest.raises(ValueError):
        files.write_csv_atomic(Exploding({"a": [1]}), tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_figure_save_leaves_old_png(tmp_path: Path) -> None:
    target = tmp_path / "relation.png"
    target.write_bytes(b"old png")
    fig = Figure()

    def crash(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        raise OSError(28, "No space left on device")

    fig.savefig = crash  # type: ignore[method-assign]
    with pytest.raises(OSError):
        files.save_figure_atomic(fig, target)
    assert target.read_bytes() == b"old png"
    assert [p.name for p in tmp_path.iterdir()] == ["relation.png"]


def test_save_figure_writes_png(tmp_path: Path) -> None:
    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    path = files.save_figure_atomic(fig, tmp_path / "f.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_is_byte_identical_and_row_order_free() -> None:
    frame = pd.DataFrame(
        {"paradigm": ["b", "a", "a"], "year": [1991, 1992, 1991], "R": [1 / 3, -0.0, 2e-12]}
    )
    shuffled = frame.sample(frac=1.0, random_state=3)
    first = files.csv_bytes(frame, sort_by=["paradigm", "year"])
    assert first == files.csv_bytes(frame.copy(), sort_by=["paradigm", "year"])
    assert first == files.csv_bytes(shuffled, sort_by=["paradigm", "year"])
    assert first.splitlines()[1] == b"a,1991,2e-12"
    assert b"0.3333333333" in first and b"\r" not in first


# --------------------------------------------------------------------------- directories


def test_existing_results_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / folders.MANIFEST_NAME).write_text("{}")
    with pytest.raises(InputError, match="use --force") as err:
        folders.prepare_output_dir(out, force=False)
    assert str(out) in str(err.value)
    assert folders.prepare_output_dir(out, force=True) == out.absolute()


def test_empty_or_missing_dir_is_fine(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    folders.prepare_output_dir(tmp_path / "empty", force=False)
    folders.prepare_output_dir(tmp_path / "new" / "deeper", force=False)


def test_force_never_replaces_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "thesis.tex").write_text("years of work")
    with pytest.raises(InputError, match="not a natosim output directory"):
        folders.prepare_output_dir(tmp_path, force=True)


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        folders.prepare_output_dir(tmp_path / "f", force=True)
    with pytest.raises(InputError, match="parent of the output path is a file"):
        folders.prepare_output_dir(tmp_path / "f" / "out", force=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_parent(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        with pytest.raises(InputError, match="not writable"):
            folders.prepare_output_dir(locked / "out", force=False)
    finally:
        locked.chmod(0o755)


def test_staged_dir_moves_into_place_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with folders.staged_output_dir(out, force=False) as staging:
        assert staging.parent == tmp_path and not out.exists()
        (staging / folders.MANIFEST_NAME).write_text("first")
    assert (out / folders.MANIFEST_NAME).read_text() == "first"

    with pytest.raises(RuntimeError), folders.staged_output_dir(out, force=True) as staging:
        (staging / folders.MANIFEST_NAME).write_text("second, never finished")
        raise RuntimeError("killed")
    assert _listing(out) == {folders.MANIFEST_NAME: b"first"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # staging cleaned up

    with folders.staged_output_dir(out, force=True) as staging:
        (staging / folders.MANIFEST_NAME).write_text("third")
    assert _listing(out) == {folders.MANIFEST_NAME: b"third"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_killed_run_leaves_previous_results(tmp_path: Path, fake_records) -> None:
    out = tmp_path / "out"
    _write_fake_run(fake_records, out)
    before = _listing(out)
    script = textwrap.dedent(
        f"""
        import sys, time
        from sim.core import files
        from sim.outputs import folders
        from sim.outputs import manifest as manifests
        from sim.outputs import writers
        with folders.staged_output_dir({str(out)!r}, force=True) as staging:
            (staging / "series.csv").write_text("truncated")
            print("ready", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert _listing(out) == before


# --------------------------------------------------------------------------- manifest and run


def _write_fake_run(records, out: Path, force: bool = False) -> dict:
    return writers.write_run(
        records, out, force=force, scenario_name="fake", scenario_sha256="ab" * 32,
        data_hashes={"b.csv": "2", "a.csv": "1"}, command=["natosim", "run", "fake"],
    )  # fmt: skip


def test_write_run_files_and_manifest(tmp_path: Path, fake_records) -> None:
    out = tmp_path / "out"
    content = _write_fake_run(fake_records, out)
    expected = {*writers.TABLE_FILES, *writers.CHART_FILES, folders.MANIFEST_NAME}
    assert {p.name for p in out.iterdir()} == expected
    written = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert written == content
    for key in ("natosim_version", "python_version", "mesa_version", "command", "seed",
                "replicas", "mode", "paradigms", "params", "scenario", "data", "files",
                "created"):  # fmt: skip
        assert key in written, key
    assert written["params"]["realist"] == {"kappa": 1.0, "rho": 2.0, "chi": 0.5}
    assert written["scenario"] == {"name": "fake", "sha256": "ab" * 32}
    assert list(written["data"]) == ["a.csv", "b.csv"]
    for name, digest in written["files"].items():
        assert files.file_sha256(out / name) == digest
    assert datetime.fromisoformat(written["created"]).tzinfo is not None
    assert pd.read_parquet(out / "series.parquet").shape == fake_records.series.shape


def test_same_records_give_byte_identical_tables(tmp_path: Path, fake_records) -> None:
    first = _write_fake_run(fake_records, tmp_path / "a")
    second = _write_fake_run(fake_records, tmp_path / "b")
    for name in ("series.csv", "partners.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first["files"]["series.csv"] == second["files"]["series.csv"]


def test_manifest_created_is_the_only_varying_field(fake_records) -> None:
    def build(when: datetime) -> dict:
        return manifests.manifest(
            meta=fake_records.meta, scenario_name="fake", scenario_sha256="x", data_hashes={},
            command=["natosim"], files={}, created=when,
        )  # fmt: skip

    a = build(datetime(2024, 1, 1, tzinfo=UTC))
    b = build(datetime(2025, 6, 1, tzinfo=UTC))
    assert {k for k in a if a[k] != b[k]} == {"created"}
    assert manifests.manifest_json(a) == manifests.manifest_json(dict(reversed(list(a.items()))))
