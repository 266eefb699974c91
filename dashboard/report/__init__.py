"""The stakeholder report: one self-contained HTML file of the dataset, agreement,
checkpoints, both experiments and the current models, each chart with a sentence that states
what it shows in numbers.

``build_report(ds, tasks, sections)`` → :class:`Report`; ``to_html(report)`` → the file's
text; ``SECTIONS`` the section keys; ``print_pdf`` the optional PDF.
"""
from .build import build_report, resolve_sections, resolve_tasks
from .document import Chart, Note, Report, Section, Table, to_html
from . import pdf
from .pdf import print_pdf
from .sections import SECTIONS

__all__ = ["build_report", "resolve_sections", "resolve_tasks", "Chart", "Note", "Report",
           "Section", "Table", "to_html", "pdf", "print_pdf", "SECTIONS"]
