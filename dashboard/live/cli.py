"""``python -m dashboard score-model MODEL``: load a saved model (trusted types only) and list
the corpus's top shots under it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..dataset.atomic import write_atomic
from ..errors import DataError
from . import corpus, estimators, model_io


def cmd_score_model(args) -> int:
    ds = args.open_dataset(args.data_dir)
    if not args.model.is_file():
        raise DataError(args.model, "file is missing")
    estimator = model_io.load(args.model.read_bytes(), str(args.model), ds.dim)
    scores = estimators.score_rows(estimator, ds.embeddings)
    exclude = corpus.labeled_rows(ds, args.task) if args.task else None
    table = corpus.shots_at(ds, corpus.top_rows(scores, args.top, exclude), scores)
    print(f"{type(estimator).__name__} from {args.model} on {ds.root}: "
          f"{int((scores >= 0.5).sum()):,} of {ds.n_shots:,} shots score >= 0.5")
    with pd.option_context("display.width", 200, "display.max_colwidth", 50):
        print(table.drop(columns=["thumbnail"]).to_string(index=False))
    if args.out:
        write_atomic(args.out, lambda f: table.to_csv(f, index=False))
        print(f"wrote {args.out}")
    return 0


GROUP = "models"


def add_parsers(group) -> None:
    """Register ``score-model`` on the CLI's subparsers."""
    p = group.add_parser("score-model", help="score the corpus with a saved .skops model")
    p.add_argument("model", type=Path, help="a model file saved from Train & tune (.skops)")
    p.add_argument("data_dir", nargs="?", type=Path, help="dataset folder")
    p.add_argument("--top", type=int, default=20, help="shots to list (default 20)")
    p.add_argument("--task", help="leave out the shots this task has labeled")
    p.add_argument("--out", type=Path, help="write the listed shots as CSV")
    p.set_defaults(func=cmd_score_model)
