"""Where the annotation store lives: ``VA_STATE_DB`` (any SQLAlchemy URL, e.g. PostgreSQL for
a team server), else SQLite at ``$VA_STATE_DIR/annotations.db``, else ``state/`` in the repo
(git-ignored). Never inside a data folder: labels made in the app are exported, not written
into the release's files."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .store import Store, default_url, open_store

DB_ENV = "VA_STATE_DB"
STATE_ENV = "VA_STATE_DIR"
_REPO = Path(__file__).resolve().parents[2]


def state_dir() -> Path:
    """The folder of the default SQLite store (``VA_STATE_DIR``, else ``state/``)."""
    return Path(os.environ.get(STATE_ENV) or _REPO / "state").expanduser()


def store_url(explicit: str | None = None) -> str:
    """The store's URL: ``explicit``, else ``VA_STATE_DB``, else the default SQLite file."""
    return explicit or os.environ.get(DB_ENV) or default_url(state_dir())


@lru_cache(maxsize=4)
def _open(url: str) -> Store:
    return open_store(url)


def get_store(explicit: str | None = None) -> Store:
    """The configured store, opened (and its schema created or migrated) once per process."""
    return _open(store_url(explicit))
