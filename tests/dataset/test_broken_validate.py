"""``python -m dashboard validate`` over the corpus of broken folders: exit 1 naming the file
and the reason, or 0 (with a warning where the data is usable), never a traceback."""
from __future__ import annotations

import re

import pytest

from dashboard.cli import main
from dashboard.dataset.validate import validate

from broken_folders import CASES, Case, broken_folder, good_folder  # noqa: F401 (fixtures)


def test_the_corpus_is_large_and_starts_from_a_valid_folder(good_folder):
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert validate(good_folder) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_names_the_file_and_the_reason(case: Case, broken_folder, capsys):
    path = broken_folder(case)
    code = main(["validate", str(path)])  # an exception here is the traceback a user would see
    out = capsys.readouterr().out
    problems = [m.groups() for m in re.finditer(r"^(ERROR|WARNING) +(\S.*?): (.*)$", out, re.M)]
    if case.level is None:
        assert code == 0 and problems == [], out
        return
    assert code == (1 if case.level == "error" else 0), out
    assert any(level == case.level.upper() and file.endswith(case.file)
               and file.startswith(str(path)) and re.search(case.reason, reason)
               for level, file, reason in problems), out
    if case.level == "warning":
        assert all(level == "WARNING" for level, _, _ in problems), out
