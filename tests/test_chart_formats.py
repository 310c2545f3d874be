"""``--format png,svg,pdf``: one option on every chart-writing command, refused in one line,
PNG alone by default (the files and the recorded command of before), and SVG and PDF
byte-identical for the same seed (so manifests and ``reproduce`` still hold)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli.common import format_args, parse_formats
from sim.cli.main import app
from sim.core.errors import ParameterError
from sim.core.files import figure_bytes
from sim.outputs import writers
from sim.outputs.charts import chart_names
from sim.outputs.folders import MANIFEST_NAME

runner = CliRunner()
CHART_COMMANDS = ("run", "compare", "validate", "likelihood", "sensitivity", "forecast")


def test_parse_formats_by_hand() -> None:
    assert parse_formats("png") == ("png",)
    assert parse_formats("svg, PDF") == ("svg", "pdf")
    assert parse_formats("png,svg,png") == ("png", "svg")
    for bad in ("gif", "png,jpeg", "", " , "):
        with pytest.raises(ParameterError, match="--format.*png, svg, pdf"):
            parse_formats(bad)
    assert format_args(("png",)) == []
    assert format_args(("svg", "pdf")) == ["--format", "svg,pdf"]


def test_chart_names_in_every_format() -> None:
    assert chart_names(["relation.png", "status"], ("svg", "pdf")) == [
        "relation.svg", "relation.pdf", "status.svg", "status.pdf"]
    assert chart_names(["relation.png"]) == ["relation.png"]


@pytest.mark.parametrize("command", CHART_COMMANDS)
def test_every_chart_command_has_the_one_format_option(command: str) -> None:
    group = typer.main.get_command(app)
    options = {opt: p for p in group.commands[command].params for opt in p.opts}
    assert options["--format"].default == "png"


@pytest.mark.parametrize("command", ["run", "compare", "validate", "likelihood"])
def test_an_unknown_format_is_one_line_exit_2(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [command, "post-cold-war", "--format", "png,gif",
                                 "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--format" in lines[0] and "png, svg, pdf" in lines[0]
    assert not (tmp_path / "x").exists()  # refused before running


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_the_same_figure_gives_the_same_bytes(fmt: str) -> None:
    def figure() -> Figure:
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        ax.plot([1991, 2008, 2024], [0.5, -0.2, -0.9], label="R")
        ax.fill_between([1991, 2024], [0, -1], [1, 0], alpha=0.2)
        ax.legend()
        return fig

    first, second = figure_bytes(figure(), fmt), figure_bytes(figure(), fmt)
    assert first == second
    assert b"CreationDate" not in first and b"<dc:date>" not in first


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_short_scenario(tmp_path_factory.mktemp("formats"), start=2004, end=2008)


def _run(short: Path, out: Path, *extra: str) -> dict:
    result = runner.invoke(app, ["run", str(short), "--paradigms", "realist", "--replicas",
                                 "2", "--seed", "3", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / MANIFEST_NAME).read_text())


def test_default_is_png_alone_and_unrecorded(short: Path, tmp_path: Path) -> None:
    manifest = _run(short, tmp_path / "png")
    charts = {n for n in manifest["files"] if n.rsplit(".", 1)[1] in ("png", "svg", "pdf")}
    assert charts == set(writers.CHART_FILES)
    assert "--format" not in manifest["command"]


def test_svg_and_pdf_are_identical_for_the_same_seed(short: Path, tmp_path: Path) -> None:
    first = _run(short, tmp_path / "a", "--format", "svg,pdf")
    second = _run(short, tmp_path / "b", "--format", "svg,pdf")
    charts = sorted(n for n in first["files"] if n.endswith((".svg", ".pdf")))
    assert charts == sorted(chart_names(writers.CHART_FILES, ("svg", "pdf")))
    assert not any(n.endswith(".png") for n in first["files"])
    for name in charts:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert first["files"][name] == second["files"][name]
    assert first["command"][-2:] == ["--format", "svg,pdf"] or \
        "svg,pdf" in first["command"]
    result = runner.invoke(app, ["reproduce", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output


def test_svg_ids_do_not_depend_on_what_the_process_drew_before() -> None:
    """matplotlib hashes some SVG ids from memory addresses; drawn again and again in one
    process, the same chart gives the same bytes, and every reference has its element."""
    import re

    from sim.core.files import figure_bytes
    from sim.model.paradigms import PARADIGMS
    from sim.runs.experiments import run_paradigms
    from sim.viz import plots

    records = run_paradigms("post-cold-war", list(PARADIGMS), replicas=2, seed=0)
    drawn = {figure_bytes(plots.plot_arming(records), "svg") for _ in range(4)}
    assert len(drawn) == 1
    text = drawn.pop().decode()
    assert set(re.findall(r"url\(#([^)]+)\)", text)) <= set(re.findall(r'id="([^"]+)"', text))
