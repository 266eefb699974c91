"""The loop run unattended: a simulated annotator answers from a task's known labels, so the
loop can be tested end to end and measured.

Pool-based: the shots that can be shown are those with a known label (agg first, then the
newest checkpoint that holds the key, then cmp random, then cmp zero-shot), minus the agg
validation split (seed 0), on which the AP is measured after each batch. The first batches
come from zero-shot search (the task's text embedding; random when it has none) until the
model can be trained; then the feeds take turns, one batch each. Real events and checkpoints
are written to the store, so the same seed gives the same labels in the same order whatever
the database.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..experiments.task_fits import TaskFits
from ..live import corpus
from ..method.evaluation import SEED, bootstrap_average_precision
from . import feeds, loop
from .store import Store

ANNOTATOR = "simulated"
COLUMNS = ["batch", "feed", "labels", "positives", "negatives", "ap_mean", "ap_std",
           "quality_mean", "data_score", "seconds"]


def known_labels(ds: Dataset, task: str) -> dict[str, bool]:
    """Every label the data folder knows for ``task``, agg overriding checkpoints (newest
    first) overriding cmp random overriding cmp zero-shot."""
    known: dict[str, bool] = {}
    cmp = ds.cmp(task)
    for pairs in (cmp.zero_shot, cmp.random):
        known.update(dict(reversed(pairs)))  # the first occurrence in a list wins
    for snap in ds.checkpoints(task):
        known.update({k: True for k in snap.pos} | {k: False for k in snap.neg})
    agg = ds.agg_labeled(task)
    known.update({k: True for k in agg.pos} | {k: False for k in agg.neg})
    return known


@dataclass(frozen=True)
class Plan:
    """What to simulate; checked where it is built."""

    budget: int
    batch: int = 25
    feeds: tuple[str, ...] = tuple(feeds.FEEDS)
    seed: int = SEED

    def __post_init__(self):
        if self.batch < 1:
            raise ValueError(f"batch = {self.batch}: must be at least 1")
        if self.budget < 1:
            raise ValueError(f"budget = {self.budget}: must be at least 1")
        object.__setattr__(self, "feeds", feeds.check_feeds(self.feeds))


def simulate(ds: Dataset, store: Store, task: str, plan: Plan, *, name: str | None = None,
             replace: bool = False, report=None) -> pd.DataFrame:
    """Run the loop on ``task`` into store task ``name`` (default ``task``) from no labels.

    ``report(row)`` is called after each batch. Returns one row per batch; columns: batch
    (from 1); feed (where its shots came from: a feed name or "search"); labels, positives,
    negatives (counts after the batch); ap_mean, ap_std (bootstrap AP of the retrained model
    on the agg validation split, 0–1; NaN while no model can be trained); quality_mean (the
    cross-validated AP of the labels, NaN with fewer than 2 of a class); data_score (0–1);
    seconds (wall time of the batch, labels and retrain).
    """
    name = name or task
    exists = store.task(name) is not None
    if exists and not replace:
        raise ValueError(f"task {name!r} already exists in {store.name} (use --replace)")
    fits = TaskFits(ds, task, SEED)
    known = known_labels(ds, task)
    pool = np.array(sorted(set(known) - fits.val_keys), dtype=object)
    pool = pool[ds.rows(list(pool)) >= 0]
    answers = np.array([known[k] for k in pool], dtype=bool)
    x_pool = ds.vectors(list(pool))
    text = fits.text_embedding
    search = None if text is None else corpus.cosine_to(x_pool, corpus.row_norms(x_pool), text)
    if exists:  # only now that the inputs are read: a failure above keeps the old task
        store.delete_task(name)
    store.create_task(name, description=f"simulated from {task}", primary=ANNOTATOR,
                      origin=f"simulate:{ds.root}")
    session = f"simulate-{plan.seed}"
    unlabeled = np.ones(len(pool), bool)
    model, version, rows, turn = None, None, [], 0
    for batch in range(1, -(-plan.budget // plan.batch) + 1):
        started = time.perf_counter()
        k = min(plan.batch, plan.budget - (batch - 1) * plan.batch)
        rng = np.random.default_rng([plan.seed, batch])
        if model is None:
            feed = feeds.SEARCH if search is not None else "random"
            scores = search if search is not None else np.zeros(len(pool))
        else:
            feed, turn = plan.feeds[turn % len(plan.feeds)], turn + 1
            scores = model.predict_proba(x_pool)
        take = loop.feed_batch(feed, scores, unlabeled, k, rng)
        if len(take) == 0:
            break
        unlabeled[take] = False
        store.record(name, list(pool[take]),
                     ["positive" if a else "negative" for a in answers[take]],
                     annotator=ANNOTATOR, feed=feed, model_version=version, session=session)
        result = loop.retrain(ds, store, name, seed=plan.seed)
        model, version = result.model, result.version
        ap = (bootstrap_average_precision(fits.val.y, model.predict_proba(fits.val.x))
              if model is not None else None)
        row = {"batch": batch, "feed": feed, "labels": len(result.labeled),
               "positives": result.labeled.pos_cnt, "negatives": result.labeled.neg_cnt,
               "ap_mean": ap.mean if ap else np.nan, "ap_std": ap.std if ap else np.nan,
               "quality_mean": result.quality.mean if result.quality else np.nan,
               "data_score": result.labeled.data_score,
               "seconds": time.perf_counter() - started}
        rows.append(row)
        if report:
            report(row)
    return pd.DataFrame(rows, columns=COLUMNS)

