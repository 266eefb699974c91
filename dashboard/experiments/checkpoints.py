"""A task's checkpoints: how the labeled set grew, what changed, and the AP of each.

AP per checkpoint follows the paper's Experiment 1 for Video Annotator: train on the
checkpoint minus the agg validation keys, score bootstrap AP on the agg validation split.
Results are cached as JSON under ``{cache_root}/checkpoints``, keyed by the dataset's
fingerprint, the task and ``CODE_VERSION`` (bump it when a change alters the numbers).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..dataset.atomic import write_atomic
from ..dataset.folder import Dataset
from ..dataset.tasks import check_task_name
from ..method.labeled import LabeledDataset, SplitError
from ..method.training import zero_shot_ap
from .experiment1 import NoSkill, no_skill
from .task_fits import TaskFits

CODE_VERSION = 2
AP_COLUMNS = ["checkpoint", "n_train", "n_pos", "ap_mean", "ap_std", "reason"]
CHANGES = ("added positive", "added negative", "removed", "flipped to positive",
           "flipped to negative")
Progress = Callable[[float, str], None]


def timeline(ds: Dataset, task: str) -> pd.DataFrame:
    """One row per checkpoint (1-based): size, positives, negatives, positive rate, data score."""
    return pd.DataFrame([{"checkpoint": i + 1, "size": len(c), "positives": c.pos_cnt,
                          "negatives": c.neg_cnt, "pos_rate": c.pos_rate,
                          "data_score": c.data_score}
                         for i, c in enumerate(ds.checkpoints(task))],
                        columns=["checkpoint", "size", "positives", "negatives", "pos_rate",
                                 "data_score"])


def _changes(old: LabeledDataset, new: LabeledDataset) -> dict[str, frozenset[str]]:
    old_keys, new_keys = old.pos | old.neg, new.pos | new.neg
    return dict(zip(CHANGES, (new.pos - old_keys, new.neg - old_keys, old_keys - new_keys,
                              old.neg & new.pos, old.pos & new.neg)))


def diff_keys(old: LabeledDataset, new: LabeledDataset) -> pd.DataFrame:
    """Keys that differ between two labeled sets and how (one of CHANGES)."""
    rows = [(k, change) for change, keys in _changes(old, new).items() for k in sorted(keys)]
    return pd.DataFrame(rows, columns=["key", "change"])


def diff_table(ds: Dataset, task: str) -> pd.DataFrame:
    """Per pair of consecutive checkpoints: how many keys were added, removed or flipped."""
    cps = ds.checkpoints(task)
    rows = [{"from": i, "to": i + 1,
             **{c: len(keys) for c, keys in _changes(cps[i - 1], cps[i]).items()}}
            for i in range(1, len(cps))]
    return pd.DataFrame(rows, columns=["from", "to", *CHANGES])


@dataclass(frozen=True)
class CheckpointAPs:
    """AP of the paper's classifier per checkpoint, with the reference levels: the zero-shot
    scorer's AP and the validation split's :class:`NoSkill` (positive rate, random scorer AP).

    ``error`` is set (and ``table`` empty) when the agg validation split is unusable or there
    is no checkpoint; ``zero_shot_problem`` says why there is no zero-shot reference.
    """

    task: str
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AP_COLUMNS))
    zero_shot_mean: float = float("nan")
    zero_shot_std: float = float("nan")
    no_skill: NoSkill = NoSkill(np.nan, np.nan, np.nan)
    error: str = ""
    zero_shot_problem: str = ""

    def to_json(self) -> dict:
        return {"task": self.task, "rows": self.table.to_dict("records"),
                "zero_shot_mean": self.zero_shot_mean, "zero_shot_std": self.zero_shot_std,
                "positive_rate": self.no_skill.positive_rate,
                "random_scorer": self.no_skill.random_scorer,
                "random_scorer_std": self.no_skill.random_scorer_std, "error": self.error,
                "zero_shot_problem": self.zero_shot_problem}

    @classmethod
    def from_json(cls, raw) -> "CheckpointAPs":
        """The result stored by :meth:`to_json`; ValueError for anything else (another shape,
        an older version's fields, wrong types), which callers treat as not computed."""
        numbers = ("zero_shot_mean", "zero_shot_std", "positive_rate", "random_scorer",
                   "random_scorer_std")
        ok = (isinstance(raw, dict) and isinstance(raw.get("task"), str)
              and isinstance(raw.get("error"), str) and isinstance(raw.get("zero_shot_problem"), str)
              and all(_is_number(raw.get(k)) for k in numbers)
              and isinstance(raw.get("rows"), list) and all(map(_is_row, raw["rows"])))
        if not ok:
            raise ValueError("not a checkpoint AP result of this version")
        return cls(raw["task"], pd.DataFrame(raw["rows"], columns=AP_COLUMNS),
                   raw["zero_shot_mean"], raw["zero_shot_std"],
                   NoSkill(raw["positive_rate"], raw["random_scorer"], raw["random_scorer_std"]),
                   raw["error"], raw["zero_shot_problem"])


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_row(row) -> bool:
    """A stored row of the AP table: every column, counts whole, APs numbers or NaN."""
    return (isinstance(row, dict) and set(row) == set(AP_COLUMNS)
            and all(_is_number(row[k]) and float(row[k]).is_integer()
                    for k in ("checkpoint", "n_train", "n_pos"))
            and _is_number(row["ap_mean"]) and _is_number(row["ap_std"])
            and isinstance(row["reason"], str))


def compute_aps(ds: Dataset, task: str, progress: Progress | None = None) -> CheckpointAPs:
    """Fit and score every checkpoint of ``task`` (slow: one LR-CV fit per checkpoint).

    Goes through Experiment 1's :class:`TaskFits`, so the embeddings are gathered once and
    the numbers are the ones the AP-vs-labels page shows for the same checkpoints.
    """
    try:
        fits = TaskFits(ds, task)
    except SplitError as e:
        return CheckpointAPs(task, error=str(e))
    if not fits.checkpoints:
        return CheckpointAPs(task, error="no checkpoints")
    zs = zero_shot_ap(fits.text_embedding, fits.val) if fits.text_embedding is not None else None
    rows = []
    for i, cp in enumerate(fits.checkpoints):
        if progress:
            progress(i / len(fits.checkpoints),
                     f"Training on checkpoint {i + 1} of {len(fits.checkpoints)}")
        result = fits.score(fits.labeled(cp.pos - fits.val_keys, cp.neg - fits.val_keys))
        rows.append({"checkpoint": i + 1, "n_train": result.n_train, "n_pos": result.n_pos,
                     "ap_mean": result.ap.mean if result.ok else np.nan,
                     "ap_std": result.ap.std if result.ok else np.nan,
                     "reason": result.reason})
    if progress:
        progress(1.0, "Done")
    return CheckpointAPs(task, pd.DataFrame(rows, columns=AP_COLUMNS),
                         zs.mean if zs else np.nan, zs.std if zs else np.nan,
                         no_skill(fits.val.y), zero_shot_problem=fits.text_problem)


def cache_path(cache_root: Path, ds: Dataset, task: str) -> Path:
    """The cache file of ``task`` (an unsafe task name raises DataError: never a path)."""
    folder = Path(cache_root) / "checkpoints"
    return folder / f"{ds.version(task)}-{check_task_name(task, folder)}-v{CODE_VERSION}.json"


def cached_aps(ds: Dataset, task: str, cache_root: Path) -> CheckpointAPs | None:
    """The cached result of ``task`` for this dataset and code version, if any."""
    path = cache_path(cache_root, ds, task)
    try:
        result = CheckpointAPs.from_json(json.loads(path.read_bytes()))
    except (OSError, ValueError):  # missing, unreadable or another shape: not computed
        return None
    return result if result.task == task else None


def checkpoint_aps(ds: Dataset, task: str, cache_root: Path,
                   progress: Progress | None = None) -> CheckpointAPs:
    """The cached result, else compute it and write it to the cache (atomically: an unreadable
    file is replaced)."""
    result = cached_aps(ds, task, cache_root)
    if result is None:
        result = compute_aps(ds, task, progress)
        data = json.dumps(result.to_json()).encode()
        write_atomic(cache_path(cache_root, ds, task), lambda f: f.write(data))
    return result


def last_vs_best(ds: Dataset, cache_root: Path) -> pd.DataFrame:
    """For every task with a cached result: AP of the last and of the best checkpoint.

    Columns: ``task``, ``group``, ``last_checkpoint``, ``last_ap``, ``best_checkpoint``,
    ``best_ap``, ``zero_shot_ap``, ``positive_rate``, ``random_scorer_ap``.
    """
    rows = []
    for task in ds.tasks:
        result = cached_aps(ds, task, cache_root)
        scored = result.table.dropna(subset=["ap_mean"]) if result else None
        if scored is None or scored.empty:
            continue
        best = scored.loc[scored["ap_mean"].idxmax()]
        last = result.table.iloc[-1]
        rows.append({"task": task, "group": ds.group(task), "last_checkpoint": int(last.checkpoint),
                     "last_ap": last.ap_mean, "best_checkpoint": int(best.checkpoint),
                     "best_ap": best.ap_mean, "zero_shot_ap": result.zero_shot_mean,
                     "positive_rate": result.no_skill.positive_rate,
                     "random_scorer_ap": result.no_skill.random_scorer})
    return pd.DataFrame(rows, columns=["task", "group", "last_checkpoint", "last_ap",
                                       "best_checkpoint", "best_ap", "zero_shot_ap",
                                       "positive_rate", "random_scorer_ap"])
