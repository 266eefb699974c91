"""What a person waits for: click-to-settled time of every page in a real browser.

    python benchmarks/bench_browser.py --data DIR [--repeats 3] [--task car-chase]

Puts the folder's derived tables on disk first (as after any earlier open), then starts the
app on ``DIR`` (a fresh server per repeat, loopback only) and drives Debian's Chromium
through Playwright over every page of the sidebar. A page is *settled* when its script run
has finished after the click (Streamlit's ``data-test-script-state`` back to
``notRunning``), nothing is stale or still a skeleton, and every chart on screen has drawn
its SVG. Per repeat:

- first visit: after the server (re)start, the sidebar link of each page, in turn;
- second visit: the same links again in the same browser session;
- interaction: one change per page (task, training source, threshold), timed from the
  choice itself (the option's click, the key press), not from opening the list;
- new session: a full page load of each page's URL in a fresh browser context.

Prints p50 / p95 over repeats per (page, measure) and writes ``results/browser.json`` with
the load average before and after each repeat (the machine may be shared).
Bounded: every wait times out (60 s), the server is stopped at the end of each repeat.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from benchmarks.common import (  # noqa: E402
    CHROMIUM_ARGS,
    OBSERVE_RUNS,
    PAGE_STATE,
    ROOT,
    report,
    serve_app,
)

TIMEOUT_MS = 60_000

_SETTLED = """(runs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (window.__va.runs <= runs) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (chart.offsetParent !== null && !chart.querySelector('.main-svg')) return false;
  }
  return true;
}"""


def _settle(page, runs_before: int) -> float:
    """Wait until settled after a run that started later than ``runs_before``; returns the
    page's clock (ms) at that moment."""
    try:
        page.wait_for_function(_SETTLED, arg=runs_before, polling=16, timeout=TIMEOUT_MS)
    except PlaywrightTimeout as e:
        shot = ROOT / "screenshots" / "bench-browser-timeout.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot))
        raise TimeoutError(f"{str(e).splitlines()[0]} {page.evaluate(PAGE_STATE)}") from None
    return page.evaluate("performance.now()")


def timed(page, action) -> float:
    """Seconds from ``action()`` to the settled page (NaN, reported, when it never settles
    within the bound)."""
    page.evaluate(OBSERVE_RUNS)
    runs = page.evaluate("window.__va.runs")
    start = page.evaluate("performance.now()")
    try:
        action()
    except PlaywrightTimeout as e:  # e.g. a widget that this page no longer has
        print(f"  could not act: {str(e).splitlines()[0]}", file=sys.stderr)
        return float("nan")
    try:
        return (_settle(page, runs) - start) / 1000
    except TimeoutError as e:
        print(f"  not settled within {TIMEOUT_MS / 1000:.0f} s: {e}", file=sys.stderr)
        return float("nan")


def load(context, url: str) -> float:
    """A full page load of ``url`` in a new tab: seconds from navigation to settled."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
    page.evaluate(OBSERVE_RUNS)
    page.wait_for_function(_SETTLED.replace("window.__va.runs <= runs", "false"), arg=0,
                           polling=16, timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def _open_selectbox(page, label: str, sidebar: bool = True) -> None:
    """Open the selectbox ``label``'s list of options (not timed: a person's choice takes
    longer than the list's drawing)."""
    scope = page.locator('[data-testid="stSidebar"]') if sidebar else page.locator(
        '[data-testid="stMain"]')
    scope.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)).first.click()
    page.locator('[role="option"]').first.wait_for(timeout=TIMEOUT_MS)


def _choose_another(page) -> None:
    """In the open selectbox, pick the first option that is not chosen now."""
    page.locator('[role="option"]:not([aria-selected="true"])').first.click()


INTERACTIONS = {  # page -> (what, prepare(page), the timed action(page))
    "Browse a task": ("change task", lambda p: _open_selectbox(p, "Task"), _choose_another),
    "Annotator agreement": ("change task", lambda p: _open_selectbox(p, "Task"),
                            _choose_another),
    "Checkpoints": ("change task", lambda p: _open_selectbox(p, "Task"), _choose_another),
    "AP vs labels": ("change task", lambda p: _open_selectbox(p, "Task", sidebar=False),
                     _choose_another),
    "Train & tune": ("change source", lambda p: _open_selectbox(p, "Training source"),
                     _choose_another),
    "Search & score": ("move the threshold", lambda p: p.get_by_role("slider").first.focus(),
                       lambda p: p.keyboard.press("ArrowRight")),
}


