"""The one place where core calls are cached for the app.

Large objects are passed as ``_arg`` (not hashed); cache keys are the dataset's folder and
fingerprint, plus the task name where one applies. Results read from a disk cache (experiments,
checkpoint APs) are also keyed on a signature of its folder (path, file names, sizes and
mtimes), so a compute in this session, the CLI or another session shows on the next rerun.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import Dataset
from dashboard.annotate.store import Store, open_store
from dashboard.dataset import browse, config, derived, projection, summary
from dashboard.experiments import checkpoints, runner, summaries
from dashboard.experiments.results_cache import ResultsCache
from dashboard.live import corpus, estimators, model_io, runs
from dashboard.live.estimators import ModelSpec
from dashboard.live.sources import Source
from dashboard.method import agreement


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=2)
def open_dataset(path: str, fingerprint_hint: str) -> Dataset:
    """The opened dataset of ``path``; ``fingerprint_hint`` changes when the files change. Its
    shot table comes from the derived cache's Parquet copy once there is one."""
    return derived.open_dataset(path, fingerprint_hint)


@st.cache_data(show_spinner=False, max_entries=12)
def _derived_table(_ds: Dataset, fingerprint: str, name: str) -> pd.DataFrame:
    return derived.table(_ds, name)


_DERIVED_TEXT = {"task_table": "Reading every task's labels (once per data folder)…",
                 "agreement_table": "Computing the agreement of every task (once per data "
                                    "folder)…",
                 "annotator_quality": "Computing every annotator's agreement (once per data "
                                      "folder)…",
                 "dataset_summary": "Counting the labeled shots of every task (once per data "
                                    "folder)…"}


def derived_table(ds: Dataset, name: str) -> pd.DataFrame:
    """A table of every task: the data folder's rows from memory, else from their disk cache
    (a new server starts warm), else computed once with a progress bar; then the rows of the
    app-made tasks, if any (computed per version of theirs)."""
    folder = ds.folder
    if not derived.path_of(folder, name).is_file():  # the first open of this data folder
        text = _DERIVED_TEXT[name]
        bar = st.progress(0.0, text=text)
        derived.table(folder, name,
                      progress=lambda f, task: bar.progress(f, text=f"{text} {task}"))
        bar.empty()
    table = _derived_table(folder, folder.fingerprint, name)
    if folder is ds:
        return table
    return pd.concat([table, _app_tasks_table(ds, ds.version(), name)], ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=12)
def _app_tasks_table(_ds, version: str, name: str) -> pd.DataFrame:
    return derived.TABLES[name](_ds.only_app_tasks())


