"""Run an experiment over many tasks: cached tasks are read, the others run as joblib jobs
(local processes, or a Dask cluster with ``backend="dask"``) and are saved as they finish."""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import joblib
import pandas as pd

from ..dataset.folder import Dataset
from ..errors import DataError
from ..method.labeled import SplitError
from .experiment1 import Exp1Config, experiment1
from .experiment2 import Exp2Config, experiment2
from .results_cache import ResultsCache

# name -> (function of (ds, task, config, fits) -> table, config class); a package above
# registers its own (dashboard.annotate.study: the feed study)
EXPERIMENTS = {"experiment1": (experiment1, Exp1Config), "experiment2": (experiment2, Exp2Config)}
BACKENDS = ("loky", "dask")
Progress = Callable[[int, int, str], None]  # (done, total, task just finished); 0 first


@dataclass
class RunReport:
    """The stacked table of the requested tasks and what this run computed."""

    table: pd.DataFrame | None
    seconds: dict[str, float] = field(default_factory=dict)  # per computed task
    fits: int = 0
    wall: float = 0.0


@lru_cache(maxsize=2)
def _open(root: str, fingerprint: str) -> Dataset:
    """The dataset in a worker, opened once per process and state of its files."""
    ds = Dataset(root)
    if ds.fingerprint != fingerprint:
        raise DataError(root, "the files changed during the run; run it again")
    return ds


def _task_job(data: Dataset | tuple[str, str], func, task: str, config):
    """One task of one experiment (``func``); ``data`` is the dataset, or (folder,
    fingerprint) in a worker process (workers outlive runs, so the fingerprint keeps them from
    stale data)."""
    ds = _open(*data) if isinstance(data, tuple) else data
    start = time.perf_counter()
    try:
        fits = config.task_fits(ds, task)
    except (SplitError, DataError):
        fits = None  # the experiment reports the error for every cell
    table = func(ds, task, config, fits)
    return task, table, fits.fits if fits else 0, time.perf_counter() - start


@contextlib.contextmanager
def _backend(backend: str, scheduler: str | None, jobs: int):
    """joblib's backend for the run; ``dask`` connects to ``scheduler`` or starts a local
    cluster on 127.0.0.1 with ``jobs`` single-threaded workers."""
    if backend == "loky":
        yield
        return
    if backend != "dask":
        raise ValueError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            scheduler = stack.enter_context(LocalCluster(
                n_workers=jobs, threads_per_worker=1, host="127.0.0.1",
                dashboard_address=None))
        stack.enter_context(Client(scheduler))
        stack.enter_context(joblib.parallel_config(backend="dask"))
        yield


def run(ds: Dataset, experiment: str, tasks=None, config=None, jobs: int = 1,
        backend: str = "loky", scheduler: str | None = None,
        progress: Progress | None = None) -> RunReport:
    """The experiment's table for ``tasks`` (default all), computing only uncached tasks."""
    tasks = list(tasks or ds.tasks)
    config = config or EXPERIMENTS[experiment][1]()
    cache = ResultsCache(experiment, ds.fingerprint, config, version=ds.version)
    todo = cache.missing(tasks)
    report = RunReport(None)
    start = time.perf_counter()
    if not ds.portable:  # a worker could not reopen it (app-made tasks): run in this process
        jobs, backend = 1, "loky"
    in_process = jobs == 1 and backend == "loky"
    data = ds if in_process else (str(ds.root), ds.fingerprint)
    if progress:
        progress(0, len(todo), "")
    with _backend(backend, scheduler, jobs):
        results = joblib.Parallel(n_jobs=jobs, return_as="generator_unordered")(
            joblib.delayed(_task_job)(data, EXPERIMENTS[experiment][0], t, config)
            for t in todo)
        for done, (task, table, fits, seconds) in enumerate(results, 1):
            cache.save(task, table)
            report.seconds[task], report.fits = seconds, report.fits + fits
            if progress:
                progress(done, len(todo), task)
    report.wall = time.perf_counter() - start
    report.table = cache.load_all(tasks)
    return report


def cached(ds: Dataset, experiment: str, tasks=None, config=None) -> pd.DataFrame | None:
    """What is already on disk for ``tasks`` (no computation)."""
    config = config or EXPERIMENTS[experiment][1]()
    cache = ResultsCache(experiment, ds.fingerprint, config, version=ds.version)
    return cache.load_all(list(tasks or ds.tasks))
