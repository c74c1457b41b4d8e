"""The ``ee-trends`` command: fetch, build, info, and the analysis commands.

Each subcommand is one ``_cmd_*`` function registered in :func:`build_parser`;
the work itself lives in the package's modules.
"""

from __future__ import annotations

import argparse
import os
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
    source = argparse.ArgumentParser(add_help=False)
    source.add_argument(
        "--source",
        help="feed file (.json, .json.gz), folder of captures or URL "
        "(default: $EE_TRENDS_SOURCE, else the captures in the data folder, else the live feed)",
    )

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

    info = sub.add_parser(
        "info", parents=[source], help="show what is loaded: captures, rounds, dates, programs"
    )
    info.set_defaults(func=_cmd_info)

    build = sub.add_parser(
        "build", parents=[source], help="rebuild the processed cache from the raw captures"
    )
    build.set_defaults(func=_cmd_build)

    report = sub.add_parser(
        "report",
        parents=[source],
        help="regenerate every chart (PNG, SVG), its tables (CSV) and index.html",
        description="Regenerate the report: every chart as PNG and SVG, the tables behind "
        "them as CSV, and one self-contained index.html. The folder is written whole into a "
        "temporary folder and then moved into place; a folder not made by this command is "
        "never replaced.",
    )
    report.add_argument(
        "--out", default="reports", metavar="DIR", help="report folder (default: reports/)"
    )
    report.add_argument(
        "--docs",
        metavar="DIR",
        help="also write the README's charts as small PNGs into DIR (e.g. docs/)",
    )
    report.set_defaults(func=_cmd_report)

    standing = sub.add_parser(
        "standing",
        parents=[source],
        help="where a CRS score stands: the pool at or above it, recent rounds it reached",
        description="From the newest published pool distribution: the candidates scoring at "
        "or above SCORE (a range when SCORE falls inside a published CRS range) and their "
        "share of the pool; for each program with a round in the last 12 months, how many "
        "of its rounds had a cutoff at or below SCORE, and the latest of them.",
    )
    standing.add_argument("score", type=_score, metavar="SCORE", help="a CRS score, 0 to 1200")
    standing.add_argument("--json", action="store_true", help="print the result as JSON")
    standing.set_defaults(func=_cmd_standing)

    revisions = sub.add_parser(
        "revisions",
        help="list the changes IRCC made to published rounds between captures",
        description="Compare consecutive captures and summarise every change to a published "
        "round: field, old value, new value, and the capture it was first seen in.",
    )
    revisions.add_argument(
        "--source",
        help="folder of captures (default: $EE_TRENDS_SOURCE, else the data folder's raw/)",
    )
    revisions.add_argument(
        "--all",
        action="store_true",
        help="include cosmetic-only changes (whitespace, thousands separators)",
    )
    revisions.add_argument(
        "--list", action="store_true", help="print every change, not only counts"
    )
    revisions.set_defaults(func=_cmd_revisions)

    context = sub.add_parser(
        "context",
        parents=[source],
        help="one round against its history: size rank, larger rounds before it, cutoff, pool",
        description="Put one round in context, to check a claim such as 'the largest draw "
        "in 16 months': its rank by size, the last earlier round at least as large (within "
        "its program and across all programs), its cutoff against recent rounds, invitations "
        "year to date, and the candidates at or above its cutoff.",
    )
    context.add_argument(
        "draw_id", nargs="?", metavar="DRAW_ID", help="the round, e.g. 384 or 91a (default: newest)"
    )
    context.add_argument("--json", action="store_true", help="print the context as JSON")
    context.add_argument("--since", metavar="YYYY-MM-DD", help="also rank the round since this day")
    context.add_argument(
        "--recent", type=int, default=5, metavar="N", help="previous rounds for the cutoff median"
    )
    context.set_defaults(func=_cmd_context)

    predict = sub.add_parser(
        "predict",
        parents=[source],
        help="what if: expected cutoff and 90%% interval for a round of a given size",
        description="Forecast the cutoff of a round of PROGRAM with N invitations on DATE "
        "from the rounds before DATE (ee_trends.models.predict_cutoff). The size effect is "
        "an association, not a causal effect.",
    )
    predict.add_argument("--program", required=True, help="program key, e.g. cec, pnp, french")
    predict.add_argument("--invitations", type=int, required=True, metavar="N", help="draw size")
    predict.add_argument(
        "--on", metavar="YYYY-MM-DD", help="date of the round (default: the day after the newest)"
    )
    predict.add_argument("--json", action="store_true", help="print the prediction as JSON")
    predict.set_defaults(func=_cmd_predict)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except (FeedError, FileNotFoundError) as err:
        print(f"ee-trends: error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into a command that stopped reading (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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


def _cmd_revisions(args: argparse.Namespace) -> int:
    import pandas as pd

    from ee_trends.diff import revisions, summarize_revisions

    table = revisions(args.source, data_dir=args.data_dir)
    hidden = int(table["cosmetic"].sum()) if not args.all else 0
    shown = table if args.all else table[~table["cosmetic"]]
    if shown.empty:
        print("no changes to published rounds" + (f" ({hidden} cosmetic hidden)" if hidden else ""))
        return 0
    print(
        f"{len(shown)} changes to {shown['draw_id'].nunique()} rounds, first seen in "
        f"{shown['first_seen_in'].nunique()} captures"
        + (f" ({hidden} cosmetic-only hidden; --all shows them)" if hidden else "")
    )
    print()
    summary = summarize_revisions(shown)
    print((summary if args.all else summary.drop(columns="cosmetic")).to_string())
    print()
    by_capture = shown.groupby("first_seen_in", sort=False).agg(
        changes=("field", "size"), rounds=("draw_id", "nunique")
    )
    print(by_capture.to_string())
    if args.list:
        print()
        with pd.option_context("display.max_rows", None, "display.max_colwidth", 60):
            print(shown.drop(columns="first_seen_at").to_string(index=False))
    return 0


def _cmd_context(args: argparse.Namespace) -> int:
    from ee_trends.context import draw_context
    from ee_trends.load import load_tables

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    draw_id = args.draw_id if args.draw_id is not None else draws["draw_id"].iloc[-1]
    try:
        context = draw_context(draws, draw_id, pool=pool, since=args.since, recent=args.recent)
    except KeyError as err:
        print(f"ee-trends: error: {err.args[0]}", file=sys.stderr)
        return 1
    if args.json:
        print(context.to_json(indent=1))
    else:
        print(context.to_text())
        print()
        print(context.table().to_string(index=False))
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from ee_trends.load import load_tables
    from ee_trends.models import predict_cutoff

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    on = pd.Timestamp(args.on) if args.on else draws["draw_date"].max() + pd.Timedelta(days=1)
    if args.invitations <= 0:
        print("ee-trends: error: --invitations must be positive", file=sys.stderr)
        return 2
    try:
        result = predict_cutoff(
            draws, program=args.program, invitations=args.invitations, on=on, pool=pool
        )
    except ValueError as err:
        print(f"ee-trends: error: {err}", file=sys.stderr)
        return 1
    if args.json:
        record = {
            "program": result.program,
            "invitations": result.invitations,
            "on": f"{result.on:%Y-%m-%d}",
            "estimate": round(result.estimate, 1),
            "low": round(result.low, 1),
            "high": round(result.high, 1),
            "level": result.level,
            "based_on": result.based_on,
        }
        print(json.dumps(record, indent=1))
    else:
        print(result)
        print(f"based on {result.based_on}")
        forecasts, weights = result.components["forecasts"], result.components["weights"]
        print(
            f"candidates (weight from their errors over the last "
            f"{result.components['weight_rounds']} rounds): "
            + ", ".join(
                f"{name} {value:.0f} ({weights[name]:.2f})" for name, value in forecasts.items()
            )
        )
    return 0


def _score(text: str) -> int:
    from ee_trends.score_standing import check_score

    try:
        return check_score(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _cmd_standing(args: argparse.Namespace) -> int:
    from ee_trends.load import load_tables
    from ee_trends.score_standing import standing

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    result = standing(args.score, draws, pool)
    print(result.to_json(indent=1) if args.json else result.to_text())
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from ee_trends.report import ReportError, write_report

    try:
        index = write_report(args.out, source=args.source, data_dir=args.data_dir, docs=args.docs)
    except ReportError as err:
        print(f"ee-trends: error: {err}", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
