"""The CLI, the README quick start and the seed project's snippet."""
import re
from pathlib import Path

import numpy as np

from dashboard.cli import main
from dashboard import demo
from dashboard.demo import config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_info_prints_every_task(demo_dir, capsys):
    assert main(["info", str(demo_dir)]) == 0
    out = capsys.readouterr().out
    assert "shots=4,000" in out and "tasks=56" in out
    assert re.search(r"car-chase\s+events_actions", out)


def test_demo_data_command_writes_the_layout(tmp_path, capsys):
    assert main(["demo-data", "--out", str(tmp_path / "d"), "--shots", "2000", "--seed", "1"]) == 0
    assert (tmp_path / "d" / "embeddings.h5").is_file()
    assert len(list((tmp_path / "d" / "agg").glob("*.json"))) == 56


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nowhere")]) == 1
    assert "nowhere: dataset folder does not exist" in capsys.readouterr().err


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    block = re.search(r"## Quick start\n\n```bash\n(.*?)```", README, re.S).group(1)
    commands = block.strip().splitlines()
    assert len(commands) == 2 and "streamlit run serve.py" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
    # the test command installs the system tools the tests drive with a script that exists
    scripts = re.findall(r"python (scripts/\S+\.py)", commands[1])
    assert scripts == ["scripts/ensure_test_tools.py"] and (ROOT / scripts[0]).is_file()


def test_seed_snippet_runs_against_the_configured_dataset(demo_dir, monkeypatch):
    monkeypatch.setenv("VA_DATA_DIR", str(demo_dir))
    snippet = re.search(r"```python\n(import numpy as np\nfrom dashboard import data.*?)```",
                        README, re.S).group(1)
    scope: dict = {}
    exec(snippet, scope)
    assert 0.0 <= scope["score"] <= 1.0
    assert scope["dataset"].label == "car-chase"


def test_seed_data_api(demo_dir, monkeypatch, ds):
    from dashboard import data

    monkeypatch.setenv("VA_DATA_DIR", str(demo_dir))
    assert data.get_labeled_dataset_agreement("zoom") == ds.agg_votes("zoom").agreement
    cps = data.get_labeled_dataset_checkpoints("zoom")
    assert [len(c) for c in cps] == [len(c) for c in ds.checkpoints("zoom")]
    lds = data.get_aggregate_labeled_dataset("zoom")
    train, val = lds.split()
    assert len(train) + len(val) == len(lds) and lds.pos_cnt + lds.neg_cnt == len(lds)
    assert 0 < lds.data_score <= 1 and 0 < lds.pos_rate < 1 and lds.keys[0] in lds.pos


def test_demo_is_the_default_when_nothing_is_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("VA_DATA_DIR", raising=False)
    monkeypatch.setenv("VA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(config, "DEMO_SHOTS", 2_000)
    monkeypatch.setattr(config.demo_dir, "__defaults__", (2_000, 0, None))
    path = config.data_dir()
    assert path == tmp_path / f"demo-2000-0-v{demo.VERSION}" and (path / "embeddings.h5").is_file()
    assert np.isfinite(config.get_dataset().embeddings[0]).all()
