"""The seed project's data API (``from videoannotator import data``), on the configured dataset.

The configured dataset is ``VA_DATA_DIR`` or the generated demo (see :mod:`dashboard.demo.config`).
"""
from __future__ import annotations

from .demo import get_dataset
from .method.labeled import LabeledDataset

__all__ = ["LabeledDataset", "get_aggregate_labeled_dataset", "get_labeled_dataset_agreement",
           "get_labeled_dataset_checkpoints", "get_labeled_dataset_positive_cnt_by_key",
           "get_ave_validation_labeled_dataset", "get_text_embedding_dict"]


def get_aggregate_labeled_dataset(label: str) -> LabeledDataset:
    """The aggregated (majority-vote) labels of a task."""
    return get_dataset().agg_labeled(label)


def get_labeled_dataset_positive_cnt_by_key(label: str) -> dict[str, int]:
    t = get_dataset().agg_votes(label).table
    return dict(zip(t["key"], t["pos_cnt"].astype(int)))


def get_labeled_dataset_agreement(label: str) -> float:
    """Share of a task's shots on which all annotators agree."""
    return get_dataset().agg_votes(label).agreement


def get_labeled_dataset_checkpoints(label: str) -> list[LabeledDataset]:
    return list(get_dataset().checkpoints(label))


def get_ave_validation_labeled_dataset(label: str) -> LabeledDataset:
    ave = get_dataset().ave(label)
    if ave is None:
        raise ValueError(f"AVE data for label={label} does not exist")
    return ave


def get_text_embedding_dict() -> dict:
    return get_dataset().text_embeddings
