"""Optional PDF of a report through headless Chromium's print (the HTML never needs it)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..dataset.atomic import write_atomic

# as the browser tests start it: no sandbox (root), no GPU, nothing fetched in the background
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
         "--virtual-time-budget=20000")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with Chromium; RuntimeError when it cannot.

    Chromium prints into a temporary folder; the PDF then replaces ``pdf_path`` atomically,
    so an interrupted print never leaves half a PDF under that name."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("no Chromium on this machine: the PDF needs `chromium`")
    with tempfile.TemporaryDirectory() as profile:
        printed = Path(profile) / "printed.pdf"
        done = subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={printed}",
             Path(html_path).resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not printed.is_file():
            raise RuntimeError(f"Chromium could not print {html_path}: "
                               f"{done.stderr.strip()[-300:]}")
        data = printed.read_bytes()
    write_atomic(Path(pdf_path), lambda f: f.write(data))
    return Path(pdf_path)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a report's HTML text (see :func:`print_pdf`)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        source.write_text(html, encoding="utf-8")
        return print_pdf(source, Path(folder) / "report.pdf").read_bytes()
