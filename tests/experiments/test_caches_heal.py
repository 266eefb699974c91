"""Defect 1: a truncated, empty or garbage cache file, or one of the wrong shape, reads as
"not computed": it is computed again and replaced atomically, never a crash."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import Dataset
from dashboard.cli import main
from dashboard.dataset import derived
from dashboard.dataset.atomic import write_atomic
from dashboard.experiments import checkpoints as cp
from dashboard.experiments.experiment1 import Exp1Config
from dashboard.experiments.results_cache import ResultsCache

BAD_PARQUET = ("empty", "garbage", "truncated", "other table")


def _bad_parquet(kind: str, good: bytes, tmp_path: Path) -> bytes:
    if kind == "other table":  # valid Parquet, but not an experiment's table
        pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "other.parquet")
        return (tmp_path / "other.parquet").read_bytes()
    return {"empty": b"", "garbage": b"not parquet" * 10, "truncated": good[: len(good) // 2]}[kind]


@pytest.fixture(scope="module")
def small(demo_dir, tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dataset"))
    from broken_folders import small_copy

    return Dataset(small_copy(demo_dir, tmp_path_factory.mktemp("heal") / "data"))


@pytest.mark.parametrize("kind", BAD_PARQUET)
def test_a_bad_experiment_file_is_not_computed(small, tmp_path, kind):
    cache = ResultsCache("experiment1", small.fingerprint, Exp1Config(), root=tmp_path / "c")
    table = pd.DataFrame({"task": ["zoom"], "group": ["motion"], "ap_mean": [0.5],
                          "ap_std": [0.1], "n_train": [10.0], "n_pos": [3.0], "reason": [""]})
    cache.save("zoom", table)
    good = cache._path("zoom").read_bytes()
    cache._path("zoom").write_bytes(_bad_parquet(kind, good, tmp_path))
    assert cache.load("zoom") is None and cache.missing(["zoom"]) == ["zoom"]
    cache.save("zoom", table)
    assert cache.load("zoom").equals(table) and cache.missing(["zoom"]) == []
    assert [p.name for p in cache.folder.iterdir()] == ["zoom.parquet"]  # no temporary left


def test_experiment1_recomputes_over_a_garbage_file(small, capsys):
    """The CLI used to exit 1 on the file and never recompute."""
    cache = ResultsCache("experiment1", small.fingerprint, Exp1Config())
    cache.folder.mkdir(parents=True, exist_ok=True)
    cache._path("zoom").write_bytes(b"PAR1 truncated")
    assert main(["experiment1", str(small.root), "--tasks", "zoom", "--jobs", "1"]) == 0
    table = cache.load("zoom")
    assert table is not None and set(table["task"]) == {"zoom"} and table["ap_mean"].notna().any()


@pytest.mark.parametrize("stored", [[], {"task": "zoom"}, {"task": "zoom", "rows": "x"},
                                    "null", {"task": 3, "rows": [], "error": ""}])
def test_a_checkpoint_ap_file_of_the_wrong_shape_is_recomputed(small, tmp_path, monkeypatch,
                                                               stored):
    path = cp.cache_path(tmp_path, small, "zoom")
    path.parent.mkdir(parents=True)
    path.write_text(stored if isinstance(stored, str) else json.dumps(stored))
    assert cp.cached_aps(small, "zoom", tmp_path) is None  # used to raise TypeError
    monkeypatch.setattr(cp, "compute_aps", lambda ds, task, progress=None: cp.CheckpointAPs(task))
    assert cp.checkpoint_aps(small, "zoom", tmp_path).task == "zoom"
    assert cp.cached_aps(small, "zoom", tmp_path) is not None


def test_a_derived_table_of_another_shape_is_recomputed(small, tmp_path):
    path = derived.path_of(small, "task_table", tmp_path)
    path.parent.mkdir(parents=True)
    pd.DataFrame({"task": ["zoom"]}).to_parquet(path)
    assert derived.read(small, "task_table", tmp_path) is None
    table = derived.table(small, "task_table", tmp_path)
    assert table["task"].tolist() == list(small.tasks)
    assert derived.read(small, "task_table", tmp_path).equals(table)


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("old")

    def fail(f):
        f.write(b"half")
        raise RuntimeError("killed")
    with pytest.raises(RuntimeError):
        write_atomic(path, fail)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.json"]
