"""Helper process for tests/annotate/test_store.py: record labels in a loop.

    python store_worker.py URL TASK COUNT KEYS_PER_RECORD KEY_POOL SEED SESSION [wait]

Each record() labels KEYS_PER_RECORD keys; with KEY_POOL > 0 they are drawn from k0..k{POOL-1}
(overlapping between workers) with random values, else they are unique ("<seed>-<i>-<j>",
positive). The task is created if missing. After each committed record it prints the action
id and flushes. With "wait" it first prints "ready" and waits for a line on stdin before opening
the store (so that several workers open and write at the same time).
"""
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dashboard.annotate.store import VALUES, StoreError, open_store  # noqa: E402


def main(url, task, count, per_record, pool, seed, session, wait=False):
    rng = random.Random(seed)
    if wait:
        print("ready", flush=True)
        sys.stdin.readline()
    store = open_store(url)
    if store.task(task) is None:
        try:
            store.create_task(task)
        except StoreError:  # another worker created it meanwhile
            pass
    for i in range(count):
        if pool:
            keys = rng.sample([f"k{j}" for j in range(pool)], per_record)
            values = [rng.choice(VALUES) for _ in keys]
        else:
            keys = [f"{seed}-{i}-{j}" for j in range(per_record)]
            values = "positive"
        action = store.record(task, keys, values, annotator=f"worker{seed}", session=session)
        print(action, flush=True)
    store.close()


if __name__ == "__main__":
    url, task, count, per_record, pool, seed, session = sys.argv[1:8]
    main(url, task, int(count), int(per_record), int(pool), int(seed), session,
         wait=sys.argv[8:] == ["wait"])
