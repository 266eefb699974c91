"""The embedding map: coordinates fixed by the seed, agreement colouring from the votes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.dataset.projection import DISPUTED, UNANIMOUS, embedding_map
from dashboard.figures import embedding_map as figures_map
from dashboard.figures.embedding_map import corpus_density
from dashboard.figures.embedding_map import embedding_map as map_figure

TASK = "car-chase"


def test_coordinates_are_deterministic_for_a_seed(ds):
    first, again = (embedding_map(ds, TASK, seed=3, background=1_000) for _ in range(2))
    pd.testing.assert_frame_equal(first.points, again.points)
    pd.testing.assert_frame_equal(first.background, again.background)
    other = embedding_map(ds, TASK, seed=4, background=1_000)  # another sample, same plane
    assert not np.array_equal(first.background.to_numpy(), other.background.to_numpy())
    np.testing.assert_allclose(first.points[["x", "y"]], other.points[["x", "y"]], atol=1e-3)
    # PCA of the task's agg shots: centred coordinates, variance shares in decreasing order
    np.testing.assert_allclose(first.points[["x", "y"]].mean(), 0, atol=1e-4)
    assert first.explained[0] >= first.explained[1] > 0
    assert len(first.points) == len(ds.agg_votes(TASK).table)
    with pytest.raises(ValueError, match="umap"):
        embedding_map(ds, TASK, method="umap")


def test_agreement_colouring_matches_the_votes(ds):
    agg = ds.agg_votes(TASK)
    votes = agg.table.set_index("key")[list(agg.annotators)]
    disputed = set(votes.index[votes.nunique(axis=1) > 1])
    emap = embedding_map(ds, TASK)
    assert set(emap.points.loc[emap.points["agreement"] == DISPUTED, "key"]) == disputed
    assert (emap.points["agreement"] == UNANIMOUS).mean() == pytest.approx(agg.agreement)

    fig = map_figure(emap, agg.annotators, "agreement")
    traces = {t.name.split(" (")[0]: t for t in fig.data[1:]}
    assert set(traces["disputed"].customdata[:, 0]) == disputed
    assert traces["disputed"].name == f"disputed ({len(disputed):,})"
    assert fig.data[0].type == "heatmap" and fig.data[0].hoverinfo == "skip"  # the corpus
    assert {t.type for t in fig.data[1:]} == {"scatter"}  # SVG: no WebGL context for ~1,000
    row = emap.points.set_index("key").loc[traces["unanimous"].customdata[0, 0]]
    names = " · ".join(f"{a} {'yes' if row[a] else 'no'}" for a in agg.annotators)
    assert traces["unanimous"].customdata[0, 2] == names  # hover: each annotator's vote


def test_the_corpus_shading_counts_every_sampled_shot_once(ds, monkeypatch):
    emap = embedding_map(ds, TASK, background=1_000)
    shade = corpus_density(emap.background, bins=10).z
    assert np.nansum(np.expm1(np.asarray(shade, float))) == pytest.approx(1_000)
    one = pd.DataFrame({"x": [0.0, 0.0, 1.0], "y": [0.0, 0.0, 1.0]})
    z = np.asarray(corpus_density(one, bins=2).z, float)  # rows: y, columns: x
    np.testing.assert_allclose(z, [[np.log(3), np.nan], [np.nan, np.log(2)]])
    monkeypatch.setattr(figures_map, "SVG_POINTS", 10)  # beyond it, points go to WebGL
    fig = map_figure(emap, ds.agg_votes(TASK).annotators, "label")
    assert {t.type for t in fig.data[1:]} == {"scattergl"}
