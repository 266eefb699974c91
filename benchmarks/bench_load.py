"""Many people at once: concurrent real-browser sessions browsing, training and labeling on
one app server, for a bounded time.

    python benchmarks/bench_load.py --data DIR [--sessions 10] [--duration 180] [--task car-chase]

Starts the app on ``DIR`` (loopback only) with a temporary annotation database
(``VA_STATE_DB``) holding one task that every session labels, and drives Debian's Chromium
through Playwright: one browser, one context (one Streamlit session) per person. Each
session loops over *Browse a task* (open it, change the task), *Train & tune* (open it,
change the training source: a new fit) and *Annotate* (open it, label shots of its batch by
clicking Positive or Negative; a finished batch retrains), each person under their own name.
A click's time is from the click to the finished script run (or fragment run) with nothing
stale on screen, measured by the page's own clock (the same wait as bench_browser.py).

First one session goes once round the loop (the shared caches fill, as on a server in use)
and the server's memory is sampled; then ``--sessions`` sessions, arriving 2 s apart, loop
together until ``--duration`` seconds after the first arrived, with memory sampled every
second. Memory is the resident set of the
server process and all its children. At the end:

- errors: exceptions shown in a page, error messages, runs that never settled, and
  tracebacks in the server log (all must be 0);
- lost labels: every click whose run finished must be an event of that person in the store,
  with the same shot and value, and nothing else (must be 0 missing, 0 extra);
- memory with N sessions over memory with one (target <= 1.3);
- p50 / p95 of click-to-finished-run per page and action.

Prints the table and writes ``results/{name}.json`` with the machine's load average.
Bounded: every wait times out (60 s), a session starts no new loop after ``--duration``.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.bench_browser import _SETTLED, TIMEOUT_MS  # noqa: E402
from benchmarks.common import (  # noqa: E402
    CHROMIUM_ARGS,
    OBSERVE_RUNS,
    PAGE_STATE,
    ROOT,
    report,
    serve_app,
)
from dashboard.annotate import exchange  # noqa: E402
from dashboard.annotate.store import open_store  # noqa: E402

LABELS_PER_VISIT = 6  # label clicks per visit of Annotate (a batch is 10: every other visit retrains)
ARRIVAL_S = 2.0  # the sessions arrive this far apart (people do not open the app in one ms)
VIEWPORT = {"width": 1400, "height": 1600}
# in the page: the shot of CSS key ``css`` is gone (labeled) and the page is idle again
_LABELED = """(css) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !document.querySelector(`[class~="st-key-annotate_positive_${css}"]`)
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]');
}"""
# in the page: the shot key (end of its caption) and CSS key of the first open shot
_FIRST_SHOT = """() => {
  const el = document.querySelector('[class*="st-key-annotate_positive_"]');
  if (!el) return null;
  const css = [...el.classList].find(c => c.startsWith('st-key-annotate_positive_'));
  let box = el;
  while (box && ![...box.querySelectorAll('[data-testid="stCaptionContainer"]')]
                   .some(c => c.innerText.includes(' · score '))) box = box.parentElement;
  if (!box) return null;
  const cap = [...box.querySelectorAll('[data-testid="stCaptionContainer"]')]
                .find(c => c.innerText.includes(' · score ')).innerText;
  return [cap.split(' · ').pop().trim(), css.replace('st-key-annotate_positive_', '')];
}"""


class Session:
    """One person: a browser context on the app, their clicks and their timings."""

    def __init__(self, browser, url: str, number: int, task: str, seed: int):
        self.browser, self.url, self.who, self.task = browser, url, f"user{number:02d}", task
        self.rng = random.Random(seed)
        self.times: dict[tuple[str, str], list[float]] = {}
        self.clicks: list[tuple[str, str]] = []  # (shot key, value) of every finished click
        self.tried: list[tuple[str, str]] = []  # ... and of those whose run did not finish
        self.errors: list[str] = []

    async def timed(self, page_name: str, what: str, action, done: tuple | None = None) -> None:
        """Run ``action()`` and record seconds until the page is settled after a new run, or
        until the in-page predicate ``done = (js, arg)`` holds; an error if that never
        happens, or if the page then shows an exception or an error message."""
        await self.page.evaluate(OBSERVE_RUNS)
        runs = await self.page.evaluate("window.__va.runs")
        js, arg = done or (_SETTLED, runs)
        start = await self.page.evaluate("performance.now()")
        try:
            await action()
            await self.page.wait_for_function(js, arg=arg, polling=16, timeout=TIMEOUT_MS)
        except Exception as e:  # Playwright's timeout, or the page closed
            state = {}
            with contextlib.suppress(Exception):  # a closed or crashed page tells nothing
                state = await self.page.evaluate(PAGE_STATE)
            self.errors.append(f"{self.who} {page_name} {what}: not done "
                               f"({str(e)[:120]}; page {state}, runs before {runs})")
            await self.screenshot()
            return
        end = await self.page.evaluate("performance.now()")
        self.times.setdefault((page_name, what), []).append((end - start) / 1000)
        shown = self.page.locator('[data-testid="stException"], [data-testid='
                                  '"stAlertContentError"]:not([data-testid="stException"] *)')
        for text in await shown.all_inner_texts():
            self.errors.append(f"{self.who} {page_name} {what}: {text[:200]}")

    async def open(self) -> None:
        """A new browser session on Annotate, with this person's name typed."""
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        try:
            await self._start()
        except Exception:
            await self.screenshot()
            raise

    async def screenshot(self) -> None:
        """The page now, as ``screenshots/bench-load-{who}.png`` (the latest failure)."""
        shot = ROOT / "screenshots" / f"bench-load-{self.who}.png"
        shot.parent.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            await self.page.screenshot(path=str(shot), full_page=True)

    async def _start(self) -> None:
        await self.page.goto(f"{self.url}/annotate?task={self.task}",
                             wait_until="domcontentloaded")
        await self.page.wait_for_selector('[class*="st-key-annotate_positive_"]')  # a batch
        await self.page.evaluate(OBSERVE_RUNS)
        await self.page.wait_for_function(_SETTLED.replace("window.__va.runs <= runs", "false"),
                                          arg=0, polling=16)
        name = self.page.get_by_role("textbox", name="Your name")
        await name.fill(self.who)
        await self.timed("Annotate", "type the name", lambda: name.press("Enter"))
        await self.page.wait_for_selector(  # labeling is open to this person
            '[class*="st-key-annotate_positive_"] button:not([disabled])')

    async def visit(self, title: str) -> None:
        link = self.page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)
        await self.timed(title, "open", link.click)

    async def choose_another(self, title: str, label: str) -> None:
        """In the sidebar selectbox ``label``, pick an option that is not the current one."""
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
            has=self.page.get_by_text(label, exact=True)).first

        async def pick():
            await box.click()
            options = self.page.locator('[role="option"]:not([aria-selected="true"])')
            count = await options.count()
            await options.nth(self.rng.randrange(min(count, 8))).click()

        await self.timed(title, f"change {label.lower()}", pick)

    async def label(self) -> None:
        for _ in range(LABELS_PER_VISIT):
            shot = await self.page.evaluate(_FIRST_SHOT)
            if shot is None:
                self.errors.append(f"{self.who} Annotate: no shot to label")
                return
            key, css = shot
            value = self.rng.choice(["positive", "negative"])
            button = self.page.locator(f'[class~="st-key-annotate_{value}_{css}"] button')
            before = len(self.errors)
            await self.timed("Annotate", "label a shot", button.click, (_LABELED, css))
            (self.clicks if len(self.errors) == before else self.tried).append((key, value))

    async def loop(self, until: float, start_at: int = 0) -> None:
        """Browse, Train & tune, Annotate, in turn from ``start_at``, until ``until``."""
        steps = [self._browse, self._train, self._annotate]
        i = start_at
        while time.time() < until:
            await steps[i % len(steps)]()
            i += 1

    async def once_round(self) -> None:
        for step in (self._browse, self._train, self._annotate):
            await step()

    async def _browse(self):
        await self.visit("Browse a task")
        await self.choose_another("Browse a task", "Task")

    async def _train(self):
        await self.visit("Train & tune")
        await self.choose_another("Train & tune", "Training source")

    async def _annotate(self):
        await self.visit("Annotate")
        await self.label()

    async def close(self) -> None:
        await self.context.close()


