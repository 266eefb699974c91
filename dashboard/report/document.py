"""A report as data (sections of sentences, charts and tables) and its one self-contained
HTML file: Plotly's JavaScript inlined once in the head, each chart a div that draws with
it, every text HTML-escaped, tables as real ``<table>`` elements. Nothing is fetched when
the file opens (no CDN, no fonts, no MathJax), so it works from an e-mail attachment."""
from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Callable, Union

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# the chart toolbar's camera button saves a PNG at twice the size; no Plotly logo link
CHART_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2}}


@dataclass(frozen=True)
class Chart:
    """A figure and the sentence under it that states what it shows in numbers."""

    figure: go.Figure
    sentence: str


@dataclass(frozen=True)
class Table:
    """A table with a caption; ``formats`` maps a column to a format string ("{:.3f}") or a
    function; NaN shows as "—". The index is shown when ``index`` is true."""

    data: pd.DataFrame
    caption: str
    formats: dict[str, Union[str, Callable]] = field(default_factory=dict)
    index: bool = False


@dataclass(frozen=True)
class Note:
    """A paragraph: a finding (``kind="text"``) or what is missing (``kind="missing"``)."""

    text: str
    kind: str = "text"


Block = Union[Chart, Table, Note]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Report:
    """What the HTML file holds: a title, when it was made, the dataset's name and
    fingerprint, the tasks it covers and its sections in order."""

    title: str
    created: datetime
    dataset: str
    fingerprint: str
    tasks: tuple[str, ...]
    sections: tuple[Section, ...]

    @property
    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as shipped with the plotly package (about 4.8 MB, read once)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _cell(value, fmt) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if fmt is None:
        whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        return f"{value:,}" if whole else str(value)
    return fmt(value) if callable(fmt) else fmt.format(value)


def table_html(table: Table) -> str:
    """``table`` as an escaped HTML table (numbers right-aligned)."""
    data = table.data.reset_index() if table.index else table.data
    numeric = {c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])
               and not pd.api.types.is_bool_dtype(data[c])}
    head = "".join(f'<th{" class=num" if c in numeric else ""}>{html.escape(str(c))}</th>'
                   for c in data.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td{" class=num" if c in numeric else ""}>'
                         f"{html.escape(_cell(v, table.formats.get(c)))}</td>"
                         for c, v in zip(data.columns, row)) + "</tr>"
        for row in data.itertuples(index=False))
    return (f"<table><caption>{html.escape(table.caption)}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _chart_html(chart: Chart, div_id: str) -> str:
    div = pio.to_html(chart.figure, include_plotlyjs=False, include_mathjax=False,
                      full_html=False, div_id=div_id, config=CHART_CONFIG)
    return (f'<figure class="chart">{div}<figcaption>{html.escape(chart.sentence)}'
            "</figcaption></figure>")


def _block_html(block: Block, div_id: str) -> str:
    if isinstance(block, Chart):
        return _chart_html(block, div_id)
    if isinstance(block, Table):
        return table_html(block)
    return f'<p class="{html.escape(block.kind)}">{html.escape(block.text)}</p>'


_STYLE = """
body{font-family:"Source Sans Pro","Segoe UI",Helvetica,Arial,sans-serif;color:#262730;
max-width:1200px;margin:2rem auto;padding:0 1.5rem;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
.meta{color:#555;margin-top:0}nav ol{columns:2}
figure.chart{margin:1.5rem 0;break-inside:avoid}
figcaption{font-size:1.05rem;margin-top:.3rem}
p.missing{background:#fff4e5;border-left:4px solid #e68310;padding:.5rem .8rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem;break-inside:auto}
caption{text-align:left;font-weight:600;padding-bottom:.3rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}
th{background:#f4f4f6}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
@media print{body{margin:0;max-width:none}nav{display:none}h2{break-before:page}}
"""


def to_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    e = html.escape
    toc = "".join(f'<li><a href="#{e(s.key)}">{e(s.title)}</a></li>' for s in report.sections)
    body, n = [], 0
    for s in report.sections:
        body.append(f'<section id="{e(s.key)}"><h2>{e(s.title)}</h2>')
        for block in s.blocks:
            n += isinstance(block, Chart)
            body.append(_block_html(block, f"chart-{n}"))
        body.append("</section>")
    tasks = (f"{len(report.tasks)} tasks" if len(report.tasks) > 3
             else ", ".join(report.tasks))
    return "".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(report.title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{plotly_js()}</script></head><body>',
        f"<header><h1>{e(report.title)}</h1>",
        f'<p class="meta">{e(report.created.strftime("%Y-%m-%d %H:%M %Z").strip())} · dataset '
        f"<b>{e(report.dataset)}</b> · fingerprint <code>{e(report.fingerprint)}</code> · "
        f"{e(tasks)}</p><nav><ol>{toc}</ol></nav></header>",
        *body, "</body></html>"])
