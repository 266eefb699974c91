"""Per-task and whole-dataset summary tables (the Overview and Agreement pages, ``info``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..method import agreement
from .folder import Dataset

TASK_COLUMNS = ["task", "group", "agg", "positives", "pos_rate", "agreement", "data_score",
                "checkpoints", "cmp_random", "cmp_zero_shot", "ave", "error"]


def task_row(ds: Dataset, task: str) -> dict:
    """One task's counts; a task whose files are broken gets its error instead of numbers."""
    row = {"task": task, "group": ds.group(task), "error": ""}
    try:
        agg = ds.agg_votes(task)
        labeled = ds.agg_labeled(task)
        cmp = ds.cmp(task)
        ave = ds.ave(task)
        row.update(agg=len(labeled), positives=labeled.pos_cnt, pos_rate=labeled.pos_rate,
                   agreement=agg.agreement, data_score=labeled.data_score,
                   checkpoints=len(ds.checkpoints(task)), cmp_random=len(cmp.random),
                   cmp_zero_shot=len(cmp.zero_shot), ave=len(ave) if ave is not None else 0)
    except DataError as e:
        row["error"] = str(e)
    return row


def _each_task(ds: Dataset, progress=None):
    """The tasks of ``ds``, calling ``progress(fraction done, task)`` before each."""
    for i, task in enumerate(ds.tasks):
        if progress:
            progress(i / len(ds.tasks), task)
        yield task


def task_table(ds: Dataset, progress=None) -> pd.DataFrame:
    """One row per task, in group order (``progress(fraction, task)`` is told each task)."""
    return pd.DataFrame([task_row(ds, t) for t in _each_task(ds, progress)],
                        columns=TASK_COLUMNS)


def labeled_keys(ds: Dataset, task: str) -> set[str]:
    """Every key a task labels in agg, cmp random and cmp zero-shot."""
    cmp = ds.cmp(task)
    return (set(ds.agg_votes(task).table["key"]) | {k for k, _ in cmp.random}
            | {k for k, _ in cmp.zero_shot})


def dataset_summary(ds: Dataset, tasks: pd.DataFrame) -> dict[str, float]:
    """Headline figures of the dataset, from its task table."""
    ok = tasks[tasks["error"] == ""]
    unique: set[str] = set()
    for t in ok["task"]:
        unique |= labeled_keys(ds, t)
    return {
        "shots": ds.n_shots,
        "tasks": len(tasks),
        "agg_labels": int(ok["agg"].sum()),
        "all_labels": int((ok["agg"] + ok["cmp_random"] + ok["cmp_zero_shot"]).sum()),
        "unique_labeled_shots": len(unique),
        "mean_agreement": float(ok["agreement"].mean()) if len(ok) else np.nan,
        "mean_pos_rate": float(ok["pos_rate"].mean()) if len(ok) else np.nan,
    }


def group_summary(tasks: pd.DataFrame) -> pd.DataFrame:
    """Per group (in task order): number of tasks and the mean counts and rates of its tasks."""
    ok = tasks[tasks["error"] == ""]
    return (ok.groupby("group", sort=False)
            .agg(tasks=("task", "size"), agg=("agg", "mean"), positives=("positives", "mean"),
                 pos_rate=("pos_rate", "mean"), agreement=("agreement", "mean"),
                 data_score=("data_score", "mean"), checkpoints=("checkpoints", "mean"))
            .reset_index())


def agreement_table(ds: Dataset, progress=None) -> pd.DataFrame:
    """One row per task: group, counts and every agreement statistic; ``error`` if unreadable."""
    rows = []
    for task in _each_task(ds, progress):
        row = {"task": task, "group": ds.group(task), "error": ""}
        try:
            row.update(agreement.task_stats(ds.agg_votes(task)))
        except DataError as e:
            row["error"] = str(e)
        rows.append(row)
    return pd.DataFrame(rows, columns=["task", "group", "shots", "pos_rate", *agreement.STAT_COLUMNS,
                                       "error"])


def annotator_quality(ds: Dataset, progress=None) -> pd.DataFrame:
    """Every task's annotator table stacked (tasks with unreadable files are left out)."""
    parts = []
    for task in _each_task(ds, progress):
        try:
            parts.append(agreement.annotator_table(ds.agg_votes(task)))
        except DataError:
            continue  # reported once, by agreement_table
    return (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame(columns=agreement.ANNOTATOR_COLUMNS))
