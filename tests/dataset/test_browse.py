"""The shot table of a label source, its filters, paging and per-genre rates."""
import pandas as pd
import pytest

from dashboard.dataset import browse
from dashboard.method.evaluation import in_validation


def test_sources_list_every_source(ds):
    task = ds.tasks[0]
    names = browse.sources(ds, task)
    assert names[0] == "agg" and names[1] == "checkpoint 1"
    assert len([n for n in names if n.startswith("checkpoint")]) == len(ds.checkpoints(task))
    assert {"cmp random", "cmp zero-shot"} <= set(names)
    assert ("AVE validation" in names) == (ds.ave(task) is not None)


@pytest.mark.parametrize("source", ["agg", "checkpoint 1", "cmp random", "cmp zero-shot"])
def test_shot_table_matches_the_source(ds, source):
    task = ds.tasks[0]
    table = browse.shot_table(ds, task, source)
    labels = browse.source_labels(ds, task, source)
    assert table["key"].tolist() == labels.index.tolist()
    assert table["label"].tolist() == labels.tolist()
    assert table["validation"].tolist() == list(in_validation(table["key"]))
    row = table.iloc[0]
    shot = ds.shots.set_index("key").loc[row["key"]]
    assert row["title"] == shot["desc"]
    assert row["watch"] == f"https://youtu.be/{shot['yt_id']}?t={int(shot['start'])}"
    assert row["thumbnail"] == f"https://i.ytimg.com/vi/{shot['yt_id']}/mqdefault.jpg"


def test_agg_votes_and_missing_votes(ds):
    task = ds.tasks[0]
    agg = ds.agg_votes(task)
    table = browse.shot_table(ds, task, "agg")
    assert (table["pos_cnt"].to_numpy() == agg.table["pos_cnt"].to_numpy()).all()
    assert (table[agg.primary].astype(bool) == agg.table[agg.primary]).all()
    cmp = browse.shot_table(ds, task, "cmp random")
    outside = ~cmp["key"].isin(agg.table["key"])
    assert outside.any() and cmp.loc[outside, "pos_cnt"].isna().all()


TABLE = pd.DataFrame({
    "key": ["k1|0", "k2|0", "k3|0", "HEAT|9"],
    "title": ["Kill Bill: The Bride", "<b>Heat</b> - Shootout", "Up", "Heat 2"],
    "genre": ["action", "action", "", "crime"],
    "label": [True, False, True, False],
    "pos_cnt": pd.array([3, 1, 2, pd.NA], dtype="Int64"),
})


@pytest.mark.parametrize("kind, expected", [("all", 4), ("positive", 2), ("negative", 2),
                                            ("unanimous", 1), ("disputed", 2)])
def test_filter_kinds(kind, expected):
    assert len(browse.filter_shots(TABLE, kind)) == expected


def test_filter_genre_and_literal_text():
    assert len(browse.filter_shots(TABLE, genres=["action"])) == 2
    assert browse.filter_shots(TABLE, text="heat")["title"].tolist() == [
        "<b>Heat</b> - Shootout", "Heat 2"]
    assert len(browse.filter_shots(TABLE, text="<b>")) == 1  # literal, not a regex
    assert browse.filter_shots(TABLE, text="k3|0")["title"].tolist() == ["Up"]  # keys too
    assert len(browse.filter_shots(TABLE, "positive", ["action"], "bill")) == 1
    with pytest.raises(ValueError):
        browse.filter_shots(TABLE, "maybe")


def test_positive_rate_by_genre():
    out = browse.positive_rate_by_genre(TABLE).set_index("genre")
    assert out.loc["action", "shots"] == 2 and out.loc["action", "pos_rate"] == 0.5
    assert out.loc["(none)", "pos_rate"] == 1.0 and out.loc["crime", "pos_rate"] == 0.0


def test_paging():
    t = pd.DataFrame({"i": range(25)})
    assert browse.n_pages(25, 10) == 3 and browse.n_pages(0, 10) == 1
    assert browse.page_of(t, 3, 10)["i"].tolist() == list(range(20, 25))
    assert browse.page_of(t, 9, 10)["i"].tolist() == list(range(20, 25))


def test_group_summary_by_hand():
    from dashboard.dataset.summary import group_summary

    tasks = pd.DataFrame({"task": ["a", "b", "c", "d"], "group": ["g1", "g1", "g2", "g2"],
                          "agg": [100, 300, 50, 0], "positives": [10, 30, 5, 0],
                          "pos_rate": [0.1, 0.1, 0.1, 0.0], "agreement": [0.8, 0.9, 1.0, 0.0],
                          "data_score": [0.5, 0.7, 0.2, 0.0], "checkpoints": [3, 5, 1, 0],
                          "error": ["", "", "", "agg/d.json: broken"]})
    g = group_summary(tasks).set_index("group")
    assert list(g.index) == ["g1", "g2"]
    assert g.loc["g1", "tasks"] == 2 and g.loc["g1", "agg"] == 200
    assert g.loc["g1", "agreement"] == pytest.approx(0.85)
    assert g.loc["g2", "tasks"] == 1 and g.loc["g2", "data_score"] == pytest.approx(0.2)
