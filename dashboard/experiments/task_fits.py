"""One task's experiment inputs: the validation split, the embeddings of every labeled key
gathered once, and a fit cache so that no training set is ever fitted twice."""
from __future__ import annotations

import dataclasses
from typing import Iterable

import numpy as np
import pandas as pd

from ..dataset.folder import CmpLists, Dataset
from ..errors import DataError
from ..method.evaluation import SEED
from ..method.labeled import LabeledDataset
from ..method.training import TrainingResult, fit_and_score


class _Gathered:
    """The rows of a fixed set of keys, read from the dataset once (a ``vectors`` source)."""

    def __init__(self, ds: Dataset, keys: Iterable[str]):
        keys = sorted(set(keys))
        self._index = pd.Index(keys, dtype="str")
        self._x = ds.vectors(keys)

    def vectors(self, keys) -> np.ndarray:
        rows = self._index.get_indexer(pd.Index(keys, dtype="str"))
        if (rows < 0).any():
            raise KeyError(f"{int((rows < 0).sum())} keys were not gathered for this task")
        return self._x[rows]


def text_embedding(ds: Dataset, task: str) -> tuple[np.ndarray | None, str]:
    """The task's text embedding, else None and why: a missing or broken text-embeddings.json
    is a problem of the zero-shot scorer only, so callers carry on without it."""
    try:
        embedding = ds.text_embeddings.get(task)
    except DataError as e:
        return None, str(e)
    return embedding, "" if embedding is not None else "no text embedding for this task"


class TaskFits:
    """A task's agg validation split and its training sources, each fitted at most once.

    ``seed`` splits the agg labels; ``fold_seed`` shuffles the LR-CV folds (default: the same
    seed; the authors' Experiment 2 splits with 1 and keeps the folds at 0).
    Raises :class:`~dashboard.SplitError` when the split has no validation positive.
    """

    def __init__(self, ds: Dataset, task: str, seed: int = SEED, fold_seed: int | None = None):
        self.task, self.seed = task, seed
        self.fold_seed = seed if fold_seed is None else fold_seed
        agg = ds.agg_labeled(task)
        _, val = agg.split(seed)
        self.agg = agg
        self.val_keys = val.pos | val.neg
        self.checkpoints = ds.checkpoints(task)
        self.cmp: CmpLists = ds.cmp(task)
        self.text_embedding, self.text_problem = text_embedding(ds, task)
        keys = set(agg.keys).union(*(c.pos | c.neg for c in self.checkpoints),
                                   (k for k, _ in self.cmp.random + self.cmp.zero_shot))
        self._source = _Gathered(ds, keys)
        self.val = self.labeled(val.pos, val.neg)
        self._results: dict[tuple[frozenset, frozenset], TrainingResult] = {}
        self.fits = 0

    def labeled(self, pos: Iterable[str], neg: Iterable[str]) -> LabeledDataset:
        """A labeled set on the gathered rows (ValueError if a key is labeled both ways)."""
        return LabeledDataset(self.task, frozenset(pos), frozenset(neg), self._source)

    def without_validation(self, pairs) -> list[tuple[str, bool]]:
        """An ordered (key, label) list with the validation keys removed."""
        return [(k, v) for k, v in pairs if k not in self.val_keys]

    def score(self, train: LabeledDataset) -> TrainingResult:
        """The paper's fit and bootstrap AP of ``train`` (cached by its key sets; no model)."""
        if train.pos_cnt + train.neg_cnt and not (train.pos | train.neg).isdisjoint(self.val_keys):
            raise ValueError(f"{self.task}: a training set holds validation keys")
        key = (train.pos, train.neg)
        if key not in self._results:
            result = fit_and_score(train, self.val, self.fold_seed)
            self.fits += result.ok
            self._results[key] = dataclasses.replace(result, model=None)
        return self._results[key]
