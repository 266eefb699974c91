"""A data folder together with the tasks made in the app: :class:`Workspace` answers every
question a page or command asks of a :class:`Dataset` (tasks, groups, agg, checkpoints, cmp
lists, embeddings) for the folder's tasks from its files and for the app-made tasks from the
annotation store, so Experiment 1, the agreement statistics and every page run on a user's own
task exactly as on a released one. The data folder is never written.

An app-made task is a store task that is not one of the folder's tasks and has at least one
label of its primary. Its group is :data:`MY_TASKS`; its agg is derived from everyone's votes
(:func:`.team.agg_votes`); its checkpoints are the store's retrains; its cmp lists are the
baselines its primary labeled. Its :meth:`Workspace.version` changes with anything in the
store about it, so results cached per task version never go stale, while the folder's tasks
keep the folder's fingerprint as their version (their caches survive labeling).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..dataset.folder import CmpLists, Dataset
from ..method.agreement import AggLabels
from ..method.labeled import LabeledDataset
from . import config, team
from .store import Store

MY_TASKS = "my tasks"


def app_tasks(store: Store, folder_tasks) -> tuple[str, ...]:
    """The store's tasks that are not folder tasks and have been labeled, by name."""
    taken = set(folder_tasks)
    return tuple(t for t in store.labeled_tasks() if t not in taken)


class Workspace:
    """The folder's dataset (``folder``) plus the app-made tasks of ``store``; anything not
    about tasks (shots, embeddings, text embeddings, ...) is the folder's."""

    portable = False  # an experiment worker process cannot reopen it from the folder alone

    def __init__(self, folder: Dataset, store: Store, with_folder_tasks: bool = True):
        self.folder, self.store = folder, store
        self.app_tasks = app_tasks(store, folder.tasks)
        self.tasks = (folder.tasks if with_folder_tasks else ()) + self.app_tasks
        self._mine = frozenset(self.app_tasks)
        self._cache: dict[tuple, object] = {}

    def __getattr__(self, name):
        return getattr(self.folder, name)

    def __repr__(self) -> str:
        return f"Workspace({self.folder!r}, app tasks={len(self.app_tasks)})"

    def is_app_task(self, task: str) -> bool:
        return task in self._mine

    def only_app_tasks(self) -> Workspace:
        """The same workspace listing only its app-made tasks."""
        return Workspace(self.folder, self.store, with_folder_tasks=False)

    def version(self, task: str | None = None) -> str:
        """The cache key of the task's data: the folder's fingerprint for a folder task, else
        that plus the task's revision in the store (hashed); with None, of every task."""
        if task is not None and not self.is_app_task(task):
            return self.folder.version(task)
        mine = [task] if task is not None else self.app_tasks
        token = "\x1f".join([self.folder.fingerprint, *(f"{t}\x1f{self.store.revision(t)}"
                                                       for t in mine)])
        return hashlib.sha1(token.encode()).hexdigest()[:16]

    @property
    def task_descriptions(self) -> dict[str, dict[str, str]]:
        mine = self.store.tasks().set_index("name")["description"]
        return {**self.folder.task_descriptions,
                **{t: {"description": mine.get(t, ""), "keywords": ""} for t in self.app_tasks}}

    def group(self, task: str) -> str:
        return MY_TASKS if self.is_app_task(task) else self.folder.group(task)

    def _cached(self, what: str, task: str, compute):
        key = (what, task, self.version(task))
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def agg_votes(self, task: str) -> AggLabels:
        if not self.is_app_task(task):
            return self.folder.agg_votes(task)
        return self._cached("agg", task, lambda: self._known_agg(task))

    def _known_agg(self, task: str) -> AggLabels:
        agg = team.agg_votes(self.store, task)
        known = self.folder.rows(agg.table["key"].tolist()) >= 0
        return AggLabels(task, agg.primary, agg.secondaries,
                         agg.table[known].reset_index(drop=True))

    def agg_labeled(self, task: str) -> LabeledDataset:
        if not self.is_app_task(task):
            return self.folder.agg_labeled(task)
        t = self.agg_votes(task).table
        positive = t["agg"].to_numpy(bool)
        return LabeledDataset.from_keys(task, t["key"][positive], t["key"][~positive], self)

    def checkpoints(self, task: str) -> tuple[LabeledDataset, ...]:
        if not self.is_app_task(task):
            return self.folder.checkpoints(task)
        return self._cached("checkpoints", task, lambda: tuple(
            LabeledDataset.from_keys(task, self._known(c["pos"]), self._known(c["neg"]), self)
            for c in self.store.checkpoints(task)))

    def cmp(self, task: str) -> CmpLists:
        if not self.is_app_task(task):
            return self.folder.cmp(task)
        return self._cached("cmp", task, lambda: self._known_cmp(task))

    def _known_cmp(self, task: str) -> CmpLists:
        lists = team.cmp_lists(self.store, task)
        known = [set(self._known(k for k, _ in pairs))
                 for pairs in (lists.random, lists.zero_shot)]
        return CmpLists(*(tuple(p for p in pairs if p[0] in ok)
                          for pairs, ok in zip((lists.random, lists.zero_shot), known)))

    def ave(self, task: str) -> LabeledDataset | None:
        return None if self.is_app_task(task) else self.folder.ave(task)

    def _known(self, keys) -> list[str]:
        keys = list(keys)
        rows = self.folder.rows(keys) if keys else []
        return [k for k, r in zip(keys, rows) if r >= 0]


def store_configured() -> bool:
    """Whether an annotation store is configured (``VA_STATE_DB``) or its default file
    exists; looking never creates a database."""
    return bool(os.environ.get(config.DB_ENV)) or (config.state_dir() / "annotations.db").is_file()


def with_app_tasks(folder: Dataset, store: Store) -> Dataset | Workspace:
    """The folder with the app-made tasks of ``store``, or the folder alone if it has none."""
    workspace = Workspace(folder, store)
    return workspace if workspace.app_tasks else folder


def open_workspace(data_dir: str | Path) -> Dataset | Workspace:
    """The data folder with the app-made tasks of the configured store (the folder alone when
    there is no store or no such task)."""
    folder = Dataset(data_dir)
    return with_app_tasks(folder, config.get_store()) if store_configured() else folder
