"""Checkpoints: how a task's labeled set grew, what changed, and the AP of each checkpoint."""
import streamlit as st

from components import cache
from components.data_source import require_dataset
from components.experiments_compute import compute_button
from components.export import chart
from components.formatting import number, plain
from components.links import browse_url
from components.task_picker import task_picker
from dashboard import DataError
from dashboard.dataset import config
from dashboard.dataset.browse import checkpoint_source
from dashboard.experiments import checkpoints
from dashboard.figures import views as figures_views
from dashboard.figures.theme import task_label

ds = require_dataset()
task = task_picker(ds, "checkpoints")
st.title(f"Checkpoints: {task_label(task)}")
st.markdown("How the primary annotator's labeled set grew, checkpoint by checkpoint, and how "
            "good a classifier trained on each one is (average precision on the agg validation "
            "split, higher is better), then what changed between checkpoints and the same "
            "across tasks.")
row = cache.task_table(ds, ds.version()).set_index("task").loc[task]
if row["error"]:
    st.error(plain(row["error"]), icon=":material/error:")
    st.stop()
root = config.cache_dir()


def compute(tasks: list[str]) -> list[str]:
    """Compute (and cache on disk) the checkpoint APs of ``tasks`` with a progress bar; the
    problems, one message per task that could not be read."""
    bar, problems = st.progress(0.0, text="Starting…"), []
    for i, name in enumerate(tasks):
        def report(f, msg, i=i, name=name):
            bar.progress((i + f) / len(tasks), text=f"{name}: {msg}")
        try:
            checkpoints.checkpoint_aps(ds, name, root, progress=report)
        except DataError as e:
            problems.append(plain(f"{name}: {e}"))
    bar.empty()
    return problems


timeline = cache.checkpoint_timeline(ds, ds.version(task), task)
for w in dict.fromkeys(ds.warnings):  # e.g. a broken snapshot, left out
    if w.path == str(ds.task_path("checkpoints", task)):
        st.warning(plain(w), icon=":material/warning:")
chart(figures_views.checkpoint_timeline(timeline, task), timeline, key="checkpoints_timeline")

st.subheader("Average precision per checkpoint")
st.caption("The paper's classifier trained on each checkpoint minus the agg validation keys, "
           "scored on the agg validation split (bootstrap mean ± std of 5 resamples).")
result = cache.checkpoint_aps(ds, task, root)  # re-read only when the disk cache changed
if result is None:
    st.info("Not computed yet: one cross-validated fit per checkpoint (seconds per "
            "checkpoint). The result is cached on disk, so this page opens instantly next time.",
            icon=":material/info:")
    compute_button(f"Compute AP of {len(timeline)} checkpoints", "checkpoints_compute",
                   lambda: compute([task]))
elif result.error:
    st.warning(plain(f"No average precision for this task: {result.error}."),
               icon=":material/warning:")
else:
    cols = st.columns(4)
    cols[0].metric("Last checkpoint AP", number(result.table["ap_mean"].iloc[-1], "{:.3f}"))
    cols[1].metric("Zero-shot AP", number(result.zero_shot_mean, "{:.3f}"))
    cols[2].metric("Positive rate", number(result.no_skill.positive_rate, "{:.3f}"),
                   help="Share of positives in the agg validation split")
    cols[3].metric("Random scorer AP", number(result.no_skill.random_scorer, "{:.3f}"),
                   help="Mean AP of 1,000 random scorers on validation (the positive rate from "
                        "1,000 keys): the paper's baseline, as on the AP vs labels page")
    chart(figures_views.checkpoint_ap(result.table, result.zero_shot_mean, result.no_skill,
                                      task), result.table, key="checkpoints_ap")
    if result.zero_shot_problem:
        st.caption(plain(f"No zero-shot reference: {result.zero_shot_problem}."))
    for r in result.table[result.table["reason"] != ""].itertuples():
        st.caption(plain(f"Checkpoint {r.checkpoint}: no result ({r.reason})."))

st.subheader("Changes between consecutive checkpoints")
diffs = cache.checkpoint_diffs(ds, ds.version(task), task)
st.dataframe(diffs, hide_index=True, width="stretch",
             column_config={"from": "From", "to": "To",
                            **{c: c.capitalize() for c in checkpoints.CHANGES}})
if len(diffs):
    to = st.selectbox("Show the keys changed into checkpoint", diffs["to"],
                      index=len(diffs) - 1, key="checkpoints_pair")
    cps = ds.checkpoints(task)
    changed = checkpoints.diff_keys(cps[to - 2], cps[to - 1])
    where = {True: checkpoint_source(to - 2), False: checkpoint_source(to - 1)}  # removed: old
    st.dataframe(changed.assign(open=[browse_url(task, k, where[c == "removed"])
                                      for k, c in zip(changed["key"], changed["change"])]),
                 hide_index=True, width="stretch",
                 column_config={"key": "Key", "change": "Change",
                                "open": st.column_config.LinkColumn("Browse",
                                                                    display_text="Open ↗")})

st.header("Across tasks")
missing = [t for t in ds.tasks if cache.checkpoint_aps(ds, t, root) is None]  # or unreadable
if missing:
    compute_button(f"Compute the {len(missing)} remaining tasks (slow)",
                   "checkpoints_compute_all", lambda: compute(missing))
done = cache.last_vs_best(ds, root)
if done.empty:
    st.info("No task computed yet.", icon=":material/info:")
else:
    chart(figures_views.last_vs_best(done), done, key="checkpoints_last_vs_best")