def sidebar_pages(nav, url: str) -> dict[str, str]:
    """Title -> url path of every page in the sidebar, in its order (the default page first,
    as app.py registers it)."""
    links = nav.get_by_role("link")
    return {links.nth(i).inner_text().strip().splitlines()[-1]:  # after the icon's name
            links.nth(i).get_attribute("href").removeprefix(url).strip("/").split("?")[0]
            for i in range(links.count())}


def one_repeat(browser, data: Path, task: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as state, serve_app(
            {"VA_DATA_DIR": str(data), "VA_STATE_DIR": state, "VA_STATE_DB": None}) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{url}/?task={task}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
        page.evaluate(OBSERVE_RUNS)
        page.wait_for_function(_SETTLED.replace("window.__va.runs <= runs", "false"), arg=0,
                               polling=16, timeout=TIMEOUT_MS)
        elapsed = time.perf_counter() - start
        nav = page.locator('[data-testid="stSidebarNav"]')
        pages = sidebar_pages(nav, url)
        out[(next(iter(pages)), "first visit")] = elapsed
        for visit in ("first visit", "second visit"):
            for title in pages:
                if (title, visit) in out:
                    continue
                print(f"  {title}: {visit}", file=sys.stderr)
                out[(title, visit)] = timed(page, lambda: nav.get_by_role(
                    "link", name=title).click())
                if visit == "second visit" and title in INTERACTIONS:
                    what, prepare, act = INTERACTIONS[title]
                    print(f"  {title}: {what}", file=sys.stderr)
                    prepare(page)
                    out[(title, what)] = timed(page, lambda: act(page))
        context.close()
        fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
        for title, path in pages.items():
            out[(title, "new session")] = load(fresh, f"{url}/{path}?task={task}")
        fresh.close()
    return out


def prepare(data: Path):
    """(seconds, dataset): the shot copy and the derived tables of ``data`` on disk before
    the first server starts, as on any folder opened before (its first-ever open, with a
    progress bar, is not what the first-visit figures measure)."""
    from dashboard.dataset import derived  # noqa: PLC0415
    from dashboard.dataset.folder import fingerprint_of  # noqa: PLC0415

    start = time.perf_counter()
    ds = derived.open_dataset(data, fingerprint_of(data))
    for name in derived.TABLES:
        derived.table(ds, name)
    return time.perf_counter() - start, ds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--task", default="car-chase")
    parser.add_argument("--name", default="browser", help="results file name")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Debian's chromium is needed (python scripts/ensure_test_tools.py)")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    prepared_s, ds = prepare(args.data)
    load = {"before": os.getloadavg()}  # the machine is shared: say how busy it was
    samples: dict[tuple[str, str], list[float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for r in range(args.repeats):
            for k, v in one_repeat(browser, args.data, args.task).items():
                samples.setdefault(k, []).append(v)
            load[f"after repeat {r + 1}"] = os.getloadavg()
            print(f"repeat {r + 1} of {args.repeats} done (load average "
                  f"{load[f'after repeat {r + 1}'][0]:.1f})", file=sys.stderr)
        browser.close()
    rows = []
    for (title, what), values in samples.items():
        target = ("<= 2 s" if what in ("first visit", "new session") else "<= 0.5 s")
        values = [v for v in values if v == v]  # NaN: a run that never settled (reported)
        if not values:
            continue
        rows.append({"metric": f"{title}: {what} p50", "value": statistics.median(values),
                     "unit": "s", "target": f"{target} at p95"})
        rows.append({"metric": f"{title}: {what} p95",
                     "value": float(np.percentile(values, 95)), "unit": "s",
                     "samples": values})
    report(args.name, rows, {"shots": ds.n_shots, "repeats": args.repeats, "task": args.task,
                             "derived_tables_built_s": round(prepared_s, 2),
                             "cpus": os.cpu_count(),
                             "load_average_1_5_15_min": {k: [round(x, 2) for x in v]
                                                         for k, v in load.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
