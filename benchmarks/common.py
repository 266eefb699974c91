"""Helpers shared by the benchmark scripts: timing, memory, the table and the JSON file."""
from __future__ import annotations

import json
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rss_mb() -> dict[str, float]:
    """Current and peak resident memory of this process, and its private (anonymous) part."""
    status = Path("/proc/self/status").read_text().splitlines()
    fields = {line.split(":")[0]: line.split()[1] for line in status if line[:2] in ("Vm", "Rs")}
    return {name: int(fields[key]) / 1024 for name, key in
            (("rss_mb", "VmRSS"), ("peak_rss_mb", "VmHWM"), ("anon_rss_mb", "RssAnon"))}


def report(name: str, rows: list[dict], context: dict) -> Path:
    """Print ``rows`` (metric, value, unit, target) as a table and write them as JSON."""
    width = max(len(r["metric"]) for r in rows)
    print(f"\n{name}  ({', '.join(f'{k}={v}' for k, v in context.items())})")
    for r in rows:
        target = f"(target {r['target']})" if r.get("target") else ""
        print(f"  {r['metric']:<{width}}  {r['value']:>10.3f} {r['unit']:<3} {target}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps({"benchmark": name, "when": datetime.now(timezone.utc).isoformat(),
                               "machine": platform.platform(), **context, "results": rows},
                              indent=2))
    print(f"  -> {out}")
    return out
