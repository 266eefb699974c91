"""One live training run: a task, a source and a model in; the model, its quality and the
validation scores behind the charts out (or the reason there is no model)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from ..errors import DataError
from ..experiments.task_fits import TaskFits
from ..method.classifiers import cosine_scores
from ..method.labeled import SplitError
from ..method.lrcv import N_SPLITS
from ..method.training import untrainable_reason
from . import estimators
from .quality import Quality, quality
from .sources import Source, TrainingSet, training_set


@dataclass(frozen=True)
class TrainRun:
    task: str
    training: TrainingSet | None  # None when the task's labels cannot be split
    spec: estimators.ModelSpec
    model: estimators.TrainedModel | None = None
    quality: Quality | None = None
    val_y: np.ndarray | None = None
    val_scores: np.ndarray | None = None
    zero_shot_scores: np.ndarray | None = None  # the zero-shot scorer on validation
    data_score: float = float("nan")
    reason: str = ""
    ave_problem: str = ""  # why there is no AVE AP although the task has an AVE set

    @property
    def ok(self) -> bool:
        return self.model is not None


def train_run(ds: Dataset, task: str, source: Source, spec: estimators.ModelSpec) -> TrainRun:
    """Fit ``spec`` on ``source``'s labels of ``task`` and measure it on the agg validation
    split (and on the AVE set where the task has one); a broken task gives the reason."""
    try:
        fits = TaskFits(ds, task, spec.seed)
    except (SplitError, DataError) as e:
        return TrainRun(task, None, spec, reason=str(e))
    training = training_set(ds, fits, source)
    cv_folds = N_SPLITS if spec.kind == estimators.LR_CV else 0  # the other models fit without CV
    reason = training.reason or untrainable_reason(training.train, cv_folds)
    if reason:
        return TrainRun(fits.task, training, spec, reason=reason)
    model = estimators.train(spec, training.train)
    val_x = fits.val.x
    val_scores = model.predict_proba(val_x)
    zs = None if fits.text_embedding is None else cosine_scores(val_x, fits.text_embedding)
    ave, ave_scores, ave_problem = _ave_scores(ds, fits.task, model)
    q = quality(val_scores, fits.val, zs, ave, ave_scores)
    return TrainRun(fits.task, training, spec, model, q, fits.val.y, val_scores, zs,
                    training.train.data_score, ave_problem=ave_problem)


def _ave_scores(ds: Dataset, task: str, model: estimators.TrainedModel):
    """(AVE set, the model's scores on it, "") or (None, None, why not): the AVE set is
    optional, so a broken file or unusable embeddings cost the AVE AP only."""
    try:
        ave = ds.ave(task)
        return ave, None if ave is None else model.predict_proba(ave.x), ""
    except DataError as e:
        return None, None, str(e)


def score_with_all(models: dict[str, estimators.TrainedModel], x: np.ndarray) -> pd.DataFrame:
    """Each task's score of each row of ``x``: one row per input row, one column per task."""
    return pd.DataFrame({task: m.predict_proba(x) for task, m in models.items()})


def ranking(ds: Dataset, models: dict[str, estimators.TrainedModel],
            vector: np.ndarray) -> pd.DataFrame:
    """Every task's score of one embedding, highest first."""
    scores = score_with_all(models, np.asarray(vector, np.float32).reshape(1, -1)).iloc[0]
    table = pd.DataFrame({"task": scores.index, "group": [ds.group(t) for t in scores.index],
                          "score": scores.to_numpy(float)})
    return table.sort_values("score", ascending=False, ignore_index=True)
