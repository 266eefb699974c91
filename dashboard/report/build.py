"""Build a report: which tasks and sections, then one :class:`Report` (see ``document``)."""
from __future__ import annotations

from datetime import datetime, timezone

from ..dataset.folder import Dataset
from .document import Report
from .inputs import ReportData
from .sections import SECTIONS, build_section


def resolve_tasks(ds: Dataset, spec: str = "all") -> list[str]:
    """The tasks of ``spec``: ``all``, or comma-separated task and group names (a group
    stands for its tasks), in the dataset's order; an unknown name raises ValueError."""
    if spec.strip() == "all":
        return list(ds.tasks)
    names = [n.strip() for n in spec.split(",") if n.strip()]
    groups = {ds.group(t) for t in ds.tasks}
    unknown = [n for n in names if n not in ds.tasks and n not in groups]
    if unknown or not names:
        raise ValueError(f"unknown tasks or groups: {', '.join(unknown) or spec!r} (tasks "
                         f"such as {ds.tasks[0]}, groups {', '.join(sorted(groups))})")
    chosen = set(names)
    return [t for t in ds.tasks if t in chosen or ds.group(t) in chosen]


def resolve_sections(spec: str = "all") -> list[str]:
    """The section keys of ``spec`` (``all`` or comma-separated keys of ``SECTIONS``), in the
    report's order; an unknown key raises ValueError."""
    if spec.strip() == "all":
        return list(SECTIONS)
    keys = {k.strip() for k in spec.split(",") if k.strip()}
    unknown = sorted(keys - set(SECTIONS))
    if unknown or not keys:
        raise ValueError(f"unknown sections: {', '.join(unknown) or spec!r} (choose from "
                         f"{', '.join(SECTIONS)})")
    return [k for k in SECTIONS if k in keys]


def build_report(ds: Dataset, tasks: list[str], sections: list[str], title: str | None = None,
                 created: datetime | None = None) -> Report:
    """The report of ``tasks`` with ``sections`` (keys of ``SECTIONS``, shown in its order),
    from the folder and the experiment cache; sections say which tasks have no cached
    results."""
    sections = resolve_sections(",".join(sections))
    data = ReportData(ds, tasks)
    return Report(title or f"Video Annotator results: {ds.root.name}",
                  created or datetime.now(timezone.utc), ds.root.name, ds.fingerprint,
                  tuple(tasks), tuple(build_section(k, data) for k in sections))
