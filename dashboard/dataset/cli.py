"""``python -m dashboard info|validate``: summarise and check a data folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .summary import dataset_summary, task_table
from .validate import validate

GROUP = "data folder"


def cmd_info(args) -> int:
    ds = args.open_dataset(args.data_dir)
    tasks = task_table(ds)
    summary = dataset_summary(ds, tasks)
    print(f"{ds.root}  (fingerprint {ds.fingerprint}, "
          f"{'memory-mapped' if ds.memory_mapped else 'in memory'})")
    print("  ".join(f"{k}={v:,.3f}" if isinstance(v, float) else f"{k}={v:,}"
                    for k, v in summary.items()))
    with pd.option_context("display.max_rows", None, "display.width", 200,
                           "display.float_format", "{:.3f}".format):
        print(tasks.drop(columns="error" if not tasks["error"].any() else []).to_string(index=False))
    for w in dict.fromkeys(ds.warnings):
        print(f"WARNING {w}", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    path = args.data_dir
    problems = validate(path)
    for p in problems:
        print(p)
    errors = sum(p.level == "error" for p in problems)
    print(f"{path}: {errors} errors, {len(problems) - errors} warnings")
    return 1 if errors else 0


def add_parsers(group) -> None:
    """Register ``info`` and ``validate``."""
    for name, func, text in (("info", cmd_info, "table of tasks and dataset figures"),
                             ("validate", cmd_validate, "check every file, list every problem")):
        p = group.add_parser(name, help=text)
        p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
        p.set_defaults(func=func)
