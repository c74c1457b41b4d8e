"""The ``ee-trends`` command: fetch, build, info, and the analysis commands.

Each subcommand is one ``add_*`` function in :mod:`~ee_trends.cli.parser` (its
options; the argument types in :mod:`~ee_trends.cli.arguments`) and one
``cmd_*`` function in :mod:`~ee_trends.cli.commands` (its work, which lives in
the package's modules). Arguments are checked when parsed; every failure is one
line on stderr naming what is wrong and what to do, with exit status 2 (130
after Ctrl-C), never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Sequence

from ee_trends.cli.arguments import ERROR
from ee_trends.cli.parser import build_parser
from ee_trends.errors import FeedError

__all__ = ["ERROR", "INTERRUPTED", "build_parser", "main"]

INTERRUPTED = 130
"""Exit status after Ctrl-C."""


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
