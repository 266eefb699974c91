"""Check every file of a dataset folder and list every problem with its file and reason."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError
from .folder import Dataset, describe_rows


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.level.upper():7s} {self.path}: {self.reason}"


def _check(problems: list[Problem], fn, *args):
    """``fn(*args)``, or None with the DataError it raised added to ``problems``."""
    try:
        return fn(*args)
    except DataError as e:
        problems.append(Problem("error", e.path, e.reason))
        return None


def _check_finite(ds: Dataset) -> None:
    rows = ds.unusable_rows
    if len(rows):
        raise DataError(ds.root / "embeddings.h5",
                        f"{len(rows):,} rows hold NaN or inf: rows {describe_rows(rows)}")


def _check_agg_consistency(ds: Dataset, task: str) -> list[Problem]:
    agg = ds.agg_votes(task)
    t = agg.table
    votes = t[list(agg.annotators)].sum(axis=1)
    wrong_cnt = int((votes != t["pos_cnt"]).sum())
    wrong_agg = int((t["agg"] != (t["pos_cnt"] * 2 > len(agg.annotators))).sum())
    path = str(ds.task_path("agg", task))
    out = []
    if t.empty or not t["agg"].any():
        out.append(Problem("warning", path, "no rows: the task has no labels" if t.empty else
                           f"no positive among its {len(t):,} rows: no split, no model, "
                           "no experiment for this task"))
    if wrong_cnt:
        out.append(Problem("warning", path, f"{wrong_cnt} rows have pos_cnt different from "
                                            "the number of positive votes"))
    if wrong_agg:
        out.append(Problem("warning", path, f"{wrong_agg} rows have agg different from the "
                                            "majority of pos_cnt"))
    return out


def _check_task(ds: Dataset, task: str) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check(problems, _check_agg_consistency, ds, task) or []
    for loader in (ds.checkpoints, ds.ave):
        _check(problems, loader, task)
    cmp_path = ds.task_path("cmp", task)
    if cmp_path.exists():
        _check(problems, ds.cmp, task)
    else:  # a task made in the app has no baselines until they are labeled
        problems.append(Problem("warning", str(cmp_path), "file is missing: this task has no "
                                "baselines (no cmp training sources, no Experiment 1)"))
    return problems


def _orphans(ds: Dataset) -> list[Problem]:
    """Per-task files whose task has no agg file: nothing reads them."""
    return [Problem("warning", str(path), f"there is no agg/{path.name}, so no task reads "
                                          "this file")
            for sub in ("checkpoints", "cmp", "ave/validation")
            for path in sorted((ds.root / sub).glob("*.json"))
            if not (ds.root / "agg" / path.name).exists()]


def validate(root: str | Path) -> list[Problem]:
    """Every problem of the folder; an empty list means it is a valid dataset."""
    try:
        ds = Dataset(root)
    except DataError as e:
        return [Problem("error", e.path, e.reason)]
    problems: list[Problem] = []
    _check(problems, _check_finite, ds)
    text = _check(problems, getattr, ds, "text_embeddings") or {}
    _check(problems, getattr, ds, "queries")
    _check(problems, getattr, ds, "task_descriptions")
    for task in ds.tasks:
        problems += _check_task(ds, task)
        if text and task not in text:
            problems.append(Problem("warning", str(ds.root / "text-embeddings.json"),
                                    f"no text embedding for task {task!r} (no zero-shot)"))
    problems += _orphans(ds)
    problems += [Problem("warning", w.path, w.reason) for w in dict.fromkeys(ds.warnings)]
    return problems
