"""Classifiers of the paper: logistic regression with cross-validated C, and zero-shot cosine."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold

from .evaluation import SEED

N_SPLITS = 5
MAX_ITER = 1000


@dataclass
class LogisticRegression:
    """The paper's classifier: L2 logistic regression, C chosen by 5-fold stratified CV
    (shuffled with ``seed``) scored by ``scoring`` (average precision), refit on all data."""

    scoring: str = "average_precision"
    n_splits: int = N_SPLITS
    n_jobs: int | None = None
    seed: int = SEED
    max_iter: int = MAX_ITER
    model: LogisticRegressionCV = field(init=False, repr=False)

    def __post_init__(self):
        cv = StratifiedKFold(n_splits=self.n_splits, shuffle=True, random_state=self.seed)
        self.model = LogisticRegressionCV(cv=cv, scoring=self.scoring, max_iter=self.max_iter,
                                          n_jobs=self.n_jobs)

    def fit(self, x: np.ndarray, y: np.ndarray) -> "LogisticRegression":
        self.model.fit(x, y)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class, one value per row."""
        return self.model.predict_proba(x)[:, 1]

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict(x)


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