# ---- the server's memory -----------------------------------------------------------------------

def _server_pid(port: int) -> int:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
                return int(proc.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1]
                                              .split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, frontier = {pid}, [pid]
    while frontier:
        kids = [p for p, parent in parents.items() if parent in frontier]
        family.update(kids)
        frontier = kids
    total = 0.0
    for p in family:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


async def sample_memory(pid: int, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(tree_rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


# ---- the run -------------------------------------------------------------------------------------

async def run(url: str, pid: int, n: int, duration: float, task: str) -> dict:
    from playwright.async_api import async_playwright  # noqa: PLC0415

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"),
                                          args=CHROMIUM_ARGS)
        # one session once round the loop: the shared caches fill; memory with one session
        one_mem: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(pid, one_mem, stop))
        first = Session(browser, url, 0, task, seed=0)
        await first.open()
        await first.once_round()
        await first.once_round()
        stop.set()
        await sampler
        await first.close()
        print(f"one session: {max(one_mem):.0f} MB", file=sys.stderr)

        # n sessions together, each starting at another page
        sessions = [Session(browser, url, i + 1, task, seed=i + 1) for i in range(n)]
        many_mem: list[float] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(pid, many_mem, stop))
        load_before = os.getloadavg()
        t0 = time.time()
        until = t0 + duration

        async def person(i: int, s: Session) -> None:
            await asyncio.sleep(i * ARRIVAL_S)
            await s.open()
            await s.loop(until, start_at=i)

        await asyncio.gather(*(person(i, s) for i, s in enumerate(sessions)))
        elapsed = time.time() - t0
        load_after = os.getloadavg()
        stop.set()
        await sampler
        for s in sessions:
            await s.close()
        await browser.close()
    return {"first": first, "sessions": sessions, "one_mem": one_mem, "many_mem": many_mem,
            "elapsed": elapsed, "load": (load_before, load_after)}


