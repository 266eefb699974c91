"""The report's sections, each a function of :class:`ReportData` to a :class:`Section`.

Charts are the pages' own figure functions (:mod:`dashboard.figures`: plain Plotly, no
Streamlit), so the report and the app draw the same charts in the same colours; numbers come
from the engine's summaries (``dataset.summary``, ``experiments.summaries``)."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..dataset.summary import dataset_summary
from ..experiments import checkpoints as cp
from ..experiments import summaries
from ..experiments.experiment1 import CHECKPOINT, NoSkill
from ..experiments.experiment2 import best_checkpoint_ap
from ..figures import experiments as fx
from ..figures import train as figures_train
from ..figures import views as figures_views
from ..figures.theme import group_label
from ..live import quality, runs
from ..live.estimators import ModelSpec
from ..live.sources import CHECKPOINT as CHECKPOINT_SOURCE
from ..live.sources import Source
from ..method.agreement import STAT_COLUMNS, STAT_NAMES
from . import sentences as say
from .document import Chart, Note, Section, Table
from .inputs import ReportData

DETAIL_TASKS = 3  # per-task charts of checkpoints, Experiment 2 and the model up to this many
THRESHOLD = 0.5  # the operating point of the current model's precision-recall chart
_AP, _RATE, _GAIN = "{:.3f}", "{:.1%}", "{:+.1f}"
# the columns the tables show, with their headers
TASK_HEADERS = {"task": "Task", "group": "Group", "agg": "Agg labels", "positives": "Positives",
                "pos_rate": "Positive rate", "agreement": "Agreement",
                "data_score": "Data diversity", "checkpoints": "Checkpoints",
                "cmp_random": "cmp random", "cmp_zero_shot": "cmp zero-shot"}
MODEL_HEADERS = {"task": "Task", "group": "Group", "checkpoints": "Checkpoint",
                 "n_train": "Labels", "n_pos": "Positives", "ap_mean": "AP",
                 "ap_std": "AP std", "zero_shot_ap": "Zero-shot AP",
                 "positive_rate": "Positive rate", "random_scorer_ap": "Random scorer AP"}
CUMULATIVE_HEADERS = {"method": "Method", "median_gain": "Median gain (AP points)",
                      "tasks": "Tasks"}


def _named(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its ``group`` column as people write it ("shot types")."""
    return table.assign(group=table["group"].map(group_label))


def _missing(data: ReportData, experiment: str, what: str) -> list[Note]:
    tasks = data.missing(experiment)
    if not tasks:
        return []
    chosen = "" if set(tasks) == set(data.ds.tasks) else f" --tasks {','.join(tasks)}"
    command = f"python -m dashboard {experiment} {data.ds.root}{chosen}"
    return [Note(say.missing(what, tasks, len(data.tasks), command), "missing")]


def dataset_section(data: ReportData) -> list:
    tasks = data.task_table[data.task_table["error"] == ""]
    summary = dataset_summary(data.ds, tasks)
    shown = _named(tasks[list(TASK_HEADERS)]).rename(columns=TASK_HEADERS)
    return [
        Note(say.dataset(data.ds.root.name, data.ds.n_shots, summary, len(tasks))),
        Chart(figures_views.group_distribution(tasks, "pos_rate",
                                               "Positive rate (% of agg labels)"),
              say.group_extremes(tasks, "pos_rate", "The positive rate", _RATE)),
        Table(shown, "The tasks: agg labels, positives, positive rate, agreement (share of "
              "unanimous shots), data diversity score, checkpoints and cmp list lengths",
              {"Positive rate": _RATE, "Agreement": _RATE, "Data diversity": "{:.2f}"}),
    ]


def agreement_section(data: ReportData) -> list:
    table = data.agreement
    return [
        Chart(figures_views.ranked_agreement(table, "unanimity"), say.agreement(table)),
        Table(_named(table[["task", "group", "shots", "pos_rate", *STAT_COLUMNS]])
              .rename(columns={**TASK_HEADERS, "shots": "Shots", **STAT_NAMES}),
              "Agreement per task: the paper's unanimity beside the chance-corrected "
              "statistics (— where undefined)",
              {TASK_HEADERS["pos_rate"]: _RATE, STAT_NAMES["unanimity"]: _RATE,
               **{STAT_NAMES[c]: _AP for c in STAT_COLUMNS if c != "unanimity"}}),
    ]


def _checkpoint_detail(data: ReportData, task: str) -> list:
    exp1 = data.results("experiment1")
    rows = exp1[exp1["task"] == task]
    ref = rows.set_index("method")
    aps = rows[rows["method"] == CHECKPOINT].astype({"checkpoint": int})
    timeline = cp.timeline(data.ds, task)
    no_skill = NoSkill(ref.loc["positive rate", "ap_mean"], ref.loc["random scorer", "ap_mean"],
                       ref.loc["random scorer", "ap_std"])
    return [Chart(figures_views.checkpoint_timeline(timeline, task), say.timeline(timeline, task)),
            Chart(figures_views.checkpoint_ap(aps, ref.loc["zero-shot scorer", "ap_mean"],
                                              no_skill, task), say.checkpoint_aps(aps, task))]


def checkpoints_section(data: ReportData) -> list:
    blocks = _missing(data, "experiment1", "Experiment 1 (which holds every checkpoint's AP)")
    current = data.current_models
    if current.empty:
        return blocks
    last_vs_best = current.rename(columns={"ap_mean": "last_ap", "checkpoints": "last_checkpoint"})
    blocks.append(Chart(figures_views.last_vs_best(last_vs_best), say.checkpoints(current)))
    if len(data.tasks) <= DETAIL_TASKS:
        for task in current["task"]:
            blocks += _checkpoint_detail(data, task)
    return blocks


