"""Classifiers of the paper: logistic regression with cross-validated C, and zero-shot cosine."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import lrcv
from .evaluation import SEED

N_SPLITS = lrcv.N_SPLITS
MAX_ITER = lrcv.MAX_ITER


def as_sklearn(fit: lrcv.LinearFit, max_iter: int = MAX_ITER, class_weight: str | None = None):
    """A fitted scikit-learn ``LogisticRegression`` holding ``fit``'s coefficients (so it can
    be saved with skops and used by any scikit-learn code)."""
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    model = SkLogisticRegression(C=fit.C, max_iter=max_iter, class_weight=class_weight)
    model.coef_ = fit.coef[None, :].copy()
    model.intercept_ = np.array([fit.intercept])
    model.classes_ = np.array([False, True])
    model.n_features_in_ = len(fit.coef)
    model.n_iter_ = np.array([fit.n_iter], dtype=np.int32)
    return model


@dataclass
class LogisticRegression:
    """The paper's classifier: L2 logistic regression, C chosen by 5-fold stratified CV
    (shuffled with ``seed``) scored by ``scoring`` (average precision), refit on all data.

    With ``fast`` (the default) and average-precision scoring it runs :func:`lrcv.fit_cv`,
    which gives scikit-learn's numbers in well under half the time; otherwise it runs
    scikit-learn's ``LogisticRegressionCV``. ``model`` is a fitted scikit-learn estimator;
    ``cv_scores`` the score of each fold (rows) at each C of :data:`lrcv.CS` (columns).
    """

    scoring: str = "average_precision"
    n_splits: int = N_SPLITS
    n_jobs: int | None = None
    seed: int = SEED
    max_iter: int = MAX_ITER
    class_weight: str | None = None
    fast: bool = True
    model: object = field(init=False, repr=False, default=None)
    cv_scores: np.ndarray | None = field(init=False, repr=False, default=None)  # (folds, Cs)

    def fit(self, x: np.ndarray, y: np.ndarray) -> "LogisticRegression":
        if self.fast and self.scoring == "average_precision":
            fit = lrcv.fit_cv(x, y, self.seed, n_splits=self.n_splits,
                              class_weight=self.class_weight, max_iter=self.max_iter)
            self.model = as_sklearn(fit, self.max_iter, self.class_weight)
            self.cv_scores = fit.fold_scores
        else:
            self.model = sklearn_lr_cv(self.seed, self.n_splits, self.scoring, self.max_iter,
                                       self.class_weight, self.n_jobs).fit(x, y)
            self.cv_scores = np.asarray(self.model.scores_[True]).reshape(self.n_splits, -1)
        return self

    @property
    def C(self) -> float:
        """The chosen C."""
        c = self.model.C_ if hasattr(self.model, "C_") else self.model.C
        return float(np.ravel(c)[0])

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class, one value per row."""
        return self.model.predict_proba(x)[:, 1]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict(x)


def sklearn_lr_cv(seed: int = SEED, n_splits: int = N_SPLITS,
                  scoring: str = "average_precision", max_iter: int = MAX_ITER,
                  class_weight: str | None = None, n_jobs: int | None = None):
    """scikit-learn's ``LogisticRegressionCV`` with the paper's settings (the reference).

    ``l1_ratios=(0.0,)`` is the L2 penalty, stated explicitly so scikit-learn does not warn
    about its future defaults; the numbers are those of the implicit default.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return LogisticRegressionCV(cv=cv, scoring=scoring, max_iter=max_iter, l1_ratios=(0.0,),
                                use_legacy_attributes=True, class_weight=class_weight,
                                n_jobs=n_jobs)


def cosine_scores(x: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of ``x`` with ``query`` (0 for all-zero rows)."""
    q = np.asarray(query, np.float32)
    q = q / (np.linalg.norm(q) or 1.0)
    norms = np.linalg.norm(x, axis=1)
    norms[norms == 0] = 1.0
    return (x @ q) / norms


@dataclass
class ZeroShot:
    """Zero-shot scorer: cosine similarity of a shot with a task's text embedding."""

    text_embedding: np.ndarray

    def fit(self, x: np.ndarray, y: np.ndarray) -> "ZeroShot":
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return cosine_scores(x, self.text_embedding)
