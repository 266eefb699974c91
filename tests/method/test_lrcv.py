"""The fast LR-CV gives scikit-learn's numbers: same folds, same C, same AP."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import average_precision_score

from dashboard import SplitError
from dashboard.method import classifiers as models
from dashboard.method import lrcv


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_average_precision_is_sklearns_to_the_last_bit():
    rng = np.random.default_rng(0)
    for i in range(400):
        n = int(rng.integers(1, 60))
        y = rng.random(n) < rng.random()
        s = rng.random(n) if i % 2 else rng.integers(0, 6, n).astype(float)  # ties, no positive
        assert lrcv.average_precision(y, s) == average_precision_score(y, s)
    # summed in another order this gives 0.9166666666666666 (scikit-learn: ...665)
    y, s = np.array([0, 1, 1, 1], bool), np.array([0.336, 0.610, 0.161, 0.681])
    assert lrcv.average_precision(y, s) == average_precision_score(y, s) == 0.9166666666666665


def test_fold_sums_tied_in_sklearn_are_tied_here_and_the_first_c_wins():
    """Two folds, two values of C whose fold APs sum to exactly the same total in
    scikit-learn; a last-bit difference in one AP would make the second C win."""
    folds = [np.array([0, 1, 1, 1, 0, 1], bool), np.array([1, 1, 0, 1, 1, 1], bool)]
    by_c = [[[1.0, 0.0, 3.0, 5.0, 4.0, 2.0], [2.0, 3.0, 0.0, 1.0, 5.0, 4.0]],
            [[0.0, 3.0, 5.0, 2.0, 4.0, 1.0], [5.0, 0.0, 1.0, 3.0, 2.0, 4.0]]]
    mine = np.array([[lrcv.average_precision(y, np.array(s)) for y, s in zip(folds, c)]
                     for c in by_c]).T  # (folds, Cs)
    ref = np.array([[average_precision_score(y, s) for y, s in zip(folds, c)]
                    for c in by_c]).T
    np.testing.assert_array_equal(mine, ref)
    assert mine.sum(axis=0)[0] == mine.sum(axis=0)[1]
    assert lrcv.best_c_index(mine) == 0 == int(np.argmax(ref.sum(axis=0)))


def _train_val(ds, task):
    try:
        return ds.agg_labeled(task).split()
    except SplitError:
        return None


def test_fast_lr_cv_matches_logistic_regression_cv_on_many_tasks(ds):
    compared = 0
    for task in ds.tasks[::5]:
        parts = _train_val(ds, task)
        if parts is None or parts[0].neg_cnt < 5 or parts[0].pos_cnt < 2:
            continue
        train, val = parts
        x, y = train.x, train.y
        fast = models.LogisticRegression(seed=0).fit(x, y)
        ref = models.sklearn_lr_cv(seed=0).fit(x, y)
        assert fast.C == pytest.approx(ref.C_[0]), task
        ap_fast = average_precision_score(val.y, fast.predict_proba(val.x))
        ap_ref = average_precision_score(val.y, ref.predict_proba(val.x)[:, 1])
        assert abs(ap_fast - ap_ref) <= 0.005, task
        np.testing.assert_allclose(fast.model.coef_, ref.coef_, atol=1e-6)
        best = fast.cv_scores.sum(axis=0).argmax()  # the chosen C has the best fold AP sum
        assert fast.cv_scores.shape == (5, 10) and lrcv.CS[best] == fast.C
        np.testing.assert_allclose(fast.cv_scores[:, best], ref.scores_[True][:, best, 0],
                                   atol=1e-9)
        compared += 1
    assert compared >= 8


def test_small_training_sets_and_class_weight_match_sklearn(ds):
    train, _ = ds.agg_labeled(ds.tasks[0]).split()
    keys = train.keys[:40] + train.keys[-40:]  # few positives and negatives, n << d
    x, y = ds.vectors(keys), np.isin(keys, sorted(train.pos))
    for cw in (None, "balanced"):
        fast = models.LogisticRegression(seed=3, class_weight=cw).fit(x, y)
        ref = models.sklearn_lr_cv(seed=3, class_weight=cw).fit(x, y)
        assert fast.C == pytest.approx(ref.C_[0])
        np.testing.assert_allclose(fast.predict_proba(x), ref.predict_proba(x)[:, 1], atol=1e-6)


def test_fixed_c_matches_sklearn_logistic_regression(ds):
    train, _ = ds.agg_labeled(ds.tasks[1]).split()
    x, y = train.x, train.y
    for cw in (None, "balanced"):
        fit = lrcv.fit_fixed_c(x, y, C=0.5, class_weight=cw)
        ref = SkLogisticRegression(C=0.5, max_iter=1000, class_weight=cw).fit(x.astype(float), y)
        np.testing.assert_allclose(fit.predict_proba(x), ref.predict_proba(x)[:, 1], atol=1e-6)


def test_public_api_of_the_seed_snippet():
    rng = np.random.RandomState(0)
    x = rng.rand(200, 512)
    y = x[:, 0] > 0.5
    clf = models.LogisticRegression(scoring="average_precision").fit(x, y)
    assert clf.predict_proba(rng.rand(1, 512)).shape == (1,)
    assert clf.predict(x).dtype == bool


def test_direct_lbfgsb_loop_gives_the_iterates_of_scipy_minimize(ds, monkeypatch):
    assert lrcv._setulb is not None  # the pinned scipy has the step function we drive
    train, _ = ds.agg_labeled(ds.tasks[2]).split()
    direct = lrcv.fit_cv(train.x, train.y, seed=0)
    monkeypatch.setattr(lrcv, "_setulb", None)
    wrapped = lrcv.fit_cv(train.x, train.y, seed=0)
    assert direct.C == wrapped.C and direct.n_iter == wrapped.n_iter
    np.testing.assert_array_equal(direct.coef, wrapped.coef)


def test_blas_limit_is_restored_after_concurrent_fits_in_threads(ds):
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_info

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    train, _ = ds.agg_labeled(ds.tasks[3]).split()
    x, y = train.x, train.y
    with ThreadPoolExecutor(3) as pool:
        fits = list(pool.map(lambda seed: lrcv.fit_cv(x, y, seed), range(3)))
    assert blas_threads() == before
    assert fits[0].C == lrcv.fit_cv(x, y, 0).C
