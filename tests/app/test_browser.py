"""Real-browser smoke test: every page of app.py in Chromium, no exception, screenshots.

Browser, server and waiting come from tests/app/conftest.py and browser_support.py.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from browser_support import app_server, wait_until_idle

from dashboard import Dataset
from dashboard.dataset import config
from dashboard.experiments import checkpoints, runner
from dashboard.figures.theme import task_label

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
TASK = "car-chase"


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


@pytest.fixture(scope="module")
def server(demo_dir):
    """The app on the demo data, with one task's checkpoint APs and Experiment 1 already
    cached on disk, so those pages draw their charts."""
    ds = Dataset(demo_dir)
    checkpoints.checkpoint_aps(ds, TASK, config.cache_dir())
    runner.run(ds, "experiment1", [TASK])
    with app_server({"VA_DATA_DIR": str(demo_dir)}) as url:
        yield url


def test_registered_pages_are_found():
    names = [n for n, _ in registered_pages()]
    assert {"overview", "browse", "agreement", "checkpoints"} <= set(names)


@pytest.mark.parametrize("name, path", registered_pages())
def test_page_in_browser(browser, server, name, path):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    try:
        page.goto(f"{server}/{path}?task={TASK}", wait_until="domcontentloaded")
        wait_until_idle(page)
        for i in range(page.locator('[data-testid="stPlotlyChart"]').count()):
            page.locator('[data-testid="stPlotlyChart"]').nth(i).locator(
                ".main-svg").first.wait_for(state="attached", timeout=30_000)  # tabs hide some
        errors = page.locator('[data-testid="stException"]')
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert errors.count() == 0, errors.first.inner_text()
    finally:
        page.close()


def test_embedding_map_selection_lists_shots_for_annotate(browser, server):
    """A lasso drawn over part of the map lists some (not all) labeled shots; they can become
    Annotate's example shots."""
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    try:
        page.goto(f"{server}/embedding_map?task={TASK}", wait_until="domcontentloaded")
        wait_until_idle(page)
        area = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first.bounding_box()
        x, y, w, h = area["x"], area["y"], area["width"], area["height"]
        lasso = [(x + w * a, y + h * b) for a, b in ((.5, .2), (.95, .2), (.95, .8), (.5, .8),
                                                     (.5, .2))]
        page.mouse.move(*lasso[0])
        page.mouse.down()
        for point in lasso[1:]:
            page.mouse.move(*point, steps=8)
        page.mouse.up()
        heading = page.get_by_text(re.compile(r"^[\d,]+ selected shots$"))
        heading.wait_for(timeout=30_000)
        wait_until_idle(page)
        picked = int(heading.inner_text().split()[0].replace(",", ""))
        total = int(re.search(r"([\d,]+) labeled shots", page.locator(".gtitle").first
                              .text_content()).group(1).replace(",", ""))
        assert 0 < picked < total
        page.get_by_role("button", name=re.compile("Search Annotate with these")).click()
        page.get_by_text("shots will be the examples of Annotate's search").wait_for(
            timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


def test_first_visit_straight_to_a_page_gets_the_app_shell(browser, demo_dir):
    """A fresh server's first request for /browse must still run app.py around the page."""
    with app_server({"VA_DATA_DIR": str(demo_dir)}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        try:
            page.goto(f"{url}/browse?task={TASK}", wait_until="domcontentloaded")
            wait_until_idle(page)
            nav = page.locator('[data-testid="stSidebarNav"]')
            assert "Browse a task" in nav.inner_text()  # app.py's titles, not file names
            assert page.get_by_label("Data folder", exact=True).input_value() == str(demo_dir)
            assert task_label(TASK) in page.locator("h1").first.inner_text()  # "car chase"
        finally:
            page.close()
