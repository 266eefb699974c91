"""The paper's method as pure functions: the mmh3 train/validation split, labeled sets, the
bootstrap of average precision, the data diversity score, the LR-CV (fast and scikit-learn's),
the zero-shot cosine scorer, fitting and scoring a training set, and agreement statistics of a
vote matrix.

This is the bottom layer: it imports nothing from the project but :mod:`dashboard.errors`.
A labeled set reaches embeddings and clusters through the object it is attached to (any
object with ``vectors(keys)`` and ``clusters(keys)``, in practice a dataset folder).
"""
from .evaluation import (
                         SEED,
                         BootstrapAP,
                         bootstrap_average_precision,
                         data_diversity_score,
                         in_validation,
                         unanimity_rate,
)
from .labeled import LabeledDataset, SplitError

__all__ = ["SEED", "BootstrapAP", "LabeledDataset", "SplitError", "bootstrap_average_precision",
           "data_diversity_score", "in_validation", "unanimity_rate"]
