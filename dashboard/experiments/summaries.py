"""The paper's summaries across tasks of Experiment 1 and 2 tables (gains in AP points)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .experiment1 import COMBINED, SOURCES, VA
from .experiment2 import best_checkpoint_ap

PERCENTILES = (10, 25, 50, 75, 90)


def _compared(exp1: pd.DataFrame) -> pd.DataFrame:
    """The rows of the sources and VA, with integer n."""
    rows = exp1[exp1["method"].isin((*SOURCES, VA))]
    return rows.astype({"n": int})


def _cells(exp1: pd.DataFrame) -> pd.DataFrame:
    """AP per task (rows) and (method, n) (columns) for the sources and VA."""
    rows = _compared(exp1)
    return rows.pivot_table(index="task", columns=["method", "n"], values="ap_mean",
                            aggfunc="first", dropna=False)


def enough_data(exp1: pd.DataFrame) -> pd.DataFrame:
    """Fig 7: per method and n, the share of tasks whose training set gave a result."""
    rows = _compared(exp1)
    return (rows.assign(ok=rows["ap_mean"].notna()).groupby(["method", "n"])["ok"]
            .agg(share="mean", tasks="size").reset_index())


def va_beats(exp1: pd.DataFrame) -> pd.DataFrame:
    """Fig 9: per method and n, the share of tasks (with both results) where VA's AP is higher."""
    cells = _cells(exp1)
    out = []
    for method in SOURCES:
        for n in sorted({n for m, n in cells.columns if m == method}):
            va, other = cells.get((VA, n)), cells.get((method, n))
            both = va.notna() & other.notna() if va is not None and other is not None else None
            tasks = int(both.sum()) if both is not None else 0
            share = float((va[both] > other[both]).mean()) if tasks else np.nan
            out.append({"method": method, "n": n, "share": share, "tasks": tasks})
    return pd.DataFrame(out)


def task_gains(exp1: pd.DataFrame, against: str = COMBINED) -> pd.DataFrame:
    """Per task and n, VA's AP minus ``against``'s, in AP points (NaN when either is missing)."""
    cells = _cells(exp1)
    groups = exp1.groupby("task")["group"].first()
    out = []
    for n in sorted({n for m, n in cells.columns if m == VA}):
        gain = 100 * (cells.get((VA, n)) - cells.get((against, n)))
        out.append(pd.DataFrame({"task": gain.index, "group": groups[gain.index].to_numpy(),
                                 "n": n, "gain": gain.to_numpy()}))
    return pd.concat(out, ignore_index=True)


def median_gain_table(exp1: pd.DataFrame, against: str = COMBINED) -> pd.DataFrame:
    """Table 2: median gain of VA over ``against`` by group (rows) and n (columns), plus
    an ``all`` row."""
    gains = task_gains(exp1, against).dropna(subset=["gain"])
    by_group = gains.pivot_table(index="group", columns="n", values="gain", aggfunc="median")
    overall = gains.groupby("n")["gain"].median().rename("all").to_frame().T
    return pd.concat([by_group, overall])


# Table 3's rows, as the authors' exp2.ipynb groups its runs: epsilon-greedy at epsilon = 0.25
# only, and UCB as the per-task best of its two values of c.
TABLE3_ROWS = {"round-robin": ("round-robin",), "greedy oracle": ("greedy-oracle",),
               "epsilon-greedy (ε = 0.25)": ("epsilon-greedy-0.25",),
               "UCB (best of c = 0.01, 0.1)": ("ucb-0.01", "ucb-0.1")}
HEADLINE_PROCESS = "UCB (best of c = 0.01, 0.1)"  # the process of the paper's cumulative 8.3


def best_run_ap(exp2: pd.DataFrame) -> pd.DataFrame:
    """Per task (rows) and policy (columns), the best AP over the run's steps (the authors'
    ``best_metric``; steps without an AP are skipped)."""
    return exp2.pivot_table(index="task", columns="policy", values="ap_mean", aggfunc="max")


def table3_lifts(exp2: pd.DataFrame, exp1: pd.DataFrame) -> pd.DataFrame:
    """Per task (rows) and Table 3 process (columns, :data:`TABLE3_ROWS` present in ``exp2``):
    the process's best AP minus Video Annotator's best checkpoint AP in Experiment 1, in AP
    points (NaN when either is missing)."""
    best = best_run_ap(exp2)
    va = best_checkpoint_ap(exp1)
    lifts = {name: 100 * (best[[p for p in runs if p in best]].max(axis=1)
                          - va.reindex(best.index))
             for name, runs in TABLE3_ROWS.items() if any(p in best for p in runs)}
    return pd.DataFrame(lifts, index=best.index)


def lift_percentiles(exp2: pd.DataFrame, exp1: pd.DataFrame,
                     q=PERCENTILES) -> pd.DataFrame:
    """Table 3: per process (rows, the authors' order), percentiles across tasks of the lift
    of :func:`table3_lifts` (linear interpolation, as ``np.percentile``; tasks without a lift
    left out), in AP points; column ``tasks`` counts the tasks."""
    lifts = table3_lifts(exp2, exp1)
    table = lifts.quantile([p / 100 for p in q]).set_axis([f"p{p}" for p in q]).T
    return table.assign(tasks=lifts.notna().sum())


def cumulative_gain(exp2: pd.DataFrame, exp1: pd.DataFrame) -> pd.DataFrame:
    """The authors' cumulative result (exp2.ipynb after Table 3): per task, Experiment 1's gain
    of VA over combined at the largest n (exp1.ipynb's ``exp1_gain``) plus a process's Table 3
    lift; the median across the tasks that have both, in AP points. One row for Experiment 1
    alone (over the tasks of ``exp2``), then one per Table 3 process; the paper's 8.3 is the
    UCB row (:data:`HEADLINE_PROCESS`). Columns: ``method``, ``median_gain``, ``tasks``."""
    gains = task_gains(exp1[exp1["task"].isin(exp2["task"])])
    exp1_gain = gains[gains["n"] == gains["n"].max()].set_index("task")["gain"]
    rows = [{"method": "Experiment 1 (VA over combined)", "median_gain": exp1_gain.median(),
             "tasks": int(exp1_gain.notna().sum())}]
    for name, lift in table3_lifts(exp2, exp1).items():
        total = (exp1_gain + lift.reindex(exp1_gain.index)).dropna()
        rows.append({"method": f"Experiment 1 + 2 ({name})", "median_gain": total.median(),
                     "tasks": len(total)})
    return pd.DataFrame(rows, columns=["method", "median_gain", "tasks"])


def page_tables(exp1: pd.DataFrame, exp2: pd.DataFrame | None) -> dict:
    """Every across-tasks table of the experiments page, computed once per state of the
    results: Fig 7 and 9 shares, Table 2, the per-task gains at the largest n and, with
    ``exp2`` (Experiment 2 of some of the tasks of ``exp1``), Table 3, its per-task lifts and
    the cumulative gain.
    """
    gains = task_gains(exp1)
    n = int(gains["n"].max())
    out = {"enough_data": enough_data(exp1), "va_beats": va_beats(exp1),
           "table2": median_gain_table(exp1), "gain_n": n, "gains": gains[gains["n"] == n],
           "exp1_tasks": exp1["task"].nunique(), "exp2_tasks": 0}
    if exp2 is not None:
        out.update(exp2_tasks=exp2["task"].nunique(), table3=lift_percentiles(exp2, exp1),
                   lifts=table3_lifts(exp2, exp1), cumulative=cumulative_gain(exp2, exp1))
    return out
