"""The paper's protocol for a team: blind re-labeling by secondaries, the aggregate labels
derived from everyone's votes, and the two baseline lists labeled by the primary.

A task's *agg* is derived exactly as the release defines it: the shots the primary labeled,
each with the primary's and every secondary's vote, ``pos_cnt`` positive votes and ``agg`` the
majority (more than half of the votes). A shot enters the agg once every secondary asked has
voted on it; until then it is *pending*. With no secondary asked, the agg is the primary's
labels (one vote each).

A secondary's feed is *blind*: the primary's labeled shots the secondary has not voted on, in
an order of their own (a hash of annotator and key), with nothing of the primary's label or the
model's score. Skipped shots come back last.
"""
from __future__ import annotations

import mmh3
import numpy as np
import pandas as pd

from ..dataset.folder import CmpLists, Dataset
from ..live import corpus
from ..method.agreement import AggLabels
from . import feeds, loop
from .database import BASELINES, SECONDARY
from .store import Store

BLIND_FEED = "blind"


def primary_of(store: Store, task: str) -> str:
    """The task's primary annotator: as recorded, else whoever gave most current labels."""
    info = store.task(task) or {}
    if info.get("primary"):
        return info["primary"]
    labels = store.labels(task)
    return labels["annotator"].mode().iloc[0] if len(labels) else "unknown"


def _secondary_votes(store: Store, task: str, secondaries: list[str]) -> pd.DataFrame:
    """(key x secondary) current votes of the secondaries asked (NaN: not voted)."""
    votes = store.votes(task, SECONDARY)
    votes = votes[votes["annotator"].isin(secondaries)]
    wide = votes.pivot(index="key", columns="annotator", values="label")
    return wide.reindex(columns=secondaries)


def agg_votes(store: Store, task: str) -> AggLabels:
    """The task's agg (complete shots only), as the release's agg file reads."""
    primary, secondaries = primary_of(store, task), store.secondaries(task)
    labels = store.labels(task)
    table = pd.DataFrame({"key": labels["key"], primary: labels["label"].to_numpy(bool)})
    if secondaries:
        votes = _secondary_votes(store, task, secondaries)
        table = table.join(votes, on="key").dropna(subset=secondaries)
    names = [primary, *secondaries]
    table = table.astype({n: bool for n in names}).reset_index(drop=True)
    table["pos_cnt"] = table[names].sum(axis=1).astype(int)
    table.insert(len(names) + 1, "agg", table["pos_cnt"] * 2 > len(names))
    return AggLabels(task, primary, tuple(secondaries), table)


def agg_document(store: Store, task: str) -> dict:
    """The task's agg in the release's JSON schema."""
    agg = agg_votes(store, task)
    return {"primary": agg.primary, "secondaries": list(agg.secondaries),
            "data": [{"key": row["key"], "primary": bool(row[agg.primary]),
                      "secondaries": {s: bool(row[s]) for s in agg.secondaries},
                      "agg": bool(row["agg"]), "pos_cnt": int(row["pos_cnt"])}
                     for _, row in agg.table.iterrows()]}


def progress(store: Store, task: str) -> pd.DataFrame:
    """Per secondary asked: how many of the primary's labeled shots they voted on and how many
    they still have to do. Columns: secondary, voted, to_do."""
    secondaries = store.secondaries(task)
    keys = set(store.labels(task)["key"])
    votes = store.votes(task, SECONDARY)
    voted = [len(keys & set(votes.loc[votes["annotator"] == s, "key"])) for s in secondaries]
    return pd.DataFrame({"secondary": secondaries, "voted": voted,
                         "to_do": [len(keys) - v for v in voted]})


def _shuffled(annotator: str, keys) -> list[str]:
    """``keys`` in an order of the annotator's own, the same on every call."""
    return sorted(keys, key=lambda k: (mmh3.hash64(f"{annotator}\x1f{k}", signed=False)[0], k))


def blind_batch(store: Store, task: str, annotator: str, k: int) -> list[str]:
    """The next ``k`` shots for secondary ``annotator`` to re-label blind: the primary's labeled
    shots they have not voted on, in their own shuffled order, skipped ones last."""
    if annotator not in store.secondaries(task):
        raise ValueError(f"{annotator!r} is not asked to re-label {task!r}")
    keys = set(store.labels(task)["key"])
    mine = store.events(task)
    mine = mine[(mine["annotator"] == annotator) & (mine["role"] == SECONDARY)]
    voted = set(store.votes(task, SECONDARY).query("annotator == @annotator")["key"])
    skipped = set(mine.loc[mine["value"] == "skip", "key"])
    todo = _shuffled(annotator, keys - voted - skipped)
    later = _shuffled(annotator, (keys & skipped) - voted)
    return (todo + later)[:k]


def draw_baselines(ds: Dataset, store: Store, task: str, n: int, query: np.ndarray,
                   seed: int = 0) -> None:
    """Draw the task's two baseline lists of ``n`` shots: ``random``, uniform over the corpus
    (in draw order), and ``zero_shot``, the top ``n`` of the cosine ranking to ``query`` (best
    first, ties by row); shots without a usable embedding are never drawn."""
    if n < 1:
        raise ValueError(f"baseline size must be at least 1, not {n}")
    usable = loop.available(ds, ())
    rng = np.random.default_rng([seed, mmh3.hash(task, signed=False)])
    random_rows = feeds.random(None, usable, n, rng)
    scores = corpus.cosine_to(ds.embeddings, corpus.row_norms(ds.embeddings), query)
    top_rows = feeds.top(scores, usable, n)
    keys = ds.shots["key"].to_numpy()
    store.set_baseline(task, "random", keys[random_rows].tolist())
    store.set_baseline(task, "zero_shot", keys[top_rows].tolist())


def baseline_batch(store: Store, task: str, name: str, k: int) -> list[str]:
    """The next ``k`` shots of baseline list ``name`` that the primary has not labeled, in the
    list's order."""
    done = set(store.labels(task, role=name)["key"])
    return [key for key in store.baseline(task, name) if key not in done][:k]


def cmp_lists(store: Store, task: str) -> CmpLists:
    """The baseline lists with the primary's labels, in list order (labeled shots only)."""
    lists = []
    for name in BASELINES:
        labels = dict(zip(*store.labels(task, role=name)[["key", "label"]].to_numpy().T))
        lists.append(tuple((k, bool(labels[k])) for k in store.baseline(task, name)
                           if k in labels))
    return CmpLists(*lists)


def cmp_document(store: Store, task: str) -> dict:
    """The baseline lists in the release's cmp JSON schema."""
    lists = cmp_lists(store, task)
    return {name: [{"key": k, "value": v} for k, v in getattr(lists, name)]
            for name in BASELINES}
