"""Experiment results on disk: one Parquet file per task, in a folder keyed by the dataset's
fingerprint, the experiment's config and the code version, so the CLI and the page share
results, an interrupted run resumes, and changed data never shows stale results."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pandas as pd

from ..dataset import config as app_config
from ..dataset.atomic import write_atomic
from ..dataset.tasks import check_task_name

# what every experiment's table holds (Experiment 1's and 2's COLUMNS share these)
REQUIRED_COLUMNS = ("task", "group", "ap_mean", "ap_std", "n_train", "n_pos", "reason")

CODE_VERSION = 4  # bump when a change to the experiment code changes any number


def cache_root() -> Path:
    return app_config.cache_dir() / "experiments"


class ResultsCache:
    """Per-task tables of one experiment on one dataset state and config."""

    def __init__(self, experiment: str, fingerprint: str, config, root: Path | None = None,
                 version=None):
        """``version(task)``, when given, is the task's data version (see
        ``Dataset.version``): a task whose version is not the folder's ``fingerprint`` (an
        app-made task) gets a file per version."""
        spec = json.dumps({"config": dataclasses.asdict(config), "code": CODE_VERSION},
                          sort_keys=True, default=list)
        key = hashlib.sha1(spec.encode()).hexdigest()[:12]
        self.folder = (root or cache_root()) / f"{experiment}-{fingerprint}-{key}"
        self._fingerprint, self._version = fingerprint, version

    def _path(self, task: str) -> Path:
        """The task's file (an unsafe task name raises DataError: never a path)."""
        name = check_task_name(task, self.folder)
        version = self._version(task) if self._version else self._fingerprint
        if version != self._fingerprint:
            name = f"{name}.{version}"
        return self.folder / f"{name}.parquet"

    def load(self, task: str) -> pd.DataFrame | None:
        """The task's table, or None when it is not computed: no file, or one that cannot be
        read as this task's table (truncated, not Parquet, other columns or task), which the
        next :meth:`save` replaces."""
        path = self._path(task)  # an unsafe task name raises here, never reads a path
        try:
            table = pd.read_parquet(path)
        except (OSError, ValueError):  # missing, truncated, garbage (pyarrow's errors are
            return None                # OSError or ValueError subclasses)
        usable = (set(REQUIRED_COLUMNS) <= set(table.columns) and len(table)
                  and (table["task"] == task).all())
        return table if usable else None

    def save(self, task: str, table: pd.DataFrame) -> None:
        """Write atomically: a reader sees the whole table or none."""
        write_atomic(self._path(task), lambda f: table.to_parquet(f, index=False))

    def missing(self, tasks) -> list[str]:
        """The tasks without a usable table (see :meth:`load`)."""
        return [t for t in tasks if self.load(t) is None]

    def load_all(self, tasks) -> pd.DataFrame | None:
        """The cached tables of ``tasks`` stacked (tasks not yet computed are left out)."""
        tables = [t for t in map(self.load, tasks) if t is not None]
        return pd.concat(tables, ignore_index=True) if tables else None