def task_table(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return derived_table(_ds, "task_table")


def dataset_summary(_ds: Dataset, fingerprint: str) -> dict:
    """:func:`dashboard.dataset.summary.dataset_summary`: a data folder's is kept with its
    derived tables; with app-made tasks (whose labels count too) it is computed."""
    if _ds.folder is _ds:
        return derived_table(_ds, "dataset_summary").to_dict("records")[0]
    return _summary_with_app_tasks(_ds, _ds.version())


@st.cache_data(show_spinner=False, max_entries=4)
def _summary_with_app_tasks(_ds: Dataset, version: str) -> dict:
    return summary.dataset_summary(_ds, task_table(_ds, version))


@st.cache_data(show_spinner=False, max_entries=4)
def group_summary(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return summary.group_summary(task_table(_ds, fingerprint))


def agreement_table(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return derived_table(_ds, "agreement_table")


def annotator_quality(_ds: Dataset, fingerprint: str) -> pd.DataFrame:
    return derived_table(_ds, "annotator_quality")


@st.cache_data(show_spinner=False, max_entries=64)
def task_agreement(_ds: Dataset, fingerprint: str, task: str) -> dict:
    """Pairwise Cohen matrix and annotator table of one task."""
    agg = _ds.agg_votes(task)
    return {"cohen": agreement.pairwise_cohen(agg), "annotators": agreement.annotator_table(agg)}


@st.cache_data(show_spinner=False, max_entries=64)
def sources(_ds: Dataset, fingerprint: str, task: str) -> list[str]:
    return browse.sources(_ds, task)


@st.cache_data(show_spinner="Loading the shots…", max_entries=64)
def shot_table(_ds: Dataset, fingerprint: str, task: str, source: str) -> pd.DataFrame:
    return browse.shot_table(_ds, task, source)


def folder_signature(folder: Path, suffix: str) -> tuple:
    """(folder, sorted (name, size, mtime) of its ``suffix`` files): cheap to take on every
    rerun, and it changes when a file is written, replaced or removed."""
    try:
        with os.scandir(folder) as entries:
            files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries
                           if e.name.endswith(suffix) and e.is_file())
    except OSError:  # no folder yet: nothing computed
        files = []
    return str(folder), tuple(files)


def _results_signature(ds: Dataset, experiment: str) -> tuple:
    default = runner.EXPERIMENTS[experiment][1]()
    return folder_signature(ResultsCache(experiment, ds.fingerprint, default).folder, ".parquet")


@st.cache_data(show_spinner="Reading the experiment results…", max_entries=32)
def _experiment_results(_ds: Dataset, fingerprint: str, experiment: str,
                        tasks: tuple[str, ...] | None, signature: tuple) -> pd.DataFrame | None:
    return runner.cached(_ds, experiment, list(tasks) if tasks else None)


def experiment_results(ds: Dataset, experiment: str,
                       tasks: list[str] | None = None) -> pd.DataFrame | None:
    """:func:`dashboard.experiments.runner.cached` (default config), read again only when the
    experiment's cache folder changed."""
    return _experiment_results(ds, ds.version(), experiment, tuple(tasks) if tasks else None,
                               _results_signature(ds, experiment))


@st.cache_data(show_spinner="Summarising the experiments…", max_entries=32)
def _experiment_tables(_ds: Dataset, fingerprint: str, groups: tuple[str, ...],
                       signature1: tuple, signature2: tuple) -> dict | None:
    exp1 = _experiment_results(_ds, fingerprint, "experiment1", None, signature1)
    exp1 = None if exp1 is None else exp1[exp1["group"].isin(groups)]
    if exp1 is None or exp1.empty:
        return None
    exp2 = _experiment_results(_ds, fingerprint, "experiment2",
                               tuple(sorted(exp1["task"].unique())), signature2)
    return summaries.page_tables(exp1, exp2)


def experiment_tables(ds: Dataset, groups: list[str]) -> dict | None:
    """:func:`dashboard.experiments.summaries.page_tables` of the cached Experiment 1 results of the
    tasks in ``groups`` (and their cached Experiment 2); None when there are none."""
    return _experiment_tables(ds, ds.version(), tuple(sorted(groups)),
                              _results_signature(ds, "experiment1"),
                              _results_signature(ds, "experiment2"))


def _checkpoint_signature(root: Path) -> tuple:
    return folder_signature(Path(root) / "checkpoints", ".json")


@st.cache_data(show_spinner=False, max_entries=64)
def _checkpoint_aps(_ds: Dataset, fingerprint: str, task: str, root: str,
                    signature: tuple) -> checkpoints.CheckpointAPs | None:
    return checkpoints.cached_aps(_ds, task, Path(root))


def checkpoint_aps(ds: Dataset, task: str, root: Path | None = None):
    """:func:`dashboard.experiments.checkpoints.cached_aps`, read again only when the cache changed."""
    root = Path(root or config.cache_dir())
    return _checkpoint_aps(ds, ds.version(task), task, str(root), _checkpoint_signature(root))


@st.cache_data(show_spinner="Reading every task's checkpoint APs…", max_entries=8)
def _last_vs_best(_ds: Dataset, fingerprint: str, root: str, signature: tuple) -> pd.DataFrame:
    return checkpoints.last_vs_best(_ds, Path(root))


def last_vs_best(ds: Dataset, root: Path | None = None) -> pd.DataFrame:
    """:func:`dashboard.experiments.checkpoints.last_vs_best`, read again only when the cache changed."""
    root = Path(root or config.cache_dir())
    return _last_vs_best(ds, ds.version(), str(root), _checkpoint_signature(root))


@st.cache_data(show_spinner=False, max_entries=64)
def checkpoint_timeline(_ds: Dataset, fingerprint: str, task: str) -> pd.DataFrame:
    return checkpoints.timeline(_ds, task)


@st.cache_data(show_spinner=False, max_entries=64)
def checkpoint_diffs(_ds: Dataset, fingerprint: str, task: str) -> pd.DataFrame:
    return checkpoints.diff_table(_ds, task)


# --- Annotate -------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the annotation database…", max_entries=4)
def annotation_store(url: str) -> Store:
    """The annotation store at ``url`` (schema created or migrated on first open)."""
    return open_store(url)


# --- Train & tune, Search & score -------------------------------------------------
_SPEC_HASH = {Source: dataclasses.astuple, ModelSpec: dataclasses.astuple}


@st.cache_resource(show_spinner=False, max_entries=128, hash_funcs=_SPEC_HASH)
def train_run(_ds: Dataset, fingerprint: str, task: str, source: Source,
              spec: ModelSpec) -> runs.TrainRun:
    """A trained model and its quality, kept per (task, source, model, parameters)."""
    return runs.train_run(_ds, task, source, spec)


@st.cache_resource(show_spinner="Computing the norm of every shot embedding…", max_entries=2)
def corpus_norms(_ds: Dataset, fingerprint: str) -> np.ndarray:
    return corpus.row_norms(_ds.embeddings)


@st.cache_resource(show_spinner=False, max_entries=2)
def genre_index(_ds: Dataset, fingerprint: str) -> tuple[np.ndarray, np.ndarray]:
    return corpus.genre_index(_ds)


@st.cache_data(show_spinner=False, max_entries=64)
def zero_shot_top(_ds: Dataset, fingerprint: str, task: str, k: int) -> pd.DataFrame:
    """The ``k`` shots closest to the task's text embedding (KeyError without one)."""
    sims = corpus.cosine_to(_ds.embeddings, corpus_norms(_ds, _ds.fingerprint),
                            _ds.text_embeddings[task])
    return corpus.shots_at(_ds, corpus.top_rows(sims, k), sims)


@st.cache_data(show_spinner=False, max_entries=64)
def nearest(_ds: Dataset, fingerprint: str, key: str, k: int) -> pd.DataFrame:
    """The ``k`` nearest shots of shot ``key`` (KeyError for an unknown key, DataError naming
    the row when the shot's own embedding holds NaN or inf)."""
    if _ds.rows([key])[0] >= 0:
        _ds.vectors([key])  # checks the row: a NaN query would rank every shot NaN
    return corpus.nearest(_ds, corpus_norms(_ds, fingerprint), key, k)


@st.cache_resource(show_spinner="Scoring every shot…", max_entries=8, hash_funcs=_SPEC_HASH)
def corpus_scores(_ds: Dataset, fingerprint: str, task: str, source: Source,
                  spec: ModelSpec) -> np.ndarray:
    """The score of every shot under the model of ``train_run`` (same arguments)."""
    return estimators.score_rows(train_run(_ds, fingerprint, task, source, spec).model.estimator,
                              _ds.embeddings)


@st.cache_resource(show_spinner="Scoring every shot with the saved model…", max_entries=2)
def saved_model_scores(_ds: Dataset, fingerprint: str, name: str, data: bytes) -> np.ndarray:
    """Every shot's score under a model file (small: hashing its bytes is cheap); raises
    DataError for a file that is not a trusted model of this dimension."""
    return estimators.score_rows(model_io.load(data, name, _ds.dim), _ds.embeddings)


@st.cache_resource(show_spinner=False, max_entries=64)
def labeled_rows(_ds: Dataset, fingerprint: str, task: str) -> np.ndarray:
    """Rows of every shot the task labels (agg, cmp lists, checkpoints)."""
    return corpus.labeled_rows(_ds, task)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_SPEC_HASH)
def top_unlabeled(_ds: Dataset, fingerprint: str, task: str, source: Source, spec: ModelSpec,
                  k: int) -> pd.DataFrame:
    """The ``k`` best-scoring shots the task does not label, under ``corpus_scores``."""
    scores = corpus_scores(_ds, fingerprint, task, source, spec)
    return corpus.shots_at(_ds, corpus.top_rows(scores, k, labeled_rows(_ds, fingerprint, task)),
                           scores)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_SPEC_HASH)
