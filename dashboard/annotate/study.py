"""Which feeds help (beyond the paper): the pool-based simulation of the loop
(:mod:`.simulate`) for every task, once per strategy, with the AP after every batch.

The strategies are the paper's mix of the four feeds, each feed alone (after the zero-shot
search that starts every session), random only (no search: a uniform sample, like cmp random)
and zero-shot only (search all along: the top of the text ranking, like cmp zero-shot). Each
labels up to ``budget`` shots of the task's pool (the keys with a known label outside the agg
validation split) in batches; after each batch the loop's model (logistic regression at
C = 1) is scored by its bootstrap AP on the agg validation split, as ``simulate`` does.

The study runs and is cached like the experiments (:mod:`dashboard.experiments.runner`: one
Parquet file per task, resumable, joblib or Dask); importing this module registers it there
as :data:`STUDY`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..errors import DataError, check_field
from ..experiments import runner
from ..experiments.task_fits import TaskFits
from ..method.evaluation import SEED
from ..method.labeled import SplitError
from ..method.training import untrainable_reason
from .feeds import FEEDS, SEARCH
from .simulate import Plan, Pool, Session, fit

STUDY = "feed-study-v1"  # the cache's name for it; bump the version when a number changes
MIX = "four feeds"
ZERO_SHOT_ONLY = "zero-shot only"
STRATEGIES: dict[str, dict] = {
    MIX: {"feeds": tuple(FEEDS)},
    **{name: {"feeds": (name,)} for name in FEEDS},
    "random only": {"feeds": ("random",), "start": "random"},
    ZERO_SHOT_ONLY: {"feeds": (SEARCH,)},
}
COLUMNS = ["task", "group", "strategy", "batch", "feed", "n_train", "n_pos", "ap_mean",
           "ap_std", "reason"]


@dataclass(frozen=True)
class StudyConfig:
    """The study's settings: ``budget`` labels at most, ``batch`` labels per batch, the
    ``seed`` of the feeds' draws, the ``strategies`` (names in :data:`STRATEGIES`)."""

    budget: int = 1000
    batch: int = 25
    seed: int = SEED
    strategies: tuple[str, ...] = tuple(STRATEGIES)

    def __post_init__(self):
        check_field(self.budget >= 1, "StudyConfig", "budget", self.budget, "must be at least 1")
        check_field(self.batch >= 1, "StudyConfig", "batch", self.batch, "must be at least 1")
        unknown = [s for s in self.strategies if s not in STRATEGIES]
        check_field(bool(self.strategies) and not unknown, "StudyConfig", "strategies",
                    self.strategies, f"unknown {unknown or 'none given'}; known: "
                                     f"{', '.join(STRATEGIES)}")

    def task_fits(self, ds: Dataset, task: str) -> TaskFits:
        return TaskFits(ds, task, SEED)  # the split simulate uses


def _strategy_rows(pool: Pool, name: str, config: StudyConfig) -> list[dict]:
    """One row per batch of one strategy on one task's pool."""
    plan = Plan(config.budget, config.batch, seed=config.seed, **STRATEGIES[name])
    if name == ZERO_SHOT_ONLY and pool.search is None:
        return [_row(name, reason=pool.fits.text_problem)]
    session = Session(plan, len(pool.keys), pool.search)
    model, rows = None, []
    while not session.done:
        feed, _ = session.next(None if model is None else model.predict_proba(pool.x))
        labeled = pool.labeled(~session.unlabeled)
        model = fit(labeled)
        pool.fits.fits += model is not None
        ap = pool.validation_ap(model)
        rows.append(_row(name, session.batch, feed, len(labeled), labeled.pos_cnt,
                         ap.mean if ap else np.nan, ap.std if ap else np.nan,
                         untrainable_reason(labeled, 0)))
    return rows


def _row(strategy: str, batch=np.nan, feed="", n_train=np.nan, n_pos=np.nan,
         ap_mean=np.nan, ap_std=np.nan, reason="") -> dict:
    return {"strategy": strategy, "batch": batch, "feed": feed, "n_train": n_train,
            "n_pos": n_pos, "ap_mean": ap_mean, "ap_std": ap_std, "reason": reason}


def study(ds: Dataset, task: str, config: StudyConfig = StudyConfig(),
          fits: TaskFits | None = None) -> pd.DataFrame:
    """The study of one task: one row per strategy and batch.

    Columns: task, group; strategy (a name in :data:`STRATEGIES`); batch (from 1); feed (where
    the batch came from: a feed name, "search" or "random"); n_train, n_pos (labels and
    positives after the batch, the names of the experiments' tables); ap_mean, ap_std (bootstrap AP of the loop's model on the agg validation
    split, 0–1, NaN while no model can be trained); reason (why there is no AP, else "").
    A task without a validation positive, or zero-shot only without a text embedding, gives
    one row per strategy with NaN numbers and the reason.
    """
    try:
        pool = Pool.of(ds, task, fits or config.task_fits(ds, task))
    except (SplitError, DataError) as e:
        rows = [_row(name, reason=str(e)) for name in config.strategies]
    else:
        rows = [row for name in config.strategies for row in _strategy_rows(pool, name, config)]
    table = pd.DataFrame(rows)
    table.insert(0, "task", task)
    table.insert(1, "group", ds.group(task))
    return table[COLUMNS].astype({"batch": "float64", "n_train": "float64",
                                  "n_pos": "float64"})


def median_ap(table: pd.DataFrame) -> pd.DataFrame:
    """Median over tasks of the AP per strategy and label count.

    Columns: strategy; n_train (labels); median_ap (0–1, over the tasks with an AP at that
    count); tasks (how many). Strategies in :data:`STRATEGIES` order.
    """
    done = table.dropna(subset=["ap_mean"])
    out = (done.groupby(["strategy", "n_train"])["ap_mean"].agg(["median", "size"])
           .reset_index().rename(columns={"median": "median_ap", "size": "tasks"}))
    order = {name: i for i, name in enumerate(STRATEGIES)}
    return (out.sort_values(["strategy", "n_train"], key=lambda c: c.map(order) if
                            c.name == "strategy" else c)
            .reset_index(drop=True).astype({"n_train": "int64"}))


runner.EXPERIMENTS[STUDY] = (study, StudyConfig)
