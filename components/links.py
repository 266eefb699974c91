"""Links between views, relative so they work under any base URL path."""
from __future__ import annotations

from urllib.parse import urlencode

BROWSE_PAGE = "browse"  # url_path of pages/browse.py in app.py


def browse_url(task: str, search: str = "", source: str = "") -> str:
    """The browse view of ``task``, optionally showing label ``source`` (default agg) filtered
    to shots whose title or key holds ``search``."""
    params = {"task": task, **({"source": source} if source else {}),
              **({"search": search} if search else {})}
    return f"{BROWSE_PAGE}?{urlencode(params)}"
