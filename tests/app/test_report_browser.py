"""The report file in a real browser with the network off: no request leaves the file, no
console error, every chart drawn; and its PDF through Chromium's print."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard import Dataset
from dashboard.report import SECTIONS, build_report, print_pdf, to_html

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="module")
def report_file(report_cache, demo_dir, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VA_CACHE_DIR", str(report_cache))
        report = build_report(Dataset(demo_dir), ["car-chase"], list(SECTIONS))
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(to_html(report), encoding="utf-8")
    return path, len(report.charts)


def test_report_opens_offline_with_every_chart_drawn(browser, report_file):
    path, charts = report_file
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 1000})
    requests, errors = [], []


    def only_the_file(route):
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_function(
            "n => { const d = [...document.querySelectorAll('.plotly-graph-div')];"
            " return d.length === n && d.every(x => x.querySelector('.main-svg .trace')); }",
            arg=charts, timeout=60_000)
        assert page.locator("section").evaluate_all("s => s.map(e => e.id)") == list(SECTIONS)
        assert errors == [] and requests == []
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "report-file.png"), full_page=True)
    finally:
        context.close()


def test_report_prints_to_pdf(report_file, tmp_path):
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (python scripts/ensure_chromium.py)")
    pdf = print_pdf(report_file[0], tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
