"""The exception for bad data on disk and its warning record; the check for bad settings."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DataError(ValueError):
    """A file of the dataset folder is missing or wrong.

    ``path`` names the file, ``reason`` says what is wrong with it; ``str(err)`` is
    ``"{path}: {reason}"`` so it can be shown to a user as it is.
    """

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def check_field(ok: bool, owner: str, field: str, value, expected: str) -> None:
    """Raise ``ValueError("{owner}.{field} = {value!r}: {expected}")`` unless ``ok``.

    Config objects call this where they are built, so a bad setting fails at once with the
    field's name, not deep inside a run.
    """
    if not ok:
        raise ValueError(f"{owner}.{field} = {value!r}: {expected}")


@dataclass(frozen=True)
class DataWarning:
    """Something odd in a file that was worked around (e.g. unknown keys dropped)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
