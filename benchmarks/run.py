"""Benchmarks: prints how long the main steps take on the real feed.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). The feed
is ``$EE_TRENDS_SOURCE`` if set, else ``ee_rounds_123_en.json`` in
``$EE_TRENDS_SHARED_DATA`` or ``../shared/data`` beside the checkout, else the
snapshot shipped with the package; the merge of many captures needs the
``vintages/`` there and is left out (saying so) without them. Speed is
measured here, never in timed tests.
"""

from __future__ import annotations

import gzip
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


def _feed() -> Path:
    if os.environ.get("EE_TRENDS_SOURCE"):
        return Path(os.environ["EE_TRENDS_SOURCE"])
    if (SHARED / "ee_rounds_123_en.json").is_file():
        return SHARED / "ee_rounds_123_en.json"
    from ee_trends.data.snapshot import shipped_snapshot

    return shipped_snapshot().path


FEED = _feed()


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
        data = FEED.read_bytes()
        if FEED.suffix == ".gz":
            data = gzip.decompress(data)
        return pd.DataFrame(json.loads(data)["rounds"])

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
    from ee_trends.data.captures import list_captures
    from ee_trends.data.load import build_tables
    from ee_trends.data.merge import merge_captures
    from ee_trends.data.revisions import revisions
    from ee_trends.data.series import read_files

    files = list_captures(SHARED / "vintages")
    if not files:
        print(f"left out: no captures in {SHARED / 'vintages'} (set EE_TRENDS_SHARED_DATA)")
        return
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


def _fresh_models_cache() -> None:
    """Forget the results the models computed once per history (a cold start)."""
    from ee_trends.models import memo

    memo.clear()


def bench_predict_cutoff() -> None:
    """predict_cutoff with the pool (budget 0.3 s), cold (new history) and warm (cached)."""
    from ee_trends.data.load import load_tables
    from ee_trends.models import predict_cutoff

    draws, pool = load_tables(FEED, cache=False)

    def once() -> None:
        predict_cutoff(draws, program="cec", invitations=3000, on="2026-09-01", pool=pool)

    def cold() -> None:
        _fresh_models_cache()
        once()

    cold_seconds = best_of(cold, repeat=3)
    warm_seconds = best_of(once)
    print(f"predict_cutoff, cold:       {cold_seconds * 1000:8.1f} ms  (budget 300 ms)")
    print(f"predict_cutoff, cached:     {warm_seconds * 1000:8.1f} ms")


def bench_backtest() -> None:
    """Backtest of all validation and test rounds, with its evaluation (budget 5 s)."""
    from ee_trends.data.load import load_tables
    from ee_trends.models import backtest, evaluation, evaluation_text

    draws, pool = load_tables(FEED, cache=False)

    def run() -> None:
        _fresh_models_cache()
        evaluation(backtest(draws, pool=pool))

    seconds = best_of(run, repeat=3)
    results = backtest(draws, pool=pool)
    print(evaluation_text(evaluation(results)))
    print(f"backtest of {len(results)} rounds:  {seconds:8.2f} s  (cold; budget 5 s)")


def bench_chances() -> None:
    """One chances call (two programs, budget 0.3 s warm), one next_rounds, the chances backtest."""
    import pandas as pd

    from ee_trends.data.load import load_tables
    from ee_trends.models import chances, chances_backtest, chances_evaluation, next_rounds

    draws, pool = load_tables(FEED, cache=False)
    on = draws["draw_date"].max() + pd.Timedelta(days=1)
    chances(505, draws, pool, programs=("cec", "french"), on=on)  # warm the forecast history
    call = best_of(lambda: chances(505, draws, pool, programs=("cec", "french"), on=on))
    timing = best_of(lambda: next_rounds(draws, "cec", on=on))

    def run() -> None:
        _fresh_models_cache()
        chances_backtest(draws, pool)

    backtest_seconds = best_of(run, repeat=1)
    print(chances_evaluation(chances_backtest(draws, pool)).to_text())
    print(f"chances, 2 programs, warm:  {call * 1000:8.1f} ms  (budget 300 ms)")
    print(f"next_rounds, warm:          {timing * 1000:8.1f} ms")
    print(f"chances backtest, cold:     {backtest_seconds:8.1f} s")


def bench_notebook_03() -> None:
    """Notebook 03 executed top to bottom in a fresh kernel (budget 15 s)."""
    import nbformat
    from nbclient import NotebookClient

    path = REPO / "notebooks" / "03-draw-size-vs-cutoff.ipynb"
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        kernel_env = {**os.environ, "EE_TRENDS_DATA_DIR": folder}
        kernel_env.setdefault("EE_TRENDS_SOURCE", str(FEED))
        start = time.perf_counter()
        client = NotebookClient(notebook, timeout=600, kernel_name="python3")
        client.execute(env=kernel_env)
        seconds = time.perf_counter() - start
    print(f"notebook 03:                {seconds:8.1f} s  (budget 15 s, kernel start included)")


def bench_report() -> None:
    """ee-trends report end to end (a fresh process, empty data folder), and each section's time.

    The section times (building its content, then saving each figure as PNG and
    SVG) are read from the command's progress lines. The aim: the whole report
    in 10 s or less on an idle 2-core machine.
    """
    exe = Path(sys.executable).with_name("ee-trends")
    with tempfile.TemporaryDirectory() as folder:
        command = [exe, "--data-dir", f"{folder}/data", "report", "--source", str(FEED)]
        start = time.perf_counter()
        run = subprocess.run(
            [*command, "--out", f"{folder}/reports"], check=True, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        figures = len(list(Path(folder, "reports", "figures").glob("*.png")))
    sections: dict[str, float] = {}
    for line in run.stderr.splitlines():
        key, _, rest = line.strip().partition(": ")
        if line.startswith("  ") and (rest.endswith(" s") or rest.endswith(" s)")):
            value = rest.rstrip(")").rsplit(" ", 2)[-2].lstrip("(")
            sections[key] = sections.get(key, 0.0) + float(value)
    print(f"ee-trends report:           {seconds:8.1f} s  ({figures} figures, PNG + SVG; aim 10 s)")
    for key, value in sections.items():
        print(f"  section {key + ':':19s}{value:8.1f} s")
    others = sum(value for key, value in sections.items() if key != "models")
    print(f"  all sections but models:  {others:8.1f} s")


def bench_cli_errors() -> None:
    """Time to a one-line error from ee-trends (a fresh process): bad arguments, a bad source."""
    exe = Path(sys.executable).with_name("ee-trends")
    with tempfile.TemporaryDirectory() as folder:
        garbage = Path(folder, "garbage.json")
        garbage.write_text("<html>not a feed</html>")
        cases = {
            "bad argument (--program nope)": ["predict", "--program", "nope", "--invitations", "1"],
            "bad feed file (info --source)": ["info", "--source", str(garbage)],
        }
        for name, args in cases.items():
            seconds = best_of(
                lambda args=args: subprocess.run(
                    [exe, "--data-dir", folder, *args], capture_output=True, check=False
                ),
                repeat=3,
            )
            print(f"{name:30s} {seconds * 1000:8.1f} ms  (best of 3)")


BENCHMARKS: list[Callable[[], None]] = [
    bench_import,
    bench_cli_errors,
    bench_load_draws,
    bench_merge_captures,
    bench_predict_cutoff,
    bench_backtest,
    bench_chances,
    bench_notebook_03,
    bench_report,
]


def main() -> None:
    print(f"feed: {FEED}")
    for bench in BENCHMARKS:
        print(f"\n== {bench.__doc__.splitlines()[0]}")
        bench()


if __name__ == "__main__":
    main()
