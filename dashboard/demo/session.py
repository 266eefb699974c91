"""The primary annotator's session on each demo task, run by the labeling loop itself.

Each primary labels with the code of the Annotate page: :class:`annotate.simulate.Session`
picks every batch through ``loop.feed_batch`` (zero-shot search until a model can be trained,
then Top, Bottom, Borderline and Random in turn, over the whole corpus), the answers are the
primary's own noisy votes, and the loop's model (:func:`annotate.simulate.fit`, logistic
regression at C = 1) is retrained after every batch to rank the corpus for the next one. The
batch grows with the labeled set, from 25 to the page's largest batch, 100. The tasks run in
lockstep, so one pass over the embedding matrix scores every task's model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit

from ..annotate.simulate import Plan, Session, fit
from ..dataset.folder import Dataset
from ..live.estimators import SCORE_CHUNK, TrainedModel
from ..method.labeled import LabeledDataset

FIRST_BATCH, MAX_BATCH = 25, 100


def batch_size(labels: int) -> int:
    """The primary's next batch: a third of the labels so far, from 25 to 100.

    >>> [batch_size(n) for n in (0, 75, 150, 600)]
    [25, 25, 50, 100]
    """
    return int(np.clip(labels // 3, FIRST_BATCH, MAX_BATCH))


@dataclass(frozen=True)
class Primary:
    """A task's primary annotator: a vote on every shot, the zero-shot score of every shot
    (the search), how many shots they label and the seed of their session."""

    task: str
    votes: np.ndarray
    search: np.ndarray
    budget: int
    seed: int


def _scores(x: np.ndarray, models: dict[int, TrainedModel]) -> dict[int, np.ndarray]:
    """Each model's probability of positive on every row of ``x``, in float32 as
    ``live.estimators.score_rows`` computes it, with one pass over ``x`` for all models."""
    if not models:
        return {}
    ids = list(models)
    w = np.stack([models[i].estimator.coef_[0] for i in ids]).T.astype(np.float32)
    b = np.array([models[i].estimator.intercept_[0] for i in ids], np.float32)
    out = np.empty((len(ids), len(x)), np.float32)
    for lo in range(0, len(x), SCORE_CHUNK):
        out[:, lo:lo + SCORE_CHUNK] = expit(x[lo:lo + SCORE_CHUNK] @ w + b).T
    return dict(zip(ids, out))


class _Labeled:
    """The key source of the sessions' labeled sets: the rows of the keys shown so far, so a
    fit reads its embeddings without looking every key up in the whole shot table."""

    def __init__(self, ds: Dataset):
        self.ds, self.row = ds, {}
        self.keys = ds.shots["key"].to_numpy(dtype=object)

    def shown(self, rows: np.ndarray) -> None:
        self.row.update(zip(self.keys[rows], rows))

    def _rows(self, keys) -> np.ndarray:
        return np.array([self.row[k] for k in keys], dtype=np.int64)

    def vectors(self, keys) -> np.ndarray:
        return np.asarray(self.ds.embeddings[self._rows(keys)], np.float32)

    def clusters(self, keys) -> np.ndarray:
        return self.ds.shots["cluster_index"].to_numpy()[self._rows(keys)]


def run(ds: Dataset, primaries: list[Primary],
        progress: Callable[[float], None] | None = None) -> list[list[np.ndarray]]:
    """Each primary's batches (rows of ``ds``, in the order the feed showed them)."""
    source = _Labeled(ds)
    sessions = [Session(Plan(p.budget, FIRST_BATCH, seed=p.seed), ds.n_shots, p.search)
                for p in primaries]
    batches: list[list[np.ndarray]] = [[] for _ in primaries]
    models: dict[int, TrainedModel] = {}
    total = sum(p.budget for p in primaries)
    while active := [i for i, s in enumerate(sessions) if not s.done]:
        scores = _scores(ds.embeddings, {i: models[i] for i in active if i in models})
        for i in active:
            primary, session = primaries[i], sessions[i]
            batches[i].append(session.next(scores.get(i), batch_size(session.labels))[1])
            if session.done:
                continue
            rows = np.concatenate(batches[i])
            source.shown(batches[i][-1])
            vote = primary.votes[rows]
            model = fit(LabeledDataset(primary.task, frozenset(source.keys[rows[vote]]),
                                       frozenset(source.keys[rows[~vote]]), source))
            if model is not None:
                models[i] = model
        if progress:
            progress(sum(s.labels for s in sessions) / total)
    return batches
