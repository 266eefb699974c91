"""The 56 tasks of the release, their 8 groups, and the safe-name rule for task names."""
from __future__ import annotations

import re

from ..errors import DataError

TASK_GROUPS: dict[str, tuple[str, ...]] = {
    "motion": ("zoom", "pan", "slow-motion", "handheld", "timelapse", "jump-scare"),
    "genres": ("action", "sci-fi", "horror", "fantasy", "drama", "romance"),
    "emotions": ("anger", "sad", "happy", "scared", "laughter"),
    "shot_types": (
        "establishing-shots", "static-shot", "shutter-shot", "cowboy-shot",
        "extreme-close-up", "extreme-wide-shot", "two-shot", "group-shot", "aerial",
        "eye-level", "medium", "closeup", "wide", "over-the-shoulder-shot", "tilt-shot",
        "dutch-angle", "point-of-view-shot", "high-angle", "insert-shot", "low-angle",
        "overhead-shot", "single-shot",
    ),
    "sensitivities": ("alcohol", "smoking", "nudity", "gore", "drugs", "violence", "intimacy"),
    "events_actions": ("interview", "fight", "car-chase", "run"),
    "time_location": ("day", "golden-hour", "interior"),
    "focus": ("character-focus", "animal", "object"),
}
OTHER_GROUP = "other"
ALL_TASKS: tuple[str, ...] = tuple(t for tasks in TASK_GROUPS.values() for t in tasks)
GROUP_OF: dict[str, str] = {t: g for g, tasks in TASK_GROUPS.items() for t in tasks}

AVE_TASKS: tuple[str, ...] = (
    "group-shot", "animal", "single-shot", "low-angle", "eye-level", "medium",
    "extreme-wide-shot", "tilt-shot", "high-angle", "over-the-shoulder-shot", "zoom",
    "closeup", "wide", "handheld", "overhead-shot", "insert-shot", "two-shot",
    "extreme-close-up", "aerial",
)

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


def group_of(task: str) -> str:
    """The task's group, or ``"other"`` for a task outside the release's 56."""
    return GROUP_OF.get(task, OTHER_GROUP)


def check_task_name(task: str, where: str = "task name") -> str:
    """Return ``task`` if it is safe to use as a file name, else raise :class:`DataError`.

    Safe: letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit, no ``..``.
    """
    if not isinstance(task, str) or not _SAFE_NAME.fullmatch(task) or ".." in task:
        raise DataError(where, f"task name {task!r} is not a safe file name "
                               "(letters, digits, '-', '_', '.'; no '..' or '/')")
    return task
