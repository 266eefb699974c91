"""What a new user sees in Chromium at 1400 px: no metric label cut short, a task table that
needs no sideways scrolling, and no faded copy of a page while a job runs.

Browser, server and waiting come from tests/app/conftest.py and browser_support.py.
"""
from __future__ import annotations

import re
import time

import pytest
from browser_support import app_server, wait_until_idle

TASK = "car-chase"
WIDTH = 1400
# elements whose content is wider than their box (cut short with "…", or scrolled)
OVERFLOWING = ("e => [e, ...e.querySelectorAll('*')]"
               ".filter(x => x.scrollWidth > x.clientWidth + 1).length")


@pytest.fixture(scope="module")
def server(demo_dir, tmp_path_factory):
    """The app on the demo data with an empty cache: nothing computed yet."""
    cache = tmp_path_factory.mktemp("cold-cache")
    with app_server({"VA_DATA_DIR": str(demo_dir), "VA_CACHE_DIR": str(cache)}) as url:
        yield url


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": WIDTH, "height": 1400})
    yield page
    page.close()


@pytest.mark.parametrize("path, metrics", [("", 7), (f"train?task={TASK}", 10)])
def test_no_metric_label_is_cut_short(page, server, path, metrics):
    page.goto(f"{server}/{path}", wait_until="domcontentloaded")
    wait_until_idle(page)
    labels = page.locator('[data-testid="stMetricLabel"]')
    assert labels.count() == metrics
    for i in range(labels.count()):
        assert labels.nth(i).evaluate(OVERFLOWING) == 0, labels.nth(i).inner_text()


def test_overview_task_table_needs_no_sideways_scroll(page, server):
    page.goto(server, wait_until="domcontentloaded")
    wait_until_idle(page)
    tasks = page.locator('[data-testid="stDataFrame"]').first.locator(".dvn-scroller").first
    assert tasks.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_a_running_job_does_not_fade_the_page(page, server):
    page.goto(f"{server}/checkpoints?task={TASK}", wait_until="domcontentloaded")
    wait_until_idle(page)
    button = page.get_by_role("button", name=re.compile("Compute AP of"))
    button.click()
    progress = page.locator('[data-testid="stProgress"]')
    progress.wait_for(timeout=30_000)
    # one snapshot of the page at a time: the job's bars, whether they belong to a run that
    # is over (a new run marks everything of the last one stale, the bars too) and the stale
    # elements; the rerun that shows the results once the job ends fades the page as any
    # rerun does (on a busy machine long enough to be seen), so only the job's own time counts
    snapshot = """() => {
      const bars = [...document.querySelectorAll(
        '[data-testid="stProgress"] [role="progressbar"]')];
      return {values: bars.map(e => Number(e.getAttribute('aria-valuenow'))),
              over: bars.some(e => e.closest('[data-stale="true"]') !== null),
              stale: document.querySelectorAll(
                '[data-testid="stElementContainer"][data-stale="true"]').length};
    }"""
    worst, seen = {"stale": 0}, 0
    while True:
        now = page.evaluate(snapshot)
        if not now["values"] or max(now["values"]) >= 100 or now["over"]:
            break  # the job has ended
        worst = max(worst, now, key=lambda s: s["stale"])
        seen += 1
        time.sleep(0.05)
    wait_until_idle(page)
    assert seen > 3  # the job was watched while it ran
    assert worst["stale"] <= 1, worst  # at most the button's own place, never the whole page
    assert page.get_by_role("button", name=re.compile("Compute AP of")).count() == 0
    assert page.get_by_text("Last checkpoint AP").count() == 1
