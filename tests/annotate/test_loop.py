"""The labeling loop: labeled set from the store, cross-validated quality, retrain checkpoints,
history, the available mask and search queries."""
from __future__ import annotations

import h5py
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from dashboard import Dataset
from dashboard.annotate import loop
from dashboard.method.labeled import LabeledDataset

TASK = "zoom"


def _agg_keys(ds, task=TASK) -> tuple[list[str], list[str]]:
    agg = ds.agg_labeled(task)
    return sorted(agg.pos), sorted(agg.neg)


def _labeled(ds, n_pos: int, n_neg: int, task=TASK) -> LabeledDataset:
    pos, neg = _agg_keys(ds, task)
    return LabeledDataset.from_keys(task, pos[:n_pos], neg[:n_neg], ds)


def _data_score_by_hand(ds, pos, neg) -> float:
    def part(keys):
        counts = np.bincount(ds.clusters(sorted(keys)), minlength=10)
        return np.minimum(counts, 10).sum() / 10
    return (part(pos) + part(neg)) / 20


# ---- labeled_set --------------------------------------------------------------------------------

def test_labeled_set_is_last_write_wins_and_drops_unknown_keys(ds, store):
    k = ds.shots["key"].tolist()[:6]
    store.create_task("t", primary="ann")
    store.record("t", [k[0], k[1], k[2], "nope|1"], "positive", annotator="ann")
    store.record("t", [k[1], k[3], k[4]], "negative", annotator="ann")
    store.record("t", [k[2], "nope|2"], ["delete", "negative"], annotator="ann")
    store.record("t", [k[4], k[5]], ["skip", "skip"], annotator="ann")  # skip keeps k4's label
    store.record("t", [k[0]], "positive", annotator="other")
    labeled = loop.labeled_set(ds, store, "t")
    assert labeled.label == "t"
    assert labeled.pos == {k[0]}
    assert labeled.neg == {k[1], k[3], k[4]}
    assert labeled.source is ds
    assert labeled.keys == [k[0]] + sorted([k[1], k[3], k[4]])
    np.testing.assert_array_equal(labeled.x, ds.vectors(labeled.keys))


def test_labeled_set_of_an_empty_or_unknown_task(ds, store):
    store.create_task("t")
    for task in ("t", "never-created"):
        labeled = loop.labeled_set(ds, store, task)
        assert len(labeled) == 0 and labeled.pos == frozenset() and labeled.neg == frozenset()
    store.record("t", ["nope|1", "nope|2"], "positive", annotator="a")
    assert len(loop.labeled_set(ds, store, "t")) == 0


# ---- cross_validate -----------------------------------------------------------------------------

def _independent_folds(ds, pos, neg, n_splits, seed=0):
    """The quality score recomputed with scikit-learn only."""
    keys = sorted(pos) + sorted(neg)
    x = ds.vectors(keys).astype(np.float64)
    y = np.r_[np.ones(len(pos), int), np.zeros(len(neg), int)]
    oof = np.full(len(y), np.nan)
    aps = []
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in skf.split(x, y):
        clf = LogisticRegression(C=1.0, max_iter=1000).fit(x[train], y[train])
        oof[test] = clf.predict_proba(x[test])[:, 1]
        aps.append(average_precision_score(y[test], oof[test]))
    return np.array(aps), oof


@pytest.mark.parametrize("n_pos, n_neg, folds", [(40, 60, 5), (3, 30, 3), (30, 2, 2),
                                                 (5, 5, 5), (12, 4, 4)])
def test_cross_validate_equals_sklearn(ds, n_pos, n_neg, folds):
    labeled = _labeled(ds, n_pos, n_neg)
    cv = loop.cross_validate(labeled)
    assert cv.reason == ""
    assert len(cv.fold_aps) == folds == min(5, n_pos, n_neg)
    assert cv.keys == tuple(labeled.keys)
    np.testing.assert_array_equal(cv.y, labeled.y)
    assert not np.isnan(cv.oof).any()
    assert ((cv.oof > 0) & (cv.oof < 1)).all()
    aps, oof = _independent_folds(ds, labeled.pos, labeled.neg, folds)
    np.testing.assert_allclose(cv.fold_aps, aps, rtol=0, atol=1e-6)
    np.testing.assert_allclose(cv.oof, oof, rtol=0, atol=1e-5)
    assert cv.mean == pytest.approx(float(np.mean(aps)), abs=1e-6)
    assert cv.std == pytest.approx(float(np.std(aps, ddof=0)), abs=1e-6)
    assert cv.mean == float(np.mean(cv.fold_aps))
    assert cv.std == float(np.std(cv.fold_aps))


def test_cross_validate_seed_and_folds(ds):
    labeled = _labeled(ds, 20, 30)
    cv = loop.cross_validate(labeled, seed=7, n_splits=3)
    assert len(cv.fold_aps) == 3
    aps, _ = _independent_folds(ds, labeled.pos, labeled.neg, 3, seed=7)
    np.testing.assert_allclose(cv.fold_aps, aps, rtol=0, atol=1e-6)


