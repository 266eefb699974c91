"""A writer killed mid-write (SIGKILL) leaves the old file, never a half-written one that a
reader would take as valid. Every cache and export writes through
``dashboard.dataset.atomic.write_atomic``; here the JSON export in the released layout, a
Parquet cache (the experiment tables; the derived tables and checkpoint APs write the same
way) and a CLI ``--out`` CSV.

Each writer runs in a subprocess whose file writes are made to stop half-way: the first write
puts half its bytes on disk, says so, and waits to be killed."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.annotate import exchange
from dashboard.annotate.store import open_store
from dashboard.experiments.cli import _export
from dashboard.experiments.experiment1 import Exp1Config
from dashboard.experiments.results_cache import ResultsCache

ROOT = Path(__file__).resolve().parents[1]

# Runs in the subprocess: make every file that write_atomic opens stop half-way through its
# first write, then call the writer named in argv[1] with the JSON arguments in argv[2].
_WORKER = """
import json, os, sys, time
from pathlib import Path

class HalfWay:
    def __init__(self, f):
        self.f = f
    def write(self, data):
        data = bytes(data)
        self.f.write(data[: max(1, len(data) // 2)])
        self.f.flush()
        os.fsync(self.f.fileno())
        print("half written", flush=True)
        time.sleep(60)
    def __getattr__(self, name):
        return getattr(self.f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.f.__exit__(*exc)

writer, args = sys.argv[1], json.loads(sys.argv[2])
if writer == "export":
    from dashboard.annotate import exchange
    from dashboard.annotate.store import open_store
    call = lambda: exchange.export_task(open_store(args["url"]), args["task"], args["out"])
elif writer == "results":
    import pandas as pd
    from dashboard.experiments.experiment1 import Exp1Config
    from dashboard.experiments.results_cache import ResultsCache
    cache = ResultsCache("experiment1", "fp", Exp1Config(), Path(args["root"]))
    call = lambda: cache.save(args["task"], pd.DataFrame(args["table"]))
elif writer == "cli-out":
    import pandas as pd
    from dashboard.experiments.cli import _export
    call = lambda: _export(pd.DataFrame(args["table"]), Path(args["out"]))
real_fdopen = os.fdopen
os.fdopen = lambda *a, **k: HalfWay(real_fdopen(*a, **k))
call()
print("finished", flush=True)
"""


def _kill_mid_write(writer: str, **args) -> None:
    """Run ``writer`` in a subprocess and SIGKILL it once half a file is on disk."""
    proc = subprocess.Popen([sys.executable, "-c", _WORKER, writer, json.dumps(args)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line == "half written\n", (line, proc.stderr.read() if proc.poll() else "")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _partial_files(folder: Path) -> list[Path]:
    """What the killed writer left: hidden temporary files, which no reader opens."""
    return [p for p in folder.rglob("*") if p.is_file() and p.name.endswith(".partial")]


def _table(task: str, ap: float) -> dict:
    return {"task": [task] * 200, "group": ["g"] * 200, "ap_mean": [ap] * 200,
            "ap_std": [0.0] * 200, "n_train": list(range(200)), "n_pos": [1] * 200,
            "reason": [""] * 200}


def test_a_killed_export_leaves_the_previous_export(ds, tmp_path):
    url = f"sqlite:///{tmp_path / 'annotations.db'}"
    store = open_store(url)
    exchange.import_task(store, ds.root, "zoom", start="checkpoint", annotator="ann")
    out = tmp_path / "export"
    agg = exchange.export_task(store, "zoom", out)[0]
    before = agg.read_bytes()
    _, pos, neg, _ = exchange.read_released(out, "zoom", "agg")
    new_key = next(k for k in ds.shots["key"] if k not in {*pos, *neg})
    store.record("zoom", [new_key], "positive", annotator="ann")

    _kill_mid_write("export", url=url, task="zoom", out=str(out))
    assert agg.read_bytes() == before  # the old export, whole
    assert _partial_files(out)  # the half-written file is hidden beside it
    assert exchange.read_released(out, "zoom", "agg")[1] == pos  # read as the old one

    exchange.export_task(store, "zoom", out)  # the next export replaces it
    assert new_key in exchange.read_released(out, "zoom", "agg")[1]
    store.close()


@pytest.mark.parametrize("writer", ["results", "cli-out"])
def test_a_killed_table_write_leaves_the_old_table(tmp_path, writer):
    old, new = pd.DataFrame(_table("zoom", 0.5)), _table("zoom", 0.9)
    if writer == "results":
        cache = ResultsCache("experiment1", "fp", Exp1Config(), tmp_path)
        cache.save("zoom", old)
        _kill_mid_write("results", root=str(tmp_path), task="zoom", table=new)
        assert cache.load("zoom").equals(old)
    else:
        out = tmp_path / "table.csv"
        _export(old, out)
        _kill_mid_write("cli-out", out=str(out), table=new)
        assert pd.read_csv(out, keep_default_na=False).equals(old)
    assert _partial_files(tmp_path)
