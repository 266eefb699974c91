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


def _best_policy_ap(exp2: pd.DataFrame) -> pd.DataFrame:
    return exp2.pivot_table(index="task", columns="policy", values="ap_mean", aggfunc="max")


def lift_percentiles(exp2: pd.DataFrame, exp1: pd.DataFrame,
                     q=PERCENTILES) -> pd.DataFrame:
    """Table 3: per policy, percentiles across tasks of (best AP of the process - best VA
    checkpoint AP), in AP points."""
    lift = 100 * _best_policy_ap(exp2).sub(best_checkpoint_ap(exp1), axis=0)
    return lift.quantile([p / 100 for p in q]).set_axis([f"p{p}" for p in q]).T


def cumulative_gain(exp2: pd.DataFrame, exp1: pd.DataFrame) -> pd.DataFrame:
    """Median across the tasks of ``exp2`` of the gain over the most competitive baseline at
    the largest n (best of random, zero-shot, combined): VA alone (Experiment 1), then the
    better of VA and each decision process (Experiment 1 + 2), in AP points."""
    cells = _cells(exp1[exp1["task"].isin(exp2["task"])])
    n = max(n for m, n in cells.columns if m == VA)
    baseline = pd.concat([cells[(m, n)] for m in SOURCES if (m, n) in cells], axis=1).max(axis=1)
    va = cells[(VA, n)]
    rows = [{"method": "Experiment 1 (VA)", "median_gain": (100 * (va - baseline)).median()}]
    for policy, best in _best_policy_ap(exp2).items():
        both = pd.concat([va, best], axis=1).max(axis=1)
        rows.append({"method": f"Experiment 1 + 2 ({policy})",
                     "median_gain": (100 * (both - baseline)).median()})
    return pd.DataFrame(rows)


def page_tables(exp1: pd.DataFrame, exp2: pd.DataFrame | None) -> dict:
    """Every across-tasks table of the experiments page, computed once per state of the
    results: Fig 7 and 9 shares, Table 2, the per-task gains at the largest n and, with
    ``exp2`` (Experiment 2 of some of the tasks of ``exp1``), Table 3 and the cumulative gain.
    """
    gains = task_gains(exp1)
    n = int(gains["n"].max())
    out = {"enough_data": enough_data(exp1), "va_beats": va_beats(exp1),
           "table2": median_gain_table(exp1), "gain_n": n, "gains": gains[gains["n"] == n],
           "exp1_tasks": exp1["task"].nunique(), "exp2_tasks": 0}
    if exp2 is not None:
        out.update(exp2_tasks=exp2["task"].nunique(), table3=lift_percentiles(exp2, exp1),
                   cumulative=cumulative_gain(exp2, exp1))
    return out
