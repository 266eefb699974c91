"""The one exception type for bad data on disk, and the warning record that goes with it."""
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


@dataclass(frozen=True)
class DataWarning:
    """Something odd in a file that was worked around (e.g. unknown keys dropped)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
