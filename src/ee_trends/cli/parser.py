"""The parser of ``ee-trends``: one ``add_*`` function per subcommand (its options), each
naming its ``cmd_*`` function in :mod:`ee_trends.cli.commands`, registered in
:data:`SUBCOMMANDS`."""

from __future__ import annotations

import argparse

from ee_trends import __version__
from ee_trends.cli import arguments, commands
from ee_trends.cli.arguments import Adder, Subparsers


def add_fetch(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    fetch = sub.add_parser(
        "fetch",
        parents=[common],
        help="download the feed (or read a saved one) and keep it as a new dated capture",
        description="Fetch the Express Entry rounds feed, check it, and keep it in "
        "<data dir>/raw/ as a new dated capture with its provenance. A feed that is not "
        "valid or has fewer rounds than the newest capture kept is refused; one identical "
        "to the newest capture is not written again.",
    )
    fetch.add_argument(
        "--from",
        dest="feed",
        metavar="PATH_OR_URL",
        help="saved feed file (.json or .json.gz) or http(s) URL (default: the live IRCC feed)",
    )
    fetch.add_argument(
        "--force",
        action="store_true",
        help="keep the feed even if it has fewer rounds than the newest capture kept",
    )
    fetch.add_argument(
        "--timeout",
        type=arguments.seconds,
        default=30.0,
        metavar="S",
        help="network timeout in seconds",
    )
    fetch.add_argument(
        "--retries",
        type=arguments.retries,
        default=3,
        metavar="N",
        help="retries on transient errors",
    )
    fetch.set_defaults(func=commands.cmd_fetch)


def add_info(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    info = sub.add_parser(
        "info", parents=[common], help="show what is loaded: captures, rounds, dates, programs"
    )
    info.set_defaults(func=commands.cmd_info)


def add_build(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    build = sub.add_parser(
        "build", parents=[common], help="rebuild the processed cache from the raw captures"
    )
    build.set_defaults(func=commands.cmd_build)


def add_report(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    report = sub.add_parser(
        "report",
        parents=[common],
        help="regenerate every chart (PNG, SVG), its tables (CSV) and index.html",
        description="Regenerate the report: every chart as PNG and SVG, the tables behind "
        "them as CSV, and one self-contained index.html. The folder is written whole into a "
        "temporary folder and then moved into place; a folder not made by this command is "
        "never replaced.",
    )
    report.add_argument(
        "--out",
        type=arguments.output_dir,
        default="reports",
        metavar="DIR",
        help="report folder (default: reports/)",
    )
    report.add_argument(
        "--docs",
        type=arguments.output_dir,
        metavar="DIR",
        help="also write the README's charts as small PNGs into DIR (e.g. docs/)",
    )
    report.add_argument(
        "--fetch",
        action="store_true",
        help="first keep a new capture of the live feed (as `ee-trends fetch`) when the "
        "source is the data folder; if that fails, warn and go on with the captures kept, "
        "else the shipped snapshot",
    )
    report.set_defaults(func=commands.cmd_report)


def add_export(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser(
        "export",
        parents=[common],
        help="write draws and pool as CSV (or Parquet) with a datapackage.json, for Excel or R",
        description="Write the draws and the pool as formula-safe CSV files (ISO 8601 UTC "
        "timestamps, each program's key and label) or Parquet, with a Frictionless "
        "datapackage.json: each column's type, description, unit and missing value, the "
        "source, its licence and the capture. The folder is written whole; a folder not "
        "made by this command is never replaced.",
    )
    export.add_argument(
        "--out", type=arguments.output_dir, required=True, metavar="DIR", help="export folder"
    )
    export.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default: csv)"
    )
    export.set_defaults(func=commands.cmd_export)


def add_standing(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    standing = sub.add_parser(
        "standing",
        parents=[common],
        help="where a CRS score stands: the pool at or above it, recent rounds it reached",
        description="From the newest published pool distribution: the candidates scoring at "
        "or above SCORE (a range when SCORE falls inside a published CRS range) and their "
        "share of the pool; for each program with a round in the last 12 months, how many "
        "of its rounds had a cutoff at or below SCORE, and the latest of them.",
    )
    standing.add_argument(
        "score", type=arguments.score, metavar="SCORE", help="a CRS score, 0 to 1200"
    )
    arguments.on_option(standing, "the date asked, for the age of the data")
    standing.add_argument("--json", action="store_true", help="print the result as JSON")
    standing.set_defaults(func=commands.cmd_standing)


def add_revisions(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    revisions = sub.add_parser(
        "revisions",
        parents=[common],
        help="list the changes IRCC made to published rounds between captures",
        description="Compare consecutive captures (--source: a folder of captures; default: "
        "$EE_TRENDS_SOURCE, else the data folder's raw/) and summarise every change to a "
        "published round: what changed, from what to what, and the capture it was first "
        "seen in.",
    )
    revisions.add_argument(
        "--all",
        action="store_true",
        help="include cosmetic-only changes (whitespace, thousands separators)",
    )
    revisions.add_argument(
        "--list", action="store_true", help="print every change, not only counts"
    )
    revisions.add_argument(
        "--json", action="store_true", help="print the captures and every change as JSON"
    )
    revisions.set_defaults(func=commands.cmd_revisions)


def add_context(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    context = sub.add_parser(
        "context",
        parents=[common],
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
    context.add_argument(
        "--since",
        type=arguments.date,
        metavar="YYYY-MM-DD",
        help="also rank the round since this day",
    )
    context.add_argument(
        "--recent",
        type=arguments.positive,
        default=5,
        metavar="N",
        help="previous rounds for the cutoff median (default: 5)",
    )
    context.set_defaults(func=commands.cmd_context)


def add_predict(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    predict = sub.add_parser(
        "predict",
        parents=[common],
        help="what if: expected cutoff and its interval for a round of a given size",
        description="Forecast the cutoff of a round of PROGRAM with N invitations on DATE "
        "from the rounds before DATE (ee_trends.models.predict_cutoff): a size-adjusted level "
        "plus the program's size slope, with a predictive distribution. The size effect is "
        "an association conditional on the pool, not a causal effect.",
    )
    predict.add_argument(
        "--program",
        type=arguments.program,
        required=True,
        help="program key, e.g. cec, pnp, french (any case)",
    )
    predict.add_argument(
        "--invitations", type=arguments.invitations, required=True, metavar="N", help="draw size"
    )
    arguments.on_option(predict, "date of the round")
    predict.add_argument(
        "--score",
        type=arguments.score,
        metavar="CRS",
        help="also print the chance a score is invited",
    )
    predict.add_argument("--json", action="store_true", help="print the prediction as JSON")
    predict.set_defaults(func=commands.cmd_predict)


def add_chances(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    chances = sub.add_parser(
        "chances",
        parents=[common],
        help="the chance that a CRS score is invited within 4, 8, 12 or 26 weeks",
        description="The chance that a candidate with SCORE, eligible for the programs "
        "given, is invited within each window (ee_trends.chances): simulated rounds of those "
        "programs and of all-program rounds, with their cutoffs from the what-if forecaster. "
        "Left out: tie-breaks, a score that changes, category eligibility rules and policy "
        "changes.",
    )
    chances.add_argument(
        "score", type=arguments.score, metavar="SCORE", help="a CRS score, 0 to 1200"
    )
    chances.add_argument(
        "--program",
        type=arguments.program,
        action="append",
        required=True,
        help="a program the candidate is eligible for (repeat for more), e.g. cec, french",
    )
    arguments.weeks_option(chances, (4, 8, 12, 26))
    arguments.on_option(chances, "first day of the windows")
    chances.add_argument("--json", action="store_true", help="print the chances as JSON")
    chances.set_defaults(func=commands.cmd_chances)


def add_next(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    upcoming = sub.add_parser(
        "next",
        parents=[common],
        help="when the next round of a program is likely: within 2, 4 or 8 weeks",
        description="The chance of at least one round of PROGRAM within each window, the "
        "expected number of rounds and the likely date of the next one "
        "(ee_trends.models.next_rounds), from the gaps between its recent rounds with a "
        "chance of a pause.",
    )
    upcoming.add_argument(
        "--program",
        type=arguments.program,
        required=True,
        help="program key, e.g. cec, pnp, french",
    )
    arguments.weeks_option(upcoming, (2, 4, 8))
    arguments.on_option(upcoming, "first day of the windows")
    upcoming.add_argument("--json", action="store_true", help="print the timing as JSON")
    upcoming.set_defaults(func=commands.cmd_next)


SUBCOMMANDS: tuple[Adder, ...] = (
    add_fetch,
    add_info,
    add_build,
    add_report,
    add_export,
    add_revisions,
    add_context,
    add_predict,
    add_standing,
    add_chances,
    add_next,
)
"""The subcommands, in ``--help`` order. Add one with an ``_add_*`` and a ``_cmd_*`` function."""


def build_parser() -> argparse.ArgumentParser:
    from ee_trends.data.resolve import OFFLINE_SOURCES

    common = arguments.common_options()
    parser = arguments.Parser(
        prog="ee-trends",
        parents=[common],
        description="Study Canada's Express Entry rounds of invitations. --data-dir and "
        "--source go before or after the command.",
        epilog="Offline: when the live feed cannot be fetched and no capture is kept in the "
        "data folder, the commands read the snapshot shipped with ee_trends and warn once "
        '("offline: using the shipped snapshot"). To update it, run `ee-trends fetch` when '
        f"online; {OFFLINE_SOURCES}.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub, common)
    return parser
