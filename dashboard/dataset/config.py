"""The folders from the environment: the dataset chosen (an explicit path or ``VA_DATA_DIR``;
without either, :func:`dashboard.demo.data_dir` falls back to the generated demo) and the
cache folder."""
from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "VA_DATA_DIR"
CACHE_ENV = "VA_CACHE_DIR"
_REPO = Path(__file__).resolve().parents[2]  # dashboard/dataset/config.py -> the repo


def cache_dir() -> Path:
    """Folder for generated and cached files (``VA_CACHE_DIR``, else ``.cache`` in the repo)."""
    return Path(os.environ.get(CACHE_ENV) or _REPO / ".cache")


def chosen_dir(explicit: str | Path | None = None) -> Path | None:
    """``explicit``, else ``VA_DATA_DIR``, else None (no folder chosen)."""
    chosen = explicit or os.environ.get(DATA_ENV)
    return Path(chosen).expanduser() if chosen else None
