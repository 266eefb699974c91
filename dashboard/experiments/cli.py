"""``python -m dashboard experiment1|experiment2``: run over tasks, fill the cache, print the
paper's summary tables, optionally export the tidy table."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..dataset.atomic import write_atomic
from ..dataset.folder import Dataset
from . import summaries
from .experiment2 import PRESETS
from .runner import BACKENDS, cached, run


def _tasks(ds: Dataset, spec: str) -> list[str]:
    if spec == "all":
        return list(ds.tasks)
    tasks = [t.strip() for t in spec.split(",") if t.strip()]
    unknown = [t for t in tasks if t not in ds.tasks]
    if unknown:
        raise ValueError(f"unknown tasks: {', '.join(unknown)}")
    return tasks


def _print(title: str, table: pd.DataFrame) -> None:
    print(f"\n{title}")
    with pd.option_context("display.width", 200, "display.max_rows", None,
                           "display.float_format", "{:.3f}".format):
        print(table.to_string())


def _export(table: pd.DataFrame, out: Path) -> None:
    """Write the tidy table, Parquet or CSV by the suffix, atomically."""
    write = table.to_parquet if out.suffix == ".parquet" else table.to_csv
    write_atomic(out, lambda f: write(f, index=False))
    print(f"wrote {out}")


def _run(args, experiment: str):
    ds = args.open_dataset(args.data_dir)
    tasks = _tasks(ds, args.tasks)
    with tqdm(desc=experiment, unit="task") as bar:
        def progress(done, total, task):
            bar.total = total
            bar.update(done - bar.n)
            bar.set_postfix_str(task)
        settings = PRESETS[args.preset] if experiment == "experiment2" else None
        report = run(ds, experiment, tasks, settings, jobs=args.jobs, backend=args.backend,
                     scheduler=args.scheduler, progress=progress)
    print(f"{len(report.seconds)} tasks computed in {report.wall:.1f} s "
          f"({report.fits} fits), {len(tasks) - len(report.seconds)} read from the cache")
    if args.out:
        _export(report.table, args.out)
    return ds, tasks, report.table


def cmd_experiment1(args) -> int:
    _, _, table = _run(args, "experiment1")
    _print("Share of tasks with enough data (Fig 7)",
           summaries.enough_data(table).pivot(index="method", columns="n", values="share"))
    _print("Share of tasks where VA beats each method (Fig 9)",
           summaries.va_beats(table).pivot(index="method", columns="n", values="share"))
    _print("Median AP gain of VA over combined, points (Table 2)",
           summaries.median_gain_table(table))
    return 0


def cmd_experiment2(args) -> int:
    ds, tasks, table = _run(args, "experiment2")
    exp1 = cached(ds, "experiment1", tasks)
    if exp1 is None or exp1["task"].nunique() < len(tasks):
        print("\nRun experiment1 on the same tasks for Table 3 and the cumulative gain.")
        return 0
    _print("Lift of each process's best AP over the best VA checkpoint, points (Table 3)",
           summaries.lift_percentiles(table, exp1))
    _print("Median gain of Experiment 1 (VA over combined at the largest n) plus each "
           "process's lift, points", summaries.cumulative_gain(table, exp1))
    return 0


GROUP = "experiments"


def add_parsers(group) -> None:
    """Register the experiment subcommands on the CLI's subparsers."""
    for name, func, text in (
            ("experiment1", cmd_experiment1, "AP versus number of labels (paper's Experiment 1)"),
            ("experiment2", cmd_experiment2, "decision processes (paper's Experiment 2)")):
        p = group.add_parser(name, help=text)
        p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
        p.add_argument("--tasks", default="all", help="'all' or a comma-separated list")
        p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="parallel task jobs (default: all cores)")
        p.add_argument("--backend", choices=BACKENDS, default="loky",
                       help="joblib backend: local processes, or a Dask cluster")
        p.add_argument("--scheduler", help="Dask scheduler address (default: a local "
                                           "cluster on 127.0.0.1 with --jobs workers)")
        p.add_argument("--out", type=Path, help="export the tidy table (.csv or .parquet)")
        if name == "experiment2":
            p.add_argument("--preset", choices=PRESETS, default="paper",
                           help="'paper': the authors' exp2.ipynb (d = 25, 40 steps, seed 1, "
                                "their seven policies); 'paper-and-random' adds the random "
                                "policy (default: paper)")
        p.set_defaults(func=func)
