"""LabeledDataset: disjointness, ordering, the mmh3 split, x/y from the dataset."""
import numpy as np
import pytest

from dashboard import LabeledDataset, SplitError
from dashboard.method.evaluation import data_diversity_score, in_validation


def test_keys_are_sorted_positives_then_sorted_negatives():
    lds = LabeledDataset.from_keys("t", ["b", "a"], ["d", "c"])
    assert lds.keys == ["a", "b", "c", "d"]
    assert lds.y.tolist() == [True, True, False, False]
    assert (lds.pos_cnt, lds.neg_cnt, lds.pos_rate, len(lds)) == (2, 2, 0.5, 4)


def test_a_key_cannot_be_both_positive_and_negative():
    with pytest.raises(ValueError, match="both positive and negative"):
        LabeledDataset.from_keys("t", ["a", "b"], ["b"])


def test_split_follows_mmh3_rule_and_partitions(ds):
    agg = ds.agg_labeled("car-chase")
    train, val = agg.split()
    mask = in_validation(agg.keys)
    assert set(val.keys) == {k for k, m in zip(agg.keys, mask) if m}
    assert set(train.keys) | set(val.keys) == set(agg.keys)
    assert not set(train.keys) & set(val.keys)
    assert val.pos <= agg.pos and train.neg <= agg.neg


def test_split_without_validation_positive_is_a_split_error():
    # HnnBvemHrWA|0 is the only validation key (see test_evaluation): make it negative
    lds = LabeledDataset.from_keys("t", ["abc|1", "key|5"], ["HnnBvemHrWA|0"])
    with pytest.raises(SplitError, match="validation split .* no positive"):
        lds.split()


def test_x_rows_are_the_dataset_rows(ds):
    lds = ds.agg_labeled("zoom")
    rows = ds.rows(lds.keys)
    assert np.array_equal(lds.x, np.asarray(ds.embeddings)[rows])


def test_data_score_matches_the_function(ds):
    lds = ds.agg_labeled("zoom")
    expected = data_diversity_score(ds.clusters(sorted(lds.pos)), ds.clusters(sorted(lds.neg)))
    assert lds.data_score == pytest.approx(expected)


def test_bootstrap_zero_is_the_set_itself(ds):
    lds = ds.agg_labeled("zoom")
    x, y, keys = lds.bootstrap_xyk(0)
    assert keys == lds.keys and np.array_equal(y, lds.y) and np.array_equal(x, lds.x)
    x2, y2, keys2 = lds.bootstrap_xyk(2)
    take = np.random.RandomState(2).choice(len(lds), len(lds))
    assert keys2 == [lds.keys[i] for i in take]


def test_remove_keys_and_set_arithmetic():
    a = LabeledDataset.from_keys("t", ["p1", "p2"], ["n1"])
    assert a.remove_keys({"p1", "n1"}) == LabeledDataset.from_keys("t", ["p2"], [])
    b = LabeledDataset.from_keys("t", ["p3"], ["n2"])
    assert (a + b).pos == {"p1", "p2", "p3"} and (a + b - b) == a


def test_unattached_set_explains_missing_dataset():
    with pytest.raises(ValueError, match="not attached"):
        LabeledDataset.from_keys("t", ["a"], []).x
