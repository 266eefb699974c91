"""Keep the garbage collection after every script run short.

Streamlit collects every generation after each script run (its default), and the message
that ends the run reaches the browser only after that collection: it walks every object
alive in the process (the modules of pandas, scikit-learn, SciPy and Plotly, the opened
dataset), 0.1–0.4 s per run on 2 cores at 504,030 shots, on every click. After a page's
first run in this process, the objects that survive a collection are moved out of the
collector's sight (:func:`gc.freeze`), so later collections walk only what was made since.
Garbage is collected before each freeze, so nothing is kept that was already unreachable;
what is frozen is what the process keeps anyway (modules, the dataset, caches).
"""
from __future__ import annotations

import gc

_frozen: set[str] = set()


def freeze_after_first_run(page: str) -> None:
    """Once per ``page`` and process: collect, then freeze what survives."""
    if page in _frozen:
        return
    _frozen.add(page)
    gc.collect()
    gc.freeze()
