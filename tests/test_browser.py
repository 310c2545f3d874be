"""The explorer in a real browser: Debian's chromium driven by Playwright, fully offline.

Starts ``sim.viz.app.serve`` on 127.0.0.1 (a free port) in a subprocess, loads the page, steps,
moves a slider, resets and steps again, and checks that the page shows the new year, that
the R(t) chart changed, that a second browser session gets its own model, and that nothing
was fetched from outside the machine. The screenshot is saved under pytest's ``tmp_path``;
set ``NATOSIM_UPDATE_SCREENSHOT=1`` to also refresh ``docs/img/explorer.png``.

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
    _see(page, "Milestones so far")

    other = _open(browser, server, foreign, failed)  # a second session: its own model
    _see(other, "Start of 1991")
    _see(page, "End of 1993")

    assert not foreign, f"the explorer fetched from outside the machine: {foreign[:5]}"
    assert not failed, f"requests failed: {failed[:5]}"
    _screenshot(page, tmp_path / "explorer.png")


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