@pytest.mark.parametrize("n_pos, n_neg", [(1, 10), (10, 1), (0, 10), (0, 0), (1, 1)])
def test_cross_validate_needs_two_of_each_class(ds, n_pos, n_neg):
    labeled = _labeled(ds, n_pos, n_neg)
    cv = loop.cross_validate(labeled)
    assert cv.reason == ("a class has fewer than 2 labels: "
                         f"{n_pos} positive, {n_neg} negative")
    assert cv.fold_aps == ()
    assert len(cv.oof) == n_pos + n_neg and np.isnan(cv.oof).all()
    assert np.isnan(cv.mean) and np.isnan(cv.std)


# ---- retrain and history ------------------------------------------------------------------------

def test_retrain_records_a_checkpoint(ds, store):
    pos, neg = _agg_keys(ds)
    store.create_task("t", primary="ann")
    store.record("t", pos[:15] + neg[:25] + ["nope|9"], ["positive"] * 15 + ["negative"] * 26,
                 annotator="ann")
    result = loop.retrain(ds, store, "t")
    assert result.reason == ""
    assert result.version == 1
    assert result.labeled.pos == set(pos[:15]) and result.labeled.neg == set(neg[:25])
    assert result.model.n_train == 40 and result.model.n_pos == 15
    assert result.model.C == 1.0
    (cp,) = store.checkpoints("t")
    assert cp["seq"] == 1 and cp["model_version"] == 1
    assert cp["pos"] == pos[:15] and cp["neg"] == neg[:25]  # the labeled set, not "nope|9"
    assert set(cp["metrics"]) == {"quality_mean", "quality_std", "data_score"}
    aps, _ = _independent_folds(ds, pos[:15], neg[:25], 5)
    assert cp["metrics"]["quality_mean"] == pytest.approx(np.mean(aps), abs=1e-6)
    assert cp["metrics"]["quality_std"] == pytest.approx(np.std(aps), abs=1e-6)
    assert cp["metrics"]["quality_mean"] == result.quality.mean
    assert cp["metrics"]["data_score"] == pytest.approx(
        _data_score_by_hand(ds, pos[:15], neg[:25]), abs=1e-12)
    # the model scores like a fixed-C logistic regression fitted by scikit-learn
    x = ds.vectors(result.labeled.keys).astype(np.float64)
    ref = LogisticRegression(C=1.0, max_iter=1000).fit(x, result.labeled.y)
    probe = ds.vectors(pos[15:25] + neg[25:35])
    np.testing.assert_allclose(result.model.predict_proba(probe),
                               ref.predict_proba(probe.astype(np.float64))[:, 1], atol=1e-5)

    # a second retrain after more labels
    store.record("t", pos[15:20], "positive", annotator="ann")
    store.record("t", [neg[0]], "delete", annotator="ann")
    again = loop.retrain(ds, store, "t")
    assert again.version == 2
    cps = store.checkpoints("t")
    assert [c["seq"] for c in cps] == [1, 2] and [c["model_version"] for c in cps] == [1, 2]
    assert cps[1]["pos"] == pos[:20] and cps[1]["neg"] == neg[1:25]

    hist = loop.history(store, "t")
    assert list(hist.columns) == loop.HISTORY_COLUMNS == [
        "seq", "time", "labels", "positives", "negatives", "quality_mean", "quality_std",
        "data_score", "model"]
    assert len(hist) == 2
    assert hist["seq"].tolist() == [1, 2] and hist["model"].tolist() == [1, 2]
    assert hist["labels"].tolist() == [40, 44]
    assert hist["positives"].tolist() == [15, 20]
    assert hist["negatives"].tolist() == [25, 24]
    assert hist["quality_mean"].tolist() == [c["metrics"]["quality_mean"] for c in cps]
    assert hist["data_score"].iloc[1] == pytest.approx(
        _data_score_by_hand(ds, pos[:20], neg[1:25]), abs=1e-12)
    assert hist["time"].iloc[0] <= hist["time"].iloc[1]


@pytest.mark.parametrize("values", [["positive"] * 4, ["negative"] * 4])
def test_retrain_with_one_class_records_nothing(ds, store, values):
    keys = ds.shots["key"].tolist()[:4]
    store.create_task("t")
    store.record("t", keys, values, annotator="ann")
    result = loop.retrain(ds, store, "t")
    assert result.model is None and result.version is None and result.quality is None
    assert result.reason.startswith("one class only")
    assert len(result.labeled) == 4
    assert store.checkpoints("t") == []
    assert loop.history(store, "t").empty


def test_retrain_without_new_labels_keeps_the_checkpoint(ds, store):
    pos, neg = _agg_keys(ds)
    store.create_task("t")
    store.record("t", pos[:5] + neg[:5], ["positive"] * 5 + ["negative"] * 5, annotator="a")
    assert loop.retrain(ds, store, "t").version == 1
    store.record("t", [pos[0]], "skip", annotator="a")  # no label changes
    again = loop.retrain(ds, store, "t")
    assert again.version == 1 and again.model is not None
    assert len(store.checkpoints("t")) == 1
    store.record("t", [pos[0]], "negative", annotator="a")
    assert loop.retrain(ds, store, "t").version == 2
    store.record("t", [pos[0]], "positive", annotator="a")  # back to the first labels
    assert loop.retrain(ds, store, "t").version == 3  # only the newest is compared
    assert [len(c["pos"]) for c in store.checkpoints("t")] == [5, 4, 5]


