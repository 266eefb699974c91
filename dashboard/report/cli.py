"""``python -m dashboard report``: the self-contained HTML report from the experiment cache."""
from __future__ import annotations

import time
from pathlib import Path

from ..dataset.atomic import write_atomic
from .build import build_report, resolve_sections, resolve_tasks
from .document import Note, to_html
from .pdf import print_pdf
from .sections import SECTIONS


def cmd_report(args) -> int:
    start = time.perf_counter()
    ds = args.open_dataset(args.data_dir)  # the folder's tasks and the app-made ones
    report = build_report(ds, resolve_tasks(ds, args.tasks), resolve_sections(args.sections),
                          args.title)
    html = to_html(report).encode("utf-8")
    write_atomic(args.out, lambda f: f.write(html))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(report.charts)} "
          f"charts, {len(report.tasks)} tasks) in {time.perf_counter() - start:.1f} s")
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Note) and block.kind == "missing":
                print(f"  {section.title}: {block.text}")
    if args.pdf:
        try:
            print(f"wrote {print_pdf(args.out, args.pdf)}")
        except RuntimeError as e:
            print(f"error: {e}")
            return 1
    return 0


GROUP = "report"


def add_parsers(group) -> None:
    """Register the ``report`` command."""
    p = group.add_parser("report", help="one self-contained HTML report (charts, tables and "
                                        "what they show) from the experiment cache")
    p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
    p.add_argument("--out", type=Path, default=Path("report.html"),
                   help="the HTML file to write (default: report.html)")
    p.add_argument("--tasks", default="all",
                   help="'all' or comma-separated task and group names (default: all)")
    p.add_argument("--sections", default="all",
                   help=f"'all' or comma-separated from: {', '.join(SECTIONS)}")
    p.add_argument("--title", help="the report's title (default: names the dataset)")
    p.add_argument("--pdf", type=Path, help="also print the report to this PDF with headless "
                                            "Chromium")
    p.set_defaults(func=cmd_report)
