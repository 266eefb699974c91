"""Run an experiment from a page with a progress bar (the results land in the disk cache)."""
from __future__ import annotations

import os

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
