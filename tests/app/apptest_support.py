"""AppTest helpers: open a page (with ``?task=``), open *Annotate* as a named annotator, and
run the app failing the test on any exception."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run(at: AppTest) -> AppTest:
    """Run the app once more; fail the test on any exception it shows."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_page(page: str, task: str | None = None) -> AppTest:
    """Run ``page`` of the app once (with ``?task=task`` when given); exceptions are left to
    the caller to check."""
    at = AppTest.from_file(APP, default_timeout=180)
    if task:
        at.query_params["task"] = task
    at.switch_page(page)
    return at.run()


def open_annotate(who: str, task: str | None = None) -> AppTest:
    """The Annotate page with the annotator's name typed (and ``?task=`` when given)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if task:
        at.query_params["task"] = task
    at.switch_page("pages/annotate.py")
    at.session_state["annotate_annotator"] = who
    return run(at)
