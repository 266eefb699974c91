"""Tables that depend on the data folder alone (the task table, the agreement of every task,
every annotator's agreement), kept on disk per dataset fingerprint so that a new server
process starts warm instead of reading every task's files again.

Files live in ``{cache}/derived/{fingerprint}/{name}-v{VERSION}.parquet``, are written
atomically, and anything unreadable or of another shape is computed again and replaced.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pandas as pd

from . import config, summary
from .folder import Dataset

VERSION = 1  # bump when a change to the code of these tables changes any value
TABLES: dict[str, Callable[..., pd.DataFrame]] = {
    "task_table": summary.task_table,
    "agreement_table": summary.agreement_table,
    "annotator_quality": summary.annotator_quality,
}


def path_of(ds: Dataset, name: str, root: Path | None = None) -> Path:
    if name not in TABLES:
        raise ValueError(f"unknown derived table {name!r} (one of {', '.join(TABLES)})")
    return (root or config.cache_dir()) / "derived" / ds.fingerprint / f"{name}-v{VERSION}.parquet"


def read(ds: Dataset, name: str, root: Path | None = None) -> pd.DataFrame | None:
    """The stored table, or None when it is missing or unreadable."""
    path = path_of(ds, name, root)
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):  # missing, truncated, not Parquet (pyarrow's errors are
        return None                # OSError or ValueError subclasses)


def table(ds: Dataset, name: str, root: Path | None = None, progress=None) -> pd.DataFrame:
    """The derived table ``name`` of ``ds``: read from disk, else computed (``progress(fraction,
    task)`` told each task) and stored."""
    path = path_of(ds, name, root)
    stored = read(ds, name, root)
    if stored is not None:
        return stored
    computed = TABLES[name](ds, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.partial")
    computed.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return computed
