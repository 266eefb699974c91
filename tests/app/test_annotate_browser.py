"""Real-browser test of *Annotate*: labels given by clicks and by a keyboard shortcut reach
the annotation store at once and are still there after a reload; a secondary's blind vote,
given by keyboard, too.

Browser, server and waiting come from tests/app/conftest.py and browser_support.py. The app
server gets its own empty state folder (VA_STATE_DIR), which the test reads through the store
API.
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from browser_support import app_server, wait_until_idle

from dashboard.annotate.store import default_url, open_store

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
TASK = "zoom"  # the demo's first task: the default of the "Continue a task" form
WHO = "alice"
WAIT_S = 30  # the bound of every single wait


@pytest.fixture(scope="module")
def served(demo_dir, tmp_path_factory):
    """(URL, state folder) of the app on the demo data with an empty annotation store."""
    state = tmp_path_factory.mktemp("annotate-state")
    log = tmp_path_factory.mktemp("annotate-log") / "streamlit.log"
    with app_server({"VA_DATA_DIR": str(demo_dir), "VA_STATE_DIR": str(state),
                     "VA_STATE_DB": None}, log) as url:
        yield url, state


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


def _screenshot(page, name: str) -> None:
    """Keep what the page showed when a test failed (best effort)."""
    SHOTS.mkdir(exist_ok=True)
    with contextlib.suppress(Exception):
        page.screenshot(path=str(SHOTS / name), full_page=True)


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
    wait_until_idle(page, WAIT_S, 0.5)


def test_labels_by_click_and_shortcut_are_saved_and_survive_a_reload(browser, served):
    url, state = served
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.set_default_timeout(WAIT_S * 1000)
    store = open_store(default_url(state))
    try:
        page.goto(f"{url}/annotate", wait_until="domcontentloaded")
        wait_until_idle(page, WAIT_S, 0.5)
        assert page.locator('[data-testid="stException"]').count() == 0
        name = page.get_by_role("textbox", name="Your name")
        name.fill(WHO)
        name.press("Enter")
        wait_until_idle(page, WAIT_S, 0.5)
        # "Continue a task of the data folder": zoom (the first task), from nothing
        page.get_by_text("nothing", exact=True).click()
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(f"**/annotate?task={TASK}")
        wait_until_idle(page, WAIT_S, 0.5)
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
        wait_until_idle(page, WAIT_S, 0.5)

        expected = {first[0]: True, second[0]: True, third[0]: False}

        def saved():
            labels = store.labels(TASK)
            return labels if dict(zip(labels["key"], labels["label"])) == expected else None

        labels = _poll(saved, f"the store holds {expected}")
        assert set(labels["annotator"]) == {WHO} and set(labels["feed"]) == {"search"}
        assert _metrics(page)["Labels"] == "3"
        assert _metrics(page)["Positives / negatives"] == "2 / 1"

        page.reload(wait_until="domcontentloaded")
        wait_until_idle(page, WAIT_S, 0.5)
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
        _screenshot(page, "annotate-browser-failure.png")
        raise
    finally:
        store.close()
        page.close()


def test_a_secondary_relabels_blind_by_keyboard(browser, served, ds):
    """A secondary sees the primary's shots without label or score; N saves a vote."""
    url, state = served
    store = open_store(default_url(state))
    keys = ds.shots["key"].tolist()[200:204]
    store.create_task("blind-check", primary=WHO)
    store.record("blind-check", keys, ["positive", "negative"] * 2, annotator=WHO)
    store.assign_secondaries("blind-check", ["bob"])
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()  # a browser session of its own
    page.set_default_timeout(WAIT_S * 1000)
    cards = page.locator('[class*="st-key-team_secondary_positive_"]')
    try:
        page.goto(f"{url}/annotate?task=blind-check", wait_until="domcontentloaded")
        wait_until_idle(page, WAIT_S, 0.5)
        name = page.get_by_role("textbox", name="Your name")
        name.fill("bob")
        name.press("Enter")
        _poll(lambda: cards.count() == 4, "four blind shots")
        wait_until_idle(page, WAIT_S, 0.5)  # the shortcuts are bound once the run settles
        captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
        assert not [c for c in captions if " · score " in c]
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("n")
        _poll(lambda: len(store.votes("blind-check")) == 1, "bob's vote in the store")
        vote = store.votes("blind-check").iloc[0]
        assert (vote["annotator"], bool(vote["label"])) == ("bob", False)
        assert vote["key"] in keys and store.labels("blind-check")["annotator"].eq(WHO).all()
        _poll(lambda: cards.count() == 3, "the voted shot leaves the feed")
    except BaseException:
        _screenshot(page, "annotate-blind-failure.png")
        raise
    finally:
        store.close()
        context.close()
