"""Which dataset folder to use: an explicit path, ``VA_DATA_DIR``, or the generated demo."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..dataset.config import cache_dir, chosen_dir
from ..dataset.folder import Dataset
from .generator import VERSION, generate

DEMO_SHOTS = 20_000
DEMO_SEED = 0


def demo_dir(n_shots: int = DEMO_SHOTS, seed: int = DEMO_SEED, progress=None) -> Path:
    """The demo dataset folder in the cache (``demo-{shots}-{seed}-v{VERSION}``), generated on
    first use."""
    path = cache_dir() / f"demo-{n_shots}-{seed}-v{VERSION}"
    if not (path / "shot-data.csv").is_file():
        generate(path, n_shots, seed, progress)
    return path


def data_dir(explicit: str | Path | None = None) -> Path:
    """The configured dataset folder: ``explicit``, else ``VA_DATA_DIR``, else the demo."""
    return chosen_dir(explicit) or demo_dir()


@lru_cache(maxsize=4)
def _open(path: str) -> Dataset:
    return Dataset(path)


def get_dataset(explicit: str | Path | None = None) -> Dataset:
    """The configured dataset, opened once per process."""
    return _open(str(data_dir(explicit).resolve()))
