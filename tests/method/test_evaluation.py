"""The paper's evaluation semantics against hand-computed values."""
import numpy as np
import pytest

from dashboard.method import evaluation as ev


def test_validation_split_uses_signed_mmh3_floor_mod_5():
    # mmh3.hash(key, 0): HnnBvemHrWA|0 -> -445047165 (floor % 5 == 0; unsigned % 5 == 1;
    # and % 10 == 5, so the "% 10 < 2" reading would put it in training)
    keys = ["HnnBvemHrWA|0", "ddrQKAMzUGI|2015", "abc|1", "zz-_9XYZabc|120", "key|5"]
    assert ev.in_validation(keys).tolist() == [True, False, False, False, False]


def test_validation_split_depends_on_seed():
    assert ev.in_validation(["HnnBvemHrWA|0"], seed=1).tolist() == [False]  # hash % 5 == 4
    assert ev.in_validation(["abc|1"], seed=1).tolist() == [True]  # hash % 5 == 0


def test_validation_share_is_a_fifth():
    keys = [f"video{i}|{i * 7}" for i in range(20_000)]
    assert ev.in_validation(keys).mean() == pytest.approx(0.2, abs=0.01)


def test_bootstrap_resample_zero_is_the_set_and_others_use_randomstate():
    assert ev.bootstrap_indices(6, 0).tolist() == [0, 1, 2, 3, 4, 5]
    assert ev.bootstrap_indices(6, 3).tolist() == np.random.RandomState(3).choice(6, 6).tolist()


def test_bootstrap_does_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    ev.bootstrap_indices(10, 2)
    assert np.random.rand() == expected


def test_average_precision_hand_computed():
    # ranking 1,0,1,0: precision at the positives 1/1 and 2/3 -> AP = (1 + 2/3) / 2
    ap = ev.bootstrap_average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], resamples=1)
    assert ap.values == pytest.approx((5 / 6,))
    assert ap.mean == pytest.approx(5 / 6) and ap.std == 0.0


def test_bootstrap_skips_resamples_without_positive_and_uses_population_std():
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], bool)
    scores = np.linspace(1, 0, 10)
    expected = []
    for i in range(5):
        idx = ev.bootstrap_indices(10, i)
        if y[idx].any():
            from sklearn.metrics import average_precision_score
            expected.append(average_precision_score(y[idx], scores[idx]))
    ap = ev.bootstrap_average_precision(y, scores)
    assert ap.skipped == 5 - len(expected) and ap.skipped > 0
    assert ap.mean == pytest.approx(np.mean(expected))
    assert ap.std == pytest.approx(np.std(expected, ddof=0))


def test_bootstrap_with_no_positive_at_all_is_nan():
    ap = ev.bootstrap_average_precision([0, 0, 0], [0.1, 0.2, 0.3])
    assert ap.values == () and ap.skipped == 5 and np.isnan(ap.mean)


def test_unanimity_rate():
    assert ev.unanimity_rate([0, 3, 1, 2, 3]) == pytest.approx(3 / 5)
    assert ev.unanimity_rate([0, 0, 3]) == 1.0
    assert np.isnan(ev.unanimity_rate([]))


def test_data_diversity_score_hand_computed():
    pos = [0] * 12 + [1] * 5          # cluster 0 capped at 10 -> 1.0, cluster 1 -> 0.5
    neg = [2] * 20                    # cluster 2 capped -> 1.0
    assert ev.data_diversity_score(pos, neg) == pytest.approx((1.5 + 1.0) / 20)


def test_data_diversity_score_is_one_with_ten_of_each_everywhere():
    full = [c for c in range(10) for _ in range(10)]
    assert ev.data_diversity_score(full, full) == 1.0
    assert ev.data_diversity_score([], []) == 0.0
