"""The whole corpus at once: score every shot, take the top unlabeled ones, rank by cosine
similarity to a text embedding or to a shot (zero-shot search, query by example)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset, shot_links
from ..dataset.summary import labeled_keys

CHUNK = 65_536


def row_norms(embeddings: np.ndarray) -> np.ndarray:
    """L2 norm of every row, float32, read in chunks (0 rows keep norm 0)."""
    out = np.empty(len(embeddings), np.float32)
    for start in range(0, len(embeddings), CHUNK):
        block = np.asarray(embeddings[start:start + CHUNK], np.float32)
        out[start:start + len(block)] = np.sqrt(np.einsum("ij,ij->i", block, block))
    return out


def cosine_to(embeddings: np.ndarray, norms: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row with ``query`` (0 for all-zero rows or query)."""
    q = np.asarray(query, np.float32).ravel()
    qn = float(np.linalg.norm(q))
    sims = embeddings @ (q / (qn or 1.0))
    np.divide(sims, norms, out=sims, where=norms > 0)
    sims[norms == 0] = 0.0
    return sims


def top_rows(scores: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Rows of the ``k`` highest scores, best first, skipping the rows in ``exclude``."""
    exclude = np.unique(exclude) if exclude is not None and len(exclude) else np.empty(0, int)
    take = min(len(scores), k + len(exclude))
    if take == 0:
        return np.empty(0, int)
    cand = (np.argpartition(-scores, take - 1)[:take] if take < len(scores)
            else np.arange(len(scores)))
    cand = cand[~np.isin(cand, exclude)]
    return cand[np.argsort(-scores[cand], kind="stable")][:k]


def labeled_rows(ds: Dataset, task: str) -> np.ndarray:
    """Rows of every shot the task labels: agg, cmp lists and checkpoints."""
    keys = labeled_keys(ds, task).union(*(c.pos | c.neg for c in ds.checkpoints(task)))
    rows = ds.rows(sorted(keys))
    return rows[rows >= 0]


def shots_at(ds: Dataset, rows: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Shot fields of ``rows`` with their scores, a watch link and a thumbnail."""
    shots = ds.shots.iloc[rows]
    watch, thumbnail = shot_links(shots)
    return pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1), "key": shots["key"].to_numpy(),
        "title": shots["desc"].to_numpy(), "genre": shots["genre"].to_numpy(),
        "start": shots["start"].to_numpy(), "end": shots["end"].to_numpy(),
        "score": scores[rows].astype(float),
        "watch": watch, "thumbnail": thumbnail,
    })


def nearest(ds: Dataset, norms: np.ndarray, key: str, k: int = 20) -> pd.DataFrame:
    """The ``k`` shots most similar to shot ``key`` by cosine (the shot itself first)."""
    row = ds.rows([key])[0]
    if row < 0:
        raise KeyError(f"no shot with key {key!r}")
    sims = cosine_to(ds.embeddings, norms, ds.embeddings[row])
    sims[row] = np.inf  # itself first, even among exact duplicates
    rows = top_rows(sims, k)
    sims[row] = 1.0 if norms[row] > 0 else 0.0
    return shots_at(ds, rows, sims)


def score_histogram(scores: np.ndarray, bins: int = 50, lo: float = 0.0,
                    hi: float = 1.0) -> pd.DataFrame:
    """Shot counts per score bin over the corpus."""
    counts, edges = np.histogram(scores, bins=bins, range=(lo, hi))
    return pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "shots": counts})


def count_above(scores: np.ndarray, threshold: float) -> tuple[int, float]:
    """(shots scoring at or above ``threshold``, their share of all shots; 0.0 when empty)."""
    n = int(np.count_nonzero(scores >= threshold))
    return n, n / len(scores) if len(scores) else 0.0


def genre_index(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(genre code of every shot, genre names); the empty genre is named "(none)"."""
    codes, names = pd.factorize(ds.shots["genre"].to_numpy())
    return codes, np.where(names == "", "(none)", names.astype(object))


def share_above_by_genre(genres: tuple[np.ndarray, np.ndarray], scores: np.ndarray,
                         threshold: float) -> pd.DataFrame:
    """Per genre (of :func:`genre_index`): shots, shots scoring at or above ``threshold``
    and their share; largest share first."""
    codes, names = genres
    shots = np.bincount(codes, minlength=len(names))
    above = np.bincount(codes, weights=scores >= threshold, minlength=len(names)).astype(int)
    out = pd.DataFrame({"genre": names, "shots": shots, "above": above, "share": above / shots})
    return out.sort_values(["share", "genre"], ascending=[False, True], ignore_index=True)
