"""The arguments of ``ee-trends``: their types (each checked when parsed, with a one-line
error), the options shared by every command, and the parser whose errors are one line."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
from collections.abc import Callable
from pathlib import Path

ERROR = 2
"""Exit status of every failure: bad arguments, bad input, missing permissions."""


def date(text: str) -> dt.date:
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


def count(text: str, *, least: int, most: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not least <= value <= most:
        raise argparse.ArgumentTypeError(f"{value}: give a number from {least} to {most:,}")
    return value


def invitations(text: str) -> int:
    """A draw size from 1 to the largest a forecast accepts."""
    from ee_trends.models.settings import MAX_INVITATIONS

    return count(text, least=1, most=MAX_INVITATIONS)


def positive(text: str) -> int:
    """A whole number from 1 to 1,000,000 (no round ever invited 30,000)."""
    return count(text, least=1, most=1_000_000)


def retries(text: str) -> int:
    """A whole number from 0 to 100."""
    return count(text, least=0, most=100)


def seconds(text: str) -> float:
    """A finite number of seconds > 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= 86_400):
        raise argparse.ArgumentTypeError(f"{text}: give a number of seconds > 0, at most 86400")
    return value


def score(text: str) -> int:
    """A CRS score, a whole number from 0 to 1200."""
    from ee_trends.analysis.standing import check_score

    try:
        return check_score(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def program(text: str) -> str:
    """A program as typed (any case); checked against the programs of the rounds once they are
    loaded (:func:`ee_trends.programs.check_program`), so the keys an error offers are those
    the command accepts."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty program: name one, e.g. cec")
    return text.strip()


def weeks(text: str) -> tuple[int, ...]:
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


def output_dir(text: str) -> Path:
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


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line saying where the options are listed."""

    def error(self, message: str):
        self.exit(ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand.

    Their default is "not given" (absent from the namespace), so a value
    given before the subcommand is not reset by the subcommand's parser.
    """
    common = Parser(add_help=False)
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


def on_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--on",
        type=date,
        metavar="YYYY-MM-DD",
        help=f"{what} (default: the day after the newest round while the data is fresh, "
        "else today)",
    )


def weeks_option(parser: argparse.ArgumentParser, default: tuple[int, ...]) -> None:
    parser.add_argument(
        "--weeks",
        type=weeks,
        default=default,
        metavar="W,W,...",
        help=f"windows in weeks, 1 to 26 (default: {','.join(map(str, default))})",
    )
