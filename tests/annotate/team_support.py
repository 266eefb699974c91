"""An app-made task built from a released one, for the tests of app-made tasks."""
from __future__ import annotations

from dashboard.dataset.folder import Dataset

MINE = "my-zoom"


def copy_task(ds: Dataset, store, source: str = "zoom", name: str = MINE) -> None:
    """Build store task ``name`` from the released task ``source``: the same votes (by
    annotators named P, S1, S2), checkpoints and labeled baseline lists."""
    agg = ds.agg_votes(source)
    table = agg.table
    store.create_task(name, description=f"copy of {source}", primary="P")
    store.assign_secondaries(name, ["S1", "S2"])
    value = {True: "positive", False: "negative"}
    store.record(name, table["key"].tolist(), [value[v] for v in table[agg.primary]],
                 annotator="P")
    for who, column in zip(("S1", "S2"), agg.secondaries):
        store.record(name, table["key"].tolist(), [value[v] for v in table[column]],
                     annotator=who, role="secondary")
    for i, cp in enumerate(ds.checkpoints(source), 1):
        store.add_checkpoint(name, sorted(cp.pos), sorted(cp.neg), model_version=i, metrics={})
    cmp = ds.cmp(source)
    for list_name, pairs in (("random", cmp.random), ("zero_shot", cmp.zero_shot)):
        store.set_baseline(name, list_name, [k for k, _ in pairs])
        store.record(name, [k for k, _ in pairs], [value[v] for _, v in pairs],
                     annotator="P", role=list_name)
