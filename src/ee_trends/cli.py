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

    fetch = sub.add_parser(
        "fetch",
        help="download the feed (or read a saved one) and keep it as a new dated capture",
        description="Fetch the Express Entry rounds feed, check it, and keep it in "
        "<data dir>/raw/ as a new dated capture with its provenance. A feed that is not "
        "valid or has fewer rounds than the newest capture kept is refused; one identical "
        "to the newest capture is not written again.",
    )
    fetch.add_argument(
        "--from",
        dest="source",
        metavar="PATH_OR_URL",
        help="saved feed file (.json or .json.gz) or http(s) URL (default: the live IRCC feed)",
    )
    fetch.add_argument(
        "--force",
        action="store_true",
        help="keep the feed even if it has fewer rounds than the newest capture kept",
    )
    fetch.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="network timeout in seconds"
    )
    fetch.add_argument(
        "--retries", type=int, default=3, metavar="N", help="retries on transient errors"
    )
    fetch.set_defaults(func=_cmd_fetch)

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


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ee_trends.fetch import fetch_capture

    try:
        result = fetch_capture(
            args.source,
            data_dir=args.data_dir,
            force=args.force,
            timeout=args.timeout,
            retries=args.retries,
        )
    except FeedError:
        raise  # network and feed errors: reported by main()
    except (OSError, ValueError) as err:  # the disk, or a bad --timeout/--retries
        print(f"ee-trends: error: {err}", file=sys.stderr)
        return 1
    summary = f"{result.rounds} rounds, sha256 {result.sha256[:12]}"
    if result.unchanged:
        print(f"unchanged since {result.path.name}: {result.path} ({summary})")
    else:
        print(f"wrote {result.path} ({summary})")
    return 0


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
