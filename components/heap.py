"""Keep the garbage collection after every script run short.

Streamlit collects every generation after each script run (its default), and the message
that ends the run reaches the browser only after that collection: it walks every object
alive in the process (the modules of pandas, scikit-learn, SciPy and Plotly, the opened
dataset), 0.1–0.4 s per run on 2 cores at 504,030 shots, on every click. So the objects
alive are moved out of the collector's sight (:func:`gc.freeze`) around a page's first run
in this process, and later collections walk only what was made since:

- before it, without a collection: the previous run ended with Streamlit's, so little is
  unreachable (about 3,500 objects left by the imports of the process's first run);
- after it, once its garbage is collected: what the page imported and keeps.

A frozen object that is dropped later (an evicted cache entry, an ended session) is still
freed by reference counting; only one caught in a reference cycle stays, and only objects
alive at these two moments per page and process are ever frozen.
"""
from __future__ import annotations

import gc

_before: set[str] = set()
_after: set[str] = set()


def freeze_before_first_run(page: str) -> None:
    """Once per ``page`` and process: freeze what is alive now."""
    if page not in _before:
        _before.add(page)
        gc.freeze()


def freeze_after_first_run(page: str) -> None:
    """Once per ``page`` and process: collect, then freeze what survives."""
    if page not in _after:
        _after.add(page)
        gc.collect()
        gc.freeze()
