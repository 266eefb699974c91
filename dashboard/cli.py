"""``python -m dashboard``: one command line whose commands are registered by the packages.

Each package's ``cli`` module has a ``GROUP`` title and ``add_parsers(group)``; ``--help``
lists the commands under their group.
"""
from __future__ import annotations

import argparse
import sys

from .annotate import cli as annotate_cli
from .dataset import cli as dataset_cli
from .dataset import config
from .demo import cli as demo_cli
from .demo import data_dir
from .annotate.store import StoreError
from .annotate.workspace import open_workspace
from .errors import DataError
from .experiments import cli as experiments_cli
from .live import cli as live_cli
from .report import cli as report_cli

PACKAGES = (demo_cli, dataset_cli, experiments_cli, live_cli, annotate_cli, report_cli)


class CommandGroup:
    """The subparsers of one package: adds commands and remembers them for ``--help``."""

    def __init__(self, subparsers, title: str):
        self._subparsers = subparsers
        self.title = title
        self.commands: list[tuple[str, str]] = []

    def add_parser(self, name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        self.commands.append((name, help))
        return self._subparsers.add_parser(name, description=help, **kwargs)

    def describe(self) -> str:
        width = max(len(name) for name, _ in self.commands) + 2
        return "\n".join([f"{self.title}:"] + [f"  {name:<{width}}{text}"
                                                  for name, text in self.commands])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Video Annotator dashboard from the command line. With no DATA_DIR, a "
                    f"command uses ${config.DATA_ENV}, else the generated demo dataset.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                       help="one of the commands below; COMMAND --help for more")
    groups = []
    for package in PACKAGES:
        group = CommandGroup(subparsers, package.GROUP)
        package.add_parsers(group)
        groups.append(group)
    parser.epilog = "\n\n".join(g.describe() for g in groups)
    parser.set_defaults(open_dataset=open_workspace)  # a data folder + the app-made tasks
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if "data_dir" in vars(args):  # every command's DATA_DIR: given, $VA_DATA_DIR or the demo
            args.data_dir = data_dir(args.data_dir)
        return args.func(args)
    except (DataError, StoreError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
