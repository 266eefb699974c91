"""Checkpoint timeline, diffs and per-checkpoint AP with its on-disk cache."""
import json

import numpy as np
import pytest

from dashboard import DataError, Dataset, LabeledDataset
from dashboard.experiments import checkpoints as cp
from dashboard.experiments.experiment1 import random_scorer_ap
from dashboard.method.training import fit_and_score


def test_timeline_matches_checkpoints(ds):
    task = ds.tasks[0]
    t = cp.timeline(ds, task)
    cps = ds.checkpoints(task)
    assert t["checkpoint"].tolist() == list(range(1, len(cps) + 1))
    assert t["size"].tolist() == [len(c) for c in cps]
    assert (t["positives"] + t["negatives"] == t["size"]).all()
    assert t["data_score"].iloc[-1] == pytest.approx(cps[-1].data_score)


def test_diff_by_hand():
    old = LabeledDataset.from_keys("t", ["a", "b"], ["c", "d"])
    new = LabeledDataset.from_keys("t", ["a", "c", "e"], ["b", "f", "g"])
    d = cp.diff_keys(old, new)
    got = {change: sorted(d.loc[d["change"] == change, "key"]) for change in cp.CHANGES}
    assert got == {"added positive": ["e"], "added negative": ["f", "g"], "removed": ["d"],
                   "flipped to positive": ["c"], "flipped to negative": ["b"]}


def test_diff_table_counts(ds):
    task = ds.tasks[0]
    t = cp.diff_table(ds, task)
    cps = ds.checkpoints(task)
    assert len(t) == len(cps) - 1
    first = t.iloc[0]
    assert first["added positive"] == len(cps[1].pos - cps[0].pos - cps[0].neg)


@pytest.fixture(scope="module")
def task(ds):
    return "car-chase" if "car-chase" in ds.tasks else ds.tasks[0]


def test_checkpoint_aps_match_training_and_are_cached(ds, task, tmp_path):
    calls = []
    result = cp.checkpoint_aps(ds, task, tmp_path, progress=lambda f, m: calls.append(f))
    assert calls[0] == 0 and calls[-1] == 1.0
    assert result.error == "" and len(result.table) == len(ds.checkpoints(task))
    train, val = ds.agg_labeled(task).split()
    last = fit_and_score(ds.checkpoints(task)[-1].remove_keys(val.keys), val)
    assert result.table["ap_mean"].iloc[-1] == pytest.approx(last.ap.mean)
    assert result.table["ap_std"].iloc[-1] == pytest.approx(last.ap.std)
    assert result.no_skill.positive_rate == pytest.approx(val.pos_rate)
    assert result.no_skill.random_scorer == pytest.approx(random_scorer_ap(val.y)[0])
    assert 0 <= result.zero_shot_mean <= 1
    # the second call reads the JSON cache (no progress, same numbers)
    path = cp.cache_path(tmp_path, ds, task)
    assert path.is_file() and ds.fingerprint in path.name
    calls.clear()
    again = cp.checkpoint_aps(ds, task, tmp_path, progress=lambda f, m: calls.append(f))
    assert calls == [] and again.table.equals(result.table)
    lvb = cp.last_vs_best(ds, tmp_path)
    assert lvb["task"].tolist() == [task]
    assert lvb["best_ap"].iloc[0] == pytest.approx(result.table["ap_mean"].max())
    assert lvb["last_ap"].iloc[0] == pytest.approx(result.table["ap_mean"].iloc[-1])


def test_corrupt_cache_is_recomputed(ds, task, tmp_path, monkeypatch):
    path = cp.cache_path(tmp_path, ds, task)
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    monkeypatch.setattr(cp, "compute_aps", lambda ds, task, progress=None: cp.CheckpointAPs(task))
    assert cp.checkpoint_aps(ds, task, tmp_path).error == ""
    assert json.loads(path.read_text())["task"] == task


def test_no_validation_positive_is_an_error_not_a_crash(copy_of_demo, tmp_path):
    task = Dataset(copy_of_demo).tasks[0]
    path = copy_of_demo / "agg" / f"{task}.json"
    raw = json.loads(path.read_text())
    for item in raw["data"]:  # every vote negative: no positive anywhere
        item.update(primary=False, agg=False, pos_cnt=0,
                    secondaries={k: False for k in item["secondaries"]})
    path.write_text(json.dumps(raw))
    ds = Dataset(copy_of_demo)
    result = cp.checkpoint_aps(ds, task, tmp_path)
    assert "no positive" in result.error and result.table.empty
    assert np.isnan(result.no_skill.positive_rate) and np.isnan(result.no_skill.random_scorer)
    assert cp.last_vs_best(ds, tmp_path).empty


TOO_FEW = "too few labels for 5-fold cross-validation (3 positive, 1 negative)"


def test_checkpoint_too_small_for_cv_has_a_reason(tiny_first_checkpoint, tmp_path):
    folder, task = tiny_first_checkpoint
    result = cp.checkpoint_aps(Dataset(folder), task, tmp_path)
    assert result.error == "" and result.table["reason"].tolist() == [TOO_FEW, ""]
    assert np.isnan(result.table["ap_mean"].iloc[0]) and result.table["ap_mean"].iloc[1] > 0


def test_empty_checkpoint_list_is_an_error_not_a_crash(copy_of_demo, task, tmp_path):
    (copy_of_demo / "checkpoints" / f"{task}.json").write_text("[]")
    result = cp.checkpoint_aps(Dataset(copy_of_demo), task, tmp_path)
    assert result.error == "no checkpoints" and result.table.empty


@pytest.mark.parametrize("text", ["[1, 2", "[]", None])
def test_broken_text_embeddings_only_drop_the_zero_shot_reference(copy_of_demo, task, tmp_path,
                                                                  text):
    path = copy_of_demo / "text-embeddings.json"
    path.unlink() if text is None else path.write_text(text)
    result = cp.checkpoint_aps(Dataset(copy_of_demo), task, tmp_path)
    assert result.error == "" and result.table["ap_mean"].notna().all()
    assert np.isnan(result.zero_shot_mean)
    assert "text-embeddings.json" in result.zero_shot_problem
    assert cp.cached_aps(Dataset(copy_of_demo), task, tmp_path).zero_shot_problem \
        == result.zero_shot_problem


@pytest.mark.parametrize("name", ["../../x", "a/b", ".hidden"])
def test_unsafe_task_name_never_becomes_a_cache_path(ds, tmp_path, name):
    with pytest.raises(DataError, match="not a safe file name"):
        cp.cache_path(tmp_path / "cache", ds, name)
    with pytest.raises(DataError, match="not a safe file name"):
        cp.checkpoint_aps(ds, name, tmp_path / "cache")
    assert not (tmp_path / "x").exists() and list(tmp_path.rglob("*.json")) == []
