"""A real small or read-only file system for the fault tests: a tmpfs mounted for the test.

Mounting needs root (CAP_SYS_ADMIN); elsewhere the tests that use it skip, and the stand-ins
in tests/annotate/test_store.py (SQLite's max_page_count, chmod, ``mode=ro``) still run.
"""
from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` (e.g. "1m") at ``folder``; unmount it afterwards (lazily:
    a store cached by the app may still hold its files open)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def remount(folder: Path, options: str) -> None:
    """Change a mounted tmpfs: "ro", "rw" or "size=4m"."""
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True,
                   capture_output=True)


def fill(folder: Path) -> Path:
    """Take every free byte of the file system of ``folder`` with one file; return it."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:  # ENOSPC: full
            pass
    return filler
