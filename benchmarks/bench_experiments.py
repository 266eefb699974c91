"""Experiments at scale: Experiment 1 over all tasks (wall time, fits, peak RSS), its per-task
time beside a plain LogisticRegressionCV-per-source loop on the same sets, and Experiment 2.

    python benchmarks/bench_experiments.py --data /tmp/full [--jobs 2] [--plain-tasks 8]
                                           [--exp2-tasks 56]

Runs in a fresh cache folder, so nothing is read from an earlier run.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import psutil  # noqa: E402

from benchmarks.common import report  # noqa: E402
from dashboard import Dataset  # noqa: E402
from dashboard.experiments import runner  # noqa: E402
from dashboard.experiments.experiment1 import (  # noqa: E402
    CHECKPOINT,
    SOURCES,
    experiment1,
    source_pairs,
)
from dashboard.experiments.task_fits import TaskFits  # noqa: E402
from dashboard.method.classifiers import sklearn_lr_cv  # noqa: E402
from dashboard.method.evaluation import bootstrap_average_precision  # noqa: E402


class PeakRss:
    """Peak resident memory of this process and its children (sampled every 50 ms)."""

    def __init__(self):
        self.peak_total = self.peak_one = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me = psutil.Process()
        while not self._stop.wait(0.05):
            rss = []
            for p in [me, *me.children(recursive=True)]:
                try:
                    rss.append(p.memory_info().rss / 2**20)
                except psutil.Error:
                    pass
            self.peak_total = max(self.peak_total, sum(rss))
            self.peak_one = max(self.peak_one, max(rss))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def plain_loop(ds: Dataset, task: str, fits: TaskFits) -> dict[tuple, float]:
    """Every cell fitted by a fresh LogisticRegressionCV, rows read per fit (the reference)."""
    val_keys = fits.val.keys
    x_val, y_val = ds.vectors(val_keys), fits.val.y
    sets = {(m, n): source_pairs(fits, m, n) for m in SOURCES for n in (25, 50, 100, 500, 1000)}
    sets.update({(CHECKPOINT, i): [(k, True) for k in cp.pos - fits.val_keys]
                 + [(k, False) for k in cp.neg - fits.val_keys]
                 for i, cp in enumerate(fits.checkpoints, 1)})  # numbered from 1, as the table
    out = {}
    for cell, pairs in sets.items():
        pos = sorted({k for k, v in pairs if v})
        neg = sorted({k for k, v in pairs if not v})
        if not pos or not neg or set(pos) & set(neg):
            continue
        x = ds.vectors(pos + neg)
        y = np.r_[np.ones(len(pos), bool), np.zeros(len(neg), bool)]
        model = sklearn_lr_cv(fits.seed).fit(x, y)
        out[cell] = bootstrap_average_precision(y_val, model.predict_proba(x_val)[:, 1]).mean
    return out


def compare(ds: Dataset, tasks: list[str]) -> dict:
    """Per-task seconds of the engine and of the plain loop, and the largest AP difference."""
    engine_s, plain_s, diffs = [], [], []
    for task in tasks:
        start = time.perf_counter()
        fits = TaskFits(ds, task)
        table = experiment1(ds, task, fits=fits)
        engine_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference = plain_loop(ds, task, TaskFits(ds, task))
        plain_s.append(time.perf_counter() - start)
        for (method, n), ap in reference.items():
            col = "checkpoint" if method == CHECKPOINT else "n"
            mine = table[(table.method == method) & (table[col] == n)].ap_mean.iloc[0]
            diffs.append(abs(mine - ap))
        print(f"  {task:<24} engine {engine_s[-1]:6.2f} s   plain loop {plain_s[-1]:6.2f} s")
    return {"engine": float(np.mean(engine_s)), "plain": float(np.mean(plain_s)),
            "max_diff": float(max(diffs)), "cells": len(diffs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="dataset folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--plain-tasks", type=int, default=8,
                        help="tasks (spread over the list) for the plain-loop comparison")
    parser.add_argument("--exp2-tasks", type=int, default=0, help="tasks for Experiment 2")
    args = parser.parse_args()
    os.environ["VA_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-experiments-")
    load_before = os.getloadavg()[0]
    ds = Dataset(args.data)

    with PeakRss() as rss:
        exp1 = runner.run(ds, "experiment1", jobs=args.jobs)
    failed = exp1.table.loc[exp1.table.reason != "", "task"].nunique()
    rows = [
        {"metric": f"Experiment 1, all {len(ds.tasks)} tasks, {args.jobs} jobs: wall",
         "value": exp1.wall, "unit": "s", "target": "<= 120 s"},
        {"metric": "  fits performed", "value": exp1.fits, "unit": ""},
        {"metric": "  peak RSS, all processes", "value": rss.peak_total, "unit": "MB"},
        {"metric": "  peak RSS, largest process", "value": rss.peak_one, "unit": "MB"},
        {"metric": "  tasks with a missing cell", "value": failed, "unit": ""},
    ]
    step = max(1, len(ds.tasks) // args.plain_tasks)
    sample = [t for t in ds.tasks[::step] if t in set(exp1.table.task)][:args.plain_tasks]
    print(f"per-task comparison on {len(sample)} tasks (one process):")
    cmp = compare(ds, sample)
    rows += [
        {"metric": f"per task, engine (mean of {len(sample)})", "value": cmp["engine"],
         "unit": "s"},
        {"metric": "per task, plain LogisticRegressionCV loop", "value": cmp["plain"],
         "unit": "s"},
        {"metric": "  speed-up (plain / engine)", "value": cmp["plain"] / cmp["engine"],
         "unit": "x"},
        {"metric": f"  largest |AP difference| over {cmp['cells']} cells",
         "value": cmp["max_diff"], "unit": "", "target": "<= 0.005"},
    ]
    context = {"shots": ds.n_shots, "tasks": len(ds.tasks), "jobs": args.jobs,
               "cpus": os.cpu_count(), "load_avg_1min_before": load_before,
               "data": str(args.data)}
    report("experiments", rows, context)  # written now: Experiment 2 takes much longer
    if args.exp2_tasks:
        tasks = list(ds.tasks[:args.exp2_tasks])
        exp2 = runner.run(ds, "experiment2", tasks, jobs=args.jobs)
        policies = len(runner.EXPERIMENTS["experiment2"][1]().policies)
        rows += [{"metric": f"Experiment 2, {len(tasks)} tasks, {policies} policies: wall",
                  "value": exp2.wall, "unit": "s"},
                 {"metric": "  fits performed", "value": exp2.fits, "unit": ""},
                 {"metric": "  per task (mean, one job)",
                  "value": float(np.mean(list(exp2.seconds.values()))), "unit": "s"}]
        report("experiments", rows, context)


if __name__ == "__main__":
    main()
