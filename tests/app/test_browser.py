"""Real-browser smoke test: every page of app.py in Chromium, no exception, screenshots.

Drives Debian's chromium through Playwright (which cannot download its own browser here).
With CI=true it must run; elsewhere it skips when chromium or playwright is missing.
"""
from __future__ import annotations

import ast
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import Dataset
from dashboard.dataset import config
from dashboard.experiments import checkpoints, runner

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
TASK = "car-chase"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def registered_pages() -> list[tuple[str, str]]:
    """(name, url path) of every st.Page in app.py's PAGES; the default page is ''."""
    tree = ast.parse((ROOT / "app.py").read_text())
    pages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords
                  if isinstance(k.value, ast.Constant)}
            stem = Path(ast.literal_eval(node.args[0])).stem
            pages.append((stem, "" if kw.get("default") else kw.get("url_path", stem)))
    return pages


def _need(what: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser test cannot run: {what}")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(demo_dir):
    """Run the app on the demo data on a free port; yield its URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "VA_DATA_DIR": str(demo_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not answer within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_dir):
    """The app on the demo data, with one task's checkpoint APs and Experiment 1 already
    cached on disk, so those pages draw their charts."""
    ds = Dataset(demo_dir)
    checkpoints.checkpoint_aps(ds, TASK, config.cache_dir())
    runner.run(ds, "experiment1", [TASK])
    with _serve(demo_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        _need("Debian's chromium is not installed (python scripts/ensure_chromium.py)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright package is not installed (requirements-dev.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _wait_until_idle(page, timeout_s: float = 120) -> None:
    """Wait until the script run has finished and nothing is still loading (no skeleton
    placeholder) for a second."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_s * 1000)
    deadline, quiet_since = time.time() + timeout_s, None
    while time.time() < deadline:
        idle = (app.get_attribute("data-test-script-state") == "notRunning"
                and page.locator('[data-testid="stSkeleton"]').count() == 0)
        quiet_since = (quiet_since or time.time()) if idle else None
        if quiet_since and time.time() - quiet_since > 1.0:
            return
        time.sleep(0.2)
    raise AssertionError(f"the page was still running after {timeout_s:.0f} s")


def test_registered_pages_are_found():
    names = [n for n, _ in registered_pages()]
    assert {"overview", "browse", "agreement", "checkpoints"} <= set(names)


@pytest.mark.parametrize("name, path", registered_pages())
def test_page_in_browser(browser, server, name, path):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    try:
        page.goto(f"{server}/{path}?task={TASK}", wait_until="domcontentloaded")
        _wait_until_idle(page)
        for i in range(page.locator('[data-testid="stPlotlyChart"]').count()):
            page.locator('[data-testid="stPlotlyChart"]').nth(i).locator(
                ".main-svg").first.wait_for(state="attached", timeout=30_000)  # tabs hide some
        errors = page.locator('[data-testid="stException"]')
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert errors.count() == 0, errors.first.inner_text()
    finally:
        page.close()


def test_first_visit_straight_to_a_page_gets_the_app_shell(browser, demo_dir):
    """A fresh server's first request for /browse must still run app.py around the page."""
    with _serve(demo_dir) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        try:
            page.goto(f"{url}/browse?task={TASK}", wait_until="domcontentloaded")
            _wait_until_idle(page)
            nav = page.locator('[data-testid="stSidebarNav"]')
            assert "Browse a task" in nav.inner_text()  # app.py's titles, not file names
            assert page.get_by_label("Data folder", exact=True).input_value() == str(demo_dir)
            assert TASK in page.locator("h1").first.inner_text()
        finally:
            page.close()
