"""Helpers of the real-browser tests: the app server on loopback and waiting for a page to
finish its script run."""
from __future__ import annotations

import contextlib
import time

import pytest

from benchmarks.common import serve_app


@contextlib.contextmanager
def app_server(env: dict, log=None):
    """The app on loopback with ``env``; a server that does not start fails the test."""
    try:
        with serve_app(env, log) as url:
            yield url
    except RuntimeError as e:
        pytest.fail(str(e))


def wait_until_idle(page, timeout_s: float = 120, quiet_s: float = 1.0) -> None:
    """Wait until the script (or fragment) run has finished and nothing is still loading (no
    skeleton placeholder) for ``quiet_s``."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_s * 1000)
    deadline, quiet_since = time.time() + timeout_s, None
    while time.time() < deadline:
        idle = (app.get_attribute("data-test-script-state") == "notRunning"
                and page.locator('[data-testid="stSkeleton"]').count() == 0)
        quiet_since = (quiet_since or time.time()) if idle else None
        if quiet_since and time.time() - quiet_since > quiet_s:
            return
        time.sleep(0.1)
    raise AssertionError(f"the page was still running after {timeout_s:.0f} s")