def test_retrain_with_no_labels_records_nothing(ds, store):
    store.create_task("t")
    result = loop.retrain(ds, store, "t")
    assert result.reason == "no labels" and result.model is None
    assert store.checkpoints("t") == []


def test_retrain_with_one_of_each_class_has_no_quality(ds, store):
    pos, neg = _agg_keys(ds)
    store.create_task("t")
    store.record("t", [pos[0], neg[0]], ["positive", "negative"], annotator="ann")
    result = loop.retrain(ds, store, "t")
    assert result.model is not None and result.version == 1
    assert result.quality.reason.startswith("a class has fewer than 2 labels")
    hist = loop.history(store, "t")
    assert len(hist) == 1
    assert np.isnan(hist["quality_mean"].iloc[0]) and np.isnan(hist["quality_std"].iloc[0])
    assert hist["data_score"].iloc[0] == pytest.approx(
        _data_score_by_hand(ds, [pos[0]], [neg[0]]))


def test_history_of_an_unknown_task(store):
    hist = loop.history(store, "nothing")
    assert hist.empty and list(hist.columns) == loop.HISTORY_COLUMNS


def test_history_of_checkpoints_without_metrics(store):
    store.create_task("t")
    store.add_checkpoint("t", ["a", "b"], ["c"], model_version=1, metrics={})
    hist = loop.history(store, "t")
    row = hist.iloc[0]
    assert (row["labels"], row["positives"], row["negatives"]) == (3, 2, 1)
    assert pd.isna(row["quality_mean"]) and pd.isna(row["data_score"])


# ---- available, feeds and search ----------------------------------------------------------------

def test_available_masks_excluded_keys(ds):
    keys = ds.shots["key"].tolist()
    mask = loop.available(ds, set())
    assert mask.shape == (ds.n_shots,) and mask.all()
    excluded = {keys[0], keys[17], keys[-1], "nope|3"}
    mask = loop.available(ds, excluded)
    assert mask.dtype == bool
    assert np.flatnonzero(~mask).tolist() == [0, 17, ds.n_shots - 1]
    assert mask.sum() == ds.n_shots - 3
    assert loop.available(ds, [keys[5], keys[5]]).sum() == ds.n_shots - 1
    assert loop.available(ds, {"nope|4"}).all()


def test_available_leaves_out_unusable_embeddings(copy_of_demo):
    with h5py.File(copy_of_demo / "embeddings.h5", "r+") as f:
        f["embeddings"][3, 5] = np.nan
        f["embeddings"][8, 0] = np.inf
    ds = Dataset(copy_of_demo)
    assert np.flatnonzero(~loop.available(ds, set())).tolist() == [3, 8]
    scores = np.arange(ds.n_shots, dtype=float)[::-1]  # rows 3 and 8 would be near the top
    top = loop.feed_batch("top", scores, loop.available(ds, set()), 10, None)
    assert top.tolist() == [0, 1, 2, 4, 5, 6, 7, 9, 10, 11]


def test_feed_batch_search_is_top(ds):
    scores = np.array([0.2, -0.5, 0.9, 0.9, 0.1])
    mask = np.array([True, True, True, False, True])
    rng = np.random.default_rng(0)
    assert loop.feed_batch("search", scores, mask, 2, rng).tolist() == [2, 0]
    assert loop.feed_batch("top", scores, mask, 2, rng).tolist() == [2, 0]
    assert loop.feed_batch("bottom", scores, mask, 2, rng).tolist() == [1, 4]


def test_query_vector(ds):
    text = ds.text_embeddings
    keys = ds.shots["key"].tolist()
    assert loop.query_vector(ds) is None
    assert loop.query_vector(ds, example_keys=["nope|1"]) is None
    q = loop.query_vector(ds, ["zoom"])
    np.testing.assert_allclose(q, text["zoom"], rtol=0, atol=1e-7)
    q = loop.query_vector(ds, ["zoom", "pan"])
    np.testing.assert_allclose(q, (text["zoom"] + text["pan"]) / 2, rtol=0, atol=1e-6)
    q = loop.query_vector(ds, example_keys=[keys[3], "nope|1", keys[8]])
    x = ds.embeddings[[3, 8]].astype(np.float64)
    np.testing.assert_allclose(q, x.mean(axis=0), rtol=0, atol=1e-6)
    q = loop.query_vector(ds, ["pan"], [keys[3], keys[8]])
    expected = (text["pan"].astype(np.float64) + x.sum(axis=0)) / 3  # mean of the 3 vectors
    np.testing.assert_allclose(q, expected, rtol=0, atol=1e-6)
    assert q.shape == (ds.dim,)
