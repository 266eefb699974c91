"""The shots of one label source of a task as a table, its filters and per-genre rates."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..method.evaluation import in_validation
from .folder import Dataset, shot_links

# the label sources as Browse names them (and as ?source= spells them)
AGG_SOURCE, RANDOM_SOURCE, ZERO_SHOT_SOURCE, AVE_SOURCE = ("agg", "cmp random", "cmp zero-shot",
                                                      "AVE validation")
FILTERS = ("all", "positive", "negative", "unanimous", "disputed")


def checkpoint_source(i: int) -> str:
    """Name of checkpoint ``i`` (0-based) as a source."""
    return f"checkpoint {i + 1}"


def sources(ds: Dataset, task: str) -> list[str]:
    """The label sources of a task: agg, each checkpoint, cmp random and zero-shot, AVE."""
    names = [AGG_SOURCE, *(checkpoint_source(i) for i in range(len(ds.checkpoints(task)))),
             RANDOM_SOURCE, ZERO_SHOT_SOURCE]
    return names + [AVE_SOURCE] if ds.ave(task) is not None else names


def source_labels(ds: Dataset, task: str, source: str) -> pd.Series:
    """The labels of ``source`` as a boolean Series indexed by key, in the source's order."""
    if source == AGG_SOURCE:
        t = ds.agg_votes(task).table
        return pd.Series(t["agg"].to_numpy(bool), index=t["key"])
    if source in (RANDOM_SOURCE, ZERO_SHOT_SOURCE):
        cmp = ds.cmp(task)
        pairs = cmp.random if source == RANDOM_SOURCE else cmp.zero_shot
        return pd.Series([v for _, v in pairs], index=[k for k, _ in pairs], dtype=bool)
    if source == AVE_SOURCE:
        labeled = ds.ave(task)
    elif source.startswith("checkpoint "):
        labeled = ds.checkpoints(task)[int(source.split()[1]) - 1]
    else:
        raise ValueError(f"unknown source {source!r}")
    return pd.Series(labeled.y, index=labeled.keys)


def shot_table(ds: Dataset, task: str, source: str) -> pd.DataFrame:
    """One row per labeled shot of ``source``: shot fields, the source's label, each agg vote
    (empty for shots outside agg), positive votes, validation membership, watch and thumbnail
    links. ``rank`` is the position in the source (the order of a cmp list)."""
    labels = source_labels(ds, task, source)
    keys = labels.index.astype(str)
    shots = ds.shots.iloc[ds.rows(keys)].reset_index(drop=True)
    agg = ds.agg_votes(task)
    votes = agg.table.set_index("key").reindex(keys)
    table = pd.DataFrame({
        "rank": np.arange(1, len(keys) + 1),
        "key": keys,
        "title": shots["desc"].to_numpy(),
        "genre": shots["genre"].to_numpy(),
        "start": shots["start"].to_numpy(),
        "end": shots["end"].to_numpy(),
        "label": labels.to_numpy(bool),
    })
    for name in agg.annotators:
        table[name] = votes[name].astype("boolean").array
    table["agg"] = votes["agg"].astype("boolean").array
    table["pos_cnt"] = votes["pos_cnt"].astype("Int64").array
    table["validation"] = in_validation(keys)
    table["watch"], table["thumbnail"] = shot_links(shots)
    return table


def filter_shots(table: pd.DataFrame, kind: str = "all", genres=(), text: str = "",
                 n_annotators: int = 3) -> pd.DataFrame:
    """Rows matching ``kind`` (one of FILTERS; unanimous/disputed need agg votes), any of
    ``genres`` (all when empty) and ``text`` in the title or key (case-insensitive, literal)."""
    mask = pd.Series(True, index=table.index)
    if kind == "positive":
        mask &= table["label"]
    elif kind == "negative":
        mask &= ~table["label"]
    elif kind in ("unanimous", "disputed"):
        cnt = table["pos_cnt"]
        unanimous = ((cnt == 0) | (cnt == n_annotators)).fillna(False).astype(bool)
        mask &= unanimous if kind == "unanimous" else cnt.notna().astype(bool) & ~unanimous
    elif kind != "all":
        raise ValueError(f"unknown filter {kind!r}; expected one of {FILTERS}")
    if len(genres):
        mask &= table["genre"].isin(list(genres))
    if text.strip():
        needle = text.strip()
        mask &= (table["title"].str.contains(needle, case=False, regex=False)
                 | table["key"].str.contains(needle, case=False, regex=False))
    return table[mask].reset_index(drop=True)


def positive_rate_by_genre(table: pd.DataFrame) -> pd.DataFrame:
    """Per genre (empty shown as "(none)"): shots, positives and positive rate of ``label``."""
    genre = table["genre"].replace("", "(none)")
    out = (table.assign(genre=genre).groupby("genre", sort=False)["label"]
           .agg(shots="size", positives="sum").reset_index())
    out["pos_rate"] = out["positives"] / out["shots"]
    return out.sort_values(["pos_rate", "shots"], ascending=False, ignore_index=True)


def n_pages(n_rows: int, size: int) -> int:
    """Pages of ``size`` rows needed for ``n_rows`` (at least one)."""
    return max(1, -(-n_rows // size))


def page_of(table: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Rows of 1-based ``page`` of ``size`` rows (clamped to the valid pages)."""
    page = min(max(page, 1), n_pages(len(table), size))
    return table.iloc[(page - 1) * size: page * size]
