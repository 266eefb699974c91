"""Blind re-labeling, the derived agg and the baseline lists, against hand-computed values."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from dashboard.annotate import exchange, team
from dashboard.dataset.folder import Dataset

TASK = "team-task"


@pytest.fixture
def voted(store):
    """Primary P labeled k1..k4; S1 voted on k1..k3, S2 on all four (k4 pending for S1)."""
    store.create_task(TASK, primary="P")
    store.record(TASK, ["k1", "k2", "k3", "k4"], ["positive", "positive", "negative",
                                                 "negative"], annotator="P")
    assert store.assign_secondaries(TASK, ["S1", "S2"]) == ["S1", "S2"]
    store.record(TASK, ["k1", "k2", "k3"], ["positive", "negative", "negative"],
                 annotator="S1", role="secondary", feed=team.BLIND_FEED)
    store.record(TASK, ["k1", "k2", "k3", "k4"], ["positive", "positive", "positive",
                                                 "negative"],
                 annotator="S2", role="secondary", feed=team.BLIND_FEED)
    return store


def test_agg_document_equals_the_hand_computed_file(voted):
    assert team.agg_document(voted, TASK) == {
        "primary": "P", "secondaries": ["S1", "S2"],
        "data": [
            {"key": "k1", "primary": True, "secondaries": {"S1": True, "S2": True},
             "agg": True, "pos_cnt": 3},
            {"key": "k2", "primary": True, "secondaries": {"S1": False, "S2": True},
             "agg": True, "pos_cnt": 2},
            {"key": "k3", "primary": False, "secondaries": {"S1": False, "S2": True},
             "agg": False, "pos_cnt": 1},
        ]}  # k4: S1 has not voted yet, so it is pending, not in the agg


def test_agg_follows_changed_votes_and_deletes(voted):
    voted.record(TASK, "k3", "positive", annotator="S1", role="secondary")  # S1 changes mind
    voted.record(TASK, "k2", "delete", annotator="P")  # the primary withdraws k2
    table = team.agg_votes(voted, TASK).table.set_index("key")
    assert list(table.index) == ["k1", "k3"]
    assert table.loc["k3", "pos_cnt"] == 2 and bool(table.loc["k3", "agg"])


def test_without_secondaries_the_agg_is_the_primary(store):
    store.create_task(TASK, primary="P")
    store.record(TASK, ["a", "b"], ["positive", "negative"], annotator="P")
    agg = team.agg_votes(store, TASK)
    assert agg.secondaries == ()
    assert agg.table[["key", "P", "agg", "pos_cnt"]].values.tolist() == [
        ["a", True, True, 1], ["b", False, False, 0]]


def test_progress_counts_what_each_secondary_has_left(voted):
    assert team.progress(voted, TASK).to_dict("list") == {
        "secondary": ["S1", "S2"], "voted": [3, 4], "to_do": [1, 0]}


def test_blind_batch_is_the_rest_shuffled_per_annotator_skips_last(voted):
    assert team.blind_batch(voted, TASK, "S1", 10) == ["k4"]
    assert team.blind_batch(voted, TASK, "S2", 10) == []
    voted.assign_secondaries(TASK, ["S3"])
    first = team.blind_batch(voted, TASK, "S3", 10)
    assert sorted(first) == ["k1", "k2", "k3", "k4"]
    assert team.blind_batch(voted, TASK, "S3", 10) == first  # stable across reruns
    voted.record(TASK, first[0], "skip", annotator="S3", role="secondary")
    assert team.blind_batch(voted, TASK, "S3", 10) == [*first[1:], first[0]]
    assert team.blind_batch(voted, TASK, "S3", 2) == first[1:3]
    with pytest.raises(ValueError, match="not asked"):
        team.blind_batch(voted, TASK, "nobody", 5)


def test_assigning_secondaries(voted):
    assert voted.assign_secondaries(TASK, ["S2", " S4 ", "", "S4"]) == ["S1", "S2", "S4"]
    with pytest.raises(ValueError, match="primary"):
        voted.assign_secondaries(TASK, ["P"])
    voted.remove_secondary(TASK, "S1")
    assert voted.secondaries(TASK) == ["S2", "S4"]
    assert voted.assign_secondaries(TASK, ["S1"]) == ["S2", "S4", "S1"]


def test_revision_changes_with_every_kind_of_change(voted):
    seen = {voted.revision(TASK)}
    for change in (lambda: voted.record(TASK, "k9", "positive", annotator="P"),
                   lambda: voted.add_checkpoint(TASK, ["k1"], ["k3"], model_version=1,
                                                metrics={}),
                   lambda: voted.remove_secondary(TASK, "S2"),
                   lambda: voted.assign_secondaries(TASK, ["S5"]),
                   lambda: voted.set_baseline(TASK, "random", ["k7"])):
        change()
        seen.add(voted.revision(TASK))
    assert len(seen) == 6
    assert voted.revision(TASK) == voted.revision(TASK)


def test_baselines_drawn_in_order_and_labeled_as_cmp(ds, store):
    store.create_task(TASK, primary="P")
    query = ds.text_embeddings["zoom"]
    team.draw_baselines(ds, store, TASK, 30, query, seed=3)
    random_keys, zero_keys = store.baseline(TASK, "random"), store.baseline(TASK, "zero_shot")
    assert len(random_keys) == len(set(random_keys)) == 30
    x = np.asarray(ds.embeddings, np.float64)
    cos = x @ query / (np.linalg.norm(x, axis=1) * np.linalg.norm(query))
    assert zero_keys == ds.shots["key"].to_numpy()[np.argsort(-cos, kind="stable")[:30]].tolist()
    store.create_task("other", primary="P")
    team.draw_baselines(ds, store, "other", 30, query, seed=3)
    assert store.baseline("other", "random") != random_keys  # the task name seeds the draw
    assert store.baseline("other", "zero_shot") == zero_keys
    with pytest.raises(ValueError, match="already has"):
        team.draw_baselines(ds, store, TASK, 30, query, seed=3)
    first = team.baseline_batch(store, TASK, "random", 3)
    assert first == random_keys[:3]
    store.record(TASK, [first[1], first[0]], ["negative", "positive"], annotator="P",
                 role="random")
    store.record(TASK, zero_keys[0], "positive", annotator="P", role="zero_shot")
    assert team.baseline_batch(store, TASK, "random", 2) == random_keys[2:4]
    lists = team.cmp_lists(store, TASK)
    assert lists.random == ((first[0], True), (first[1], False))  # list order, not click order
    assert lists.zero_shot == ((zero_keys[0], True),)
    assert team.agg_votes(store, TASK).table.empty  # baseline labels are not the primary's loop


def test_export_writes_the_whole_released_layout(ds, voted, demo_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    keys = ds.shots["key"].tolist()
    voted.delete_task(TASK)
    voted.create_task(TASK, primary="P")
    voted.record(TASK, keys[:6], ["positive", "negative"] * 3, annotator="P")
    voted.assign_secondaries(TASK, ["S1"])
    voted.record(TASK, keys[:5], ["positive"] * 5, annotator="S1", role="secondary")
    voted.add_checkpoint(TASK, keys[:6:2], keys[1:6:2], model_version=1, metrics={})
    voted.set_baseline(TASK, "random", keys[10:13])
    voted.set_baseline(TASK, "zero_shot", keys[20:22])
    voted.record(TASK, keys[10:13], "negative", annotator="P", role="random")
    voted.record(TASK, keys[20:22], "positive", annotator="P", role="zero_shot")
    paths = exchange.export_task(voted, TASK, folder)
    assert [p.parent.name for p in paths] == ["agg", "checkpoints", "cmp"]
    read = Dataset(folder)
    assert TASK in read.tasks
    agg = read.agg_votes(TASK)
    assert (agg.primary, agg.secondaries) == ("P", ("S1",))
    mine = team.agg_votes(voted, TASK).table
    assert agg.table.equals(mine)  # 5 complete shots; majority of 2 needs both
    assert agg.table["agg"].tolist() == [True, False, True, False, True]
    assert read.cmp(TASK).random == tuple((k, False) for k in keys[10:13])
    assert read.cmp(TASK).zero_shot == tuple((k, True) for k in keys[20:22])
    assert json.loads(paths[1].read_text()) == [{"pos": sorted(keys[:6:2]),
                                                 "neg": sorted(keys[1:6:2])}]
