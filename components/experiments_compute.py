"""Run an experiment from a page with a progress bar (the results land in the disk cache)."""
from __future__ import annotations

import os
from typing import Callable

import streamlit as st

from dashboard import Dataset
from dashboard.experiments import runner


def compute(ds: Dataset, experiment: str, tasks, config=None, all_cores: bool = False) -> None:
    """Compute the uncached ``tasks`` of ``experiment``, showing progress per task."""
    bar = st.progress(0.0, text=f"{experiment}: starting…")

    def progress(done: int, total: int, task: str) -> None:
        bar.progress(done / max(total, 1), text=f"{experiment}: {done}/{total} tasks {task}")

    runner.run(ds, experiment, tasks, config,
                          jobs=(os.cpu_count() or 1) if all_cores else 1, progress=progress)
    bar.empty()


def compute_button(label: str, key: str, job: Callable[[], list[str] | None]) -> None:
    """A button that runs ``job`` (which draws its own progress) and then reruns the page.

    The button is a fragment: its click reruns only the button's place, so while the job runs
    the rest of the page stays as it was, instead of fading under a second, partial copy of
    itself. The rerun after the job draws the results, where the page no longer offers the
    button. Messages that ``job`` returns (plain text) are shown instead of that rerun.
    """
    @st.fragment
    def button() -> None:
        if st.button(label, key=key, icon=":material/play_arrow:"):
            problems = job()
            for message in problems or ():
                st.error(message, icon=":material/error:")
            if not problems:
                st.rerun()

    button()
