"""The generated demo dataset: layout, statistics in the release's ranges, checkpoints made
by the labeling loop, determinism."""
import hashlib
import re

import numpy as np
import pytest

from dashboard import demo
from dashboard.annotate import loop
from dashboard.annotate.feeds import FEEDS
from dashboard.annotate.simulate import fit
from dashboard.demo.session import batch_size
from dashboard.live.estimators import score_rows
from dashboard.method.labeled import LabeledDataset
from dashboard.dataset.summary import task_table
from dashboard.dataset.tasks import ALL_TASKS, AVE_TASKS


@pytest.fixture(scope="module")
def tasks(ds):
    return task_table(ds).set_index("task")


def test_all_56_tasks_with_their_files(ds, demo_dir, tasks):
    assert list(tasks.index) == list(ALL_TASKS)
    assert (tasks["error"] == "").all()
    assert sorted(p.stem for p in (demo_dir / "ave" / "validation").glob("*.json")) == sorted(AVE_TASKS)


def test_statistics_fall_in_the_release_ranges(tasks):
    assert tasks["agreement"].between(0.62, 0.99).all()
    assert 0.78 <= tasks["agreement"].mean() <= 0.90
    # on 4,000 shots a rare task has a few true positives, fewer than the primary's wrong
    # positive votes, so the loop may find none that the majority keeps
    assert tasks["pos_rate"].between(0, 0.7).all()
    assert 0.25 <= tasks["pos_rate"].mean() <= 0.40
    assert (tasks["pos_rate"] < 0.03).sum() >= 3  # a few tasks with almost no positives
    # the primary labels 250 to 1,000 shots, and 1 in 50 (rounded up) is left out of agg
    assert tasks["agg"].between(250 - 250 // 50 - 1, 1000).all()


def test_checkpoints_grow_from_tens_to_the_labeled_set(ds):
    for task in ("zoom", "car-chase", "alcohol"):
        sizes = [len(c) for c in ds.checkpoints(task)]
        assert sizes[0] <= 30 and sizes == sorted(sizes) and len(sizes) >= 5
        assert sizes[-1] >= len(ds.agg_labeled(task))
        # a few keys were labeled during the session but are not in agg
        assert set(ds.checkpoints(task)[-1].keys) - set(ds.agg_labeled(task).keys)


def _batches(checkpoints) -> list[set]:
    """The keys each checkpoint adds to the one before."""
    seen, out = set(), []
    for c in checkpoints:
        out.append(set(c.keys) - seen)
        seen |= out[-1]
    return out


@pytest.mark.parametrize("task", ["zoom", "car-chase", "alcohol"])
def test_checkpoints_are_the_primarys_batches_in_the_loop(ds, task):
    """Each checkpoint adds one batch of the loop (a third of the labels so far, from 25 to
    100), labeled with the primary's vote; the first is the top of the zero-shot search, and
    once a model can be trained Top, Bottom, Borderline and Random take turns, Top, Bottom and
    Borderline showing what the loop's model of the checkpoint before ranks first among the
    shots not labeled yet."""
    checkpoints = ds.checkpoints(task)
    batches = _batches(checkpoints)
    sizes = [len(c) for c in checkpoints]
    assert [len(b) for b in batches] == [
        min(batch_size(n), sizes[-1] - n) for n in [0] + sizes[:-1]]
    votes = ds.agg_votes(task)
    primary = dict(zip(votes.table["key"], votes.table[votes.primary]))
    for c in checkpoints:
        assert all(primary.get(k, True) for k in c.pos)
        assert not any(primary.get(k, False) for k in c.neg)
    assert batches[0] == {k for k, _ in ds.cmp(task).zero_shot[:25]}
    keys = ds.shots["key"].to_numpy()
    x = np.asarray(ds.embeddings)
    turn = 0
    for before, batch in zip(checkpoints, batches[1:]):
        model = fit(LabeledDataset(task, before.pos, before.neg, ds))
        if model is None:
            continue
        feed = tuple(FEEDS)[turn % len(FEEDS)]
        turn += 1
        if feed != "random":
            rows = loop.feed_batch(feed, score_rows(model.estimator, x),
                                   loop.available(ds, before.keys), len(batch), None)
            assert set(keys[rows]) == batch, feed
    assert turn >= 3


def test_each_annotator_votes_and_primary_rotates(ds):
    primaries = {ds.agg_votes(t).primary for t in ALL_TASKS}
    assert primaries == {"A", "B", "C"}


def test_cmp_random_is_uniform_and_zero_shot_is_the_top_of_the_text_ranking(ds):
    from dashboard.method.classifiers import cosine_scores

    cmp = ds.cmp("car-chase")
    scores = cosine_scores(np.asarray(ds.embeddings), ds.text_embeddings["car-chase"])
    top = set(ds.shots["key"].to_numpy()[np.argsort(-scores)[: len(cmp.zero_shot)]])
    assert {k for k, _ in cmp.zero_shot} == top
    zero_shot_rate = np.mean([v for _, v in cmp.zero_shot])
    random_rate = np.mean([v for _, v in cmp.random])
    assert zero_shot_rate > random_rate


def test_embeddings_are_unit_norm_with_cluster_structure(ds):
    x = np.asarray(ds.embeddings)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)
    clusters = ds.shots["cluster_index"].to_numpy()
    assert set(np.unique(clusters)) == set(range(10))
    within = (x[clusters == 0] @ x[clusters == 0][:50].T).mean()
    across = (x[clusters == 1] @ x[clusters == 0][:50].T).mean()
    assert within > across + 0.2


def test_realistic_ids_titles_and_times(ds):
    shots = ds.shots
    assert shots["yt_id"].str.fullmatch(r"[A-Za-z0-9_-]{11}").all()
    assert shots["desc"].str.contains(" - ").all()
    assert (shots["end"] > shots["start"]).all() and (shots["fps"] > 20).all()
    assert (shots["genre"] == "").any() and shots["genre"].nunique() > 5


def _digest(folder):
    h = hashlib.sha1()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def test_deterministic_for_a_seed(tmp_path):
    a = demo.generate(tmp_path / "a", 2_000, seed=5)
    b = demo.generate(tmp_path / "b", 2_000, seed=5)
    c = demo.generate(tmp_path / "c", 2_000, seed=6)
    assert _digest(a) == _digest(b) != _digest(c)
    assert not list(tmp_path.glob("*.partial"))


def test_too_small_is_refused(tmp_path):
    with pytest.raises(ValueError, match=re.escape("at least 2,000 shots")):
        demo.generate(tmp_path / "x", 100)
