"""Train the paper's classifier on a labeled set and measure it on a validation set."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .classifiers import LogisticRegression, cosine_scores
from .evaluation import SEED, BootstrapAP, bootstrap_average_precision
from .labeled import LabeledDataset
from .lrcv import N_SPLITS


def untrainable_reason(train: LabeledDataset, cv_folds: int = N_SPLITS) -> str:
    """Why a training set cannot be fitted ('' when it can).

    ``cv_folds``: the folds of the model's stratified cross-validation (0 for a model without
    one); scikit-learn's ``StratifiedKFold`` needs at least that many labels and a class with
    at least that many members.
    """
    if len(train) == 0:
        return "no labels"
    if train.pos_cnt == 0:
        return f"one class only: no positive among {train.neg_cnt} labels"
    if train.neg_cnt == 0:
        return f"one class only: no negative among {train.pos_cnt} labels"
    if len(train) < cv_folds or max(train.pos_cnt, train.neg_cnt) < cv_folds:
        return (f"too few labels for {cv_folds}-fold cross-validation "
                f"({train.pos_cnt} positive, {train.neg_cnt} negative)")
    return ""


@dataclass(frozen=True)
class TrainingResult:
    """A fitted classifier's AP on validation, or the reason there is none."""

    n_train: int
    n_pos: int
    ap: BootstrapAP | None
    reason: str = ""
    model: LogisticRegression | None = None

    @property
    def ok(self) -> bool:
        return self.ap is not None


def fit_and_score(train: LabeledDataset, val: LabeledDataset, seed: int = SEED) -> TrainingResult:
    """Fit the paper's LR-CV on ``train`` and report bootstrap AP on ``val``."""
    reason = untrainable_reason(train)
    if reason:
        return TrainingResult(len(train), train.pos_cnt, None, reason)
    model = LogisticRegression(seed=seed).fit(train.x, train.y)
    ap = bootstrap_average_precision(val.y, model.predict_proba(val.x))
    return TrainingResult(len(train), train.pos_cnt, ap, model=model)


def zero_shot_ap(text_embedding: np.ndarray, val: LabeledDataset) -> BootstrapAP:
    """Bootstrap AP of the zero-shot cosine scorer on ``val``."""
    return bootstrap_average_precision(val.y, cosine_scores(val.x, text_embedding))
