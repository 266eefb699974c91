"""The labeling loop at scale: one click, retrain to refreshed feeds, unattended simulation.

    python benchmarks/bench_annotate.py [--data DIR] [--shots 504030] [--task car-chase]

Without --data the generated demo of that size is used (generated once into the cache). The
store is a fresh SQLite file (WAL, synchronous=FULL) in a temporary folder.

- click: what the server does for one Positive click in the labeling fragment: one committed
  transaction, then the task's current labels read back for the counts.
- retrain -> feeds: fit the fixed-C model on the task's labels, cross-validate it (the quality
  score), record the checkpoint, score every shot, mask the labeled and skipped ones and take
  the next batch of each feed; with 200 and with 1,000 labels.
- simulate: the loop run unattended (batches of 25 with the four feeds taking turns), labels
  per second including every retrain.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.common import report  # noqa: E402
from dashboard import Dataset  # noqa: E402
from dashboard.annotate import feeds, loop  # noqa: E402
from dashboard.annotate.simulate import Plan, known_labels, simulate  # noqa: E402
from dashboard.annotate.store import default_url, open_store  # noqa: E402
from dashboard import demo  # noqa: E402
from dashboard.live import estimators  # noqa: E402


def _seed_labels(store, ds: Dataset, task: str, n: int) -> None:
    """``n`` known labels of ``task`` in the store, in batches of 25 (one action each)."""
    known = list(known_labels(ds, task).items())[:n]
    store.create_task(task, primary="bench")
    for i in range(0, len(known), 25):
        part = known[i:i + 25]
        store.record(task, [k for k, _ in part], ["positive" if v else "negative"
                                                   for _, v in part], annotator="bench")


def time_click(store, task: str, keys: list[str]) -> list[float]:
    out = []
    for i, key in enumerate(keys):
        t = time.perf_counter()
        store.record(task, [key], "positive" if i % 2 else "negative", annotator="bench",
                     feed="top", model_version=1, session="bench")
        store.labels(task)
        out.append(time.perf_counter() - t)
    return out


def time_retrain_to_feeds(ds: Dataset, store, task: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        model = loop.retrain(ds, store, task)
        scores = estimators.score_rows(model.model.estimator, ds.embeddings)
        mask = loop.available(ds, store.seen(task))
        rng = np.random.default_rng(0)
        for name in feeds.FEEDS:
            loop.feed_batch(name, scores, mask, 10, rng)
        out.append(time.perf_counter() - t)
        store.record(task, [ds.shots["key"].iloc[len(out)]], "skip", annotator="bench")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--shots", type=int, default=504_030)
    parser.add_argument("--task", default="car-chase")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=int, default=1000)
    args = parser.parse_args()
    ds = Dataset(args.data or demo.demo_dir(args.shots))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (200, 1000):
            store = open_store(default_url(Path(tmp) / f"s{n}"))
            _seed_labels(store, ds, args.task, n)
            if n == 1000:
                free = ds.shots["key"].iloc[-200:].tolist()
                clicks = time_click(store, args.task, free)
                rows.append({"metric": "click, server side (median, 1,000 labels)",
                             "value": statistics.median(clicks) * 1e3, "unit": "ms",
                             "target": "<= 50 ms"})
                rows.append({"metric": "click, server side (p95)",
                             "value": float(np.percentile(clicks, 95)) * 1e3, "unit": "ms"})
            times = time_retrain_to_feeds(ds, store, args.task, args.repeat)
            rows.append({"metric": f"retrain -> refreshed feeds, {n:,} labels (median)",
                         "value": statistics.median(times), "unit": "s", "target": "<= 1 s"})
            store.close()
        store = open_store(default_url(Path(tmp) / "sim"))
        t = time.perf_counter()
        table = simulate(ds, store, args.task, Plan(args.budget, 25, seed=0))
        elapsed = time.perf_counter() - t
        labels = int(table["labels"].iloc[-1])
        rows.append({"metric": f"simulate {labels:,} labels (batches of 25)",
                     "value": elapsed, "unit": "s"})
        rows.append({"metric": "simulate throughput", "value": labels / elapsed,
                     "unit": "l/s"})
        rows.append({"metric": "simulate final AP on the agg validation split",
                     "value": float(table["ap_mean"].iloc[-1]), "unit": ""})
    report("annotate", rows, {"shots": ds.n_shots, "task": args.task, "store": "sqlite"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
