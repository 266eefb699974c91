"""Every page over the corpus of broken folders (tests/dataset/broken_folders.py): no raw
exception anywhere, and the broken file named where it matters (in the page or the sidebar's
data warnings), as plain text."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dataset"))
from broken_folders import (  # noqa: E402,F401 (fixtures)
    CASES,
    MARKDOWN_KEY,
    TASK,
    Case,
    ave_only_row,
    broken_folder,
    good_folder,
    unlabeled_row,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = re.findall(r'st\.Page\("pages/(\w+)\.py"', Path(APP).read_text())  # every registered page


def shown_text(at: AppTest) -> list[str]:
    """What the pages told the user: messages, captions and the sidebar's plain texts."""
    return [e.value for kind in (at.error, at.warning, at.info, at.caption, at.text)
            for e in kind]


def run_pages(path: Path, pages=PAGES, task: str = TASK, **state) -> dict[str, AppTest]:
    runs = {}
    for page in pages:
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["data_dir"] = str(path)
        for key, value in state.items():
            at.session_state[key] = value
        at.query_params["task"] = task
        if page != PAGES[0]:  # the default page runs inside app.py, with the sidebar's data
            at.switch_page(f"pages/{page}.py")  # warnings; other pages may run alone
        runs[page] = at.run()
    return runs


@pytest.fixture(autouse=True)
def own_state(tmp_path, monkeypatch):
    monkeypatch.setenv("VA_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("VA_STATE_DB", raising=False)


# every page for one case of each kind of failure (the folder does not open; a task's file is
# broken; an optional file is broken); every other case on the page that reads the broken
# file (an AppTest run costs about a second)
EVERY_PAGE = {"missing_shot_data", "truncated_agg", "ave_pos_is_text"}  # NaN rows: below
_READERS = {"agg/": ["browse"], "checkpoints/": ["checkpoints"], "cmp/": ["train"],
            "ave/": ["train"], "embeddings.h5": ["search"], "text-embeddings.json": ["search"],
            "task_descriptions.json": ["browse"]}
_SHOWN_ON = {"agg_without_positive": ["train"], "agg_without_rows": ["train"]}


def pages_of(case: Case) -> list[str]:
    if case.name in EVERY_PAGE:
        return PAGES
    if case.name in _SHOWN_ON:
        return _SHOWN_ON[case.name]
    return next((pages for part, pages in _READERS.items() if part in case.file), ["overview"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_pages_render_and_name_the_problem(case: Case, broken_folder):
    path = broken_folder(case)
    # the zero-shot tab is where a broken text-embeddings.json matters
    runs = run_pages(path, pages_of(case), search_view="Zero-shot search")
    for page, at in runs.items():
        assert not at.exception, (page, [e.value for e in at.exception])
    if case.level and case.page_shows:
        wanted = case.shown or case.file
        named = [t for at in runs.values() for t in shown_text(at)
                 if wanted.replace("_", "\\_") in t or wanted in t]
        assert named, (f"{wanted!r} is shown on none of {list(runs)}",
                       [shown_text(at) for at in runs.values()])


def find(case_name: str) -> Case:
    return next(c for c in CASES if c.name == case_name)


def test_a_nan_row_is_named_where_it_is_used(broken_folder):
    """Defect 5: query by example on a NaN row says which row; rankings say what they leave
    out. Defect 2: an AVE set with an unusable row costs the AVE AP only."""
    path = broken_folder(find("embeddings_nan_rows"))
    from dashboard import Dataset

    ds = Dataset(path)
    row = unlabeled_row(path)
    key = ds.shots["key"].iloc[row]
    at = run_pages(path, ["search"])["search"]
    at.session_state["search_example"] = key
    at.session_state["_search_example"] = key
    at.session_state["search_view"] = "Query by example"
    at.run()
    assert not at.exception
    assert any(f"embeddings.h5: 1 embedding rows hold NaN or inf and cannot be used (rows {row})"
               in e.value for e in at.error), [e.value for e in at.error]
    at.session_state["search_view"] = "Zero-shot search"
    at.run()
    assert any("2 shots have NaN or inf in their embedding (rows " in w.value
               and f" {row}" in w.value for w in at.warning), [w.value for w in at.warning]

    train = run_pages(path, ["train"])["train"]
    assert not train.exception and not train.error
    assert any(w.value.startswith("No AVE AP: ") and f"rows {ave_only_row(path)}" in w.value
               for w in train.warning), [w.value for w in train.warning]
    assert {m.label: m.value for m in train.metric}["AVE AP"] == "—"


def test_a_key_written_as_markdown_is_shown_as_plain_text(broken_folder):
    """Defect 7: a key that is a Markdown link reaches the page escaped, never as a link."""
    at = run_pages(broken_folder(find("markdown_in_keys")), ["overview"])["overview"]
    errors = [e.value for e in at.error]
    assert any("\\[click me\\](http:\\/\\/evil.example)" in e for e in errors), errors
    assert not any(MARKDOWN_KEY in e for e in errors)
