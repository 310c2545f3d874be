"""The explorer in a real browser: Debian's chromium driven by Playwright, fully offline.

Starts ``sim.viz.app.serve`` on 127.0.0.1 (a free port) in a subprocess. For every registered
paradigm: picks it (and a shipped scenario), moves a slider, presses Reset and checks that the
running model has that paradigm and value. Then steps, resets and steps again, and checks
that the page shows the new year, that the R(t) chart changed, that a second browser
session gets its own model, and that nothing was fetched from outside the machine. Side by
side: every paradigm in one view renders, steps, and downloads its series (CSV) and a chart
(SVG). A benchmark prints page, Step and ▶ times, and the same run's cost of drawing the
charts from scratch each step. The
screenshot is saved under pytest's ``tmp_path``; set ``NATOSIM_UPDATE_SCREENSHOT=1``
to also refresh ``docs/img/explorer.png``.

Skips with the reason when chromium or the ``app`` extra is missing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
DOCS_SCREENSHOT = ROOT / "docs" / "img" / "explorer.png"
START_TIMEOUT = 40.0  # s for the server to answer
UI_TIMEOUT = 30_000  # ms for the page to show something

_missing = [m for m in ("solara", "playwright") if importlib.util.find_spec(m) is None]
pytestmark = [
    pytest.mark.skipif(bool(_missing), reason=f"the app extra is not installed (missing "
                       f"{', '.join(_missing)}): pip install -e '.[app]'"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian chromium not found at {CHROMIUM}"
                       " (apt-get install -y chromium; .ci/run does this)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"explorer exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"explorer did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer running in a subprocess; yields its URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("explorer") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    code = f"from sim.viz.app import serve; serve('127.0.0.1', {port})"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(server: str):
    """Headless Debian chromium (Playwright downloads no browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _open(browser, url: str, foreign: list[str], failed: list[str]):
    """A page in a fresh context (a new Solara session), logging off-machine and failed
    requests."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.on("request", lambda r: foreign.append(r.url)
            if not r.url.startswith((url.rstrip("/"), "data:", "blob:", "ws://127.0.0.1"))
            else None)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.set_default_timeout(UI_TIMEOUT)
    page.goto(url)
    return page


def _see(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(state="visible")


def _step(page, first: int, last: int) -> None:
    """Press Step once per year from ``first`` to ``last``, waiting for each year to show
    (a click sent while the page re-renders could otherwise be lost)."""
    for year in range(first, last + 1):
        page.get_by_role("button", name="Step").click()
        _see(page, f"End of {year}")


def _relation_chart(page, differs_from: bytes | None = None) -> bytes:
    """The R(t) chart as rendered pixels (the first chart image on the page); with
    ``differs_from``, wait (up to the UI timeout) until it has been redrawn."""
    image = page.locator("img").first
    image.wait_for(state="visible")
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while True:
        time.sleep(0.3)  # let the browser paint the newest image
        try:
            pixels = image.screenshot()
        except Exception:  # "element is not stable" while it is being replaced: try again
            if time.monotonic() > deadline:
                raise
            continue
        if differs_from is None or pixels != differs_from or time.monotonic() > deadline:
            return pixels


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    page.get_by_role("button", name=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def _progress(page) -> str:
    """The line under the clock: paradigm · scenario · mode · replicas · seed · values."""
    return page.get_by_text(" replicas · seed ").first.inner_text()


def test_reset_runs_what_the_sidebar_shows_for_every_paradigm(browser, server: str) -> None:
    """Change the paradigm (every registered one, and the other shipped scenario), move a
    slider, press Reset: the running model has that paradigm and that value."""
    from sim.model.paradigms import PARADIGMS

    foreign: list[str] = []
    failed: list[str] = []
    page = _open(browser, server, foreign, failed)
    _see(page, "Start of 1991")
    for i, (paradigm, cls) in enumerate(reversed(list(PARADIGMS.items()))):
        scenario = "ratti-2009" if i % 2 else "post-cold-war"
        _choose(page, "scenario", scenario)  # each builds a model at once: wait for it
        _see(page, f" · {scenario} · ")
        _choose(page, "paradigm", paradigm)
        _see(page, f"{paradigm} · {scenario} · ")
        name, param = next(iter(cls.parameters.items()))
        qualified = f"{paradigm}.{name}"
        page.get_by_role("slider", name=qualified).press("End")  # the top of its range
        page.get_by_role("button", name="Reset").click()
        _see(page, f"{qualified}={param.bounds[1]:g},")
        line = _progress(page)
        assert line.startswith(f"{paradigm} · {scenario} · replay"), line
        _step(page, 1991, 1991)
        assert _progress(page).startswith(f"{paradigm} · {scenario}"), "Step changed model"
    assert not foreign, f"the explorer fetched from outside the machine: {foreign[:5]}"
    assert not failed, f"requests failed: {failed[:5]}"


def test_slider_step_and_chart_in_chromium(browser, server: str, tmp_path: Path) -> None:
    foreign: list[str] = []
    failed: list[str] = []
    page = _open(browser, server, foreign, failed)
    _see(page, "Start of 1991")
    empty_chart = _relation_chart(page)

    _step(page, 1991, 1993)
    default_chart = _relation_chart(page, differs_from=empty_chart)
    assert default_chart != empty_chart, "R(t) chart did not change after stepping"

    from sim.model.paradigms import PARADIGMS

    first = next(iter(PARADIGMS))  # the explorer opens on the first registered paradigm
    name, param = next(iter(PARADIGMS[first].parameters.items()))
    qualified = f"{first}.{name}"
    page.get_by_role("slider", name=qualified).press("End")  # to the top of its range
    page.get_by_role("button", name="Reset").click()
    _see(page, "Start of 1991")
    _see(page, f"{qualified}={param.bounds[1]:g},")  # rebuilt with the slider's value
    _step(page, 1991, 1993)
    changed_chart = _relation_chart(page, differs_from=default_chart)
    assert changed_chart != default_chart, f"R(t) chart did not change with {qualified}"
    _see(page, "Key: input milestones")
    for leftover in ("Page 0", "Use Threads", "Time:"):
        assert page.get_by_text(leftover, exact=True).count() == 0, leftover

    other = _open(browser, server, foreign, failed)  # a second session: its own model
    _see(other, "Start of 1991")
    _see(page, "End of 1993")

    assert not foreign, f"the explorer fetched from outside the machine: {foreign[:5]}"
    assert not failed, f"requests failed: {failed[:5]}"
    _screenshot(page, tmp_path / "explorer.png")


def _side_by_side(page) -> None:
    """Switch the page to side by side and wait for every paradigm's run."""
    from sim.model.paradigms import PARADIGMS

    page.get_by_text("side by side: every paradigm, same seed").click()
    _see(page, "side by side: " + ", ".join(PARADIGMS))


def test_side_by_side_renders_steps_and_downloads(browser, server: str, tmp_path: Path) -> None:
    """Every paradigm in one view: three charts, stepping moves them, and the series download
    is the CSV of every paradigm's run so far."""
    import pandas as pd

    from sim.model.paradigms import PARADIGMS

    foreign: list[str] = []
    failed: list[str] = []
    page = _open(browser, server, foreign, failed)
    _see(page, "Start of 1991")
    _side_by_side(page)
    assert page.locator("img").count() == 3  # R overlaid, S and alignment multiples
    before = _relation_chart(page)
    _step(page, 1991, 1992)
    assert _relation_chart(page, differs_from=before) != before, "R(t) did not move"
    with page.expect_download() as info:
        page.get_by_role("button", name="series (CSV)").click()
    path = tmp_path / "series.csv"
    info.value.save_as(path)
    series = pd.read_csv(path)
    assert list(series["paradigm"].unique()) == list(PARADIGMS)
    assert sorted(series["year"].unique()) == [1991, 1992]
    assert len(series) == len(PARADIGMS) * 5 * 2  # paradigms x default replicas x years
    with page.expect_download() as info:
        page.get_by_role("button", name="relation SVG").click()
    svg = tmp_path / "relation.svg"
    info.value.save_as(svg)
    assert "<svg" in svg.read_text()[:2000]
    assert not foreign, f"the explorer fetched from outside the machine: {foreign[:5]}"
    assert not failed, f"requests failed: {failed[:5]}"


def _steps_timed(page, first: int, last: int) -> tuple[list[float], list[float]]:
    """Step from ``first`` to ``last``: seconds from click to the new year shown, and the
    server's own time per step (as the page prints it)."""
    clicks, server = [], []
    for year in range(first, last + 1):
        t0 = time.monotonic()
        page.get_by_role("button", name="Step").click()
        _see(page, f"End of {year}")
        clicks.append(time.monotonic() - t0)
        text = page.get_by_text("last step ").first.inner_text()
        server.append(float(text.split("last step ")[1].split(" ms")[0]) / 1000)
    return clicks, server


def _year_shown(page) -> int:
    """The last simulated year the clock shows (``End of 1995 (…)``); 0 before a step."""
    text = page.get_by_text("End of ").first.inner_text(timeout=UI_TIMEOUT)
    return int(text.split("End of ")[1][:4])


def _play(page, interval: int, years: int) -> tuple[float, list[int]]:
    """Set the play interval, press ▶, watch the clock for ``years`` more years, pause.

    Returns the median ms between two years shown one after the other (▶ steps the first
    year at once, so timing from the click would undercount) and every year the page
    showed, in order (a year missing there was never displayed).
    """
    play = page.get_by_role("slider", name="play interval")
    play.press("Home")
    for _ in range((interval - 50) // 50):  # the slider's steps are 50 ms, from 50
        play.press("ArrowRight")
    start = _year_shown(page)
    page.get_by_role("button", name="▶").click()
    seen: list[tuple[float, int]] = []
    deadline = time.monotonic() + UI_TIMEOUT / 1000 + years * interval / 1000
    while time.monotonic() < deadline:
        year = _year_shown(page)
        if year > start and (not seen or year != seen[-1][1]):
            seen.append((time.monotonic(), year))
        if seen and seen[-1][1] >= start + years:
            break
        time.sleep(0.01)
    page.get_by_role("button", name="❚❚").click()
    gaps = [(b[0] - a[0]) / (b[1] - a[1]) for a, b in zip(seen, seen[1:], strict=False)]
    return _median(gaps) * 1000, [y for _, y in seen]


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _rebuild_baseline(replicas: int, years: int) -> tuple[float, float, float, float]:
    """In this process, on the models the page runs: seconds per step of drawing the charts
    from scratch with sim.viz.plots' one-shot functions and of the live (blitted) update,
    one paradigm (four charts) and side by side (three)."""
    import io

    from sim.model.records import Records
    from sim.viz import app, plots
    from sim.viz.live import LiveCharts
    from sim.viz.live_side import SideBySideCharts

    def png(fig) -> None:
        fig.savefig(io.BytesIO(), format="png", dpi=80)

    models = app.build_models(app.Settings(side_by_side=True, replicas=replicas))
    first = next(iter(models.values()))
    one, side = LiveCharts(first), SideBySideCharts(models)
    rebuild_one, rebuild_side, live_one, live_side = [], [], [], []
    for _ in range(years):
        for model in models.values():
            model.step()
        t0 = time.perf_counter()
        records = first.records()
        for fig in (plots.plot_relation(records), plots.plot_status(records),
                    plots.plot_arming(records), plots.plot_alignment_heatmap(records)):
            png(fig)
        t1 = time.perf_counter()
        joined = Records.concat([m.records() for m in models.values()])
        for fig in (plots.plot_relation(joined), plots.plot_status(joined),
                    plots.plot_alignment_heatmap(joined)):
            png(fig)
        t2 = time.perf_counter()
        one.update()
        for chart in one.names:
            one.frame(chart)
        t3 = time.perf_counter()
        side.update()
        for chart in side.names:
            side.frame(chart)
        t4 = time.perf_counter()
        rebuild_one.append(t1 - t0)
        rebuild_side.append(t2 - t1)
        live_one.append(t3 - t2)
        live_side.append(t4 - t3)
    return (_median(rebuild_one), _median(live_one), _median(rebuild_side),
            _median(live_side))


@pytest.mark.skipif(not os.environ.get("NATOSIM_BENCH"),
                    reason="a benchmark: NATOSIM_BENCH=1 pytest -s tests/test_browser.py -k "
                           "benchmark")
def test_benchmark_step_and_play(browser, server: str) -> None:
    """Benchmark (printed, never asserted against a time): page usable; one Step at 20
    replicas, one paradigm and side by side, as the browser sees it and as the server
    reports it; ▶ at two play intervals, measured against each (and the years the page
    showed, so a skipped year shows); a second tab; and, in this same run, drawing the
    charts from scratch each step against the live update. Off in ``make test`` (it keeps
    the suite's time for tests); on with ``NATOSIM_BENCH=1``."""
    started = time.monotonic()
    page = _open(browser, server, [], [])
    _see(page, "Start of 1991")
    usable = time.monotonic() - started
    page.get_by_role("slider", name="replicas").press("End")  # 20 replicas
    page.get_by_role("button", name="Reset").click()
    _see(page, " 20 replicas ")
    one_click, one_server = _steps_timed(page, 1991, 1994)
    _side_by_side(page)  # keeps the sidebar's 20 replicas
    _see(page, " 20 replicas ")
    side_click, side_server = _steps_timed(page, 1991, 1994)
    played = {interval: _play(page, interval, 6) for interval in (250, 750)}
    started = time.monotonic()
    second = _open(browser, server, [], [])  # another tab: its session was built ahead too
    _see(second, "Start of 1991")
    usable_second = time.monotonic() - started
    second.context.close()
    rebuild_one, live_one, rebuild_side, live_side = _rebuild_baseline(20, 4)
    load = os.getloadavg()[0]
    print(f"\nexplorer benchmark (load average {load:.1f} on {os.cpu_count()} cores): "
          f"page usable {usable:.2f} s after the server answered; a second tab "
          f"{usable_second:.2f} s")
    print(f"  Step at 20 replicas, click to new year shown (median/max): one paradigm "
          f"{_median(one_click):.3f}/{max(one_click):.3f} s, side by side "
          f"{_median(side_click):.3f}/{max(side_click):.3f} s")
    print(f"  server time per step (simulate + redraw, median): one paradigm "
          f"{_median(one_server):.3f} s, side by side {_median(side_server):.3f} s")
    for interval, (per_year, shown) in played.items():
        print(f"  ▶ side by side, play interval {interval} ms: {per_year:.0f} ms per year "
              f"measured (median) ({per_year / interval:.2f}x the chosen interval); years shown "
              f"{shown}")
    print(f"  same run, redraw per step: one paradigm live {live_one:.3f} s vs from scratch "
          f"{rebuild_one:.3f} s ({rebuild_one / live_one:.0f}x); side by side live "
          f"{live_side:.3f} s vs from scratch {rebuild_side:.3f} s "
          f"({rebuild_side / live_side:.0f}x)")


def _screenshot(page, path: Path) -> None:
    """Save the page; with NATOSIM_UPDATE_SCREENSHOT=1 run on to 2014 and refresh the docs'."""
    update = bool(os.environ.get("NATOSIM_UPDATE_SCREENSHOT"))
    if update:
        _step(page, 1994, 2014)
        time.sleep(1.0)
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    if update:
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT)
