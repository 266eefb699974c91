"""Which dataset folder to use: an explicit path, ``VA_DATA_DIR``, or the generated demo."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from . import demo
from .folder import Dataset

DATA_ENV = "VA_DATA_DIR"
CACHE_ENV = "VA_CACHE_DIR"
DEMO_SHOTS = 20_000
DEMO_SEED = 0
_REPO = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Folder for generated and cached files (``VA_CACHE_DIR``, else ``.cache`` in the repo)."""
    return Path(os.environ.get(CACHE_ENV) or _REPO / ".cache")


def demo_dir(n_shots: int = DEMO_SHOTS, seed: int = DEMO_SEED, progress=None) -> Path:
    """The demo dataset folder, generated on first use."""
    path = cache_dir() / f"demo-{n_shots}-{seed}-v{demo.VERSION}"
    if not (path / "shot-data.csv").is_file():
        demo.generate(path, n_shots, seed, progress)
    return path


def data_dir(explicit: str | Path | None = None) -> Path:
    """The configured dataset folder: ``explicit``, else ``VA_DATA_DIR``, else the demo."""
    chosen = explicit or os.environ.get(DATA_ENV)
    return Path(chosen).expanduser() if chosen else demo_dir()


@lru_cache(maxsize=4)
def _open(path: str) -> Dataset:
    return Dataset(path)


def get_dataset(explicit: str | Path | None = None) -> Dataset:
    """The configured dataset, opened once per process."""
    return _open(str(data_dir(explicit).resolve()))
