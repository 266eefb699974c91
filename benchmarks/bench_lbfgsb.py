"""The fast LR-CV's two L-BFGS-B paths on Experiment 1: scipy's private step function driven
directly (``lrcv._lbfgsb_loop``) versus scipy's public ``optimize.minimize`` (same iterates).

    python benchmarks/bench_lbfgsb.py --data /tmp/full [--repeats 3] [--jobs 1]

Each run is Experiment 1 over all tasks (``experiment1(ds, task)`` per task, so no result is
read from the results cache), timed as a whole; the paths alternate (private, public, private,
...) so that drift of the machine's load falls on both. With ``--jobs 1`` (the default) the
tasks run in this process one after another; with more, in joblib processes, each task
setting the path itself. Before timing, every task's inputs are read once (page cache and the
dataset's per-task loaders warm for both paths). Both paths must give the same AP tables.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.common import report  # noqa: E402
from dashboard import Dataset, SplitError  # noqa: E402
from dashboard.errors import DataError  # noqa: E402
from dashboard.experiments.experiment1 import experiment1  # noqa: E402
from dashboard.experiments.task_fits import TaskFits  # noqa: E402
from dashboard.method import lrcv  # noqa: E402

PRIVATE, PUBLIC = "private setulb loop", "public optimize.minimize"
STEP_FUNCTION = lrcv._setulb  # None when this scipy lacks the step function we drive


def _install_fit_timer() -> None:
    """Wrap ``lrcv.fit_cv`` (called through the module by the classifier) to add up its time."""
    if hasattr(lrcv.fit_cv, "seconds"):
        return
    inner = lrcv.fit_cv

    def fit_cv(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            fit_cv.seconds += time.perf_counter() - start

    fit_cv.seconds = 0.0
    lrcv.fit_cv = fit_cv


def one_task(data, task: str, path: str) -> tuple[pd.DataFrame, float]:
    """Experiment 1 for ``task`` on ``path``; its table and the seconds spent in ``fit_cv``.
    ``data`` is the dataset, or (folder, fingerprint) in a worker process (opened once per
    process)."""
    from dashboard.experiments.runner import _open

    ds = _open(*data) if isinstance(data, tuple) else data
    lrcv._setulb = lrcv._find_setulb() if path == PRIVATE else None
    if path == PRIVATE and lrcv._setulb is None:
        raise RuntimeError("this scipy has no step function of the expected signature")
    _install_fit_timer()
    lrcv.fit_cv.seconds = 0.0
    table = experiment1(ds, task)
    return table, lrcv.fit_cv.seconds


def run_all(ds: Dataset, path: str, jobs: int, pool) -> tuple[float, pd.DataFrame, float]:
    """(wall seconds, stacked table, seconds in fit_cv) of Experiment 1 over all tasks."""
    start = time.perf_counter()
    if jobs == 1:
        results = [one_task(ds, t, path) for t in ds.tasks]
    else:
        import joblib

        data = (str(ds.root), ds.fingerprint)
        results = pool(joblib.delayed(one_task)(data, t, path) for t in ds.tasks)
    wall = time.perf_counter() - start
    table = pd.concat([r[0] for r in results], ignore_index=True)
    return wall, table, sum(r[1] for r in results)


def max_ap_difference(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Largest |difference| of ap_mean and ap_std between two stacked tables (inf if their
    rows, missing cells or reasons differ)."""
    keys = ["task", "method", "n", "checkpoint", "n_train", "n_pos", "reason"]
    if len(a) != len(b) or not a[keys].fillna(-1).equals(b[keys].fillna(-1)):
        return float("inf")
    diff = 0.0
    for col in ("ap_mean", "ap_std"):
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if not np.array_equal(np.isnan(x), np.isnan(y)):
            return float("inf")
        ok = ~np.isnan(x)
        diff = max(diff, float(np.max(np.abs(x[ok] - y[ok]), initial=0.0)))
    return diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="dataset folder")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each path")
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes (1: in this process, one task after another)")
    args = parser.parse_args()
    if STEP_FUNCTION is None:
        sys.exit("this scipy has no L-BFGS-B step function of the expected signature")
    ds = Dataset(args.data)
    pool = None
    if args.jobs > 1:
        import joblib

        pool = joblib.Parallel(n_jobs=args.jobs)
    print(f"warming up: every task's inputs of {len(ds.tasks)} tasks")
    for task in ds.tasks:
        try:
            TaskFits(ds, task)
        except (SplitError, DataError) as e:  # experiment1 reports it in the task's rows
            print(f"  {e}")
    if pool is not None:  # each worker opens the dataset once
        data = (str(ds.root), ds.fingerprint)
        pool(joblib.delayed(one_task)(data, t, PUBLIC) for t in ds.tasks[:2 * args.jobs])

    load_before = os.getloadavg()[0]
    walls = {PRIVATE: [], PUBLIC: []}
    fit_s = {PRIVATE: [], PUBLIC: []}
    reference, max_diff = None, 0.0
    for i in range(args.repeats):
        for path in (PRIVATE, PUBLIC) if i % 2 == 0 else (PUBLIC, PRIVATE):
            wall, table, fit_seconds = run_all(ds, path, args.jobs, pool)
            walls[path].append(wall)
            fit_s[path].append(fit_seconds)
            if reference is None:
                reference = table
            else:
                max_diff = max(max_diff, max_ap_difference(reference, table))
            print(f"  run {i + 1}: {path:<25} {wall:7.2f} s  (fit_cv {fit_seconds:6.2f} s)  "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    lrcv._setulb = STEP_FUNCTION

    med = {p: statistics.median(w) for p, w in walls.items()}
    saving = 1 - med[PRIVATE] / med[PUBLIC]
    n = args.repeats
    rows = []
    for p in (PRIVATE, PUBLIC):
        rows += [{"metric": f"{p}: median wall (n={n})", "value": med[p], "unit": "s"},
                 {"metric": f"{p}: min wall", "value": min(walls[p]), "unit": "s"},
                 {"metric": f"{p}: median time in fit_cv", "value": statistics.median(fit_s[p]),
                  "unit": "s"}]
    rows += [
        {"metric": "ratio private / public (medians)", "value": med[PRIVATE] / med[PUBLIC],
         "unit": "x"},
        {"metric": "saving 1 - private / public (medians)", "value": 100 * saving, "unit": "%",
         "target": ">= 25 % to keep the private path"},
        {"metric": "ratio private / public (mins)",
         "value": min(walls[PRIVATE]) / min(walls[PUBLIC]), "unit": "x"},
        {"metric": "max |AP difference| between all runs", "value": max_diff, "unit": "",
         "target": "0"},
    ]
    import scipy

    context = {"shots": ds.n_shots, "tasks": len(ds.tasks), "repeats": n, "jobs": args.jobs,
               "cpus": os.cpu_count(), "scipy": scipy.__version__,
               "load_avg_1min_before": load_before, "data": str(args.data),
               "walls_s": {p: w for p, w in walls.items()},
               "fit_cv_s": {p: f for p, f in fit_s.items()}}
    report("lbfgsb", rows, context)
    print(f"  decision (25% rule): {'keep' if saving >= 0.25 else 'remove'} the private path "
          f"(saving {100 * saving:.1f}%)")


if __name__ == "__main__":
    main()
