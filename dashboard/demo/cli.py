"""``python -m dashboard demo-data``: generate a demo folder."""
from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from .config import DEMO_SEED, DEMO_SHOTS
from .generator import generate

GROUP = "demo"


def cmd_demo_data(args) -> int:
    with tqdm(total=100, desc="demo data", unit="%",
              bar_format="{l_bar}{bar}| {postfix}") as bar:
        def update(fraction: float, message: str) -> None:
            bar.n = round(100 * fraction)
            bar.set_postfix_str(message)
        path = generate(args.out, args.shots, args.seed, update)
    print(f"wrote {path}")
    return 0


def add_parsers(group) -> None:
    """Register ``demo-data``."""
    p = group.add_parser("demo-data", help="generate a demo dataset in the released layout")
    p.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    p.add_argument("--shots", type=int, default=DEMO_SHOTS, help="number of shots")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")
    p.set_defaults(func=cmd_demo_data)
