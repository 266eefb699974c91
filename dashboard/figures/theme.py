"""One look for every chart, on every page and in the report.

``TEMPLATE`` is a Plotly template registered under that name and made the default when this
module is imported; the figure modules also name it (:func:`in_template`) whenever another is
the default, as after importing Streamlit later (``test_theme`` checks both);
``METHOD_COLORS`` and ``GROUP_COLORS`` give one fixed colour per method and per task group;
``task_label`` and ``group_label`` write names as people do ("car chase", "shot types") while
the ids stay in URLs, files and CSV. Pages draw with ``st.plotly_chart(..., theme=None)``
(``components.export.chart``) so Streamlit's own chart theme does not replace this one.
No Streamlit here: the report imports it too.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from ..dataset.folder import RANDOM, ZERO_SHOT
from ..dataset.tasks import OTHER_GROUP, TASK_GROUPS
from ..experiments.experiment1 import (
    CHECKPOINT,
    COMBINED,
    POSITIVE_RATE,
    RANDOM_SCORER,
    VA,
    ZERO_SHOT_SCORER,
)

TEMPLATE = "video_annotator"

REFERENCE = "#6b6b6b"  # reference levels (positive rate, random scorer) and "other"
# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. Video
# Annotator and its checkpoints are one method; the zero-shot scorer shares the zero-shot
# source's colour (drawn dashed).
METHOD_COLORS = {VA: "#D55E00", CHECKPOINT: "#D55E00", RANDOM: "#0072B2",
                 ZERO_SHOT: "#009E73", ZERO_SHOT_SCORER: "#009E73", COMBINED: "#CC79A7",
                 RANDOM_SCORER: REFERENCE, POSITIVE_RATE: REFERENCE}
METHOD_LABELS = {VA: "Video Annotator", CHECKPOINT: "Video Annotator checkpoints",
                 RANDOM: "random", ZERO_SHOT: "zero-shot", COMBINED: "combined",
                 ZERO_SHOT_SCORER: "zero-shot scorer", RANDOM_SCORER: "random scorer AP",
                 POSITIVE_RATE: "positive rate"}
POSITIVE, NEGATIVE = "#D55E00", "#0072B2"  # labels: positive / negative shots

GROUP_COLORS = dict(zip(TASK_GROUPS, ("#7F3C8D", "#11A579", "#3969AC", "#F2B701",
                                      "#E73F74", "#80BA5A", "#E68310", "#008695")))
GROUP_COLORS[OTHER_GROUP] = REFERENCE

# names people write with a hyphen or another spelling; every other id reads with spaces
_TASK_NAMES = {"sci-fi": "sci-fi", "closeup": "close-up", "extreme-close-up": "extreme close-up",
               "point-of-view-shot": "point-of-view shot",
               "over-the-shoulder-shot": "over-the-shoulder shot"}
_GROUP_NAMES = {"events_actions": "events and actions", "time_location": "time and location"}


def task_label(task: str) -> str:
    """``task`` as people write it: "car-chase" → "car chase", "sci-fi" stays."""
    return _TASK_NAMES.get(task) or task.replace("-", " ").replace("_", " ")


def group_label(group: str) -> str:
    """``group`` as people write it: "shot_types" → "shot types"."""
    return _GROUP_NAMES.get(group) or group.replace("_", " ")


def group_color(group: str) -> str:
    """The group's colour; a group outside the release's eight gets the "other" grey."""
    return GROUP_COLORS.get(group, REFERENCE)


def method_color(method: str) -> str | None:
    """The method's colour (an Experiment 1 method id), None for one not listed."""
    return METHOD_COLORS.get(method)


def method_label(method: str) -> str:
    """The method's name in charts and tables; an unknown id as it is."""
    return METHOD_LABELS.get(method, method)


def _template() -> go.layout.Template:
    """plotly_white with larger type for a projector, method colours
    first in the colour cycle and hover labels in the chart's font."""
    t = go.layout.Template(pio.templates["plotly_white"])
    font = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
    t.layout.update(
        font={"family": font, "size": 14, "color": "#262730"},
        title={"font": {"size": 18}, "x": 0, "xanchor": "left"},
        colorway=[METHOD_COLORS[m] for m in (VA, RANDOM, ZERO_SHOT, COMBINED)]
                 + list(GROUP_COLORS.values())[:-1],
        hoverlabel={"font": {"family": font, "size": 13}},
        legend={"title": {"text": ""}},
        margin={"t": 60, "l": 10, "r": 10, "b": 10},
    )
    t.layout.xaxis.update(automargin=True, title={"standoff": 8})
    t.layout.yaxis.update(automargin=True, title={"standoff": 8})
    return t


pio.templates[TEMPLATE] = _template()
pio.templates.default = TEMPLATE


def in_template() -> dict:
    """``update_layout`` arguments that put a new figure in :data:`TEMPLATE`: none while it
    is the default, since Plotly applies the default at creation without validating it again
    (naming it costs ~8 ms a figure, a tenth of a chart's build); else its name."""
    return {} if pio.templates.default == TEMPLATE else {"template": TEMPLATE}


# add_hline / add_vline's annotation_position -> where the line's label sits
_CORNERS = {("y", "top right"): {"x": 1, "xanchor": "right", "yanchor": "bottom"},
            ("y", "bottom right"): {"x": 1, "xanchor": "right", "yanchor": "top"},
            ("y", "top left"): {"x": 0, "xanchor": "left", "yanchor": "bottom"},
            ("x", "top right"): {"y": 1, "xanchor": "left", "yanchor": "top"}}


def reference_lines(fig: go.Figure, lines) -> go.Figure:
    """Add labelled lines across the plot in one layout update (``add_hline`` and
    ``add_vline`` validate the whole layout again for each line). ``lines``: (axis of the
    level, "x" or "y"; level; label; dash; colour or None; the label's corner, as their
    ``annotation_position``)."""
    shapes, notes = list(fig.layout.shapes), list(fig.layout.annotations)
    for axis, level, text, dash, color, corner in lines:
        across = "x" if axis == "y" else "y"
        span = {f"{across}ref": f"{across} domain", f"{across}0": 0, f"{across}1": 1}
        shapes.append({"type": "line", **span, f"{axis}ref": axis, f"{axis}0": level,
                       f"{axis}1": level, "line": {"dash": dash, "color": color}})
        notes.append({"text": text, "showarrow": False, f"{axis}ref": axis, axis: level,
                      f"{across}ref": f"{across} domain", **_CORNERS[(axis, corner)]})
    return fig.update_layout(shapes=shapes, annotations=notes)
