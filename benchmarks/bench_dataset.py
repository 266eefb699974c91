"""Dataset layer at scale: open time, memory after open, gathering rows, scoring all shots.

    python benchmarks/bench_dataset.py [--shots 504030] [--data DIR]

Without --data the generated demo of that size is used (generated once into the cache).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.common import report, rss_mb, timed  # noqa: E402
from dashboard import Dataset  # noqa: E402
from dashboard import demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=504_030)
    parser.add_argument("--data", type=Path, help="dataset folder (default: generated demo)")
    args = parser.parse_args()
    root = args.data or demo.demo_dir(args.shots)

    before = rss_mb()
    ds = Dataset(root)
    after_open = rss_mb()

    rng = np.random.default_rng(0)
    keys = ds.shots["key"].to_numpy()
    samples = [keys[rng.choice(ds.n_shots, 1000, replace=False)].tolist() for _ in range(7)]
    gather_s = timed(lambda: ds.vectors(samples.pop()), repeat=7)

    w = rng.standard_normal(ds.dim).astype(np.float32)
    ds.embeddings @ w  # page the matrix in once (warm file cache, as in the app)
    score_s = timed(lambda: ds.embeddings @ w + 0.5, repeat=7)
    after_score = rss_mb()
    open_s = timed(lambda: Dataset(root), repeat=3)  # file cache warm from the first open

    rows = [
        {"metric": "open (warm file cache)", "value": open_s, "unit": "s", "target": "<= 0.5 s"},
        {"metric": "RSS after open", "value": after_open["rss_mb"], "unit": "MB",
         "target": "<= 400 MB"},
        {"metric": "  of which the process before open", "value": before["rss_mb"], "unit": "MB"},
        {"metric": "gather rows of 1,000 random keys", "value": gather_s * 1000, "unit": "ms",
         "target": "<= 20 ms"},
        {"metric": "score all shots (linear model)", "value": score_s * 1000, "unit": "ms",
         "target": "<= 80 ms"},
        {"metric": "private RSS after scoring", "value": after_score["anon_rss_mb"], "unit": "MB"},
        {"metric": "RSS after scoring (incl. mapped file)", "value": after_score["rss_mb"],
         "unit": "MB"},
    ]
    report("dataset", rows, {"shots": ds.n_shots, "memory_mapped": ds.memory_mapped,
                             "data": str(root)})


if __name__ == "__main__":
    main()
