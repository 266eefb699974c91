"""The app shell: data-source choice, sidebar and errors shown in the page."""
import pytest
from streamlit.testing.v1 import AppTest

from components.formatting import plain


@pytest.fixture
def app(demo_dir):
    at = AppTest.from_file("../../app.py", default_timeout=60)
    return at.run()


def test_app_opens_the_configured_dataset(app, ds):
    assert not app.exception
    assert app.text_input(key="data_dir").value == str(ds.root)
    assert any("4,000 shots · 56 tasks" in c.value for c in app.sidebar.caption)
    shots = next(m for m in app.metric if m.label == "Shots")
    assert shots.value == "4,000"


def test_a_bad_folder_is_an_error_in_the_page_not_a_traceback(app, tmp_path):
    app.text_input(key="data_dir").set_value(str(tmp_path / "missing")).run()
    assert not app.exception
    assert any("missing: dataset folder does not exist" in e.value for e in app.error)


def test_a_broken_task_file_is_reported_and_the_rest_still_shows(copy_of_demo):
    (copy_of_demo / "agg" / "zoom.json").write_text("{")
    at = AppTest.from_file("../../app.py", default_timeout=60).run()
    at.text_input(key="data_dir").set_value(str(copy_of_demo)).run()
    assert not at.exception
    assert any("agg/zoom.json: malformed JSON" in e.value for e in at.error)
    assert next(m for m in at.metric if m.label == "Tasks").value == "56"


def test_a_folder_name_with_markdown_is_shown_as_typed(app, tmp_path):
    name = str(tmp_path / "[x](http://example.com)")
    app.text_input(key="data_dir").set_value(name).run()
    assert not app.exception
    shown = next(e.value for e in app.error if "Cannot open" in e.value)
    assert shown == f"Cannot open the dataset. {plain(name + ': dataset folder does not exist')}"
    assert "\\[x\\]" in shown  # the brackets are escaped: no link is rendered