def lost_labels(state_url: str, task: str, sessions: list[Session]) -> tuple[int, int]:
    """(finished clicks missing from the store, store events that no click explains, not
    even one whose run did not finish), over all persons."""
    store = open_store(state_url)
    events = store.events(task)
    store.close()
    missing = extra = 0
    for s in sessions:
        mine = events[events["annotator"] == s.who]
        saved = list(zip(mine["key"], mine["value"]))
        for key_value in set(saved) | set(s.clicks):
            missing += max(s.clicks.count(key_value) - saved.count(key_value), 0)
            extra += max(saved.count(key_value) - s.clicks.count(key_value)
                         - s.tried.count(key_value), 0)
    return missing, extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument("--task", default="car-chase")
    parser.add_argument("--name", default="load", help="results file name")
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        sys.exit("Debian's chromium is needed (python scripts/ensure_test_tools.py)")
    with tempfile.TemporaryDirectory() as state:
        state_url = f"sqlite:///{Path(state) / 'annotations.db'}"
        store = open_store(state_url)
        exchange.import_task(store, args.data, args.task, start="checkpoint", annotator="lead")
        store.close()
        log = Path(state) / "streamlit.log"
        env = {"VA_DATA_DIR": str(args.data), "VA_STATE_DB": state_url,
               "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}  # as deployed: no reloads
        with serve_app(env, log) as url:
            pid = _server_pid(int(url.rsplit(":", 1)[1]))
            out = asyncio.run(run(url, pid, args.sessions, args.duration, args.task))
        tracebacks = log.read_text(errors="replace").count("Traceback")
        missing, extra = lost_labels(state_url, args.task, [out["first"], *out["sessions"]])

    sessions = out["sessions"]
    errors = [e for s in sessions for e in s.errors] + out["first"].errors
    for e in errors[:20]:
        print(f"  error: {e}", file=sys.stderr)
    one, many = max(out["one_mem"]), max(out["many_mem"])
    clicks = sum(len(s.clicks) for s in sessions)
    rows = [
        {"metric": "errors (page exceptions, error messages, unsettled runs)",
         "value": len(errors), "unit": "", "target": "0"},
        {"metric": "tracebacks in the server log", "value": tracebacks, "unit": "",
         "target": "0"},
        {"metric": "label clicks made (run finished)", "value": clicks, "unit": ""},
        {"metric": "label clicks whose run did not finish", "unit": "",
         "value": sum(len(s.tried) for s in [out["first"], *sessions])},
        {"metric": "labels lost (clicks not in the store)", "value": missing, "unit": "",
         "target": "0"},
        {"metric": "store events no click explains", "value": extra, "unit": "", "target": "0"},
        {"metric": "server RSS with 1 session (max)", "value": one, "unit": "MB"},
        {"metric": f"server RSS with {len(sessions)} sessions (max)", "value": many,
         "unit": "MB"},
        {"metric": f"RSS {len(sessions)} sessions / 1 session", "value": many / one, "unit": "x",
         "target": "<= 1.3"},
    ]
    pooled: dict[tuple[str, str], list[float]] = {}
    for s in sessions:
        for k, v in s.times.items():
            pooled.setdefault(k, []).extend(v)
    for (title, what), values in sorted(pooled.items()):
        rows.append({"metric": f"{title}: {what} p50 (n={len(values)})",
                     "value": statistics.median(values), "unit": "s"})
        rows.append({"metric": f"{title}: {what} p95", "value": float(np.percentile(values, 95)),
                     "unit": "s"})
    (b1, b5, b15), (a1, a5, a15) = out["load"]
    report(args.name, rows, {
        "shots": _shots(args.data), "sessions": len(sessions), "duration_s": args.duration,
        "elapsed_s": round(out["elapsed"], 1), "task": args.task, "cores": os.cpu_count(),
        "loadavg_before": [b1, b5, b15], "loadavg_after": [a1, a5, a15],
        "errors": errors[:50]})
    return 0 if not errors and not tracebacks and not missing and not extra else 1


def _shots(data: Path) -> int:
    from dashboard import Dataset  # noqa: PLC0415

    return Dataset(data).n_shots


if __name__ == "__main__":
    sys.exit(main())
