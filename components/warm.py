"""Warm a server process before its first session (serve.py's start-up).

The first run after a start imports the app's modules and opens the data folder: about 1.5 s
at 504,030 shots, paid by whoever comes first. Here they are done before the server answers:
every module under ``components/`` and ``dashboard/figures/`` (what the pages import) and the
libraries the core imports on first use, then the configured folder and Overview's tables,
through the same process-wide caches the sessions use. Nothing here is required: a session
still opens whatever it is given.
"""
from __future__ import annotations

import gc
import importlib
import pkgutil
import time

from streamlit.logger import get_logger

_LOG = get_logger(__name__)
_PACKAGES = ("components", "dashboard.figures")
# imported by the core inside functions, at the first model, metric, map or kappa: a page's
# first visit paid for them (scikit-learn ~0.75 s, statsmodels ~0.6 s on 2 cores)
_LIBRARIES = ("sklearn.decomposition", "sklearn.linear_model", "sklearn.metrics",
              "sklearn.model_selection", "statsmodels.stats.inter_rater")
_TABLES = ("task_table", "dataset_summary")  # what the first page, Overview, shows


def import_app_modules() -> list[str]:
    """Import every module of the packages the pages draw on, and the libraries the core
    imports on first use; returns their names."""
    names = list(_LIBRARIES)
    for library in _LIBRARIES:
        importlib.import_module(library)
    for package in _PACKAGES:
        path = importlib.import_module(package).__path__
        for module in pkgutil.iter_modules(path, f"{package}."):
            if module.name != __name__:
                importlib.import_module(module.name)
                names.append(module.name)
    return names


def open_configured_folder() -> str | None:
    """Open ``--data`` / ``VA_DATA_DIR`` as the data-folder box would, and read the task table
    and the headline figures when they are on disk (built at a folder's first-ever open, which
    is left to the first session: it shows their progress); returns the folder (None: none
    configured, the first session generates or opens the demo)."""
    from dashboard.dataset import derived
    from dashboard.dataset.folder import fingerprint_of

    from . import cache  # Streamlit caches: after its runtime started
    from .data_source import configured_folder

    path = configured_folder()
    if path:
        ds = cache.open_dataset(path, fingerprint_of(path))
        if all(derived.path_of(ds, name).is_file() for name in _TABLES):
            cache.task_table(ds, ds.version())
            cache.dataset_summary(ds, ds.version())
    return path


def warm() -> None:
    """Both of the above; a failure is logged, never raised (the page says what is wrong)."""
    start = time.perf_counter()
    try:
        modules = import_app_modules()
        folder = open_configured_folder()
    except Exception as e:  # noqa: BLE001 - a server that starts cold beats none
        _LOG.warning("Warm start stopped early: %s", e)
        return
    gc.collect()  # what opening left behind, then keep the rest out of every later
    gc.freeze()  # collection's walk, as components/heap.py does around a page's first run
    _LOG.info("Warm start: %d modules imported, data folder %s opened, in %.1f s", len(modules),
              folder or "(demo: at the first visit)", time.perf_counter() - start)
