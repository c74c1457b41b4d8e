"""The ``ee-trends`` command: fetch, build, info, and the analysis commands.

Each subcommand is one ``_cmd_*`` function registered in :func:`build_parser`;
the work itself lives in the package's modules.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ee_trends.errors import FeedError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ee-trends",
        description="Study Canada's Express Entry rounds of invitations.",
    )
    parser.add_argument(
        "--data-dir",
        help="data folder holding raw/ and processed/ "
        "(default: $EE_TRENDS_DATA_DIR, else the checkout's data/, else a user cache)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = sub.add_parser("info", help="show what is loaded: captures, rounds, dates, programs")
    info.add_argument("--source", help="feed file, folder of captures or URL")
    info.set_defaults(func=_cmd_info)

    build = sub.add_parser("build", help="rebuild the processed cache from the raw captures")
    build.add_argument("--source", help="feed file, folder of captures or URL")
    build.set_defaults(func=_cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (FeedError, FileNotFoundError) as err:
        print(f"ee-trends: error: {err}", file=sys.stderr)
        return 1


def _cmd_info(args: argparse.Namespace) -> int:
    from ee_trends.load import describe

    print(describe(args.source, data_dir=args.data_dir))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from ee_trends.load import build_cache

    paths = build_cache(args.source, data_dir=args.data_dir)
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
