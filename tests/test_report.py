"""``report.html`` and ``natosim report DIR``: written by compare, validate and likelihood and
hashed in their manifests, the same bytes from the same folder, the folder's own verdict on
the page, offline in chromium (no request leaves the page), and bad folders refused in one
line."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli.main import app
from sim.core.files import file_sha256
from sim.outputs.folders import MANIFEST_NAME
from sim.outputs.report import REPORT_NAME, build_report, read_folder, recorded_command

runner = CliRunner()
CHROMIUM = Path("/usr/bin/chromium")
KINDS = ("compare", "validate", "likelihood")


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The smallest compare, validate and likelihood runs that write every section."""
    tmp = tmp_path_factory.mktemp("report")
    short = write_short_scenario(tmp, start=2003, end=2008)
    commands = {
        "compare": ["compare", "post-cold-war", "--paradigms", "realist,liberal", "--replicas",
                    "2", "--seed", "5", "--window", "1991-2008"],
        "validate": ["validate", "post-cold-war", "--paradigms", "realist,liberal",
                     "--budget", "2", "--replicas", "2", "--eval-replicas", "3", "--seeds", "1",
                     "--headline"],
        "likelihood": ["likelihood", str(short), "--budget", "2", "--particles", "3",
                       "--seeds", "1"],
    }
    out = {}
    for kind, args in commands.items():
        out[kind] = tmp / kind
        result = runner.invoke(app, [*args, "--out", str(out[kind])])
        assert result.exit_code == 0, result.output
    return out


def _page(folder: Path) -> str:
    return (folder / REPORT_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_each_command_writes_a_report_hashed_in_its_manifest(folders, kind: str) -> None:
    folder = folders[kind]
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["files"][REPORT_NAME] == file_sha256(folder / REPORT_NAME)
    assert read_folder(folder)["kind"] == kind


@pytest.mark.parametrize("kind", KINDS)
def test_report_command_gives_the_same_bytes(folders, kind: str, tmp_path: Path) -> None:
    """`natosim report DIR` rebuilds, byte for byte, the page the command wrote."""
    folder = folders[kind]
    result = runner.invoke(app, ["report", str(folder), "--out", str(tmp_path / "again.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again.html").read_bytes() == (folder / REPORT_NAME).read_bytes()


def test_the_page_shows_nothing_that_differs_between_identical_runs(folders) -> None:
    manifest = json.loads((folders["compare"] / MANIFEST_NAME).read_text())
    page = _page(folders["compare"])
    for volatile in (manifest["created"], str(folders["compare"]),
                     manifest.get("git_commit") or "no commit"):
        assert volatile not in page
    assert "--out" not in recorded_command(manifest)


def test_validate_page_holds_the_folders_verdict(folders) -> None:
    verdict = pd.read_csv(folders["validate"] / "verdict.csv").set_index("topic")["finding"]
    page = _page(folders["validate"])
    assert html.escape(verdict["overall"]) in page
    assert page.index("Verdict") < page.index("Threats to validity")
    assert "verdict.png" in json.loads((folders["validate"] / MANIFEST_NAME).read_text())[
        "files"]


def test_likelihood_page_holds_the_folders_verdict(folders) -> None:
    sentences = [line[2:] for line in (folders["likelihood"] / "verdict.md").read_text()
                 .splitlines() if line.startswith("- ")]
    page = _page(folders["likelihood"])
    assert sentences and all(html.escape(s) in page for s in sentences)


def test_compare_page_names_the_best_paradigm_of_each_window(folders) -> None:
    aggregate = pd.read_csv(folders["compare"] / "aggregate.csv")
    page = _page(folders["compare"])
    assert "not calibrated, not a verdict" in page
    for window, part in aggregate.groupby("window"):
        best = part[part["kind"] == "paradigm"].sort_values("aggregate_skill").iloc[-1]
        assert (f"Window {window}: the best paradigm, {best['forecaster']}, has aggregate "
                f"skill {best['aggregate_skill']:.2f}") in page


def test_threats_take_their_numbers_from_the_folder(folders) -> None:
    decisions = pd.read_csv(folders["likelihood"] / "decisions.csv")
    breaks = pd.read_csv(folders["likelihood"] / "breaks.csv")
    assert (f"{len(decisions)} scored decisions and {len(breaks)} breaks"
            in _page(folders["likelihood"]))
    parameters = pd.read_csv(folders["validate"] / "parameters.csv")
    assert f"of {len(parameters)} fitted values" in _page(folders["validate"]) or \
        f"({len(parameters)} fitted, parameters.csv)" in _page(folders["validate"])
    assert "hand-coded" in _page(folders["compare"])


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian chromium not found at {CHROMIUM}"
                    " (apt-get install -y chromium)")
def test_pages_render_offline_in_chromium(folders) -> None:
    """Every request the page makes is a data: URI; every image decodes; no stylesheet,
    script or font is fetched."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for kind in KINDS:
                page = browser.new_context(offline=True).new_page()
                outside: list[str] = []

                def route(r, outside=outside) -> None:
                    if r.request.url.startswith("data:"):
                        r.continue_()
                    else:
                        outside.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.set_content(_page(folders[kind]), wait_until="load")
                assert outside == [], kind
                images = page.evaluate("Array.from(document.images).map(i => "
                                       "[i.complete, i.naturalWidth])")
                assert len(images) >= 2 and all(ok and w > 0 for ok, w in images), kind
                assert page.evaluate("document.querySelectorAll('link, script').length") == 0
                assert kind in page.locator("h1").inner_text()
                assert page.get_by_text("Threats to validity").is_visible()
                page.context.close()
        finally:
            browser.close()


def _one_line_exit_2(args: list[str], *needles: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(n in lines[0] for n in needles), lines[0]


def test_bad_folders_are_one_line_errors(folders, tmp_path: Path) -> None:
    _one_line_exit_2(["report", str(tmp_path / "nowhere")], "no such folder")
    (tmp_path / "file.txt").write_text("x")
    _one_line_exit_2(["report", str(tmp_path / "file.txt")], "not a folder")
    (tmp_path / "empty").mkdir()
    _one_line_exit_2(["report", str(tmp_path / "empty")], "no manifest.json")
    other = tmp_path / "counterfactual"
    shutil.copytree(folders["compare"], other)
    manifest = json.loads((other / MANIFEST_NAME).read_text())
    (other / MANIFEST_NAME).write_text(json.dumps({**manifest, "kind": "counterfactual"}))
    _one_line_exit_2(["report", str(other)], "kind", "counterfactual", "compare, validate or "
                     "likelihood")
    (other / MANIFEST_NAME).write_text("{not json")
    _one_line_exit_2(["report", str(other)], MANIFEST_NAME)


def test_build_report_twice_is_identical(folders) -> None:
    content = read_folder(folders["validate"])
    assert build_report(folders["validate"], content) == build_report(folders["validate"],
                                                                       content)
