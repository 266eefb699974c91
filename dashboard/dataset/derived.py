"""Tables that depend on the data folder alone (the task table, the agreement of every task,
every annotator's agreement, the headline figures), kept on disk per dataset fingerprint so
that a new server process starts warm instead of reading every task's files again.

Files live in ``{cache}/derived/{fingerprint}/{name}-v{VERSION}.parquet``, are written
atomically, and anything unreadable or of another shape is computed again and replaced. The
same folder keeps a Parquet copy of shot-data.csv, which opens faster (:func:`open_dataset`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..method.agreement import ANNOTATOR_COLUMNS, STAT_COLUMNS
from . import config, summary
from .atomic import write_atomic
from .folder import SHOT_COLUMNS, Dataset

VERSION = 1  # bump when a change to the code of these tables changes any value


def dataset_summary(ds: Dataset, progress=None) -> pd.DataFrame:
    """:func:`summary.dataset_summary` as a table of one row: counting the unique labeled
    shots reads every task's agg and cmp files."""
    return pd.DataFrame([summary.dataset_summary(ds, summary.task_table(ds, progress))])


TABLES: dict[str, Callable[..., pd.DataFrame]] = {
    "task_table": summary.task_table,
    "agreement_table": summary.agreement_table,
    "annotator_quality": summary.annotator_quality,
    "dataset_summary": dataset_summary,
}
# what a stored table must hold to be used (and the tables with one row per task, in order)
_REQUIRED = {"task_table": summary.TASK_COLUMNS,
             "agreement_table": ["task", "group", *STAT_COLUMNS, "error"],
             "annotator_quality": ANNOTATOR_COLUMNS,
             "dataset_summary": ["shots", "tasks", "agg_labels", "all_labels",
                                 "unique_labeled_shots", "mean_agreement",
                                 "mean_pos_rate"]}
_PER_TASK = ("task_table", "agreement_table")


def path_of(ds: Dataset, name: str, root: Path | None = None) -> Path:
    if name not in TABLES:
        raise ValueError(f"unknown derived table {name!r} (one of {', '.join(TABLES)})")
    return (root or config.cache_dir()) / "derived" / ds.fingerprint / f"{name}-v{VERSION}.parquet"


def _usable(ds: Dataset, name: str, stored: pd.DataFrame) -> bool:
    if not set(_REQUIRED[name]) <= set(stored.columns):
        return False
    return name not in _PER_TASK or stored["task"].tolist() == list(ds.tasks)


def read(ds: Dataset, name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The stored table, or None when it is missing, unreadable or of another shape."""
    path = path_of(ds, name, root)
    try:
        stored = pd.read_parquet(path)
    except (OSError, ValueError):  # missing, truncated, not Parquet (pyarrow's errors are
        return None                # OSError or ValueError subclasses)
    return stored if _usable(ds, name, stored) else None


def table(ds: Dataset, name: str, root: Path | None = None, progress=None) -> pd.DataFrame:
    """The derived table ``name`` of ``ds``: read from disk, else computed (``progress(fraction,
    task)`` told each task) and stored."""
    path = path_of(ds, name, root)
    stored = read(ds, name, root)
    if stored is not None:
        return stored
    computed = TABLES[name](ds, progress=progress)
    write_atomic(path, lambda f: computed.to_parquet(f, index=False))
    return computed


def shots_path(fingerprint: str, root: Path | None = None) -> Path:
    """Where the Parquet copy of a folder's shot-data.csv is kept."""
    return (root or config.cache_dir()) / "derived" / fingerprint / f"shots-v{VERSION}.parquet"


def open_dataset(folder: str | Path, fingerprint: str, root: Path | None = None) -> Dataset:
    """The dataset of ``folder``, whose :func:`~.folder.fingerprint_of` is ``fingerprint``,
    with its shot table read from a Parquet copy of shot-data.csv (twice as fast as parsing
    the CSV at 504,030 shots: a restarted server opens sooner). The copy is the table that
    :func:`~.folder.read_shots` returned, written on the first open and again whenever it is
    missing, unreadable or of another shape (``tests/dataset/test_derived.py``)."""
    path = shots_path(fingerprint, root)
    try:
        stored = pd.read_parquet(path)
    except (OSError, ValueError):  # missing, truncated, not Parquet
        stored = None
    if stored is not None and not (set(SHOT_COLUMNS) <= set(stored.columns) and len(stored)
                                   and stored["cluster_index"].dtype == np.int16):
        stored = None
    ds = Dataset(folder, shots=stored)
    if stored is None:
        try:
            write_atomic(path, lambda f: ds.shots.to_parquet(f, index=False))
        except OSError:  # a cache folder that cannot be written: the CSV is parsed next time
            pass
    return ds
