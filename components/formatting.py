"""Number formatting for metrics: undefined values (NaN) show as an em dash."""
from __future__ import annotations

import math
import re

import pandas as pd
from pandas.io.formats.style import Styler


def number(value: float, fmt: str = "{:.2f}") -> str:
    """``fmt`` applied to ``value``, or "—" when it is undefined (None or NaN)."""
    return "—" if value is None or math.isnan(value) else fmt.format(value)


_MARKDOWN = re.compile(r"([\\`*\[\]<~$&@])")  # inline anywhere (links need "[")
_UNDERSCORE = re.compile(r"_(?![^\W_])|(?<![^\W_])_")  # "_" that can delimit emphasis
_LINE_START = re.compile(r"^(\s*)(?:([-+=>#])|(\d+)([.)]))")  # list, heading, quote
_LINKS = re.compile(r"(?i)(:material|:|www)(//|/|\.)")  # icon, "http://", "www." autolinks


def _unlink(m: re.Match) -> str:
    head, sep = m.groups()
    if (head.lower(), sep) in ((":material", "/"), (":", "//"), ("www", ".")):
        return head + "".join("\\" + c for c in sep)
    return m.group(0)


def plain(text) -> str:
    """``text`` (a key, a file name, an error naming one) for st.error/warning/caption with
    nothing in it read as Markdown: no links, images, emphasis, icons, LaTeX or HTML.

    Only what Markdown would interpret is backslash-escaped (a path such as
    ``/tmp/my_data/agg`` stays as it is) and line breaks become spaces, so the text reads as
    given on one line.
    """
    text = " ".join(str(text).splitlines())
    text = _UNDERSCORE.sub(r"\\_", _MARKDOWN.sub(r"\\\1", text))
    text = _LINKS.sub(_unlink, text)
    return _LINE_START.sub(lambda m: (m.group(1) + "\\" + m.group(2) if m.group(2)
                                      else m.group(1) + m.group(3) + "\\" + m.group(4)), text)


def code(text) -> str:
    """``text`` as inline code (Markdown shows it verbatim); backticks become quotes."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


PERCENT = "{:.1%}"  # the one percentage format of the app: metrics, tables and hover text


def styled(table: pd.DataFrame, percent=(), count=(), decimals: dict | None = None) -> Styler:
    """``table`` for st.dataframe with ``percent`` columns as 12.3 %, ``count`` columns with
    thousands separators and ``decimals`` ({column: digits}) rounded, "—" where undefined.
    Only the display changes: the values (and a CSV of them) stay as they are."""
    formats = {**{c: PERCENT for c in percent}, **{c: "{:,.0f}" for c in count},
               **{c: f"{{:.{d}f}}" for c, d in (decimals or {}).items()}}
    return table.style.format({c: f for c, f in formats.items() if c in table.columns},
                              na_rep="—")


def competition_rank(scores: pd.Series) -> pd.Series:
    """Rank 1 for the highest score; tied scores share the best rank (1, 2, 2, 4)."""
    return scores.rank(method="min", ascending=False).astype(int)
