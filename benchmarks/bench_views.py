"""Every page at scale: its rerun with warm caches; and all checkpoint APs of a task.

    python benchmarks/bench_views.py [--data /tmp/full] [--task car-chase] [--reruns 3]

Page times are AppTest reruns of the same session (the second and later runs, caches warm).
Experiment 1 is first computed for every task into the temporary cache (about 40 s at full
scale on 2 cores), so the AP-vs-labels page is timed with results to show.
Checkpoint APs are timed as the page computes them (dashboard.experiments.checkpoints) and as the
paper's classifier fitted the plain way (sklearn LogisticRegressionCV per checkpoint).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.common import report, timed  # noqa: E402

PAGES = ["pages/overview.py", "pages/browse.py", "pages/agreement.py", "pages/checkpoints.py",
         "pages/experiments.py", "pages/train.py", "pages/search.py"]


def plain_sklearn_aps(ds, task: str) -> list[float]:
    """Bootstrap-mean AP per checkpoint with a plain LogisticRegressionCV (the reference)."""
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold

    from dashboard.method.evaluation import bootstrap_average_precision

    _, val = ds.agg_labeled(task).split()
    out = []
    for cp in ds.checkpoints(task):
        train = cp.remove_keys(val.keys)
        cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        model = LogisticRegressionCV(cv=cv, scoring="average_precision", max_iter=1000)
        model.fit(train.x, train.y)
        out.append(bootstrap_average_precision(val.y, model.predict_proba(val.x)[:, 1]).mean)
    return out


def page_times(task: str, reruns: int) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    rows = []
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["task"] = task
        at.switch_page(page)
        t = time.perf_counter()
        at.run()
        first = time.perf_counter() - t
        assert not at.exception, [e.value for e in at.exception]
        warm = timed(at.run, repeat=reruns)
        name = Path(page).stem
        rows += [{"metric": f"{name}: first run (cold caches)", "value": first * 1000,
                  "unit": "ms"},
                 {"metric": f"{name}: rerun (warm caches)", "value": warm * 1000, "unit": "ms",
                  "target": "<= 300 ms"}]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/full"))
    parser.add_argument("--task", default="car-chase")
    parser.add_argument("--reruns", type=int, default=3)
    args = parser.parse_args()
    os.environ["VA_DATA_DIR"] = str(args.data)
    os.environ["VA_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-views-")  # cold AP cache

    from dashboard import Dataset
    from dashboard.dataset import config
    from dashboard.experiments import checkpoints, runner

    ds = Dataset(args.data)
    t = time.perf_counter()
    exp1 = runner.run(ds, "experiment1", jobs=2)  # the experiments page has results
    exp1_s = time.perf_counter() - t
    assert exp1.table is not None and exp1.table["task"].nunique() == len(ds.tasks)
    t = time.perf_counter()
    result = checkpoints.checkpoint_aps(ds, args.task, config.cache_dir())
    ours = time.perf_counter() - t
    t = time.perf_counter()
    plain = plain_sklearn_aps(ds, args.task)
    plain_s = time.perf_counter() - t
    diff = float(np.nanmax(np.abs(result.table["ap_mean"].to_numpy() - plain)))
    reopen = timed(lambda: checkpoints.checkpoint_aps(ds, args.task, config.cache_dir()), 5)
    rows = page_times(args.task, args.reruns) + [
        {"metric": f"Experiment 1 of all {len(ds.tasks)} tasks before the page times (2 jobs)",
         "value": exp1_s, "unit": "s"},
        {"metric": f"all {len(plain)} checkpoint APs of {args.task} (dashboard)",
         "value": ours, "unit": "s"},
        {"metric": "same with plain sklearn LogisticRegressionCV", "value": plain_s, "unit": "s"},
        {"metric": "max |AP difference| between the two", "value": diff, "unit": "AP"},
        {"metric": "reopen checkpoint APs from the disk cache", "value": reopen * 1000,
         "unit": "ms"},
    ]
    report("views", rows, {"shots": ds.n_shots, "task": args.task, "data": str(args.data)})


if __name__ == "__main__":
    main()
