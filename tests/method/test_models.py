"""The paper's classifier and the zero-shot scorer."""
import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from dashboard.method import classifiers as models
from dashboard.method.training import fit_and_score, untrainable_reason, zero_shot_ap


def test_lr_cv_is_reproducible_for_a_seed(ds):
    train, _ = ds.agg_labeled("closeup").split()
    a = models.LogisticRegression(seed=0).fit(train.x, train.y)
    b = models.LogisticRegression(seed=0).fit(train.x, train.y)
    x = train.x[:20]
    assert np.array_equal(a.predict_proba(x), b.predict_proba(x))
    assert a.predict_proba(x).shape == (20,)


def test_classifier_beats_positive_rate_clearly(ds):
    gains = []
    for task in ("closeup", "car-chase", "group-shot"):
        train, val = ds.agg_labeled(task).split()
        result = fit_and_score(train, val)
        gains.append(result.ap.mean - val.pos_rate)
    assert np.mean(gains) > 0.2


def test_one_class_training_set_has_a_reason_not_a_crash(ds):
    train, val = ds.agg_labeled("closeup").split()
    only_neg = train.remove_keys(train.pos)
    result = fit_and_score(only_neg, val)
    assert not result.ok and "no positive" in result.reason
    assert untrainable_reason(train) == ""


def test_cosine_scores_hand_computed():
    x = np.array([[1, 0], [0, 2], [1, 1], [0, 0]], np.float32)
    scores = models.cosine_scores(x, np.array([1, 0], np.float32))
    assert scores == pytest.approx([1.0, 0.0, np.sqrt(0.5), 0.0])


def test_zero_shot_helps_but_less_than_labels(ds):
    zs, lr, base = [], [], []
    for task in ("closeup", "car-chase", "group-shot", "smoking", "dutch-angle"):
        train, val = ds.agg_labeled(task).split()
        zs.append(zero_shot_ap(ds.text_embeddings[task], val).mean)
        lr.append(fit_and_score(train, val).ap.mean)
        base.append(val.pos_rate)
    assert np.mean(zs) > np.mean(base) + 0.05
    assert np.mean(lr) > np.mean(zs) + 0.05


def test_zero_shot_ap_matches_sklearn(ds):
    _, val = ds.agg_labeled("closeup").split()
    scores = models.ZeroShot(ds.text_embeddings["closeup"]).predict_proba(val.x)
    assert zero_shot_ap(ds.text_embeddings["closeup"], val).values[0] == pytest.approx(
        average_precision_score(val.y, scores))


def _first_train_keys(ds, n_pos: int, n_neg: int):
    """The first ``n_pos`` positives and ``n_neg`` negatives of closeup's agg train split."""
    train, val = ds.agg_labeled("closeup").split()
    drop = set(sorted(train.pos)[n_pos:]) | set(sorted(train.neg)[n_neg:])
    return train.remove_keys(drop), val


@pytest.mark.parametrize("n_pos, n_neg", [(3, 1), (4, 4), (1, 3), (2, 2)])
def test_too_few_labels_for_5_fold_cv_have_a_reason_not_a_crash(ds, n_pos, n_neg):
    small, val = _first_train_keys(ds, n_pos, n_neg)
    reason = f"too few labels for 5-fold cross-validation ({n_pos} positive, {n_neg} negative)"
    assert untrainable_reason(small) == reason
    result = fit_and_score(small, val)
    assert not result.ok and result.reason == reason
    assert untrainable_reason(small, cv_folds=0) == ""  # a model without CV can fit them


@pytest.mark.parametrize("n_pos, n_neg", [(5, 1), (1, 5)])
def test_5_fold_cv_needs_5_labels_and_a_class_of_5(ds, n_pos, n_neg):
    """scikit-learn's StratifiedKFold rule: the smallest sets it accepts are fitted."""
    small, val = _first_train_keys(ds, n_pos, n_neg)
    assert untrainable_reason(small) == ""
    assert fit_and_score(small, val).ok
