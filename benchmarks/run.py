"""Benchmarks: prints how long the main steps take on the real feed.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). The feed
is ``$EE_TRENDS_SOURCE`` if set, else ``../shared/data/ee_rounds_123_en.json``
beside the checkout. Speed is measured here, never in timed tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EE_TRENDS_SHARED_DATA", REPO.parent / "shared" / "data"))
FEED = Path(os.environ.get("EE_TRENDS_SOURCE", SHARED / "ee_rounds_123_en.json"))


def best_of(function: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_load_draws() -> None:
    """load_draws (no cache) on the newest capture against a plain DataFrame of its rounds."""
    import pandas as pd

    from ee_trends import load_draws

    def plain() -> pd.DataFrame:
        with open(FEED) as handle:
            return pd.DataFrame(json.load(handle)["rounds"])

    cold = best_of(lambda: load_draws(FEED, cache=False), repeat=1)
    ours = best_of(lambda: load_draws(FEED, cache=False))
    base = best_of(plain)
    with tempfile.TemporaryDirectory() as data_dir:
        load_draws(FEED, data_dir=data_dir)
        cached = best_of(lambda: load_draws(FEED, data_dir=data_dir))
    print(f"load_draws, first call:     {cold * 1000:8.1f} ms  (cold parser caches)")
    print(f"load_draws, no cache:       {ours * 1000:8.1f} ms  (best of 5)")
    print(f"load_draws, cached:         {cached * 1000:8.1f} ms")
    print(f"plain pandas.DataFrame:     {base * 1000:8.1f} ms")
    print(f"ratio (first call / plain): {cold / base:8.1f} x")
    print(f"ratio (no cache / plain):   {ours / base:8.1f} x")
    print(f"ratio (cached / plain):     {cached / base:8.1f} x")


def bench_import() -> None:
    """Import time of ee_trends in a fresh interpreter, and what it pulls in."""
    code = (
        "import sys, time; t = time.perf_counter(); import ee_trends; "
        "print(time.perf_counter() - t, 'matplotlib' in sys.modules, 'statsmodels' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(5)
    ]
    seconds = min(float(run.stdout.split()[0]) for run in runs)
    _, matplotlib, statsmodels = runs[0].stdout.split()
    print(f"import ee_trends:           {seconds * 1000:8.1f} ms")
    print(f"  imports matplotlib: {matplotlib}, statsmodels: {statsmodels}")


def bench_merge_captures() -> None:
    """Merging every capture in ../shared/data/vintages, and the revisions between them."""
    from ee_trends import load_draws
    from ee_trends.captures import list_captures
    from ee_trends.diff import revisions
    from ee_trends.load import build_tables
    from ee_trends.merge import merge_captures
    from ee_trends.read import read_files

    files = list_captures(SHARED / "vintages")
    read = best_of(lambda: read_files(files), repeat=3)
    feeds = read_files(files)
    merge = best_of(lambda: merge_captures(feeds), repeat=3)
    tables = best_of(lambda: build_tables(feeds), repeat=3)
    changes = best_of(lambda: revisions(feeds), repeat=3)
    with tempfile.TemporaryDirectory() as data_dir:
        load_draws(SHARED / "vintages", data_dir=data_dir)
        cached = best_of(lambda: load_draws(SHARED / "vintages", data_dir=data_dir))
    print(f"read {len(files)} captures:       {read * 1000:8.1f} ms  (best of 3)")
    print(f"merge_captures:             {merge * 1000:8.1f} ms")
    print(f"merge + clean + validate:   {tables * 1000:8.1f} ms")
    print(f"revisions:                  {changes * 1000:8.1f} ms")
    print(f"load_draws(folder), cached: {cached * 1000:8.1f} ms  (list, key, checked entry)")


def bench_backtest() -> None:
    """Rolling-origin backtest of the cutoff forecaster (ee_trends.models), with its run time."""
    import pandas as pd

    from ee_trends.load import load_tables
    from ee_trends.models import backtest_periods, backtest_summary

    draws, pool = load_tables(FEED, cache=False)
    start = time.perf_counter()
    results = backtest_periods(draws, pool)
    seconds = time.perf_counter() - start
    with pd.option_context("display.width", 200, "display.max_columns", None):
        summary = backtest_summary(results)
        print(
            summary.round(dict.fromkeys(summary.select_dtypes("number"), 3)).to_string(index=False)
        )
    print(f"backtest of {len(results)} rounds: {seconds:.2f} s")


def bench_report() -> None:
    """ee-trends report end to end (a fresh process, empty data folder) into a temp folder."""
    exe = Path(sys.executable).with_name("ee-trends")
    with tempfile.TemporaryDirectory() as folder:
        command = [exe, "--data-dir", f"{folder}/data", "report", "--source", str(FEED)]
        start = time.perf_counter()
        subprocess.run([*command, "--out", f"{folder}/reports"], check=True, capture_output=True)
        seconds = time.perf_counter() - start
        figures = len(list(Path(folder, "reports", "figures").glob("*.png")))
    print(f"ee-trends report:           {seconds:8.1f} s  ({figures} figures, PNG + SVG)")


BENCHMARKS: list[Callable[[], None]] = [
    bench_import,
    bench_load_draws,
    bench_merge_captures,
    bench_backtest,
    bench_report,
]


def main() -> None:
    print(f"feed: {FEED}")
    for bench in BENCHMARKS:
        print(f"\n== {bench.__doc__.splitlines()[0]}")
        bench()


if __name__ == "__main__":
    main()
