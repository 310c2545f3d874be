"""A sweep's folder and state files are user input: one line (exit 2), never a traceback,
and a sweep deletes only temporary files it made itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()


def _sweep(scenario: Path, out: Path) -> list[str]:
    return ["sweep", str(scenario), "--vary", "realist.kappa", "--design", "grid",
            "--points", "2", "--replicas", "1", "--workers", "1", "--chunk-size", "1",
            "--outcome", "R_2008", "--out", str(out)]  # fmt: skip


def _one_line(result, *fragments: str) -> None:  # noqa: ANN001
    assert result.exit_code == 2, result.output
    line = result.stderr
    assert line.startswith("error: ") and line.count("\n") == 1, line
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in line, (fragment, line)


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sweep")
    scenario = write_short_scenario(folder, 2005, 2008)
    out = folder / "out"
    result = runner.invoke(app, _sweep(scenario, out))
    assert result.exit_code == 0, result.output
    return scenario, out


def test_out_pointing_at_a_file_is_input(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path, 2005, 2008)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _one_line(runner.invoke(app, _sweep(scenario, blocker)), "exists and is not a directory")


def test_a_folder_that_is_not_a_sweep_is_refused_and_left_alone(tmp_path: Path) -> None:
    scenario = write_short_scenario(tmp_path, 2005, 2008)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / ".notes.tmp").write_text("someone's unsaved notes")
    (foreign / "paper.tex").write_text("...")
    _one_line(runner.invoke(app, _sweep(scenario, foreign)), "not a sweep's results folder")
    assert sorted(p.name for p in foreign.iterdir()) == [".notes.tmp", "paper.tex"]


def test_a_resumed_sweep_removes_only_its_own_temporary_files(done, tmp_path: Path) -> None:
    import shutil

    scenario, out = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    ours = copy / "parts" / ".part-00000000-00000000.parquet.k3j2.tmp"
    ours.write_bytes(b"half a part")
    theirs = copy / ".notes.tmp"
    theirs.write_text("not natosim's")
    result = runner.invoke(app, _sweep(scenario, copy))
    assert result.exit_code == 0, result.output
    assert not ours.exists() and theirs.read_text() == "not natosim's"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a sweep state file"),
        ('{"n_points": ' + "9" * 5000 + "}", "an integer of 5000 digits"),
        ("[" * 50_000 + "]" * 50_000, "nested more than 32 levels deep"),
    ],
    ids=["corrupt", "not-an-object", "huge-number", "deep"],
)
def test_a_corrupt_sweep_json_is_one_line(done, tmp_path: Path, text: str, fragment: str) -> None:
    import shutil

    scenario, out = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "sweep.json").write_text(text)
    _one_line(runner.invoke(app, _sweep(scenario, copy)), "sweep.json", fragment)


def test_a_truncated_part_file_is_one_line_naming_it(done, tmp_path: Path) -> None:
    import shutil

    scenario, out = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    part = sorted((copy / "parts").glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:40])
    _one_line(runner.invoke(app, _sweep(scenario, copy)), part.name, "not a complete part file",
              "delete it and rerun")  # fmt: skip


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_resumed_sweep_writes_its_design_again(done, tmp_path: Path, damage: str) -> None:
    """design.parquet follows from the command: a rerun after it was deleted (exit 1 before)
    or edited (kept as edited before) restores the original bytes and the same results."""
    import shutil

    scenario, out = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    design = copy / "design.parquet"
    if damage == "deleted":
        design.unlink()
    else:
        design.write_bytes(design.read_bytes() + b"tampered")
    result = runner.invoke(app, _sweep(scenario, copy))
    assert result.exit_code == 0, result.output
    assert design.read_bytes() == (out / "design.parquet").read_bytes()
    assert (copy / "results.parquet").read_bytes() == (out / "results.parquet").read_bytes()
