"""Helpers shared by the benchmark scripts and the browser tests: timing, memory, the table
and the JSON file, the app server on loopback."""
from __future__ import annotations

import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
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


# --- the app in a real browser (the browser benchmark and the browser tests) ----------------
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(env: dict[str, str], log: Path | None = None, timeout_s: float = 60):
    """Run ``streamlit run serve.py`` (the app, warm-started) on a free loopback port with
    ``env`` added to (or, for None values, removed from) this process's environment; yield its
    URL. RuntimeError with the end of the log when it exits or does not answer within
    ``timeout_s``."""
    port = free_port()
    full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, env=full, stdout=out,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout_s
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    tail = log.read_text()[-2000:] if log else ""
                    raise RuntimeError(f"the app server did not start: {tail}") from None
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if log:
            out.close()


# In the page: count finished script runs (``window.__va.runs``). Every mutation record is
# read (attributeOldValue), so a run that starts and ends within one batch of mutations (a
# fast run) still counts, and the whole document is watched, so a re-mounted app element
# (after a reconnect) is still seen.
OBSERVE_RUNS = """() => {
  if (window.__va) return;
  window.__va = {runs: 0};
  const attr = 'data-test-script-state';
  new MutationObserver((records) => {
    records.forEach((r, i) => {
      const later = records.slice(i + 1).find(o => o.target === r.target);
      const next = later ? later.oldValue : r.target.getAttribute(attr);
      if (r.oldValue !== 'notRunning' && next === 'notRunning') window.__va.runs += 1;
    });
  }).observe(document.documentElement,
             {attributes: true, subtree: true, attributeFilter: [attr], attributeOldValue: true});
}"""
# In the page, when a wait times out: what it was waiting for.
PAGE_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return {state: app && app.getAttribute('data-test-script-state'), runs: window.__va.runs,
          stale: document.querySelectorAll('[data-stale="true"]').length,
          skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
          undrawn_charts: charts.filter(c => c.offsetParent !== null
                                             && !c.querySelector('.main-svg')).length};
}"""
