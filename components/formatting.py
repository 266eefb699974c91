"""Number formatting for metrics: undefined values (NaN) show as an em dash."""
from __future__ import annotations

import math
import re


def number(value: float, fmt: str = "{:.2f}") -> str:
    """``fmt`` applied to ``value``, or "—" when it is undefined (None or NaN)."""
    return "—" if value is None or math.isnan(value) else fmt.format(value)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#!~$&@])")
_SHORTCODE = re.compile(r":(?=\S)")  # ":material/x:", ":smile:", "http://" (not "name: text")
_LINE_START = re.compile(r"^(\s*)(?:([-+=>])|(\d+)([.)]))")  # list, heading, quote
_WWW = re.compile(r"(?i)\b(www)\.")  # an autolink without a scheme


def plain(text) -> str:
    """``text`` (a key, a file name, an error naming one) for st.error/warning/caption with
    nothing in it read as Markdown: no links, images, emphasis, icons, LaTeX or HTML.

    Markdown characters are backslash-escaped and line breaks become spaces, so the text
    reads as given on one line.
    """
    text = " ".join(str(text).splitlines())
    text = _WWW.sub(r"\1\\.", _SHORTCODE.sub(r"\\:", _MARKDOWN.sub(r"\\\1", text)))
    return _LINE_START.sub(lambda m: (m.group(1) + "\\" + m.group(2) if m.group(2)
                                      else m.group(1) + m.group(3) + "\\" + m.group(4)), text)


def code(text) -> str:
    """``text`` as inline code (Markdown shows it verbatim); backticks become quotes."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"
