"""Benchmark: loading years of captures (100, 300 and 1,000), uncached and cached.

Run with ``.venv/bin/python benchmarks/captures.py [N ...]``. The captures are
made in a temporary folder from the real feed (``ee_rounds_123_en.json`` in
``$EE_TRENDS_SHARED_DATA`` or ``../shared/data``): weekly captures, each the
newest feed with one round's label respaced (so every capture differs, as
``fetch`` keeps only captures that changed). Each load runs in a fresh
process, so its peak memory (``ru_maxrss``) is its own. Then one capture is
added and the folder loaded again (cached: only the new capture is read and
merged onto the versions kept in ``processed/``). Budget of issue 16: 1,000
captures uncached in at most 5 s and 600 MB.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EE_TRENDS_SHARED_DATA", REPO.parent / "shared" / "data"))
COUNTS = (100, 300, 1000)
BUDGET_SECONDS, BUDGET_MB = 5.0, 600

_MEASURE = """
import resource, sys, time, warnings
from ee_trends import load_draws
warnings.simplefilter("ignore")
start = time.perf_counter()
draws = load_draws(sys.argv[1], data_dir=sys.argv[2], cache=sys.argv[3] == "cached")
seconds = time.perf_counter() - start
print(len(draws), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def make_captures(folder: Path, count: int, first: int = 0) -> None:
    """Weekly captures ``first`` to ``count - 1`` of the real feed in ``folder``, each a
    little different."""
    from ee_trends.data.captures import capture_name

    feed = json.loads((SHARED / "ee_rounds_123_en.json").read_bytes().decode("utf-8-sig"))
    start = datetime(2026, 8, 7, tzinfo=UTC) - timedelta(weeks=1001)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, count):
        record = feed["rounds"][i % len(feed["rounds"])]
        label = record["drawName"]
        record["drawName"] = label + " " * (1 + i // len(feed["rounds"]))
        data = json.dumps(feed).encode()
        record["drawName"] = label
        (folder / capture_name(start + timedelta(weeks=i))).write_bytes(
            gzip.compress(data, compresslevel=1)
        )


def measure(folder: Path, data_dir: Path, mode: str) -> tuple[int, float, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder), str(data_dir), mode],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rounds, seconds, megabytes = run.stdout.split()
    return int(rounds), float(seconds), float(megabytes)


def main(counts: tuple[int, ...] = COUNTS) -> None:
    if not (SHARED / "ee_rounds_123_en.json").is_file():
        print(f"no real feed at {SHARED}: set EE_TRENDS_SHARED_DATA")
        return
    print(
        f"{'captures':>9} {'rounds':>7} {'uncached s':>11} {'peak MB':>8} {'cached s':>9} "
        f"{'+1 capture s':>13} {'peak MB':>8}"
    )
    for count in counts:
        with tempfile.TemporaryDirectory() as temp:
            folder, data_dir = Path(temp) / "raw", Path(temp) / "data"
            make_captures(folder, count)
            rounds, uncached, megabytes = measure(folder, data_dir, "uncached")
            measure(folder, data_dir, "cached")  # builds the cache
            _, cached, _ = measure(folder, data_dir, "cached")
            make_captures(folder, count + 1, first=count)  # a new capture: merged onto the rest
            _, added, added_mb = measure(folder, data_dir, "cached")
        flag = ""
        if count == 1000:
            within = uncached <= BUDGET_SECONDS and megabytes <= BUDGET_MB
            flag = "  within budget" if within else f"  OVER {BUDGET_SECONDS:g} s / {BUDGET_MB} MB"
        print(
            f"{count:>9} {rounds:>7} {uncached:>11.2f} {megabytes:>8.0f} {cached:>9.2f} "
            f"{added:>13.2f} {added_mb:>8.0f}{flag}"
        )


if __name__ == "__main__":
    main(tuple(int(n) for n in sys.argv[1:]) or COUNTS)
