"""Real-browser test of *Annotate*: labels given by clicks and by a keyboard shortcut reach the
annotation store at once and are still there after a reload.

Drives Debian's chromium through Playwright, as tests/app/test_browser.py does: with CI=true
it must run; elsewhere it skips when chromium or playwright is missing. The app server gets
its own empty state folder (VA_STATE_DIR), which the test reads through the store API.
"""
from __future__ import annotations

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

from dashboard.annotate.store import default_url, open_store

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
TASK = "zoom"  # the demo's first task: the default of the "Continue a task" form
WHO = "alice"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WAIT_S = 30  # the bound of every single wait


def _need(what: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser test cannot run: {what}")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@contextlib.contextmanager
def _serve(demo_dir: Path, state: Path, log: Path):
    """Run the app on the demo data with its store in ``state``; yield its URL."""
    port = _free_port()
    env = {**os.environ, "VA_DATA_DIR": str(demo_dir), "VA_STATE_DIR": str(state)}
    env.pop("VA_STATE_DB", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true"], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited: {log.read_text()[-2000:]}")
                if time.time() > deadline:
                    pytest.fail("streamlit did not answer within 60 s")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def served(demo_dir, tmp_path_factory):
    """(URL, state folder) of the app on the demo data with an empty annotation store."""
    state = tmp_path_factory.mktemp("annotate-state")
    log = tmp_path_factory.mktemp("annotate-log") / "streamlit.log"
    with _serve(demo_dir, state, log) as url:
        yield url, state


def _wait_until_idle(page, timeout_s: float = WAIT_S) -> None:
    """Wait until the script (or fragment) run has finished and nothing is still loading
    for half a second."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_s * 1000)
    deadline, quiet_since = time.time() + timeout_s, None
    while time.time() < deadline:
        idle = (app.get_attribute("data-test-script-state") == "notRunning"
                and page.locator('[data-testid="stSkeleton"]').count() == 0)
        quiet_since = (quiet_since or time.time()) if idle else None
        if quiet_since and time.time() - quiet_since > 0.5:
            return
        time.sleep(0.1)
    raise AssertionError(f"the page was still running after {timeout_s:.0f} s")


def _poll(check, what: str, timeout_s: float = WAIT_S):
    """``check()`` once it is neither None nor False; AssertionError naming ``what`` after
    ``timeout_s``."""
    deadline = time.time() + timeout_s
    while True:
        value = check()
        if value is not None and value is not False:
            return value
        if time.time() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(0.2)


def _metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        out[m.locator('[data-testid="stMetricLabel"]').inner_text().strip()] = \
            m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def _shots(page) -> list[tuple[str, str]]:
    """(shot key, CSS class of its Positive button's container) of the open shots, in order.

    The key is the end of each shot's caption; Streamlit puts the widget key, made CSS-safe,
    in an ``st-key-…`` class."""
    captions = [c.rsplit(" · ", 1)[1] for c in
                page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
                if " · score " in c]
    classes = page.locator('[class*="st-key-annotate_positive_"]').evaluate_all(
        "els => els.map(e => [...e.classList].find(c => c.startsWith('st-key-')))")
    assert len(captions) == len(classes), (captions, classes)
    return [(k, c.removeprefix("st-key-annotate_positive_")) for k, c in zip(captions, classes)]


def _button(page, value: str, css_key: str):
    return page.locator(f'[class~="st-key-annotate_{value}_{css_key}"] button')


def _click(page, value: str, shot: tuple[str, str]) -> None:
    _button(page, value, shot[1]).click(timeout=WAIT_S * 1000)
    _button(page, "positive", shot[1]).wait_for(state="detached", timeout=WAIT_S * 1000)
    _wait_until_idle(page)


def test_labels_by_click_and_shortcut_are_saved_and_survive_a_reload(browser, served):
    url, state = served
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.set_default_timeout(WAIT_S * 1000)
    store = open_store(default_url(state))
    try:
        page.goto(f"{url}/annotate", wait_until="domcontentloaded")
        _wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        name = page.get_by_role("textbox", name="Your name")
        name.fill(WHO)
        name.press("Enter")
        _wait_until_idle(page)
        # "Continue a task of the data folder": zoom (the first task), from nothing
        page.get_by_text("nothing", exact=True).click()
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(f"**/annotate?task={TASK}")
        _wait_until_idle(page)
        assert store.tasks()["name"].tolist() == [TASK] and store.labels(TASK).empty
        _poll(lambda: _metrics(page).get("Labels") == "0", "the Labels metric shows 0")

        shots = _poll(lambda: len(_shots(page)) == 10 and _shots(page), "a batch of 10 shots")
        assert len({k for k, _ in shots}) == 10
        first, second, third = shots[:3]
        _click(page, "positive", second)
        _click(page, "negative", third)
        assert _shots(page)[0] == first  # still the focused shot: the shortcuts act on it
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("p")  # focus on the page body, not in a text box
        _button(page, "positive", first[1]).wait_for(state="detached")
        _wait_until_idle(page)

        expected = {first[0]: True, second[0]: True, third[0]: False}

        def saved():
            labels = store.labels(TASK)
            return labels if dict(zip(labels["key"], labels["label"])) == expected else None

        labels = _poll(saved, f"the store holds {expected}")
        assert set(labels["annotator"]) == {WHO} and set(labels["feed"]) == {"search"}
        assert _metrics(page)["Labels"] == "3"
        assert _metrics(page)["Positives / negatives"] == "2 / 1"

        page.reload(wait_until="domcontentloaded")
        _wait_until_idle(page)
        assert f"task={TASK}" in page.url
        _poll(lambda: _metrics(page).get("Labels") == "3",
              "after a reload the Labels metric shows the 3 labels")
        assert _metrics(page)["Positives / negatives"] == "2 / 1"
        shown = {k for k, _ in _poll(lambda: _shots(page) or False, "a batch after the reload")}
        assert not shown & set(expected)  # labeled shots are not offered again
        labels = store.labels(TASK)
        assert dict(zip(labels["key"], labels["label"])) == expected
        assert page.locator('[data-testid="stException"]').count() == 0
    except BaseException:
        SHOTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SHOTS / "annotate-browser-failure.png"), full_page=True)
        raise
    finally:
        store.close()
        page.close()
