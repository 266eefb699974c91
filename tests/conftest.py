"""Shared fixtures: one small generated dataset for the whole session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import Dataset
from dashboard import demo

DEMO_SHOTS = 4_000


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """A generated dataset (4,000 shots, seed 0), also set as VA_DATA_DIR for the app."""
    path = demo.generate(tmp_path_factory.mktemp("data") / "demo", DEMO_SHOTS, seed=0)
    os.environ["VA_DATA_DIR"] = str(path)
    os.environ["VA_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return path


@pytest.fixture(scope="session")
def ds(demo_dir) -> Dataset:
    return Dataset(demo_dir)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder (VA_CACHE_DIR) for this test."""
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def copy_of_demo(demo_dir, tmp_path) -> Path:
    """A private copy of the demo folder that a test may break."""
    import shutil

    dst = tmp_path / "copy"
    shutil.copytree(demo_dir, dst)
    return dst


@pytest.fixture
def tiny_first_checkpoint(copy_of_demo, monkeypatch) -> tuple[Path, str]:
    """A copy of the demo (also set as VA_DATA_DIR) whose zoom checkpoints are two: 3 positives
    and 1 negative of the agg train split, too few for 5-fold CV, then the newest."""
    import json

    task = "zoom"
    train, _ = Dataset(copy_of_demo).agg_labeled(task).split()
    path = copy_of_demo / "checkpoints" / f"{task}.json"
    newest = json.loads(path.read_text())[-1]
    tiny = {"pos": sorted(train.pos)[:3], "neg": sorted(train.neg)[:1]}
    path.write_text(json.dumps([tiny, newest]))
    monkeypatch.setenv("VA_DATA_DIR", str(copy_of_demo))
    return copy_of_demo, task


REPORT_TASKS = ("car-chase", "zoom")


@pytest.fixture(scope="session")
def report_cache(demo_dir, tmp_path_factory) -> Path:
    """A cache folder (point VA_CACHE_DIR at it) holding Experiment 1 of REPORT_TASKS and, as
    the paper preset's results of car-chase, a short Experiment 2 (four policies, three steps
    of 25): what the report tests read."""
    from dashboard.experiments import runner
    from dashboard.experiments.experiment2 import Exp2Config, experiment2
    from dashboard.experiments.results_cache import ResultsCache

    root = tmp_path_factory.mktemp("report-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VA_CACHE_DIR", str(root))
        ds = Dataset(demo_dir)
        runner.run(ds, "experiment1", REPORT_TASKS)
        short = Exp2Config(max_labels=75, policies=("round-robin", "greedy-oracle",
                                                    "epsilon-greedy-0.25", "ucb-0.1"))
        ResultsCache("experiment2", ds.fingerprint, Exp2Config()).save(
            "car-chase", experiment2(ds, "car-chase", short))
    return root
