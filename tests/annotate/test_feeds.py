"""Active-learning feeds: top, bottom, borderline and random against brute-force answers."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chisquare

from dashboard.annotate import feeds
from dashboard.annotate.feeds import (
    FEEDS,
    THRESHOLD,
    borderline,
    bottom,
    check_feeds,
    top,
)


def _brute(keyed: np.ndarray, available: np.ndarray, k: int) -> list[int]:
    """Rows sorted by ``keyed`` then row number, unavailable rows left out, first ``k``."""
    rows = np.arange(len(keyed))
    order = np.lexsort((rows, keyed))
    return [int(r) for r in order if available[r]][:k]


def _scores_with_ties(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` scores rounded to 2 decimals (many ties) and a mask with ~30% unavailable."""
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random(n), 2)
    available = rng.random(n) >= 0.3
    return scores, available


# ---- hand-computed cases ------------------------------------------------------------------------

def test_top_and_bottom_by_hand():
    scores = np.array([0.5, 0.9, 0.9, 0.1, 0.9, 0.3])
    available = np.array([True, True, False, True, True, True])
    # 0.9 at rows 1, 2, 4 (2 unavailable): ties by row
    assert top(scores, available, 2).tolist() == [1, 4]
    assert top(scores, available, 3).tolist() == [1, 4, 0]
    assert bottom(scores, available, 2).tolist() == [3, 5]
    assert bottom(scores, available, 5).tolist() == [3, 5, 0, 1, 4]
    assert top(scores, available, 0).tolist() == []
    # the docstring's example
    assert top(np.array([.2, .9, .5, .9]), np.array([True, True, True, False]), 2).tolist() \
        == [1, 2]


def test_borderline_by_hand():
    # exact binary fractions: 0.375 and 0.625 are both exactly 0.125 from 0.5
    scores = np.array([0.25, 0.75, 0.5, 0.625, 0.375, 0.0])
    every = np.ones(6, bool)
    assert borderline(scores, every, 6).tolist() == [2, 3, 4, 0, 1, 5]
    assert borderline(scores, every, 2).tolist() == [2, 3]
    assert THRESHOLD == 0.5
    without_2_3 = np.array([True, True, False, False, True, True])
    assert borderline(scores, without_2_3, 3).tolist() == [4, 0, 1]
    # another threshold
    assert borderline(scores, every, 2, threshold=0.7).tolist() == [1, 3]
    # the docstring's example
    assert borderline(np.array([.1, .45, .9, .52]), np.ones(4, bool), 2).tolist() == [3, 1]


# ---- against brute force ------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 5, 10, 100, 1_000, 6_999, 7_000, 20_000])
def test_top_and_bottom_equal_brute_force_with_ties(k):
    scores, available = _scores_with_ties(10_000, seed=k)
    assert (~available).mean() == pytest.approx(0.3, abs=0.02)
    assert len(np.unique(scores)) <= 101  # ~100 rows per value: many ties
    assert top(scores, available, k).tolist() == _brute(-scores, available, k)
    assert bottom(scores, available, k).tolist() == _brute(scores, available, k)


@pytest.mark.parametrize("k", [1, 7, 50, 500, 5_000, 20_000])
def test_borderline_equals_brute_force_with_ties(k):
    rng = np.random.default_rng(100 + k)
    n = 10_000
    # multiples of 1/64: |s - 0.5| is exact, so 0.5 - d and 0.5 + d tie for real
    scores = rng.integers(0, 65, n) / 64
    available = rng.random(n) >= 0.3
    got = borderline(scores, available, k).tolist()
    assert got == _brute(np.abs(scores - 0.5), available, k)
    # nearest first: the distances never decrease, and within a distance rows increase
    d = np.abs(scores[got] - 0.5)
    assert np.all(np.diff(d) >= 0)
    same = np.diff(d) == 0
    assert np.all(np.diff(got)[same] > 0)


def test_borderline_on_rounded_scores_equals_brute_force():
    scores, available = _scores_with_ties(10_000, seed=42)
    for k in (1, 33, 3_000):
        assert borderline(scores, available, k).tolist() == \
            _brute(np.abs(scores - 0.5), available, k)


def test_float32_scores_rank_like_float64():
    scores, available = _scores_with_ties(2_000, seed=5)
    s32 = scores.astype(np.float32)
    assert top(s32, available, 50).tolist() == _brute(-s32.astype(np.float64), available, 50)


