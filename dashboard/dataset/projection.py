"""A 2-D map of a task's labeled shots: their embeddings projected to a plane (PCA), with
each shot's agg label and agreement, and a sample of the whole corpus in the same plane.

PCA (scikit-learn's randomized solver, which finds only the two components: ``seed`` fixes it
and the background sample) is fitted on the task's agg shots, so the plane is the one that
spreads them most; the background sample is projected onto it. UMAP is not offered: see the
README ("Embedding map").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .browse import AGG_SOURCE, shot_table
from .folder import Dataset

METHODS = ("pca",)
BACKGROUND = 20_000  # corpus shots drawn for the faint background
UNANIMOUS, DISPUTED = "unanimous", "disputed"


@dataclass(frozen=True)
class EmbeddingMap:
    """The map of ``task`` by ``method``.

    ``points``: one row per agg shot of the task, the columns of
    :func:`dashboard.dataset.browse.shot_table` (key, title, genre, each annotator's vote,
    ``agg`` label, ``pos_cnt``, ``watch`` …) plus ``x``, ``y`` (coordinates in the plane,
    embedding units) and ``agreement`` (``"unanimous"`` when every annotator gave the same
    vote, else ``"disputed"``). ``background``: ``x``, ``y`` of ``seed``'s sample of corpus
    shots. ``explained``: the share of the labeled shots' variance along each axis (0–1).
    """

    task: str
    method: str
    seed: int
    points: pd.DataFrame
    background: pd.DataFrame
    explained: tuple[float, float]


def agreement_of(pos_cnt: pd.Series, n_annotators: int) -> np.ndarray:
    """``"unanimous"`` where all ``n_annotators`` votes agree (0 or all positive), else
    ``"disputed"``.

    >>> agreement_of(pd.Series([0, 1, 3]), 3).tolist()
    ['unanimous', 'disputed', 'unanimous']
    """
    cnt = pos_cnt.to_numpy()
    return np.where((cnt == 0) | (cnt == n_annotators), UNANIMOUS, DISPUTED)


def embedding_map(ds: Dataset, task: str, method: str = "pca", seed: int = 0,
                  background: int = BACKGROUND) -> EmbeddingMap:
    """Project the task's agg shots (and ``background`` corpus shots drawn with ``seed``) to
    2-D; the same arguments give the same coordinates."""
    from sklearn.decomposition import PCA

    if method not in METHODS:
        raise ValueError(f"unknown projection {method!r} (one of {', '.join(METHODS)})")
    table = shot_table(ds, task, AGG_SOURCE)
    pca = PCA(n_components=2, svd_solver="randomized", random_state=seed)
    xy = pca.fit_transform(ds.vectors(table["key"]))
    n = min(background, ds.n_shots)
    rows = np.sort(np.random.default_rng(seed).choice(ds.n_shots, n, replace=False))
    bg = pca.transform(np.asarray(ds.embeddings[rows], dtype=np.float32))
    points = table.assign(x=xy[:, 0], y=xy[:, 1],
                          agreement=agreement_of(table["pos_cnt"],
                                                 len(ds.agg_votes(task).annotators)))
    return EmbeddingMap(task, method, seed, points,
                        pd.DataFrame({"x": bg[:, 0], "y": bg[:, 1]}),
                        tuple(float(v) for v in pca.explained_variance_ratio_))
