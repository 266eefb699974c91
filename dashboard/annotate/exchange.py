"""Labels in and out of the store in the released layout: export a store task as
``agg/{task}.json`` (the primary's and the secondaries' votes), ``checkpoints/{task}.json``
(every retrain, oldest first) and ``cmp/{task}.json`` (its baseline lists, once drawn);
import a released task's labels (its latest checkpoint or its agg labels) as the starting
point of a store task."""
from __future__ import annotations

import json
from pathlib import Path

from ..dataset.atomic import write_atomic
from ..dataset.folder import Dataset
from ..dataset.jsonfiles import expect, parse_pos_neg, read_json
from ..dataset.tasks import check_task_name
from ..method.labeled import LabeledDataset
from . import loop, team
from .database import BASELINES
from .store import Store

IMPORT_FEED = "import"
STARTS = ("checkpoint", "agg", "empty")  # where a continued task starts


def _write_json(path: Path, value) -> None:
    """Write ``value`` atomically: a killed export leaves the old file or the new one."""
    data = json.dumps(value).encode("utf-8")
    write_atomic(path, lambda f: f.write(data))


def checkpoints_document(store: Store, task: str) -> list[dict]:
    """The task's checkpoints in the release's schema: ``[{"pos": [...], "neg": [...]}]``,
    oldest first."""
    return [{"pos": c["pos"], "neg": c["neg"]} for c in store.checkpoints(task)]


def agg_json(store: Store, task: str) -> str:
    return json.dumps(team.agg_document(store, task))


def checkpoints_json(store: Store, task: str) -> str:
    return json.dumps(checkpoints_document(store, task))


def cmp_json(store: Store, task: str) -> str:
    return json.dumps(team.cmp_document(store, task))


def export_task(store: Store, task: str, out: str | Path) -> list[Path]:
    """Write the task in the released layout under ``out``: ``agg/{task}.json``,
    ``checkpoints/{task}.json`` and, once its baselines are drawn, ``cmp/{task}.json``;
    returns the paths. Only what the store holds for the task is written."""
    check_task_name(task)
    if store.task(task) is None:
        raise ValueError(f"no task {task!r} in the annotation store {store.name}")
    documents = {"agg": team.agg_document(store, task),
                 "checkpoints": checkpoints_document(store, task)}
    if any(store.baseline(task, name) for name in BASELINES):
        documents["cmp"] = team.cmp_document(store, task)
    paths = [Path(out) / sub / f"{task}.json" for sub in documents]
    for path, document in zip(paths, documents.values()):
        _write_json(path, document)
    return paths


def read_released(data_dir: str | Path, task: str,
                  start: str = "checkpoint") -> tuple[str, list[str], list[str], list[dict]]:
    """A released task's starting labels without opening the whole folder: (primary
    annotator, positives, negatives, checkpoints as {pos, neg}). ``start`` is "checkpoint"
    (the latest snapshot), "agg" (the majority labels) or "empty"."""
    if start not in STARTS:
        raise ValueError(f"start = {start!r}: one of {', '.join(STARTS)}")
    root = Path(data_dir)
    agg_path = root / "agg" / f"{check_task_name(task)}.json"
    agg = read_json(agg_path) if agg_path.exists() or start == "agg" else {}
    expect(isinstance(agg, dict), agg_path, "expected an object")
    primary = agg.get("primary") if isinstance(agg.get("primary"), str) else ""
    cp_path = root / "checkpoints" / f"{task}.json"
    raw = read_json(cp_path) if cp_path.exists() or start == "checkpoint" else []
    expect(isinstance(raw, list), cp_path, "expected a list of {'pos': [...], 'neg': [...]}")
    snapshots = [dict(zip(("pos", "neg"), parse_pos_neg(item, cp_path, f"[{i}]")))
                 for i, item in enumerate(raw)]
    if start == "checkpoint":
        expect(bool(snapshots), cp_path, "holds no checkpoint to start from")
        return primary, snapshots[-1]["pos"], snapshots[-1]["neg"], snapshots
    if start == "agg":
        expect(isinstance(agg.get("data"), list), agg_path, "'data' must be a list")
        pos = [d["key"] for d in agg["data"] if d.get("agg") is True]
        neg = [d["key"] for d in agg["data"] if d.get("agg") is False]
        return primary, pos, neg, snapshots
    return primary, [], [], []


def import_task(store: Store, data_dir: str | Path, task: str, *, start: str = "checkpoint",
                name: str | None = None, annotator: str = "", replace: bool = False,
                ds: Dataset | None = None) -> int:
    """Create store task ``name`` (default ``task``) from a released task: its starting
    labels as one action of the primary (feed "import") and its checkpoints as the store's
    first checkpoints, with their quality and diversity scores when ``ds`` (the dataset that
    holds the shots) is given. Returns the number of labels imported. An existing store task
    of that name is refused unless ``replace``."""
    name = check_task_name(name or task)
    primary, pos, neg, snapshots = read_released(data_dir, task, start)
    both = set(pos) & set(neg)
    if both:
        raise ValueError(f"{task}: {len(both)} keys are both positive and negative in the "
                         f"{start} labels (e.g. {sorted(both)[0]})")
    if store.task(name) is not None:
        if not replace:
            raise ValueError(f"task {name!r} already exists in {store.name} (use --replace)")
        store.delete_task(name)
    who = annotator or primary or "import"
    store.create_task(name, description=f"from {task} in {Path(data_dir).resolve()} ({start})",
                      primary=who, origin=str(Path(data_dir).resolve()))
    if pos or neg:
        store.record(name, [*pos, *neg], ["positive"] * len(pos) + ["negative"] * len(neg),
                     annotator=who, feed=IMPORT_FEED, session=IMPORT_FEED)
    for i, snap in enumerate(snapshots, start=1):
        scores = {} if ds is None else loop.metrics(_known(ds, name, snap))
        store.add_checkpoint(name, snap["pos"], snap["neg"], model_version=i, metrics=scores)
    return len(pos) + len(neg)


def _known(ds: Dataset, task: str, snapshot: dict) -> LabeledDataset:
    """A snapshot as a labeled set on ``ds``, keys that ``ds`` lacks left out."""
    pos, neg = ([k for k in snapshot[side] if ds.rows([k])[0] >= 0] for side in ("pos", "neg"))
    return LabeledDataset.from_keys(task, pos, neg, ds)

