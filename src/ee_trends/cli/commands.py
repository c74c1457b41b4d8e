"""The work of each ``ee-trends`` subcommand (``cmd_*``), done by the package's modules;
each prints its answer and returns its exit status."""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from ee_trends.errors import FeedError


def cmd_fetch(args: argparse.Namespace) -> int:
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


def cmd_info(args: argparse.Namespace) -> int:
    from ee_trends.analysis.info import info_text

    print(info_text(args.source, data_dir=args.data_dir))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from ee_trends.data.load import build_cache

    paths = build_cache(args.source, data_dir=args.data_dir)
    for path in paths:
        print(f"wrote {path}")
    return 0


def cmd_revisions(args: argparse.Namespace) -> int:
    import json

    from ee_trends.data.revisions import compare_captures

    result = compare_captures(args.source, data_dir=args.data_dir)
    if args.json:
        print(json.dumps(result.to_dict(cosmetic=args.all), indent=1))
    else:
        print(result.to_text(cosmetic=args.all, every_change=args.list))
    return 0


def cmd_context(args: argparse.Namespace) -> int:
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


def cmd_predict(args: argparse.Namespace) -> int:
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


def cmd_standing(args: argparse.Namespace) -> int:
    from ee_trends.analysis.standing import standing
    from ee_trends.data.load import load_tables

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    result = standing(args.score, draws, pool, on=args.on)
    print(result.to_json(indent=1) if args.json else result.to_text())
    return 0


def cmd_chances(args: argparse.Namespace) -> int:
    from ee_trends.data.load import load_tables
    from ee_trends.models import chances

    draws, pool = load_tables(args.source, data_dir=args.data_dir)
    programs = tuple(args.program)
    _show(chances(args.score, draws, pool, programs=programs, weeks=args.weeks, on=args.on), args)
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    from ee_trends.data.load import load_tables
    from ee_trends.models import next_rounds

    draws, _ = load_tables(args.source, data_dir=args.data_dir)
    _show(next_rounds(draws, args.program, weeks=args.weeks, on=args.on), args)
    return 0


def _show(result, args: argparse.Namespace) -> None:
    """``result.to_dict()`` as JSON with ``--json``, else ``result.to_text()``."""
    import json

    print(json.dumps(result.to_dict(), indent=1) if args.json else result.to_text())


def cmd_report(args: argparse.Namespace) -> int:
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


def cmd_export(args: argparse.Namespace) -> int:
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
