"""One task's labeling loop: its labeled set (from the store), a retrain that records a
checkpoint with the model quality score, the history of those scores, and the shots a feed
shows next over the whole corpus.

The model quality score is the paper's idea of judging a model by its own labels: the
average precision of out-of-fold predictions, fold by fold (5 stratified folds, shuffled with
the seed), reported as mean and population std over folds. While labeling, the model is a
logistic regression at a fixed C (a few milliseconds); the paper's LR-CV is an option.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..live import estimators
from ..live.estimators import LR_C, ModelSpec, TrainedModel
from ..method import lrcv
from ..method.evaluation import SEED
from ..method.labeled import LabeledDataset
from ..method.training import untrainable_reason
from . import feeds
from .store import Store

FAST = ModelSpec(LR_C, C=1.0)  # while labeling
QUALITY_FOLDS = 5
HISTORY_COLUMNS = ["seq", "time", "labels", "positives", "negatives", "quality_mean",
                   "quality_std", "data_score", "model"]


def labeled_set(ds: Dataset, store: Store, task: str) -> LabeledDataset:
    """The task's current labels in the store as a labeled set on ``ds`` (keys that ``ds``
    does not hold are left out: a store may outlive a data folder)."""
    labels = store.labels(task)
    if len(labels):
        labels = labels[ds.rows(labels["key"].tolist()) >= 0]
    keys, positive = labels["key"].to_numpy(), labels["label"].to_numpy(bool)
    return LabeledDataset(task, frozenset(keys[positive]), frozenset(keys[~positive]), ds)


@dataclass(frozen=True)
class CrossValidated:
    """Out-of-fold scores of a labeled set and the AP of each fold (empty with a reason when
    a class has fewer than 2 labels)."""

    keys: tuple[str, ...]
    y: np.ndarray
    oof: np.ndarray  # out-of-fold probability of positive per key (NaN if not computed)
    fold_aps: tuple[float, ...]
    reason: str = ""

    @property
    def mean(self) -> float:
        return float(np.mean(self.fold_aps)) if self.fold_aps else float("nan")

    @property
    def std(self) -> float:
        return float(np.std(self.fold_aps)) if self.fold_aps else float("nan")


def cross_validate(labeled: LabeledDataset, C: float = FAST.C, seed: int = SEED,
                   n_splits: int = QUALITY_FOLDS) -> CrossValidated:
    """Fixed-C logistic regression scored out of fold on ``labeled`` itself.

    Uses ``min(n_splits, smaller class)`` folds; needs at least 2 labels of each class.
    """
    keys, y = tuple(labeled.keys), labeled.y
    smaller = min(labeled.pos_cnt, labeled.neg_cnt)
    oof = np.full(len(y), np.nan)
    if smaller < 2:
        return CrossValidated(keys, y, oof, (), "a class has fewer than 2 labels: "
                              f"{labeled.pos_cnt} positive, {labeled.neg_cnt} negative")
    x = labeled.x
    aps = []
    for train, test in lrcv.stratified_folds(y, min(n_splits, smaller), seed):
        fit = lrcv.fit_fixed_c(x[train], y[train], C)
        oof[test] = fit.predict_proba(x[test])
        aps.append(lrcv.average_precision(y[test], oof[test]))
    return CrossValidated(keys, y, oof, tuple(aps))


@dataclass(frozen=True)
class Retrain:
    """A retrain of a task: the model (None with a reason), its checkpoint number in the
    store (the model version that labels made from its feeds carry) and its quality."""

    model: TrainedModel | None
    version: int | None
    labeled: LabeledDataset
    quality: CrossValidated | None
    reason: str = ""


def retrain(ds: Dataset, store: Store, task: str, spec: ModelSpec = FAST,
            seed: int = SEED) -> Retrain:
    """Fit ``spec`` on the task's labels, score it by cross-validation and record a
    checkpoint (the labeled set and its metrics) in the store, unless the newest checkpoint
    holds the same labels already (then its number is the version)."""
    labeled = labeled_set(ds, store, task)
    reason = untrainable_reason(labeled, lrcv.N_SPLITS if spec.kind == estimators.LR_CV else 0)
    if reason:
        return Retrain(None, None, labeled, None, reason)
    model = estimators.train(spec, labeled)
    quality = cross_validate(labeled, FAST.C, seed)
    pos, neg = sorted(labeled.pos), sorted(labeled.neg)
    done = store.checkpoints(task)
    if done and done[-1]["pos"] == pos and done[-1]["neg"] == neg:
        return Retrain(model, done[-1]["seq"], labeled, quality)
    version = store.add_checkpoint(task, pos, neg, model_version=len(done) + 1,
                                   metrics=metrics(labeled, quality))
    return Retrain(model, version, labeled, quality)


def metrics(labeled: LabeledDataset, quality: CrossValidated | None = None) -> dict[str, float]:
    """What a checkpoint records of its labeled set: the quality score (cross-validated AP,
    mean and std; computed when not given) and the data diversity score."""
    quality = quality or cross_validate(labeled)
    return {"quality_mean": quality.mean, "quality_std": quality.std,
            "data_score": labeled.data_score}


def history(store: Store, task: str) -> pd.DataFrame:
    """One row per retrain of ``task``, oldest first.

    Columns: seq (checkpoint number, from 1); time (UTC); labels, positives, negatives
    (counts); quality_mean, quality_std (cross-validated AP of the labels then, 0–1; NaN
    when a class had fewer than 2 labels); data_score (the paper's data diversity score,
    0–1); model (the model version, equal to seq).
    """
    rows = [{"seq": c["seq"], "time": c["time"], "labels": len(c["pos"]) + len(c["neg"]),
             "positives": len(c["pos"]), "negatives": len(c["neg"]),
             "quality_mean": c["metrics"].get("quality_mean", np.nan),
             "quality_std": c["metrics"].get("quality_std", np.nan),
             "data_score": c["metrics"].get("data_score", np.nan), "model": c["model_version"]}
            for c in store.checkpoints(task)]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def available(ds: Dataset, excluded_keys) -> np.ndarray:
    """Mask of the corpus rows a feed may show: those not in ``excluded_keys`` (the keys
    labeled or skipped in the task) whose embedding is usable (no NaN or inf: no model can
    score it, and a label on it could not be trained on)."""
    mask = np.ones(ds.n_shots, bool)
    mask[ds.unusable_rows] = False
    rows = ds.rows(sorted(excluded_keys)) if excluded_keys else np.empty(0, np.int64)
    mask[rows[rows >= 0]] = False
    return mask


def feed_batch(feed: str, scores: np.ndarray, mask: np.ndarray, k: int,
               rng: np.random.Generator) -> np.ndarray:
    """The next ``k`` rows of ``feed`` (a name in :data:`feeds.FEEDS`, or ``search``: the
    highest of ``scores``, which are then similarities)."""
    choose = feeds.top if feed == feeds.SEARCH else feeds.FEEDS[feed]
    return choose(scores, mask, k, rng)


def query_vector(ds: Dataset, text_tasks=(), example_keys=()) -> np.ndarray | None:
    """A search query: the mean of the text embeddings of ``text_tasks`` and of the shot
    embeddings of ``example_keys`` (unknown keys are ignored); None when nothing is given."""
    parts = [ds.text_embeddings[t] for t in text_tasks]
    known = [k for k in example_keys if ds.rows([k])[0] >= 0]
    if known:
        parts.extend(ds.vectors(known))
    if not parts:
        return None
    return np.mean(np.asarray(parts, np.float32), axis=0)