def ap_section(data: ReportData) -> list:
    blocks = _missing(data, "experiment1", "Experiment 1")
    exp1 = data.results("experiment1")
    if exp1 is None:
        return blocks
    t = summaries.page_tables(exp1, None)
    table2 = t["table2"]
    blocks += [
        Chart(fx.share_curves(t["enough_data"], "Share of tasks with enough data (Fig 7)",
                              "tasks with a trainable set (%)"), say.enough_data(t["enough_data"])),
        Chart(fx.share_curves(t["va_beats"], "Share of tasks where VA beats each method (Fig 9)",
                              "tasks where VA has the higher AP (%)"),
              say.va_beats(t["va_beats"], table2)),
        Table(table2.rename(index=group_label, columns=lambda n: f"n = {n:,}")
              .rename_axis("Group"),
              "Median AP gain of Video Annotator over combined, in AP points (Table 2)",
              {f"n = {n:,}": _GAIN for n in table2.columns}, index=True),
        Note(say.table2(table2)),
        Chart(fx.task_gain_bars(t["gains"], t["gain_n"]), say.gains(t["gains"], t["gain_n"])),
    ]
    for task, rows in exp1.groupby("task", sort=False):
        blocks.append(Chart(fx.ap_vs_labels(rows, task), say.task_curve(rows, task)))
    return blocks


def experiment2_section(data: ReportData) -> list:
    blocks = (_missing(data, "experiment2", "Experiment 2")
              + _missing(data, "experiment1", "Experiment 1 (Table 3 compares with it)"))
    exp1, exp2 = data.results("experiment1"), data.results("experiment2")
    if exp1 is None or exp2 is None:
        return blocks
    exp2 = exp2[exp2["task"].isin(exp1["task"])]
    process = summaries.HEADLINE_PROCESS
    table3 = summaries.lift_percentiles(exp2, exp1)
    cumulative = summaries.cumulative_gain(exp2, exp1)
    lifts = summaries.table3_lifts(exp2, exp1)
    blocks += [
        Table(table3.rename(columns={"tasks": "Tasks"}).rename_axis("Process"), "Lift of each decision process's best AP over the "
              "best Video Annotator checkpoint, percentiles across tasks, in AP points (Table 3)",
              {c: _GAIN for c in table3.columns if c != "tasks"}, index=True),
        Note(say.table3(table3, process)),
        Table(cumulative.rename(columns=CUMULATIVE_HEADERS), "Median AP gain over combined: "
              "Experiment 1 at the largest n, plus each process's lift",
              {CUMULATIVE_HEADERS["median_gain"]: _GAIN}),
        Note(say.cumulative(cumulative, process)),
        Chart(fx.lift_bars(lifts, process), say.table3(table3, process)),
    ]
    if len(data.tasks) <= DETAIL_TASKS:
        va_best = best_checkpoint_ap(exp1)
        for task, steps in exp2.groupby("task", sort=False):
            blocks.append(Chart(fx.policy_curves(steps, task, va_best.get(task)),
                                say.policy_curves(steps, task, va_best.get(task))))
    return blocks


def _model_detail(data: ReportData, task: str) -> list:
    run = runs.train_run(data.ds, task, Source(CHECKPOINT_SOURCE), ModelSpec())
    if not run.ok:
        return [Note(f"{task}: no current model ({run.reason}).", "missing")]
    q = run.quality
    at = quality.at_threshold(run.val_y, run.val_scores, THRESHOLD)
    zs = (None if run.zero_shot_scores is None
          else quality.pr_curve(run.val_y, run.zero_shot_scores))
    fig = figures_train.pr_figure(quality.pr_curve(run.val_y, run.val_scores), q.ap.mean,
                                  q.no_skill.positive_rate, THRESHOLD, (at.recall, at.precision),
                                  zs)
    fig.update_layout(title=f"{task}: precision–recall of the current model (AP {q.ap.mean:.3f})")
    return [Chart(fig, say.operating_point(task, at, q.n_val_pos))]


def model_section(data: ReportData) -> list:
    blocks = _missing(data, "experiment1", "Experiment 1 (which holds the current models' AP)")
    current = data.current_models
    if current.empty:
        return blocks
    blocks += [Note(say.current_models(current)),
               Table(_named(current[list(MODEL_HEADERS)]).rename(columns=MODEL_HEADERS),
                     "Each task's current model (trained on its newest checkpoint) and its "
                     "quality on the agg validation split",
                     {MODEL_HEADERS[c]: _AP for c in ("ap_mean", "ap_std", "zero_shot_ap",
                                                      "positive_rate", "random_scorer_ap")}
                     | {MODEL_HEADERS[c]: "{:,.0f}" for c in ("n_train", "n_pos")})]
    if len(data.tasks) <= DETAIL_TASKS:
        for task in current["task"]:
            blocks += _model_detail(data, task)
    return blocks


# key (as --sections spells it) -> (title, builder); the report keeps this order
SECTIONS: dict[str, tuple[str, Callable[[ReportData], list]]] = {
    "dataset": ("Dataset", dataset_section),
    "agreement": ("Annotator agreement", agreement_section),
    "checkpoints": ("Checkpoints", checkpoints_section),
    "ap-vs-labels": ("AP versus number of labels (Experiment 1)", ap_section),
    "experiment2": ("Decision processes (Experiment 2)", experiment2_section),
    "model": ("Current models and their quality", model_section),
}


def build_section(key: str, data: ReportData) -> Section:
    title, build = SECTIONS[key]
    return Section(key, title, tuple(build(data)))

