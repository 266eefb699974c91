"""The sentence under each chart or table: what it shows, in numbers, generated from the
same tables the chart draws (the engine's summaries), so text and chart cannot disagree."""
from __future__ import annotations

import math

import pandas as pd

from ..experiments.experiment1 import COMBINED, METHOD_NAMES, VA
from ..figures.theme import group_label as _group
from ..figures.theme import task_label as _task


def _tasks(n: int) -> str:
    return f"{n:,} task" if n == 1 else f"{n:,} tasks"


def _share_count(row: pd.Series) -> int:
    """Tasks behind a share row of ``enough_data`` / ``va_beats`` (share × tasks)."""
    return round(row["share"] * row["tasks"]) if row["tasks"] else 0


def dataset(name: str, shots: int, summary: dict, n_tasks: int) -> str:
    return (f"{name} holds {shots:,} shots. The {_tasks(n_tasks)} of this report have "
            f"{summary['agg_labels']:,} agg labels ({summary['all_labels']:,} with the cmp "
            f"lists) on {summary['unique_labeled_shots']:,} distinct shots; mean positive "
            f"rate {summary['mean_pos_rate']:.1%}, mean agreement "
            f"{summary['mean_agreement']:.1%}.")


def group_extremes(tasks: pd.DataFrame, column: str, label: str, fmt: str) -> str:
    means = tasks.groupby("group")[column].mean().dropna().sort_values()
    if len(means) < 2:
        return f"{label}: mean {fmt.format(means.iloc[0])} in {_group(means.index[0])}."
    return (f"{label} is highest in {_group(means.index[-1])} (mean "
            f"{fmt.format(means.iloc[-1])}) and lowest in {_group(means.index[0])} "
            f"({fmt.format(means.iloc[0])}).")


def agreement(table: pd.DataFrame) -> str:
    u = table.set_index("task")["unanimity"].dropna()
    return (f"All annotators agree on {u.mean():.1%} of a task's shots on average, from "
            f"{u.min():.1%} ({_task(u.idxmin())}) to {u.max():.1%} ({_task(u.idxmax())}); "
            f"mean Fleiss' kappa {table['fleiss_kappa'].mean():.2f}, mean Gwet's AC1 "
            f"{table['gwet_ac1'].mean():.2f}.")


def checkpoints(current: pd.DataFrame) -> str:
    ok = current.dropna(subset=["ap_mean"])
    same = int((ok["best_checkpoint"] == ok["checkpoints"]).sum())
    return (f"The newest checkpoint is also the best on {same} of {len(ok)} tasks; median AP "
            f"{ok['ap_mean'].median():.3f} for the newest, {ok['best_ap'].median():.3f} for "
            "the best.")


def timeline(table: pd.DataFrame, task: str) -> str:
    first, last = table.iloc[0], table.iloc[-1]
    return (f"{_task(task)} grew from {int(first['size']):,} to {int(last['size']):,} labels over "
            f"{len(table)} checkpoints; positive rate {first['pos_rate']:.1%} at the first, "
            f"{last['pos_rate']:.1%} at the newest.")


def checkpoint_aps(aps: pd.DataFrame, task: str) -> str:
    ok = aps.dropna(subset=["ap_mean"])
    if ok.empty:
        return f"{_task(task)}: no checkpoint could be trained."
    best = ok.loc[ok["ap_mean"].idxmax()]
    return (f"{_task(task)}: AP per checkpoint from {ok['ap_mean'].min():.3f} to "
            f"{best['ap_mean']:.3f} (checkpoint {int(best['checkpoint'])}); the newest has "
            f"{aps['ap_mean'].iloc[-1]:.3f}.")


def enough_data(shares: pd.DataFrame) -> str:
    n = shares["n"].min()
    at = shares[shares["n"] == n].set_index("method")
    parts = [f"{_share_count(at.loc[m])} of {int(at.loc[m, 'tasks'])} with "
             f"{METHOD_NAMES.get(m, 'Video Annotator' if m == VA else m)}" for m in at.index]
    return f"With n = {n:,} labels a model can be trained on " + ", ".join(parts) + " tasks."


def va_beats(shares: pd.DataFrame, table2: pd.DataFrame) -> str:
    """The headline of Fig 9: VA against combined at the largest n, with Table 2's median."""
    n = shares["n"].max()
    row = shares[(shares["method"] == COMBINED) & (shares["n"] == n)].iloc[0]
    gain = table2.loc["all", n] if n in table2.columns else math.nan
    return (f"Video Annotator beats the combined baseline on {_share_count(row)} of "
            f"{int(row['tasks'])} tasks at n = {n:,}; median gain {gain:.1f} AP points.")


