"""Reviewing a task's labels: every label with who gave it, from which feed and when, the
most likely label errors first (where out-of-fold predictions disagree most confidently with
the label)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset.folder import Dataset
from . import loop
from .store import Store

REVIEW_COLUMNS = ["key", "title", "label", "oof_score", "disagreement", "annotator", "feed",
                  "time", "model_version"]


def review_table(ds: Dataset, store: Store, task: str) -> pd.DataFrame:
    """The task's current labels, most suspicious first.

    Columns: key; title (the shot's title, "" for a key the data folder lacks); label (bool,
    True = positive); oof_score (out-of-fold probability of positive from the fixed-C model,
    0–1; NaN while a class has fewer than 2 labels, or for keys the data folder lacks);
    disagreement (|label − oof_score|, 0–1, NaN as oof_score); annotator, feed (who gave the
    label, from which feed); time (UTC); model_version (the model that ranked the shot, <NA>
    when none).
    """
    labels = store.labels(task)
    cv = loop.cross_validate(loop.labeled_set(ds, store, task))
    oof = pd.Series(cv.oof, index=list(cv.keys), dtype=float)
    table = labels.assign(oof_score=labels["key"].map(oof).astype(float))
    table["disagreement"] = (table["label"].astype(float) - table["oof_score"]).abs()
    rows = ds.rows(table["key"].tolist()) if len(table) else np.empty(0, np.int64)
    titles = ds.shots["desc"].to_numpy()
    table["title"] = [titles[r] if r >= 0 else "" for r in rows]
    table = table.sort_values(["disagreement", "time"], ascending=[False, False],
                              na_position="last", kind="stable")
    return table[REVIEW_COLUMNS].reset_index(drop=True)


def flipped(labels: pd.Series) -> list[str]:
    """Store values that flip boolean ``labels`` (True -> "negative", False -> "positive")."""
    return ["negative" if v else "positive" for v in labels]
