"""The seed project's models API (``from videoannotator import models``): the paper's
classifiers, kept at this import path. They live in :mod:`dashboard.method.classifiers`."""
from .method.classifiers import (
    LogisticRegression,
    as_sklearn,
    cosine_scores,
    sklearn_lr_cv,
)

__all__ = ["LogisticRegression", "as_sklearn", "cosine_scores", "sklearn_lr_cv"]
