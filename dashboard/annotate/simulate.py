"""The loop run unattended: a simulated annotator answers from a task's known labels, so the
loop can be tested end to end and measured.

Pool-based: the shots that can be shown are those with a known label (agg first, then the
newest checkpoint that holds the key, then cmp random, then cmp zero-shot), minus the agg
validation split (seed 0), on which the AP is measured after each batch. The first batches
come from zero-shot search (the task's text embedding; random when it has none) until the
model can be trained; then the feeds take turns, one batch each. Real events and checkpoints
are written to the store, so the same seed gives the same labels in the same order whatever
the database.

The store-free pieces are shared: :class:`Session` (which feed and which shots come next),
:class:`Pool` (a task's candidates and answers) and :func:`fit` (the loop's model) also run
the feed study (:mod:`.study`) and the demo's primary annotators (:mod:`dashboard.demo`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..experiments.task_fits import TaskFits
from ..live import corpus, estimators
from ..live.estimators import TrainedModel
from ..method.evaluation import SEED, bootstrap_average_precision
from ..method.labeled import LabeledDataset
from ..method.training import untrainable_reason
from . import feeds, loop
from .feeds import SEARCH
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
    """What to simulate; checked where it is built. ``start`` is the feed until a model can
    be trained (``search``, random when the task has no query, or ``random``); then
    ``feeds`` take turns (``search`` among them keeps ranking by the query)."""

    budget: int
    batch: int = 25
    feeds: tuple[str, ...] = tuple(feeds.FEEDS)
    seed: int = SEED
    start: str = SEARCH

    def __post_init__(self):
        if self.batch < 1:
            raise ValueError(f"batch = {self.batch}: must be at least 1")
        if self.budget < 1:
            raise ValueError(f"budget = {self.budget}: must be at least 1")
        if self.start not in (SEARCH, "random"):
            raise ValueError(f"start = {self.start!r}: must be 'search' or 'random'")
        names = tuple(self.feeds)
        model_feeds = tuple(f for f in names if f != SEARCH)
        if model_feeds or not names:
            feeds.check_feeds(model_feeds)
        object.__setattr__(self, "feeds", names)


class Session:
    """The loop's choice of shots among ``n`` candidate rows, batch by batch, as the Annotate
    page makes it: ``plan.start`` until a model exists, then ``plan.feeds`` in turn, each
    through :func:`loop.feed_batch`; batch b draws with the generator seeded
    ``[plan.seed, b]``. ``search`` ranks the candidates for the search feed (None: no query,
    search falls back to random)."""

    def __init__(self, plan: Plan, n: int, search: np.ndarray | None = None):
        self.plan, self.search = plan, search
        self.unlabeled = np.ones(n, bool)
        self.batch = self.labels = self._turn = 0

    @property
    def done(self) -> bool:
        """The budget is spent or no candidate is left."""
        return self.labels >= self.plan.budget or not self.unlabeled.any()

    def next(self, scores: np.ndarray | None, size: int | None = None) -> tuple[str, np.ndarray]:
        """The feed and rows of the next batch of ``size`` (default ``plan.batch``), given the
        current model's scores of the candidates (None while no model can be trained). Call
        only while not :attr:`done`."""
        if scores is None:
            feed = self.plan.start
        else:
            feed = self.plan.feeds[self._turn % len(self.plan.feeds)]
            self._turn += 1
        if feed == SEARCH:
            feed, scores = (feed, self.search) if self.search is not None else ("random", None)
        self.batch += 1
        rng = np.random.default_rng([self.plan.seed, self.batch])
        k = min(size or self.plan.batch, self.plan.budget - self.labels)
        scores = np.zeros(len(self.unlabeled)) if scores is None else scores  # random: unused
        rows = loop.feed_batch(feed, scores, self.unlabeled, k, rng)
        self.unlabeled[rows] = False
        self.labels += len(rows)
        return feed, rows


def fit(labeled: LabeledDataset) -> TrainedModel | None:
    """The loop's model (:data:`loop.FAST`) of ``labeled``, as :func:`loop.retrain` fits it
    without a store; None when it cannot be trained."""
    return None if untrainable_reason(labeled, 0) else estimators.train(loop.FAST, labeled)


@dataclass(frozen=True)
class Pool:
    """A task's candidates for a pool-based simulation: every key with a known label but the
    agg validation split (``fits.val``), their answers, embeddings and search scores, and the
    validation embeddings."""

    fits: TaskFits
    keys: np.ndarray
    answers: np.ndarray
    x: np.ndarray
    search: np.ndarray | None
    val_x: np.ndarray

    @classmethod
    def of(cls, ds: Dataset, task: str, fits: TaskFits | None = None) -> "Pool":
        """The pool of ``task`` (split by ``fits``, default seed 0); SplitError without a
        validation positive."""
        fits = fits or TaskFits(ds, task, SEED)
        known = known_labels(ds, task)
        keys = np.array(sorted(set(known) - fits.val_keys), dtype=object)
        keys = keys[ds.rows(list(keys)) >= 0]
        x = ds.vectors(list(keys))
        text = fits.text_embedding
        search = None if text is None else corpus.cosine_to(x, corpus.row_norms(x), text)
        return cls(fits, keys, np.array([known[k] for k in keys], dtype=bool), x, search,
                   fits.val.x)

    def labeled(self, taken: np.ndarray) -> LabeledDataset:
        """The labeled set of the candidates where ``taken`` (a mask) is set."""
        keys, answers = self.keys[taken], self.answers[taken]
        return self.fits.labeled(keys[answers], keys[~answers])

    def validation_ap(self, model):
        """Bootstrap AP of ``model`` on the agg validation split (None without a model)."""
        if model is None:
            return None
        return bootstrap_average_precision(self.fits.val.y, model.predict_proba(self.val_x))


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
    pool = Pool.of(ds, task)
    if exists:  # only now that the inputs are read: a failure above keeps the old task
        store.delete_task(name)
    store.create_task(name, description=f"simulated from {task}", primary=ANNOTATOR,
                      origin=f"simulate:{ds.root}")
    session = Session(plan, len(pool.keys), pool.search)
    model, version, rows = None, None, []
    while not session.done:
        started = time.perf_counter()
        feed, take = session.next(None if model is None else model.predict_proba(pool.x))
        store.record(name, list(pool.keys[take]),
                     ["positive" if a else "negative" for a in pool.answers[take]],
                     annotator=ANNOTATOR, feed=feed, model_version=version,
                     session=f"simulate-{plan.seed}")
        result = loop.retrain(ds, store, name, seed=plan.seed)
        model, version = result.model, result.version
        ap = pool.validation_ap(model)
        row = {"batch": session.batch, "feed": feed, "labels": len(result.labeled),
               "positives": result.labeled.pos_cnt, "negatives": result.labeled.neg_cnt,
               "ap_mean": ap.mean if ap else np.nan, "ap_std": ap.std if ap else np.nan,
               "quality_mean": result.quality.mean if result.quality else np.nan,
               "data_score": result.labeled.data_score,
               "seconds": time.perf_counter() - started}
        rows.append(row)
        if report:
            report(row)
    return pd.DataFrame(rows, columns=COLUMNS)

