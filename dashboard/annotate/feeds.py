"""Active-learning feeds: which unlabeled shots to show next, given the current model's scores.

The paper's four feeds over the whole corpus: ``top`` (likely positives), ``bottom`` (likely
negatives), ``borderline`` (nearest the decision threshold) and ``random``; search results
(zero-shot text or query by example) are ``top`` over cosine similarities. Each feed is a pure
function ``(scores, available, k, rng) -> rows`` kept in :data:`FEEDS`; ``available`` is a
boolean mask of the corpus rows that may be shown (unlabeled, not skipped, usable embedding).
Ties are broken by row number so a feed is deterministic for a given seed.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

THRESHOLD = 0.5  # the logistic regression's decision threshold on the probability

Feed = Callable[[np.ndarray, np.ndarray, int, np.random.Generator], np.ndarray]


def _best(keyed: np.ndarray, available: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` smallest values of ``keyed`` among ``available``, smallest first
    (ties by row)."""
    candidates = np.flatnonzero(available)
    if len(candidates) == 0 or k <= 0:
        return np.empty(0, np.int64)
    values = keyed[candidates]
    if k < len(candidates):
        part = np.argpartition(values, k - 1)[:k]
        # every candidate equal to the k-th value competes, so ties resolve by row number
        cut = values[part].max()
        # (a NaN cut, from NaN scores in the k smallest: keep all, lexsort ranks NaN last)
        part = np.flatnonzero(values <= cut) if not np.isnan(cut) else np.arange(len(values))
        candidates, values = candidates[part], values[part]
    order = np.lexsort((candidates, values))[:k]
    return candidates[order]


def top(scores: np.ndarray, available: np.ndarray, k: int, rng=None) -> np.ndarray:
    """The ``k`` highest-scoring available rows, best first.

    >>> top(np.array([.2, .9, .5, .9]), np.array([True, True, True, False]), 2).tolist()
    [1, 2]
    """
    return _best(-np.asarray(scores, np.float64), available, k)


def bottom(scores: np.ndarray, available: np.ndarray, k: int, rng=None) -> np.ndarray:
    """The ``k`` lowest-scoring available rows, lowest first."""
    return _best(np.asarray(scores, np.float64), available, k)


def borderline(scores: np.ndarray, available: np.ndarray, k: int, rng=None,
               threshold: float = THRESHOLD) -> np.ndarray:
    """The ``k`` available rows whose score is nearest ``threshold``, nearest first.

    >>> borderline(np.array([.1, .45, .9, .52]), np.ones(4, bool), 2).tolist()
    [3, 1]
    """
    return _best(np.abs(np.asarray(scores, np.float64) - threshold), available, k)


def random(scores: np.ndarray, available: np.ndarray, k: int,
           rng: np.random.Generator) -> np.ndarray:
    """``k`` available rows drawn uniformly without replacement (in draw order)."""
    candidates = np.flatnonzero(available)
    return rng.choice(candidates, size=min(k, len(candidates)), replace=False)


FEEDS: dict[str, Feed] = {"top": top, "bottom": bottom, "borderline": borderline,
                          "random": random}
FEED_NAMES = {"top": "Top", "bottom": "Bottom", "borderline": "Borderline", "random": "Random",
              "search": "Search"}
FEED_HELP = ("**Top**: highest-scoring shots (likely positives) · **Bottom**: lowest-scoring "
             "(likely negatives) · **Borderline**: nearest the decision threshold · **Random**: "
             "uniform over unlabeled shots · **Search**: closest to a text or example query")
SEARCH = "search"


def check_feeds(names) -> tuple[str, ...]:
    """``names`` as a tuple after checking each is a feed; ValueError naming the unknown."""
    names = tuple(names.split(",")) if isinstance(names, str) else tuple(names)
    unknown = [n for n in names if n not in FEEDS]
    if unknown or not names:
        raise ValueError(f"feeds = {','.join(names)!r}: unknown {unknown or 'none given'}; "
                         f"known: {', '.join(FEEDS)}")
    return names
