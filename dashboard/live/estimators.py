"""Models of the live trainer: the paper's LR-CV (default), logistic regression at a fixed C,
and a small neural network; each with optional class weighting where it applies."""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import expit

from ..errors import check_field
from ..method import lrcv
from ..method.classifiers import LogisticRegression, as_sklearn
from ..method.evaluation import SEED
from ..method.labeled import LabeledDataset

LR_CV, LR_C, MLP = "lr_cv", "lr_c", "mlp"
MODEL_KINDS = {LR_CV: "LR-CV (the paper's: C by 5-fold CV)",
         LR_C: "Logistic regression, fixed C",
         MLP: "MLP (non-linear, 64 hidden units)"}
MLP_HIDDEN = 64
SCORE_CHUNK = 65_536


@dataclass(frozen=True)
class ModelSpec:
    """What to fit: ``kind`` (one of MODEL_KINDS); ``C`` for the fixed-C model; ``balanced`` class
    weights for the logistic regressions; ``seed`` for the CV folds and the network."""

    kind: str = LR_CV
    C: float = 1.0
    balanced: bool = False
    seed: int = SEED

    def __post_init__(self):
        check_field(self.kind in MODEL_KINDS, "ModelSpec", "kind", self.kind,
                    f"unknown model (one of {', '.join(MODEL_KINDS)})")
        check_field(self.C > 0, "ModelSpec", "C", self.C, "must be greater than 0")

    def params(self) -> dict:
        """The parameters that matter for this kind (for cards and cache keys)."""
        p = asdict(self)
        if self.kind != LR_C:
            p.pop("C")
        if self.kind == MLP:
            p.pop("balanced")
        return p

    def describe(self) -> str:
        extra = [f"C = {self.C:g}"] if self.kind == LR_C else []
        extra += ["balanced classes"] if self.balanced and self.kind != MLP else []
        return MODEL_KINDS[self.kind] + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class TrainedModel:
    """A fitted scikit-learn estimator and what it was fitted on."""

    spec: ModelSpec
    estimator: object
    n_train: int
    n_pos: int
    cv_scores: np.ndarray | None = None  # LR-CV: AP of each fold (rows) at each C of lrcv.CS

    @property
    def C(self) -> float | None:
        """The C used (chosen by CV for the paper's model); None for the network."""
        return float(self.estimator.C) if self.spec.kind != MLP else None

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class per row, as scikit-learn computes it (float64):
        for labeled sets, where the paper's AP is measured."""
        return self.estimator.predict_proba(x)[:, 1]


def score_rows(estimator, x: np.ndarray) -> np.ndarray:
    """Probability of the positive class per row of a large ``x`` (the corpus), float32, in
    chunks; a linear model is applied as a float32 product, without copying the input."""
    out = np.empty(len(x), np.float32)
    linear = hasattr(estimator, "coef_")
    if linear:
        coef = estimator.coef_[0].astype(np.float32)
        b = np.float32(estimator.intercept_[0])
    for start in range(0, len(x), SCORE_CHUNK):
        chunk = x[start:start + SCORE_CHUNK]
        out[start:start + len(chunk)] = (expit(chunk @ coef + b) if linear else
                                         estimator.predict_proba(chunk)[:, 1])
    return out


def train(spec: ModelSpec, train_set: LabeledDataset) -> TrainedModel:
    """Fit ``spec`` on ``train_set`` (which must hold both classes)."""
    x, y = train_set.x, train_set.y
    weights = "balanced" if spec.balanced else None
    cv_scores = None
    if spec.kind == LR_CV:
        fitted = LogisticRegression(seed=spec.seed, class_weight=weights).fit(x, y)
        estimator, cv_scores = fitted.model, fitted.cv_scores
    elif spec.kind == LR_C:
        estimator = as_sklearn(lrcv.fit_fixed_c(x, y, spec.C, class_weight=weights),
                               class_weight=weights)
    else:
        estimator = _mlp(x, y, spec.seed)
    return TrainedModel(spec, estimator, len(train_set), train_set.pos_cnt, cv_scores)


def _mlp(x: np.ndarray, y: np.ndarray, seed: int):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier((MLP_HIDDEN,), solver="lbfgs", alpha=1e-2, max_iter=300,
                          random_state=seed)
    with warnings.catch_warnings(), lrcv.single_threaded_blas():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(x, y)
