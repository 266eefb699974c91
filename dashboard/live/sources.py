"""Training sources of the live trainer: the agg train split, a checkpoint, or the first n of
the cmp baselines; the agg validation keys are always held out (and counted).

Labels made in the app come in as the ``annotations`` source: the caller reads them from the
annotation store and passes them as (key, label) pairs, so this package needs no store.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..dataset.folder import RANDOM, ZERO_SHOT, Dataset
from ..errors import check_field
from ..experiments import experiment1
from ..experiments.task_fits import TaskFits
from ..method.labeled import LabeledDataset

AGG, CHECKPOINT, ANNOTATIONS = "agg", "checkpoint", "annotations"
CMP_SOURCES = (RANDOM, ZERO_SHOT, experiment1.COMBINED)
SOURCE_KINDS = (AGG, CHECKPOINT, *CMP_SOURCES, ANNOTATIONS)
_NAMES = {AGG: "agg train split", CHECKPOINT: "checkpoint", RANDOM: "cmp random",
          ZERO_SHOT: "cmp zero-shot",
          experiment1.COMBINED: "cmp random + zero-shot (half and half)",
          ANNOTATIONS: "labels made in the app (Annotate)"}


def kind_name(kind: str) -> str:
    return _NAMES[kind]


@dataclass(frozen=True)
class Source:
    """Where training labels come from: ``kind``; ``n`` for the cmp kinds; ``checkpoint``
    (an index, oldest first) for checkpoints; ``labels`` ((key, is positive) pairs) for
    ``annotations``."""

    kind: str = AGG
    n: int = 1000
    checkpoint: int = -1
    labels: tuple[tuple[str, bool], ...] = ()

    def __post_init__(self):
        check_field(self.kind in SOURCE_KINDS, "Source", "kind", self.kind,
                    f"unknown training source (one of {', '.join(SOURCE_KINDS)})")
        check_field(self.kind not in CMP_SOURCES or self.n >= 1, "Source", "n", self.n,
                    "must be at least 1 label")

    def describe(self) -> str:
        if self.kind in CMP_SOURCES:
            return f"first {self.n} of {kind_name(self.kind)}"
        if self.kind == CHECKPOINT:
            # numbered from 1, as the Checkpoints and Browse pages number them
            return (f"checkpoint {self.checkpoint + 1}" if self.checkpoint >= 0
                    else "the newest checkpoint" if self.checkpoint == -1
                    else f"checkpoint {self.checkpoint} from the newest")
        if self.kind == ANNOTATIONS:
            return f"{len(self.labels):,} labels made in the app"
        return kind_name(self.kind)


@dataclass(frozen=True)
class TrainingSet:
    """The labels of a source with validation keys removed, or why there are none."""

    source: Source
    train: LabeledDataset | None  # attached to the dataset (embeddings, clusters)
    removed: int  # validation keys dropped from the source
    reason: str = ""


def _first_n_removed(pairs, val_keys, n: int) -> int:
    """Validation keys skipped while taking the first ``n`` other keys of ``pairs``."""
    kept = removed = 0
    for key, _ in pairs:
        if kept == n:
            break
        if key in val_keys:
            removed += 1
        else:
            kept += 1
    return removed


def training_set(ds: Dataset, fits: TaskFits, source: Source) -> TrainingSet:
    """The training labels of ``source`` for ``fits.task``, validation keys removed."""
    val = fits.val_keys
    if source.kind in (AGG, CHECKPOINT):
        if source.kind == CHECKPOINT and not fits.checkpoints:
            return TrainingSet(source, None, 0, "this task has no checkpoints")
        labeled = fits.agg if source.kind == AGG else fits.checkpoints[source.checkpoint]
        train = _on(ds, fits.task, labeled.pos - val, labeled.neg - val)
        return TrainingSet(source, train, len(labeled) - len(train))
    if source.kind == ANNOTATIONS:
        kept = [(k, v) for k, v in source.labels if k not in val]
        train = _on(ds, fits.task, (k for k, v in kept if v), (k for k, v in kept if not v))
        return TrainingSet(source, train, len(source.labels) - len(kept))
    pairs = experiment1.source_pairs(fits, source.kind, source.n)
    removed = sum(_first_n_removed(part, val, k)
                  for part, k in experiment1.source_parts(fits.cmp, source.kind, source.n))
    try:
        train = _on(ds, fits.task, (k for k, v in pairs if v), (k for k, v in pairs if not v))
    except ValueError as e:
        return TrainingSet(source, None, removed, f"a key is labeled both ways: {e}")
    return TrainingSet(source, train, removed)


def _on(ds: Dataset, task: str, pos, neg) -> LabeledDataset:
    return LabeledDataset(task, frozenset(pos), frozenset(neg), ds)
