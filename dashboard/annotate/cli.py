"""``python -m dashboard labels export|import|stats`` and ``simulate``: drive the annotation
store from scripts; ``simulate --study``: which feeds help, over tasks."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..dataset.folder import Dataset
from ..experiments import cli as experiments_cli
from ..experiments.runner import BACKENDS
from . import exchange, feeds, study
from .config import DB_ENV, get_store
from .simulate import Plan, simulate

GROUP = "annotation"
_TABLE = {"display.width": 200, "display.max_rows": None, "display.float_format": "{:.3f}".format}


def _print(table: pd.DataFrame) -> None:
    if table.empty:  # pandas would print "Empty DataFrame": print the header only
        print("  ".join(map(str, table.columns)))
        return
    with pd.option_context(*[x for kv in _TABLE.items() for x in kv]):
        print(table.to_string(index=False))


def cmd_export(args) -> int:
    store = get_store(args.state)
    for path in exchange.export_task(store, args.task, args.out):
        print(f"wrote {path}")
    return 0


def cmd_import(args) -> int:
    store = get_store(args.state)
    root = args.data_dir
    ds = Dataset(root) if (root / "shot-data.csv").is_file() else None  # for the scores
    n = exchange.import_task(store, root, args.task, start=args.start, name=args.as_name,
                             annotator=args.annotator, replace=args.replace, ds=ds)
    print(f"imported {n:,} labels of {args.task} as {args.as_name or args.task} "
          f"into {store.name}")
    return 0


def cmd_stats(args) -> int:
    store = get_store(args.state)
    table = store.stats(args.task)
    if args.task and table.empty:
        print(f"error: no task {args.task!r} in {store.name}", file=sys.stderr)
        return 1
    _print(table)
    return 0


STUDY_LABELS = (25, 50, 100, 250, 500, 1000)  # the columns of the printed median table


def cmd_study(args) -> int:
    """Run the feed study on the tasks (cached like the experiments) and print the median
    AP per strategy at a few label counts."""
    _, _, table = experiments_cli._run(args, study.STUDY)
    medians = study.median_ap(table)
    medians = medians[medians["n_train"].isin(STUDY_LABELS)]
    pivot = medians.pivot(index="strategy", columns="n_train", values="median_ap")
    print("\nMedian AP on the agg validation split per strategy and number of labels")
    _print(pivot.reindex([s for s in study.STRATEGIES if s in pivot.index]).reset_index())
    return 0


def cmd_simulate(args) -> int:
    if args.study:
        return cmd_study(args)
    if args.task is None or args.budget is None:
        raise ValueError("simulate needs --task and --budget (or --study)")
    ds = Dataset(args.data_dir)
    plan = Plan(args.budget, args.batch, tuple(f for f in args.feeds.split(",") if f), args.seed)
    store = get_store(args.state)
    bar = tqdm(total=plan.budget, desc=f"simulate {args.task}", unit="label", file=sys.stderr)

    def report(row: dict) -> None:
        bar.n = row["labels"]
        bar.refresh()
        tqdm.write(f"batch {row['batch']:>3}  {row['feed']:<10}  labels {row['labels']:>5}  "
                   f"positives {row['positives']:>4}  AP {row['ap_mean']:.3f} ± "
                   f"{row['ap_std']:.3f}")
    with bar:
        table = simulate(ds, store, args.task, plan, name=args.as_name, replace=args.replace,
                         report=report)
    _print(table)
    total = table["seconds"].sum()
    print(f"{int(table['labels'].iloc[-1]) if len(table) else 0:,} labels in {total:.1f} s "
          f"({table['labels'].iloc[-1] / total if total else 0:,.0f} labels/s) into {store.name}")
    return 0


def _state(p) -> None:
    p.add_argument("--state", metavar="URL", help=f"SQLAlchemy URL of the store (default: "
                                                  f"${DB_ENV}, else state/annotations.db)")


def add_parsers(group) -> None:
    """Register ``labels`` (export, import, stats) and ``simulate``."""
    labels = group.add_parser("labels", help="export, import and count the labels made in "
                                             "the app")
    sub = labels.add_subparsers(dest="labels_command", required=True, metavar="ACTION")
    p = sub.add_parser("export", help="write agg/T.json and checkpoints/T.json of a store task")
    p.add_argument("--task", required=True)
    p.add_argument("--out", type=Path, required=True, help="folder (released layout)")
    _state(p)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", help="start a store task from a released task's labels")
    p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
    p.add_argument("--task", required=True)
    p.add_argument("--from", dest="start", choices=exchange.STARTS, default="checkpoint",
                   help="its latest checkpoint (default), its agg labels, or nothing")
    p.add_argument("--as", dest="as_name", metavar="NAME", help="store task name")
    p.add_argument("--annotator", default="", help="who the labels belong to "
                                                   "(default: the task's primary)")
    p.add_argument("--replace", action="store_true", help="replace a store task of that name")
    _state(p)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("stats", help="labels, positives, negatives, events, checkpoints, "
                                     "annotators per task")
    p.add_argument("--task")
    _state(p)
    p.set_defaults(func=cmd_stats)

    p = group.add_parser("simulate", help="run the loop unattended with a simulated annotator; "
                                          "--study: which feeds help, over tasks")
    p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
    p.add_argument("--task", help="the task to label (required without --study)")
    p.add_argument("--budget", type=int, help="labels to give (required without --study)")
    p.add_argument("--batch", type=int, default=25, help="labels per batch (default 25)")
    p.add_argument("--feeds", default=",".join(feeds.FEEDS),
                   help="feeds taking turns after the first model (default: all four)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--as", dest="as_name", metavar="NAME", help="store task name")
    p.add_argument("--replace", action="store_true", help="replace a store task of that name")
    _state(p)
    study_args = p.add_argument_group(
        "--study", "the pool-based loop on every task with each strategy (the four feeds, each "
                   "feed alone, random only, zero-shot only), up to 1,000 labels in batches of "
                   "25, AP on the agg validation split; cached like the experiments")
    study_args.add_argument("--study", action="store_true", help="run the feed study")
    study_args.add_argument("--tasks", default="all", help="'all' or a comma-separated list")
    study_args.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="parallel task jobs (default: all cores)")
    study_args.add_argument("--backend", choices=BACKENDS, default="loky",
                            help="joblib backend: local processes, or a Dask cluster")
    study_args.add_argument("--scheduler", help="Dask scheduler address")
    study_args.add_argument("--out", type=Path, help="export the tidy table (.csv or .parquet)")
    p.set_defaults(func=cmd_simulate)
