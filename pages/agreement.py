"""Annotator agreement: the paper's unanimity beside chance-corrected statistics."""
import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.export import chart
from components.formatting import number, plain, styled
from components.links import browse_url
from components.task_picker import task_picker
from components.views import lazy_tabs
from dashboard.annotate import team
from dashboard.dataset import browse
from dashboard.figures import views as figures_views
from dashboard.method.agreement import STAT_COLUMNS, STAT_NAMES, role_summary

ds = require_dataset()
task = task_picker(ds, "agreement")
st.title("Annotator agreement")
st.markdown("How often the annotators agree on a task's shots: the paper's unanimity (share of "
            "shots where every vote is the same) beside statistics corrected for chance, each "
            "annotator against the majority, and all tasks ranked, the chosen one in bold.")
table = cache.agreement_table(ds, ds.version())
for message in table.loc[table["error"] != "", "error"]:
    st.error(plain(message), icon=":material/error:")
ok = table[table["error"] == ""]
ROLES = {"role": "Role", "annotations": "Votes", "pos_rate": "Positive rate",
         "majority_agreement": "Agrees with majority"}


def roles_table(table) -> None:
    """Primary versus secondaries: votes, positive rate and agreement with the majority."""
    st.dataframe(styled(role_summary(table), percent=("pos_rate", "majority_agreement"),
                        count=("annotations",)), hide_index=True, column_config=ROLES)



def relabeling_progress() -> None:
    """For a task made in the app: how far each secondary is with the blind re-labeling."""
    progress = team.progress(ds.store, task)
    if progress.empty:
        st.info("No secondary is asked to re-label this task yet (Annotate → Team). Until two "
                "people have voted on a shot, no agreement statistic is defined.",
                icon=":material/group:")
        return
    each = ", ".join(f"{name}: {voted:,} done, {to_do:,} to do"
                     for name, voted, to_do in progress.itertuples(index=False))
    st.caption(plain(f"Blind re-labeling. {each}. The agg, and every statistic here, holds "
                     "the shots that every secondary has voted on."))


def this_task() -> None:
    if ds.is_app_task(task):
        relabeling_progress()
    if task not in set(ok["task"]):
        return
    stats = ok.set_index("task").loc[task]
    cols = st.columns(len(STAT_COLUMNS))
    for col, name in zip(cols, STAT_COLUMNS):
        col.metric(STAT_NAMES[name], number(stats[name], "{:.1%}" if name == "unanimity"
                                            else "{:.3f}"))
    st.caption(f"{int(stats['shots']):,} shots, positive rate {stats['pos_rate']:.1%}. "
               "Unanimity is the paper's agreement (share of shots where all annotators agree); "
               "kappa and alpha correct it for chance and are undefined (—) when every vote "
               "is the same; Gwet's AC1 stays meaningful when positives are rare.")
    detail = cache.task_agreement(ds, ds.version(task), task)
    left, right = st.columns(2)
    with left:
        chart(figures_views.cohen_heatmap(detail["cohen"], task),
              detail["cohen"].reset_index(names="annotator"), key="agreement_cohen")
    with right:
        chart(figures_views.annotator_bars(detail["annotators"], task), detail["annotators"],
              key="agreement_annotators")
    st.subheader("Primary versus secondaries")
    roles_table(detail["annotators"])

    st.subheader("Disputed shots")
    disputed = browse.filter_shots(cache.shot_table(ds, ds.version(task), task, "agg"), "disputed")
    st.caption(f"{len(disputed):,} shots where the annotators do not all agree. "
               "*Open* shows the shot in the browse view.")
    primary, *secondaries = ds.agg_votes(task).annotators
    annotators = sorted([primary, *secondaries])  # one order on every page: by name
    st.dataframe(disputed.assign(open=[browse_url(task, k) for k in disputed["key"]]),
                 hide_index=True, width="stretch",
                 column_order=["title", "genre", *annotators, "pos_cnt", "agg", "open", "key"],
                 column_config={"title": "Title", "genre": "Genre", "pos_cnt": "Positive votes",
                                primary: f"{primary} (primary)",
                                "agg": st.column_config.CheckboxColumn("Agg"),
                                "open": st.column_config.LinkColumn("Browse",
                                                                    display_text="Open ↗"),
                                "key": "Key"})


def across_tasks() -> None:
    stat = st.segmented_control("Statistic", STAT_COLUMNS, default="unanimity",
                                format_func=STAT_NAMES.get, key="agreement_stat") or "unanimity"
    chart(figures_views.ranked_agreement(ok, stat, highlight=task), ok, key="agreement_ranked")
    left, right = st.columns(2)
    with left:
        chart(figures_views.agreement_vs_pos_rate(ok, stat),
              ok[["task", "group", "pos_rate", stat]], key="agreement_vs_pos_rate")
    with right:
        chart(figures_views.agreement_by_group(ok, stat), ok[["task", "group", stat]],
              key="agreement_by_group")
    st.subheader("Annotators across tasks")
    quality = cache.annotator_quality(ds, ds.version())
    chart(figures_views.annotator_quality(quality), quality, key="agreement_quality")
    roles_table(quality)


lazy_tabs({"This task": this_task, "Across tasks": across_tasks},
          key="agreement_view")
