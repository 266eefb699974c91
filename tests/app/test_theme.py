"""One Plotly template and one colour per method and per group, on every chart."""
import plotly.graph_objects as go
import plotly.io as pio

from components import theme
from dashboard.dataset.tasks import OTHER_GROUP, TASK_GROUPS
from dashboard.experiments.experiment1 import COMBINED, VA
from dashboard.dataset.folder import RANDOM, ZERO_SHOT


def test_template_is_registered_and_the_default():
    assert pio.templates.default == theme.TEMPLATE
    assert go.Figure().layout.template.layout.font.size == 14


def test_one_distinct_colour_per_method_and_per_group():
    methods = [theme.method_color(m) for m in (VA, RANDOM, ZERO_SHOT, COMBINED)]
    assert len(set(methods)) == 4
    groups = [theme.group_color(g) for g in TASK_GROUPS]
    assert len(set(groups)) == len(TASK_GROUPS) and not set(groups) & set(methods)
    assert theme.group_color("a group made in the app") == theme.group_color(OTHER_GROUP)


def test_names_as_people_write_them():
    assert theme.task_label("car-chase") == "car chase"
    assert theme.task_label("sci-fi") == "sci-fi"
    assert theme.task_label("extreme-close-up") == "extreme close-up"
    assert theme.task_label("my_task") == "my task"
    assert theme.group_label("shot_types") == "shot types"
    assert theme.group_label("events_actions") == "events and actions"
    assert theme.method_label(VA) == "Video Annotator"
