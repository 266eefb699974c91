"""The paper's evaluation semantics as plain functions (see docs/data-format.md).

Validation split, bootstrap of average precision, agreement, data diversity score.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Iterable, Sequence

import mmh3
import numpy as np

VALIDATION_BUCKETS = 5  # the authors' 2/10 reduced: a key is in validation when hash % 5 == 0
SEED = 0
BOOTSTRAP_RESAMPLES = 5
N_CLUSTERS = 10
CLUSTER_CAP = 10
N_ANNOTATORS = 3


def in_validation(keys: Iterable[str], seed: int = SEED) -> np.ndarray:
    """Boolean mask: ``mmh3.hash(key, seed) % 5 == 0`` (signed 32-bit hash, floor modulo).

    Parameters: ``keys`` (n shot keys), ``seed``. Returns: bool array of shape (n,), True for
    the validation side.

    >>> in_validation(["HnnBvemHrWA|0", "a", "b", "c"]).tolist()
    [True, True, False, False]
    """
    return np.fromiter((mmh3.hash(k, seed) % VALIDATION_BUCKETS == 0 for k in keys), dtype=bool)


def bootstrap_indices(n: int, i: int) -> np.ndarray:
    """Indices of resample ``i``: the set itself for 0, else ``RandomState(i).choice(n, n)``.

    Returns: int array of shape (n,).

    >>> bootstrap_indices(4, 0).tolist(), bootstrap_indices(4, 1).tolist()
    ([0, 1, 2, 3], [1, 3, 0, 0])
    """
    if i == 0:
        return np.arange(n)
    return np.random.RandomState(i).choice(n, n)


@dataclass(frozen=True)
class BootstrapAP:
    """Average precision over the paper's bootstrap resamples."""

    values: tuple[float, ...]  # AP of each resample that has a positive
    skipped: int  # resamples without a positive (AP undefined, left out)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values)) if self.values else float("nan")

    @property
    def std(self) -> float:
        """Population standard deviation (ddof=0), as the paper reports it."""
        return float(np.std(self.values)) if self.values else float("nan")


def bootstrap_average_precision(y: Sequence[bool], scores: Sequence[float],
                                resamples: int = BOOTSTRAP_RESAMPLES) -> BootstrapAP:
    """AP of ``scores`` against ``y`` on resamples 0..resamples-1 of the set.

    Parameters: ``y`` (n labels), ``scores`` (n scores, higher = more positive). Returns: the
    APs of the resamples that hold a positive (mean, population std).

    >>> ap = bootstrap_average_precision([True, False, True, False], [.9, .8, .7, .1])
    >>> ap.values[0], round(ap.mean, 4), ap.skipped
    (0.8333333333333333, 0.8667, 0)
    """
    from sklearn.metrics import (
        average_precision_score,  # imported late: opening a dataset
    )
    # needs no scikit-learn (about 80 MB of resident memory)
    y = np.asarray(y, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    values = []
    for i in range(resamples):
        idx = bootstrap_indices(len(y), i)
        if not y[idx].any():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values.append(float(average_precision_score(y[idx], scores[idx])))
    return BootstrapAP(values=tuple(values), skipped=resamples - len(values))


def unanimity_rate(pos_cnt: Sequence[int], n_annotators: int = N_ANNOTATORS) -> float:
    """The paper's agreement: share of shots whose positive votes are 0 or all.

    >>> unanimity_rate([0, 3, 1, 2, 3])
    0.6
    """
    pos_cnt = np.asarray(pos_cnt)
    if len(pos_cnt) == 0:
        return float("nan")
    return float(np.mean((pos_cnt == 0) | (pos_cnt == n_annotators)))


def _cluster_part(clusters: np.ndarray, n_clusters: int, cap: int) -> float:
    counts = np.bincount(np.asarray(clusters, dtype=np.int64), minlength=n_clusters)
    return float(np.minimum(counts, cap).sum() / cap)


def data_diversity_score(pos_clusters: Sequence[int], neg_clusters: Sequence[int],
                         n_clusters: int = N_CLUSTERS, cap: int = CLUSTER_CAP) -> float:
    """Per side: sum over clusters of min(count, cap)/cap; both sides added, over 2·n_clusters.

    1.0 when every cluster holds at least ``cap`` positives and ``cap`` negatives.
    Parameters: the cluster index (0..n_clusters-1) of each positive and of each negative.

    >>> data_diversity_score([0] * 12 + [1] * 3, [2] * 5)  # (1.0 + 0.3 + 0.5) / 20
    0.09
    """
    return (_cluster_part(pos_clusters, n_clusters, cap)
            + _cluster_part(neg_clusters, n_clusters, cap)) / (2 * n_clusters)