# ---- availability -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FEEDS))
def test_no_feed_returns_an_unavailable_row(name):
    rng = np.random.default_rng(7)
    for trial in range(20):
        n = int(rng.integers(1, 300))
        scores = np.round(rng.random(n), 1)
        available = rng.random(n) < rng.random()
        k = int(rng.integers(0, n + 5))
        rows = FEEDS[name](scores, available, k, np.random.default_rng(trial))
        assert rows.dtype.kind == "i"
        assert available[rows].all()
        assert len(set(rows.tolist())) == len(rows)  # no duplicates
        assert len(rows) == min(k, int(available.sum()))


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_k_larger_than_available_returns_all_available(name):
    scores = np.linspace(0, 1, 40)
    available = np.zeros(40, bool)
    available[[3, 17, 18, 39]] = True
    rows = FEEDS[name](scores, available, 100, np.random.default_rng(0))
    assert sorted(rows.tolist()) == [3, 17, 18, 39]
    nothing = FEEDS[name](scores, np.zeros(40, bool), 5, np.random.default_rng(0))
    assert len(nothing) == 0


def test_k_larger_than_available_keeps_the_order():
    scores = np.array([0.1, 0.8, 0.45, 0.6, 0.2])
    available = np.array([True, True, True, False, True])
    assert top(scores, available, 10).tolist() == [1, 2, 4, 0]
    assert bottom(scores, available, 10).tolist() == [0, 4, 2, 1]
    assert borderline(scores, available, 10).tolist() == [2, 4, 1, 0]


# ---- random -------------------------------------------------------------------------------------

def test_random_is_uniform_over_available_rows():
    n, k, draws = 100, 10, 20_000
    available = np.zeros(n, bool)
    available[np.random.default_rng(1).choice(n, 50, replace=False)] = True
    scores = np.linspace(0, 1, n)  # must not matter
    rng = np.random.default_rng(12345)
    counts = np.zeros(n, np.int64)
    first = np.zeros(n, np.int64)
    for _ in range(draws):
        rows = feeds.random(scores, available, k, rng)
        assert len(rows) == k
        assert len(np.unique(rows)) == k  # no duplicates within a draw
        counts[rows] += 1
        first[rows[0]] += 1
    assert counts[~available].sum() == 0  # never an unavailable row
    assert first[~available].sum() == 0
    assert counts.sum() == draws * k
    # each of the 50 available rows is expected draws * k / 50 = 4,000 times
    assert chisquare(counts[available]).pvalue > 0.001
    # the draw order is uniform too: each row comes first draws / 50 = 400 times
    assert chisquare(first[available]).pvalue > 0.001


def test_random_is_deterministic_for_a_seed():
    available = np.arange(1000) % 3 != 0
    scores = np.zeros(1000)
    a = feeds.random(scores, available, 25, np.random.default_rng(9))
    b = feeds.random(scores, available, 25, np.random.default_rng(9))
    c = feeds.random(scores, available, 25, np.random.default_rng(10))
    assert a.tolist() == b.tolist()
    assert a.tolist() != c.tolist()


# ---- names --------------------------------------------------------------------------------------

def test_check_feeds():
    assert check_feeds(["top", "random"]) == ("top", "random")
    assert check_feeds(FEEDS) == ("top", "bottom", "borderline", "random")
    with pytest.raises(ValueError) as err:
        check_feeds(["top", "nope", "bogus"])
    msg = str(err.value)
    assert "nope" in msg and "bogus" in msg and "feeds" in msg
    assert "known: top, bottom, borderline, random" in msg
    with pytest.raises(ValueError, match="none given"):
        check_feeds([])
    with pytest.raises(ValueError, match="search"):
        check_feeds(["search"])  # search is not a feed that takes turns


@pytest.mark.parametrize("k", [1, 50, 79, 80, 81, 95, 99, 100, 200])
def test_nan_scores_rank_last_like_lexsort(k):
    # a shot whose embedding is NaN scores NaN over the corpus: it must rank after every
    # number, and never hide the shots that do have a score
    rng = np.random.default_rng(k)
    scores = np.round(rng.random(100), 1)
    scores[rng.choice(100, 20, replace=False)] = np.nan
    available = np.ones(100, bool)
    assert top(scores, available, k).tolist() == _brute(-scores, available, k)
    assert bottom(scores, available, k).tolist() == _brute(scores, available, k)
    assert borderline(scores, available, k).tolist() == \
        _brute(np.abs(scores - 0.5), available, k)
    assert len(top(scores, available, k)) == min(k, 100)
