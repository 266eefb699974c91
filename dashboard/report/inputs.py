"""What the sections read, loaded once per report: the folder's derived tables (task table,
agreement) and the cached Experiment 1 and 2 results of the chosen tasks. Nothing here
computes an experiment: tasks without cached results are listed as missing."""
from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..dataset import derived
from ..dataset.folder import Dataset
from ..experiments import runner
from ..experiments.experiment1 import CHECKPOINT, POSITIVE_RATE, RANDOM_SCORER, ZERO_SHOT_SCORER

CURRENT_COLUMNS = ["task", "group", "checkpoints", "n_train", "n_pos", "ap_mean", "ap_std",
                   "best_checkpoint", "best_ap", "zero_shot_ap", "positive_rate",
                   "random_scorer_ap"]


class ReportData:
    """The tables behind a report of ``tasks`` of ``ds`` (each read on first use)."""

    def __init__(self, ds: Dataset, tasks):
        self.ds, self.tasks = ds, list(tasks)

    @cached_property
    def task_table(self) -> pd.DataFrame:
        t = derived.table(self.ds, "task_table")
        return t[t["task"].isin(self.tasks)].reset_index(drop=True)

    @cached_property
    def agreement(self) -> pd.DataFrame:
        t = derived.table(self.ds, "agreement_table")
        return t[t["task"].isin(self.tasks) & (t["error"] == "")].reset_index(drop=True)

    def results(self, experiment: str) -> pd.DataFrame | None:
        """The cached results of ``experiment`` for the chosen tasks (None: none cached)."""
        return self._results[experiment]

    @cached_property
    def _results(self) -> dict:
        return {e: runner.cached(self.ds, e, self.tasks) for e in runner.EXPERIMENTS}

    def missing(self, experiment: str) -> list[str]:
        """The chosen tasks whose ``experiment`` is not cached."""
        table = self.results(experiment)
        done = set() if table is None else set(table["task"])
        return [t for t in self.tasks if t not in done]

    @cached_property
    def current_models(self) -> pd.DataFrame:
        """Per task with Experiment 1 results, its current model (the classifier of its
        newest checkpoint) and that model's quality, from Experiment 1's checkpoint rows.

        Columns: ``task``, ``group``; ``checkpoints`` (count; the newest is the current
        model); ``n_train``, ``n_pos`` (its training labels, validation keys removed);
        ``ap_mean``, ``ap_std`` (bootstrap AP on the agg validation split, 0–1, NaN when it
        could not be trained); ``best_checkpoint`` (1-based) and ``best_ap`` (the best
        checkpoint's AP); ``zero_shot_ap``, ``positive_rate``, ``random_scorer_ap`` (the
        reference levels of the same validation split, NaN when undefined).
        """
        exp1 = self.results("experiment1")
        rows = []
        for task, t in ([] if exp1 is None else exp1.groupby("task", sort=False)):
            cps = t[t["method"] == CHECKPOINT].sort_values("checkpoint")
            if cps.empty:
                continue
            last, scored = cps.iloc[-1], cps.dropna(subset=["ap_mean"])
            best = scored.loc[scored["ap_mean"].idxmax()] if len(scored) else None
            ref = t.set_index("method")["ap_mean"]
            rows.append({"task": task, "group": last.group, "checkpoints": len(cps),
                         "n_train": last.n_train, "n_pos": last.n_pos,
                         "ap_mean": last.ap_mean, "ap_std": last.ap_std,
                         "best_checkpoint": np.nan if best is None else best.checkpoint,
                         "best_ap": np.nan if best is None else best.ap_mean,
                         "zero_shot_ap": ref.get(ZERO_SHOT_SCORER, np.nan),
                         "positive_rate": ref.get(POSITIVE_RATE, np.nan),
                         "random_scorer_ap": ref.get(RANDOM_SCORER, np.nan)})
        return pd.DataFrame(rows, columns=CURRENT_COLUMNS)
