"""The browser for the real-browser tests: Debian's Chromium through Playwright (which cannot
download its own browser here). With CI=true the browser tests must run; elsewhere they skip
when chromium or playwright is missing. Server and waiting helpers: browser_support.py."""
from __future__ import annotations

import os
import shutil

import pytest

from benchmarks.common import CHROMIUM_ARGS


def need(what: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser test cannot run: {what}")
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        need("Debian's chromium is not installed (python scripts/ensure_test_tools.py)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("the playwright package is not installed (requirements-dev.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()
