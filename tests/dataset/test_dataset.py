"""Opening the released layout: lazy loading, memory map, per-task loaders, fingerprint."""
import os

import h5py
import numpy as np
import pandas as pd

from dashboard import Dataset
from dashboard.dataset.tasks import ALL_TASKS, AVE_TASKS, TASK_GROUPS, group_of


def test_opens_shots_and_memory_maps_contiguous_embeddings(ds, demo_dir):
    assert ds.n_shots == 4_000 and ds.dim == 512
    assert ds.memory_mapped and isinstance(ds.embeddings, np.memmap)
    with h5py.File(demo_dir / "embeddings.h5") as f:
        expected = f["embeddings"][[3, 1999, 3999]]
    assert np.array_equal(ds.embeddings[[3, 1999, 3999]], expected)


def test_tasks_come_from_agg_in_group_order(ds):
    assert ds.tasks == ALL_TASKS
    assert ds.group("car-chase") == "events_actions" and group_of("my-task") == "other"
    assert sum(len(t) for t in TASK_GROUPS.values()) == 56


def test_opening_reads_no_task_file(demo_dir, monkeypatch):
    import dashboard.dataset.folder as dataset_module

    calls = []
    monkeypatch.setattr(dataset_module, "read_json", lambda p: calls.append(p))
    Dataset(demo_dir)
    assert calls == []


def test_vectors_gather_rows_by_key_in_the_given_order(ds):
    keys = ds.shots["key"].iloc[[10, 2, 3000]].tolist()
    assert np.array_equal(ds.vectors(keys), np.asarray(ds.embeddings)[[10, 2, 3000]])
    assert ds.rows(["nope|0"]).tolist() == [-1]


def test_chunked_compressed_file_is_read_into_memory(copy_of_demo):
    path = copy_of_demo / "embeddings.h5"
    with h5py.File(path) as f:
        data = f["embeddings"][:]
    with h5py.File(path, "w") as f:
        f.create_dataset("embeddings", data=data, chunks=(500, 512), compression="gzip")
    ds = Dataset(copy_of_demo)
    assert not ds.memory_mapped and ds.embeddings.flags.c_contiguous
    assert np.array_equal(ds.embeddings, data)


def test_agg_has_every_vote_and_the_primary(ds, demo_dir):
    agg = ds.agg_votes("car-chase")
    assert set(agg.annotators) == {"A", "B", "C"} and agg.primary not in agg.secondaries
    t = agg.table
    assert (t[list(agg.annotators)].sum(axis=1) == t["pos_cnt"]).all()
    assert (t["agg"] == (t["pos_cnt"] >= 2)).all()
    expected = ((t["pos_cnt"] == 0) | (t["pos_cnt"] == 3)).mean()
    assert agg.agreement == expected


def test_checkpoints_grow_and_cmp_keeps_order(ds, demo_dir):
    import json

    cps = ds.checkpoints("zoom")
    assert [len(c) for c in cps] == sorted(len(c) for c in cps)
    raw = json.loads((demo_dir / "cmp" / "zoom.json").read_text())
    assert [k for k, _ in ds.cmp("zoom").zero_shot] == [r["key"] for r in raw["zero_shot"]]
    assert [v for _, v in ds.cmp("zoom").random] == [r["value"] for r in raw["random"]]


def test_ave_only_for_ave_tasks(ds):
    assert ds.ave("car-chase") is None
    assert len(ds.ave(AVE_TASKS[0])) > 0


def test_text_embeddings_queries_and_descriptions(ds):
    assert set(ds.text_embeddings) == set(ALL_TASKS)
    assert ds.text_embeddings["zoom"].shape == (512,)
    assert ds.queries["car-chase"] == ["car chase"]
    assert ds.task_descriptions["car-chase"]["keywords"]


def test_fingerprint_is_stable_and_changes_with_the_data(copy_of_demo):
    a = Dataset(copy_of_demo).fingerprint
    assert Dataset(copy_of_demo).fingerprint == a
    path = copy_of_demo / "agg" / "zoom.json"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert Dataset(copy_of_demo).fingerprint != a


def test_shots_table_has_the_release_columns(ds):
    assert list(ds.shots.columns) == ["key", "yt_id", "desc", "genre", "frame_in", "frame_out",
                                      "start", "end", "fps", "cluster_index"]
    assert (ds.shots["key"] == ds.shots["yt_id"] + "|" + ds.shots["frame_in"].astype(str)).all()
    assert pd.api.types.is_integer_dtype(ds.shots["cluster_index"])
