"""The one place where core calls are cached for the app.

Large objects are passed as ``_arg`` (not hashed); cache keys are the dataset's folder and
fingerprint, plus the task name where one applies.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import (Dataset, agreement, browse, checkpoints, corpus, model_io, summary,
                       trainer, tuning)
from dashboard.sources import Source
from dashboard.trainer import ModelSpec


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


@st.cache_data(show_spinner=False, max_entries=4)
def group_summary(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return summary.group_summary(task_table(_ds, fingerprint))


@st.cache_data(show_spinner="Computing agreement statistics of every task…", max_entries=4)
def agreement_table(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return agreement.agreement_table(_ds)


@st.cache_data(show_spinner=False, max_entries=4)
def annotator_quality(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return agreement.annotator_quality(_ds)


@st.cache_data(show_spinner=False, max_entries=64)
def task_agreement(_ds: Dataset, fingerprint: str, task: str) -> dict:
    """Pairwise Cohen matrix and annotator table of one task."""
    agg = _ds.agg(task)
    return {"cohen": agreement.pairwise_cohen(agg), "annotators": agreement.annotator_table(agg)}


@st.cache_data(show_spinner=False, max_entries=64)
def sources(_ds: Dataset, fingerprint: str, task: str) -> list[str]:
    return browse.sources(_ds, task)


@st.cache_data(show_spinner="Loading the shots…", max_entries=64)
def shot_table(_ds: Dataset, fingerprint: str, task: str, source: str) -> pd.DataFrame:
    return browse.shot_table(_ds, task, source)


@st.cache_data(show_spinner=False, max_entries=64)
def checkpoint_timeline(_ds: Dataset, fingerprint: str, task: str) -> pd.DataFrame:
    return checkpoints.timeline(_ds, task)


@st.cache_data(show_spinner=False, max_entries=64)
def checkpoint_diffs(_ds: Dataset, fingerprint: str, task: str) -> pd.DataFrame:
    return checkpoints.diff_table(_ds, task)


# --- Train & tune, Search & score (issue 4) -------------------------------------------------
_SPEC_HASH = {Source: dataclasses.astuple, ModelSpec: dataclasses.astuple}


@st.cache_resource(show_spinner=False, max_entries=128, hash_funcs=_SPEC_HASH)
def train_run(_ds: Dataset, fingerprint: str, task: str, source: Source,
              spec: ModelSpec) -> tuning.TrainRun:
    """A trained model and its quality, kept per (task, source, model, parameters)."""
    return tuning.train_run(_ds, task, source, spec)


@st.cache_resource(show_spinner="Computing the norm of every shot embedding…", max_entries=2)
def corpus_norms(_ds: Dataset, fingerprint: str) -> np.ndarray:
    return corpus.row_norms(_ds.embeddings)


@st.cache_resource(show_spinner=False, max_entries=2)
def genre_index(_ds: Dataset, fingerprint: str) -> tuple[np.ndarray, np.ndarray]:
    return corpus.genre_index(_ds)


@st.cache_data(show_spinner=False, max_entries=64)
def zero_shot_top(_ds: Dataset, fingerprint: str, task: str, k: int) -> pd.DataFrame:
    """The ``k`` shots closest to the task's text embedding (KeyError without one)."""
    sims = corpus.cosine_to(_ds.embeddings, corpus_norms(_ds, fingerprint),
                            _ds.text_embeddings[task])
    return corpus.shots_at(_ds, corpus.top_rows(sims, k), sims)


@st.cache_data(show_spinner=False, max_entries=64)
def nearest(_ds: Dataset, fingerprint: str, key: str, k: int) -> pd.DataFrame:
    """The ``k`` nearest shots of shot ``key`` (KeyError for an unknown key)."""
    return corpus.nearest(_ds, corpus_norms(_ds, fingerprint), key, k)


@st.cache_resource(show_spinner="Scoring every shot…", max_entries=8, hash_funcs=_SPEC_HASH)
def corpus_scores(_ds: Dataset, fingerprint: str, task: str, source: Source,
                  spec: ModelSpec) -> np.ndarray:
    """The score of every shot under the model of ``train_run`` (same arguments)."""
    return trainer.score_rows(train_run(_ds, fingerprint, task, source, spec).model.estimator,
                              _ds.embeddings)


@st.cache_resource(show_spinner="Scoring every shot with the saved model…", max_entries=2)
def saved_model_scores(_ds: Dataset, fingerprint: str, name: str, data: bytes) -> np.ndarray:
    """Every shot's score under a model file (small: hashing its bytes is cheap); raises
    DataError for a file that is not a trusted model of this dimension."""
    return trainer.score_rows(model_io.load(data, name, _ds.dim), _ds.embeddings)