def count_above(_ds: Dataset, fingerprint: str, task: str, source: Source, spec: ModelSpec,
                threshold: float) -> tuple[int, float]:
    return corpus.count_above(corpus_scores(_ds, fingerprint, task, source, spec), threshold)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_SPEC_HASH)
def score_histogram(_ds: Dataset, fingerprint: str, task: str, source: Source,
                    spec: ModelSpec) -> pd.DataFrame:
    return corpus.score_histogram(corpus_scores(_ds, fingerprint, task, source, spec))


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_SPEC_HASH)
def share_above_by_genre(_ds: Dataset, fingerprint: str, task: str, source: Source,
                         spec: ModelSpec, threshold: float) -> pd.DataFrame:
    return corpus.share_above_by_genre(genre_index(_ds, _ds.fingerprint),
                                       corpus_scores(_ds, fingerprint, task, source, spec),
                                       threshold)


@st.cache_data(show_spinner=False, max_entries=8)
def saved_model_top(_ds: Dataset, fingerprint: str, task: str, name: str, data: bytes,
                    k: int) -> pd.DataFrame:
    """The ``k`` best-scoring shots the task does not label under a model file (DataError as
    :func:`saved_model_scores`)."""
    scores = saved_model_scores(_ds, _ds.fingerprint, name, data)
    return corpus.shots_at(_ds, corpus.top_rows(scores, k, labeled_rows(_ds, fingerprint, task)),
                           scores)


def every_task_model(ds: Dataset) -> dict:
    """The paper's model of every task (agg train split), training the missing ones with a
    progress bar (each model is kept by :func:`train_run`)."""
    bar = st.progress(0.0, text="Training every task's model…")
    models = {}
    for i, t in enumerate(ds.tasks):
        bar.progress(i / len(ds.tasks), text=f"Training every task's model… {t}")
        run = train_run(ds, ds.version(t), t, Source(), ModelSpec())
        if run.ok:
            models[t] = run.model
    bar.empty()
    return models


# --- Embedding map ----------------------------------------------------------------------------
@st.cache_data(show_spinner="Projecting the task's shots…", max_entries=16)
def embedding_map(_ds: Dataset, version: str, task: str, method: str,
                  seed: int) -> projection.EmbeddingMap:
    """:func:`dashboard.dataset.projection.embedding_map`, kept per (task version, method,
    seed)."""
    return projection.embedding_map(_ds, task, method, seed)
