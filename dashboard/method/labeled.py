"""A labeled set of shot keys (positives and negatives), as the paper's code shapes it."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Protocol

import numpy as np

from . import evaluation


class KeySource(Protocol):
    """Where a labeled set finds its shots: a dataset folder
    (:class:`dashboard.dataset.Dataset`) or anything else with these two lookups."""

    def vectors(self, keys) -> np.ndarray: ...
    def clusters(self, keys) -> np.ndarray: ...


class SplitError(ValueError):
    """A train/validation split where one side has no positive: no result for that task."""


@dataclass(frozen=True)
class LabeledDataset:
    """Disjoint positive and negative keys of one task.

    ``keys`` are the sorted positives then the sorted negatives; ``x``/``y`` follow that
    order. ``source`` is the dataset (a :class:`KeySource`) that holds the embeddings and clusters of the keys.
    """

    label: str
    pos: frozenset[str]
    neg: frozenset[str]
    source: "KeySource | None" = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        both = self.pos & self.neg
        if both:
            sample = ", ".join(sorted(both)[:3])
            raise ValueError(f"{self.label}: {len(both)} keys are both positive and negative "
                             f"(e.g. {sample})")

    @classmethod
    def from_keys(cls, label: str, pos: Iterable[str], neg: Iterable[str],
                  source: "KeySource | None" = None) -> "LabeledDataset":
        return cls(label, frozenset(pos), frozenset(neg), source)

    def __len__(self) -> int:
        return len(self.pos) + len(self.neg)

    def __repr__(self) -> str:
        return (f"LabeledDataset(label={self.label}, cnt={len(self)}, pos_cnt={self.pos_cnt}, "
                f"neg_cnt={self.neg_cnt}, pos_rate={self.pos_rate:.2f})")

    @property
    def pos_cnt(self) -> int:
        return len(self.pos)

    @property
    def neg_cnt(self) -> int:
        return len(self.neg)

    @property
    def pos_rate(self) -> float:
        return self.pos_cnt / len(self) if len(self) else float("nan")

    @cached_property
    def keys(self) -> list[str]:
        return sorted(self.pos) + sorted(self.neg)

    @property
    def y(self) -> np.ndarray:
        return np.r_[np.ones(self.pos_cnt, bool), np.zeros(self.neg_cnt, bool)]

    @property
    def x(self) -> np.ndarray:
        """Embeddings of ``keys`` (a new float32 array, one row per key)."""
        return self._source().vectors(self.keys)

    @property
    def data_score(self) -> float:
        """The paper's data diversity score of this set."""
        src = self._source()
        return evaluation.data_diversity_score(src.clusters(sorted(self.pos)),
                                               src.clusters(sorted(self.neg)))

    def _source(self) -> KeySource:
        if self.source is None:
            raise ValueError(f"{self.label}: this labeled set is not attached to a dataset")
        return self.source

    def _with(self, pos: Iterable[str], neg: Iterable[str]) -> "LabeledDataset":
        return LabeledDataset(self.label, frozenset(pos), frozenset(neg), self.source)

    def remove_keys(self, keys: Iterable[str]) -> "LabeledDataset":
        keys = frozenset(keys)
        return self._with(self.pos - keys, self.neg - keys)

    def split(self, seed: int = evaluation.SEED) -> tuple["LabeledDataset", "LabeledDataset"]:
        """(train, validation) by the mmh3 rule; :class:`SplitError` if a side has no positive."""
        keys = self.keys
        val_mask = evaluation.in_validation(keys, seed)
        val_keys = {k for k, v in zip(keys, val_mask) if v}
        val = self._with(self.pos & val_keys, self.neg & val_keys)
        train = self.remove_keys(val_keys)
        for name, part in (("training", train), ("validation", val)):
            if part.pos_cnt == 0:
                raise SplitError(f"{self.label}: the {name} split (seed {seed}) has no positive "
                                 f"({part.neg_cnt} negatives)")
        return train, val

    def bootstrap_xyk(self, idx: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Resample ``idx`` of (x, y, keys); resample 0 is the set itself."""
        take = evaluation.bootstrap_indices(len(self), idx)
        keys = np.asarray(self.keys, dtype=object)[take]
        return self.x[take], self.y[take], list(keys)

    def __add__(self, other: "LabeledDataset") -> "LabeledDataset":
        return self._with(self.pos | other.pos, self.neg | other.neg)

    def __sub__(self, other: "LabeledDataset") -> "LabeledDataset":
        return self._with(self.pos - other.pos, self.neg - other.neg)
