"""The one place where core calls are cached for the app.

Large objects are passed as ``_arg`` (not hashed); cache keys are the dataset's folder and
fingerprint, plus the task name where one applies.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import Dataset, summary


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=2)
def open_dataset(path: str, fingerprint_hint: str) -> Dataset:
    """The opened dataset of ``path``; ``fingerprint_hint`` changes when the files change."""
    return Dataset(path)


@st.cache_data(show_spinner="Reading every task's labels…", max_entries=4)
def task_table(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return summary.task_table(_ds)


@st.cache_data(show_spinner=False, max_entries=4)
def dataset_summary(_ds: Dataset, fingerprint: str) -> dict:
    return summary.dataset_summary(_ds, task_table(_ds, fingerprint))
