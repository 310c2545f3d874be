"""``natosim compare``: the scorecard end to end (CliRunner, few replicas) and its parts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_records
from matplotlib.figure import Figure
from typer.testing import CliRunner

from sim.analysis import compare as cmp
from sim.cli import app
from sim.core import files
from sim.core.errors import ParameterError
from sim.data.observed import load_observed
from sim.model.paradigms import PARADIGMS
from sim.outputs import folders
from sim.outputs.report import REPORT_NAME
from sim.viz import plots

runner = CliRunner()
FILES = {*cmp.TABLE_FILES, *cmp.CHART_FILES, REPORT_NAME, folders.MANIFEST_NAME}
BASE = ["compare", "post-cold-war", "--replicas", "6", "--seed", "11"]


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in directory.iterdir()}


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> tuple[Path, str]:
    """One real comparison on the shipped scenario, both default windows: (out, stdout)."""
    out = tmp_path_factory.mktemp("compare") / "out"
    result = runner.invoke(app, [*BASE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.stdout


@pytest.fixture(scope="module")
def observed():
    return load_observed()


# --------------------------------------------------------------------------- end to end


def test_compare_writes_every_file_and_manifest(compared) -> None:
    out, _ = compared
    assert {p.name for p in out.iterdir()} == FILES
    manifest = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert manifest["command"][:3] == ["natosim", "compare", "post-cold-war"]
    assert manifest["seed"] == 11 and manifest["replicas"] == 6 and manifest["mode"] == "replay"
    assert manifest["paradigms"] == list(PARADIGMS)  # every registered paradigm by default
    assert manifest["scenario"]["name"] == "post-cold-war"
    assert [w["label"] for w in manifest["windows"]] == ["1991-2008", "1991-2024"]
    assert manifest["calibration"] == [1991, 2007]
    assert "observed_coercion.csv" in manifest["observed_data"]
    assert all(len(h) == 64 for h in manifest["observed_data"].values())
    assert set(manifest["files"]) == FILES - {folders.MANIFEST_NAME}
    for name, digest in manifest["files"].items():
        assert files.file_sha256(out / name) == digest


def test_both_windows_are_scored_and_shown(compared) -> None:
    out, stdout = compared
    assert "window 1991-2008" in stdout and "window 1991-2024" in stdout
    assert "NOT CALIBRATED, NOT A VERDICT" in stdout and "sign test" in stdout
    assert "naive baseline" in stdout
    card = pd.read_csv(out / "scorecard.csv")
    assert list(card.columns) == ["window", "observable", "component", "forecaster", "kind",
                                  "metric", "value"]
    assert list(dict.fromkeys(card["window"])) == ["1991-2008", "1991-2024"]
    stability = pd.read_csv(out / "rank_stability.csv")
    assert stability.groupby("window")["share_first"].sum().tolist() == pytest.approx([1, 1])
    aggregate = pd.read_csv(out / "aggregate.csv")
    assert {"aggregate_skill", "O1", "O5", "O6"} <= set(aggregate.columns)
    assert (aggregate.groupby("window")["rank"].min() == 1).all()
    document = json.loads((out / "scorecard.json").read_text())
    assert len(document["scorecard"]) == len(card)
    assert [w["label"] for w in document["windows"]] == ["1991-2008", "1991-2024"]


def test_rerun_without_force_is_refused_and_leaves_files(compared) -> None:
    out, _ = compared
    before = _snapshot(out)
    result = runner.invoke(app, [*BASE, "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "use --force" in result.stderr
    assert _snapshot(out) == before


def test_same_seed_gives_byte_identical_scorecard(compared, tmp_path: Path) -> None:
    first, _ = compared
    again = tmp_path / "again"
    assert runner.invoke(app, [*BASE, "--out", str(again)]).exit_code == 0
    for name in cmp.TABLE_FILES:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_one_window_and_a_params_file(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("realist:\n  kappa: 2.5\n")
    out = tmp_path / "out"
    args = ["compare", "post-cold-war", "--paradigms", "realist,liberal", "--replicas", "3",
            "--window", "2008-2024", "--params", str(params), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "window 2008-2024" in result.stdout and "window 1991-2008" not in result.stdout
    manifest = json.loads((out / folders.MANIFEST_NAME).read_text())
    assert manifest["params"]["realist"]["kappa"] == 2.5
    assert manifest["params_file"]["sha256"] == files.file_sha256(params)
    assert manifest["command"][-6:-4] == ["--window", "2008-2024"]
    assert set(pd.read_csv(out / "scorecard.csv")["window"]) == {"2008-2024"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--window", "2008"], "--window"),
        (["--window", "2030-2040"], "no year in the scenario period"),
        (["--calibration", "2007-1991"], "--calibration"),
        (["--paradigms", "idealist"], "unknown paradigm"),
    ],
)
def test_bad_options_are_one_line(args: list[str], fragment: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [*BASE, *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- parts


def test_parse_years_and_default_windows() -> None:
    from sim.core.periods import parse_period  # the one period parser (compare, calibrate)

    assert parse_period("1991-2008", "--window") == (1991, 2008)
    assert parse_period(" 2008–2024 ", "--window") == (2008, 2024)
    with pytest.raises(ParameterError, match="YEAR-YEAR"):
        parse_period("1991", "--window")
    assert cmp.default_windows((1991, 2024)) == [(1991, 2008), (1991, 2024)]
    assert cmp.default_windows((1991, 2008)) == [(1991, 2008)]
    assert cmp.default_windows((2004, 2008)) == [(1991, 2008), (2004, 2008)]
    with pytest.raises(ParameterError, match="two years"):
        cmp.check_windows([(1991, 2008)], (1991, 2007), (2007, 2010))


def test_load_params_without_the_params_module_loader(tmp_path: Path, monkeypatch) -> None:
    import sim.model.params

    path = tmp_path / "p.toml"
    path.write_text("[chassis]\nmu = 0.7\n[realist]\nkappa = 1.5\n[provenance]\nby = 'test'\n")
    monkeypatch.delattr(sim.model.params, "load_params_file", raising=False)
    assert cmp.load_params(path) == {"chassis": {"mu": 0.7}, "realist": {"kappa": 1.5}}
    (tmp_path / "bad.yaml").write_text("- a list\n")
    with pytest.raises(ParameterError, match="mapping"):
        cmp.load_params(tmp_path / "bad.yaml")
    with pytest.raises(ParameterError, match="toml"):
        cmp.load_params(tmp_path / "p.json")


def test_comparison_tables_and_verdict(observed) -> None:
    records = make_records()
    comparison = cmp.score_windows(records, observed, [(1991, 2008), (1993, 1998)], (1991, 1996))
    card = comparison.scorecard()
    assert list(dict.fromkeys(card["window"])) == ["1991-2008", "1993-1998"]
    best = cmp.best_paradigms(comparison)
    assert set(best["best"]) <= set(records.paradigms)
    assert (best["margin"].dropna() >= 0).all()
    assert len(cmp.scorecard_tables(comparison)) == 2


# --------------------------------------------------------------------------- charts


def test_compare_charts_return_figures(observed) -> None:
    records = make_records()
    comparison = cmp.score_windows(records, observed, [(1991, 1998)], (1991, 1996))
    fig = plots.plot_observed_vs_simulated(records, observed, calibration=(1991, 1996))
    # O4, O1 x2, O2, then O3 as one stacked-shares panel per paradigm (2 here)
    assert isinstance(fig, Figure) and len(fig.axes) == 4 + 2
    observed_lines = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == "observed"]
    assert len(observed_lines) == 4
    status = [ax for ax in fig.axes if any(a.get_gid() == "observed-S" for a in ax.lines)]
    assert [ax.get_ylabel() for ax in status] == list(records.paradigms)
    heat = plots.plot_scorecard(comparison.scorecard(), comparison.aggregate(), records.meta)
    assert isinstance(heat, Figure)
    values = [t.get_text() for ax in heat.axes for t in ax.texts if t.get_gid() == "skill-value"]
    # 10 components (O1 x2, O2, O4 flow and stock, O7, O8, O3, O5, O6) + the aggregate, for
    # 2 paradigms + 3 baselines
    assert len(values) == 11 * 5
    events = plots.plot_events(records, observed)
    assert isinstance(events, Figure)
    assert len([ax for ax in events.axes if ax.get_label() != "<colorbar>"]) == 2 * 3


def test_event_probabilities() -> None:
    records = make_records()
    force = plots.event_probabilities(records, 2)
    assert force["realist"].loc["GEO", 1996] == 1.0 and force["realist"].loc["GEO", 1995] == 0
    assert float(force["liberal"].to_numpy().max()) == 0.0


@pytest.mark.parametrize("width", [80, 100])
def test_printed_scorecard_fits_the_terminal(observed, width) -> None:
    # no line is wider than the terminal, no cell is cut (rich's ellipsis), every forecaster
    # keeps its column or line, and every word of the reading under the table is printed whole
    import re

    from rich.console import Console

    from sim.analysis.scorecard_tables import HEADING, _verdict

    records = make_records()
    comparison = cmp.score_windows(records, observed, [(1991, 1998)], (1991, 1996))
    console = Console(width=width, record=True)
    for table in cmp.scorecard_tables(comparison):
        console.print(table)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    assert HEADING.upper() in text
    for name in comparison.forecasters:
        assert name in text
    words = set(re.split(r"\s+", text))
    for word in re.split(r"\s+", _verdict(comparison, comparison.cards["1991-1998"])):
        assert word in words, word
