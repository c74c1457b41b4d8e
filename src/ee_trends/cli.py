"""The ``ee-trends`` command: fetch, build, info, and the analysis commands.

Each subcommand is one ``_add_*`` function (its options) and one ``_cmd_*``
function (its work, which lives in the package's modules), registered in
:data:`SUBCOMMANDS`. Arguments are checked when parsed; every failure is one
line on stderr naming what is wrong and what to do, with exit status 2 (130
after Ctrl-C), never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import math
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from ee_trends import __version__
from ee_trends.errors import FeedError

ERROR = 2
"""Exit status of every failure: bad arguments, bad input, missing permissions."""

INTERRUPTED = 130
"""Exit status after Ctrl-C."""


# --------------------------------------------------------------------------- argument types


def _date(text: str) -> dt.date:
    """A day ``YYYY-MM-DD`` in the years a feed's dates may have (:data:`~ee_trends.data.
    parsers.YEARS`)."""
    from ee_trends.data.parsers import YEARS

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None
    if day.year not in YEARS:
        raise argparse.ArgumentTypeError(f"{text}: give a date between {YEARS[0]} and {YEARS[-1]}")
    return day


def _count(text: str, *, least: int, most: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not least <= value <= most:
        raise argparse.ArgumentTypeError(f"{value}: give a number from {least} to {most:,}")
    return value


def _invitations(text: str) -> int:
    """A draw size from 1 to the largest a forecast accepts."""
    from ee_trends.models.settings import MAX_INVITATIONS

    return _count(text, least=1, most=MAX_INVITATIONS)


def _positive(text: str) -> int:
    """A whole number from 1 to 1,000,000 (no round ever invited 30,000)."""
    return _count(text, least=1, most=1_000_000)


def _retries(text: str) -> int:
    """A whole number from 0 to 100."""
    return _count(text, least=0, most=100)


def _seconds(text: str) -> float:
    """A finite number of seconds > 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= 86_400):
        raise argparse.ArgumentTypeError(f"{text}: give a number of seconds > 0, at most 86400")
    return value


def _score(text: str) -> int:
    """A CRS score, a whole number from 0 to 1200."""
    from ee_trends.analysis.standing import check_score

    try:
        return check_score(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _program(text: str) -> str:
    """A program as typed (any case); checked against the programs of the rounds once they are
    loaded (:func:`ee_trends.programs.check_program`), so the keys an error offers are those
    the command accepts."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty program: name one, e.g. cec")
    return text.strip()


def _weeks(text: str) -> tuple[int, ...]:
    """Windows in weeks, comma-separated: ``4,8,12,26`` (whole numbers from 1 to 26)."""
    from ee_trends.models.timing import check_weeks

    parts = [part.strip() for part in text.split(",")]
    try:
        return check_weeks([int(part) for part in parts])
    except ValueError:
        from ee_trends.models.settings import MAX_WEEKS

        raise argparse.ArgumentTypeError(
            f"{text!r}: give weeks as whole numbers from 1 to {MAX_WEEKS}, comma-separated "
            "(e.g. 4,8,12,26)"
        ) from None


def _output_dir(text: str) -> Path:
    """A folder that is, or can be created, writable (checked before any work)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path: name a folder")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{path} is a file, not a folder")
    existing = next(folder for folder in (path, *path.absolute().parents) if folder.exists())
    if not existing.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{path}: no permission to write in {existing}")
    return path


# --------------------------------------------------------------------------- the parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line saying where the options are listed."""

    def error(self, message: str):
        self.exit(ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand.

    Their default is "not given" (absent from the namespace), so a value
    given before the subcommand is not reset by the subcommand's parser.
    """
    common = _Parser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="data folder holding raw/ and processed/ "
        "(default: $EE_TRENDS_DATA_DIR, else the checkout's data/, else a user cache)",
    )
    common.add_argument(
        "--source",
        default=argparse.SUPPRESS,
        metavar="PATH_OR_URL",
        help="feed file (.json, .json.gz), folder of captures or URL (default: "
        "$EE_TRENDS_SOURCE, else the captures in the data folder, else the live feed, "
        "else the snapshot shipped with ee_trends)",
    )
    return common


Subparsers = argparse._SubParsersAction
Adder = Callable[[Subparsers, argparse.ArgumentParser], None]


def _add_fetch(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        "--timeout", type=_seconds, default=30.0, metavar="S", help="network timeout in seconds"
    )
    fetch.add_argument(
        "--retries", type=_retries, default=3, metavar="N", help="retries on transient errors"
    )
    fetch.set_defaults(func=_cmd_fetch)


def _add_info(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    info = sub.add_parser(
        "info", parents=[common], help="show what is loaded: captures, rounds, dates, programs"
    )
    info.set_defaults(func=_cmd_info)


def _add_build(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    build = sub.add_parser(
        "build", parents=[common], help="rebuild the processed cache from the raw captures"
    )
    build.set_defaults(func=_cmd_build)


def _add_report(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        type=_output_dir,
        default="reports",
        metavar="DIR",
        help="report folder (default: reports/)",
    )
    report.add_argument(
        "--docs",
        type=_output_dir,
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
    report.set_defaults(func=_cmd_report)


def _add_export(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        "--out", type=_output_dir, required=True, metavar="DIR", help="export folder"
    )
    export.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default: csv)"
    )
    export.set_defaults(func=_cmd_export)


def _add_standing(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    standing = sub.add_parser(
        "standing",
        parents=[common],
        help="where a CRS score stands: the pool at or above it, recent rounds it reached",
        description="From the newest published pool distribution: the candidates scoring at "
        "or above SCORE (a range when SCORE falls inside a published CRS range) and their "
        "share of the pool; for each program with a round in the last 12 months, how many "
        "of its rounds had a cutoff at or below SCORE, and the latest of them.",
    )
    standing.add_argument("score", type=_score, metavar="SCORE", help="a CRS score, 0 to 1200")
    _on_option(standing, "the date asked, for the age of the data")
    standing.add_argument("--json", action="store_true", help="print the result as JSON")
    standing.set_defaults(func=_cmd_standing)


def _add_revisions(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
    revisions.set_defaults(func=_cmd_revisions)


def _add_context(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        "--since", type=_date, metavar="YYYY-MM-DD", help="also rank the round since this day"
    )
    context.add_argument(
        "--recent",
        type=_positive,
        default=5,
        metavar="N",
        help="previous rounds for the cutoff median (default: 5)",
    )
    context.set_defaults(func=_cmd_context)


def _add_predict(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        type=_program,
        required=True,
        help="program key, e.g. cec, pnp, french (any case)",
    )
    predict.add_argument(
        "--invitations", type=_invitations, required=True, metavar="N", help="draw size"
    )
    predict.add_argument(
        "--on",
        type=_date,
        metavar="YYYY-MM-DD",
        help="date of the round (default: the day after the newest round while the data is "
        "fresh, else today)",
    )
    predict.add_argument(
        "--score", type=_score, metavar="CRS", help="also print the chance a score is invited"
    )
    predict.add_argument("--json", action="store_true", help="print the prediction as JSON")
    predict.set_defaults(func=_cmd_predict)


def _on_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--on",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"{what} (default: the day after the newest round while the data is fresh, "
        "else today)",
    )


def _weeks_option(parser: argparse.ArgumentParser, default: tuple[int, ...]) -> None:
    parser.add_argument(
        "--weeks",
        type=_weeks,
        default=default,
        metavar="W,W,...",
        help=f"windows in weeks, 1 to 26 (default: {','.join(map(str, default))})",
    )


def _add_chances(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
    chances.add_argument("score", type=_score, metavar="SCORE", help="a CRS score, 0 to 1200")
    chances.add_argument(
        "--program",
        type=_program,
        action="append",
        required=True,
        help="a program the candidate is eligible for (repeat for more), e.g. cec, french",
    )
    _weeks_option(chances, (4, 8, 12, 26))
    _on_option(chances, "first day of the windows")
    chances.add_argument("--json", action="store_true", help="print the chances as JSON")
    chances.set_defaults(func=_cmd_chances)


def _add_next(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
        "--program", type=_program, required=True, help="program key, e.g. cec, pnp, french"
    )
    _weeks_option(upcoming, (2, 4, 8))
    _on_option(upcoming, "first day of the windows")
    upcoming.add_argument("--json", action="store_true", help="print the timing as JSON")
    upcoming.set_defaults(func=_cmd_next)


SUBCOMMANDS: tuple[Adder, ...] = (
    _add_fetch,
    _add_info,
    _add_build,
    _add_report,
    _add_export,
    _add_revisions,
    _add_context,
    _add_predict,
    _add_standing,
    _add_chances,
    _add_next,
)
"""The subcommands, in ``--help`` order. Add one with an ``_add_*`` and a ``_cmd_*`` function."""


def build_parser() -> argparse.ArgumentParser:
    from ee_trends.data.resolve import OFFLINE_SOURCES

    common = _common_options()
    parser = _Parser(
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


# --------------------------------------------------------------------------- running


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit status (0, :data:`ERROR` or :data:`INTERRUPTED`).

    Arguments refused by the parser (and ``--help``) end in argparse's ``SystemExit``
    (status 2, or 0 for help) after its one-line message.
    """
    try:
        with _one_line_messages():
            args = build_parser().parse_args(argv)
            args.data_dir = getattr(args, "data_dir", None)
            args.source = getattr(args, "source", None)
            return args.func(args) or 0
    except KeyboardInterrupt:
        print("\nee-trends: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # output piped into a command that stopped reading (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ERROR
    except (FeedError, OSError, ValueError) as err:
        print(f"ee-trends: error: {_explain(err)}", file=sys.stderr)
        return ERROR


def _explain(err: Exception) -> str:
    """One line naming what is wrong and, where the error does not, what to do."""
    if isinstance(err, PermissionError):
        return f"no permission: {err.filename or err} (check its permissions, or use --data-dir)"
    if isinstance(err, FileNotFoundError) and err.filename is not None:
        return f"not found: {err.filename}"
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.strerror or err}: {err.filename}"
    return " ".join(str(err).split())


@contextlib.contextmanager
def _one_line_messages():
    """Warnings as ``ee-trends: warning: ...`` and log records as ``ee-trends: ...``, one line."""

    def show(message, category, filename, lineno, file=None, line=None):
        text = " ".join(str(message).split())
        print(f"ee-trends: warning: {text}", file=file or sys.stderr)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("ee-trends: %(message)s"))
    package = logging.getLogger("ee_trends")
    package.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = show
            yield
    finally:
        package.removeHandler(handler)


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ee_trends.data.fetch import fetch_capture
    from ee_trends.data.resolve import OFFLINE_HINT, is_url

    if args.source is not None:
        raise ValueError("fetch reads --from PATH_OR_URL, not --source")
    try:
        result = fetch_capture(
            args.feed,
            data_dir=args.data_dir,
            force=args.force,
            timeout=args.timeout,
            retries=args.retries,
        )
    except FeedError as err:
        if args.feed is None or is_url(args.feed):
            raise FeedError(f"{err}; {OFFLINE_HINT}") from err
        raise
    summary = f"{result.rounds} rounds, sha256 {result.sha256[:12]}"
    if result.unchanged:
        print(f"unchanged since {result.path.name}: {result.path} ({summary})")
    else:
        print(f"wrote {result.path} ({summary})")
    print(result.new_text())
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from ee_trends.analysis.info import info_text

    print(info_text(args.source, data_dir=args.data_dir))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from ee_trends.data.load import build_cache

    paths = build_cache(args.source, data_dir=args.data_dir)
    for path in paths:
        print(f"wrote {path}")
    return 0


def _cmd_revisions(args: argparse.Namespace) -> int:
    import json

    from ee_trends.data.revisions import compare_captures

    result = compare_captures(args.source, data_dir=args.data_dir)
    if args.json:
        print(json.dumps(result.to_dict(cosmetic=args.all), indent=1))
    else:
        print(result.to_text(cosmetic=args.all, every_change=args.list))
    return 0


def _cmd_context(args: argparse.Namespace) -> int:
    import pandas as pd

    from ee_trends.analysis.context import draw_context
    from ee_trends.data.load import load_tables

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    draw_id = args.draw_id if args.draw_id is not None else draws["draw_id"].iloc[-1]
    since = pd.Timestamp(args.since) if args.since is not None else None
    try:
        context = draw_context(draws, draw_id, pool=pool, since=since, recent=args.recent)
    except KeyError as err:
        raise ValueError(f"{err.args[0]}") from None
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

    from ee_trends.data.load import load_tables
    from ee_trends.models import predict_cutoff

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    on = pd.Timestamp(args.on) if args.on else None  # predict_cutoff's default date
    result = predict_cutoff(
        draws, program=args.program, invitations=args.invitations, on=on, pool=pool
    )
    if args.json:
        print(json.dumps(result.to_dict(args.score), indent=1))
    else:
        print(result.to_text(args.score))
    return 0


def _cmd_standing(args: argparse.Namespace) -> int:
    from ee_trends.analysis.standing import standing
    from ee_trends.data.load import load_tables

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    result = standing(args.score, draws, pool, on=args.on)
    print(result.to_json(indent=1) if args.json else result.to_text())
    return 0


def _cmd_chances(args: argparse.Namespace) -> int:
    from ee_trends.data.load import load_tables
    from ee_trends.models import chances

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    programs = tuple(args.program)
    _show(chances(args.score, draws, pool, programs=programs, weeks=args.weeks, on=args.on), args)
    return 0


def _cmd_next(args: argparse.Namespace) -> int:
    from ee_trends.data.load import load_tables
    from ee_trends.models import next_rounds

    draws, _ = load_tables(args.source, data_dir=args.data_dir)
    _show(next_rounds(draws, args.program, weeks=args.weeks, on=args.on), args)
    return 0


def _show(result, args: argparse.Namespace) -> None:
    """``result.to_dict()`` as JSON with ``--json``, else ``result.to_text()``."""
    import json

    print(json.dumps(result.to_dict(), indent=1) if args.json else result.to_text())


def _cmd_report(args: argparse.Namespace) -> int:
    from ee_trends.output.report import ReportError, write_report

    if args.fetch:
        _fetch_first(args)
    source = args.source
    try:
        index = write_report(args.out, source=source, data_dir=args.data_dir, docs=args.docs)
    except ReportError as err:
        raise ValueError(str(err)) from None
    print(index)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from ee_trends.errors import ReportError
    from ee_trends.output.export import write_export

    try:
        package = write_export(
            args.out, source=args.source, data_dir=args.data_dir, format=args.format
        )
    except ReportError as err:
        raise ValueError(str(err)) from None
    print(package)
    return 0


def _fetch_first(args: argparse.Namespace) -> None:
    """``report --fetch``: keep a new capture of the live feed when the report reads the
    captures kept; a failed fetch is a warning and the report goes on with them. With no
    capture kept, the resolution rule itself fetches the live feed once (else reads the
    shipped snapshot, with its warning); with a source given, nothing is fetched."""
    from ee_trends.data.captures import list_captures
    from ee_trends.data.fetch import fetch_capture
    from ee_trends.data.resolve import OFFLINE_SOURCES, SOURCE_ENV, find_data_dir

    raw = find_data_dir(args.data_dir) / "raw"
    if args.source is not None or os.environ.get(SOURCE_ENV) or not list_captures(raw):
        return
    try:
        result = fetch_capture(data_dir=args.data_dir)
    except FeedError as err:
        warnings.warn(
            f"{err}; going on with the captures kept in {raw}; {OFFLINE_SOURCES}", stacklevel=1
        )
        return
    print(("unchanged: " if result.unchanged else "kept ") + str(result.path), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