def table2(table: pd.DataFrame) -> str:
    n = max(table.columns)
    by_group = table.drop(index="all")[n].dropna().sort_values()
    if by_group.empty:
        return f"No group has a gain at n = {n:,}."
    return (f"At n = {n:,} the median gain over combined is largest in "
            f"{_group(by_group.index[-1])} ({by_group.iloc[-1]:+.1f} points) and smallest in "
            f"{_group(by_group.index[0])} ({by_group.iloc[0]:+.1f}); "
            f"{table.loc['all', n]:+.1f} over all tasks.")


def gains(rows: pd.DataFrame, n: int) -> str:
    g = rows.dropna(subset=["gain"]).set_index("task")["gain"]
    return (f"At n = {n:,} the gain of Video Annotator over combined ranges from "
            f"{g.min():+.1f} points ({_task(g.idxmin())}) to {g.max():+.1f} "
            f"({_task(g.idxmax())}); {int((g > 0).sum())} of {len(g)} tasks gain.")


def task_curve(table: pd.DataFrame, task: str) -> str:
    """One task's Experiment 1 at its largest n where Video Annotator has an AP."""
    ok = table.dropna(subset=["ap_mean"])
    va = ok[ok["method"] == VA]
    if va.empty:
        return f"{_task(task)}: no Video Annotator result ({table['reason'].iloc[0] or 'no AP'})."
    n = va["n"].max()
    at = ok[ok["n"] == n].set_index("method")["ap_mean"]
    ref = ok[ok["n"].isna()].set_index("method")["ap_mean"]
    parts = [f"{at[COMBINED]:.3f} for combined" if COMBINED in at else None,
             f"{ref['zero-shot scorer']:.3f} for the zero-shot scorer"
             if "zero-shot scorer" in ref else None,
             f"a positive rate of {ref['positive rate']:.3f}" if "positive rate" in ref else None]
    return (f"{_task(task)}: Video Annotator reaches AP {at[VA]:.3f} at n = {int(n):,}, against "
            + ", ".join(p for p in parts if p) + ".")


def table3(table: pd.DataFrame, process: str) -> str:
    r = table.loc[process]
    return (f"{process}: median lift {r['p50']:+.1f} AP points over the best Video Annotator "
            f"checkpoint across {int(r['tasks'])} tasks (10th to 90th percentile "
            f"{r['p10']:+.1f} to {r['p90']:+.1f}).")


def cumulative(table: pd.DataFrame, process: str) -> str:
    rows = table.set_index("method")
    exp1 = rows.iloc[0]
    both = rows.loc[f"Experiment 1 + 2 ({process})"]
    return (f"Median gain over combined: {exp1['median_gain']:+.1f} AP points from Experiment 1 "
            f"alone ({int(exp1['tasks'])} tasks), {both['median_gain']:+.1f} with {process}'s "
            f"lift added ({int(both['tasks'])} tasks).")


def policy_curves(steps: pd.DataFrame, task: str, va_best: float | None) -> str:
    best = steps.groupby("policy")["ap_mean"].max().dropna()
    if best.empty:
        return f"{_task(task)}: no decision process reached an AP."
    against = ("" if va_best is None or math.isnan(va_best)
               else f", against {va_best:.3f} for the best Video Annotator checkpoint")
    return (f"{_task(task)}: the best decision process, {best.idxmax()}, reaches AP "
            f"{best.max():.3f}{against}.")


def current_models(current: pd.DataFrame) -> str:
    ok = current.dropna(subset=["ap_mean"])
    if len(ok) == 1:
        r = ok.iloc[0]
        return (f"{_task(r.task)}'s current model (checkpoint {int(r.checkpoints)}, {int(r.n_train):,} "
                f"labels, {int(r.n_pos):,} positive) has AP {r.ap_mean:.3f} ± {r.ap_std:.3f} "
                f"on the agg validation split, against {r.zero_shot_ap:.3f} for the zero-shot "
                f"scorer and a positive rate of {r.positive_rate:.3f}.")
    above = int((ok["ap_mean"] > ok["zero_shot_ap"]).sum())
    return (f"The current models of {len(ok)} tasks have a median AP of "
            f"{ok['ap_mean'].median():.3f} (positive rate {ok['positive_rate'].median():.3f}); "
            f"{above} of {len(ok)} beat the zero-shot scorer.")


def operating_point(task: str, at, positives: int) -> str:
    """At the chart's threshold: recall and precision of ``at`` (a ``ThresholdMetrics``)."""
    return (f"{_task(task)}: at a score threshold of {at.threshold:.2f} the current model finds "
            f"{at.recall:.0%} of the {positives:,} validation positives with a precision of "
            f"{at.precision:.0%}.")


def missing(what: str, tasks: list[str], n_tasks: int, command: str) -> str:
    named = ", ".join(tasks[:8]) + (f" and {len(tasks) - 8} more" if len(tasks) > 8 else "")
    return (f"{what} is not computed for {len(tasks)} of the {n_tasks} tasks ({named}); "
            f"this section leaves them out. Compute them with `{command}` or on the Report "
            "page.")
