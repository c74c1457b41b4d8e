"""Shared test helpers: tiny inline feeds, and the real captures in ../shared/data."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import json
import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Every answer that depends on today's date (the default date, the data's age, the
# forecast horizon) is computed as of one fixed day, so that the suite, its notebooks
# and its subprocesses give the same results on every day it is run.
os.environ.setdefault("EE_TRENDS_TODAY", "2026-12-02")


def make_round(number: str = "300", **fields: str) -> dict[str, str]:
    """One round as IRCC publishes it (every value a string), with overrides.

    The defaults are a plain all-program round with a published pool
    distribution whose leaves add up to its subtotals and total.
    """
    record = {
        "drawNumber": number,
        "drawNumberURL": f"<a href='/invitations.html?q={number}'>{number}</a>",
        "drawDate": "2024-06-19",
        "drawDateFull": "June 19, 2024",
        "drawName": "No Program Specified",
        "drawSize": "1,499",
        "drawCRS": "529",
        "mitext": "<a href='/x'>Invitations to apply</a>",
        "DrawText1": "<a href='/x'>See full text of Ministerial Instruction</a>",
        "drawText2": "Federal Skilled Worker, Canadian Experience Class, "
        "Federal Skilled Trades and Provincial Nominee Program",
        "drawDateTime": "June 19, 2024 at 14:07:52 UTC",
        "drawCutOff": "June 5, 2024 at 16:48:03 UTC",
        "drawDistributionAsOn": "June 17, 2024",
        # 601-1200, 501-600, [451-500], 491-500 .. 451-460, [401-450],
        # 441-450 .. 401-410, 351-400, 301-350, 0-300, total
        "dd1": "100",
        "dd2": "1,000",
        "dd3": "150",
        "dd4": "10",
        "dd5": "20",
        "dd6": "30",
        "dd7": "40",
        "dd8": "50",
        "dd9": "150",
        "dd10": "10",
        "dd11": "20",
        "dd12": "30",
        "dd13": "40",
        "dd14": "50",
        "dd15": "2,000",
        "dd16": "3,000",
        "dd17": "4,000",
        "dd18": "10,400",
    }
    if "drawDate" in fields and "drawDateFull" not in fields:  # the same day in words
        with contextlib.suppress(ValueError):
            day = datetime.date.fromisoformat(fields["drawDate"].strip())
            if 1990 <= day.year <= 2100:
                record["drawDateFull"] = f"{day:%B} {day.day}, {day.year}"
    record.update(fields)
    return record


def no_distribution() -> dict[str, str]:
    """The pool fields of a round without a published distribution: all "0"."""
    return {f"dd{i}": "0" for i in range(1, 19)}


def make_feed(*rounds: dict[str, str]) -> dict:
    """A feed holding ``rounds`` (give them newest first, as IRCC does)."""
    return {"classes": "wb-tables", "rounds": list(rounds)}


def keep_capture(folder: Path, name: str, *rounds: dict, captured_at: str | None = None) -> Path:
    """Write a gzipped feed of ``rounds`` as capture ``name`` in ``folder``, with a provenance
    recording ``captured_at`` when given; return its path."""
    from ee_trends.data.captures import provenance_path

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(gzip.compress(json.dumps(make_feed(*rounds)).encode()))
    if captured_at is not None:
        record = {"capture": name, "captured_at": captured_at}
        provenance_path(path).write_text(json.dumps(record))
    return path


def shared_data_dir() -> Path:
    return Path(os.environ.get("EE_TRENDS_SHARED_DATA", REPO.parent / "shared" / "data"))


SLOW_FIXTURES = frozenset({"real_report", "real_tables", "capture_tables"})
"""Fixtures that take seconds to build: a test using one is marked ``slow``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the real captures ``shared_data`` (through any fixture that
    depends on :func:`shared_data`), and every test using a :data:`SLOW_FIXTURES` ``slow``."""
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        if "shared_data" in needs:
            item.add_marker(pytest.mark.shared_data)
        if needs & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real captures; skipped where absent, but a failure in CI."""
    folder = shared_data_dir()
    if not (folder / "ee_rounds_123_en.json").is_file() or not (folder / "vintages").is_dir():
        message = (
            f"the real feed captures are not at {folder}: set EE_TRENDS_SHARED_DATA to a folder "
            "holding ee_rounds_123_en.json and vintages/"
        )
        if os.environ.get("EE_TRENDS_REQUIRE_SHARED_DATA") or os.environ.get("CI"):
            pytest.fail(message + " (required: EE_TRENDS_REQUIRE_SHARED_DATA or CI is set)")
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def newest_feed(shared_data: Path) -> Path:
    return shared_data / "ee_rounds_123_en.json"


@pytest.fixture(scope="session")
def vintages(shared_data: Path) -> Path:
    return shared_data / "vintages"


@pytest.fixture(scope="session")
def real_tables(newest_feed: Path):
    """``(draws, pool)`` of the newest real capture, loaded once for the whole session (without
    the cache). Shared by every test: a test that changes them works on a copy."""
    from ee_trends.data.load import load_tables

    return load_tables(newest_feed, cache=False)


@pytest.fixture(scope="session")
def capture_tables(vintages: Path) -> dict:
    """Every real capture of ``vintages`` loaded once for the session (without the cache): per
    capture file, ``(draws, pool, warnings)``, the messages of the warnings its load gave."""
    import warnings

    from ee_trends.data.captures import list_captures
    from ee_trends.data.load import load_tables

    loaded = {}
    for path in list_captures(vintages):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            draws, pool = load_tables(path, cache=False)
        loaded[path] = (draws, pool, [str(w.message) for w in caught])
    return loaded


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """Tests never see the user's data folder or source settings."""
    monkeypatch.delenv("EE_TRENDS_SOURCE", raising=False)
    monkeypatch.setenv("EE_TRENDS_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(autouse=True)
def closed_live_feed(monkeypatch) -> str:
    """No test reaches the internet: the live feed's URL is a closed port on 127.0.0.1."""
    from ee_trends.data import resolve

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/ee_rounds_123_en.json"
    monkeypatch.setattr(resolve, "FEED_URL", url)
    return url


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test opened is closed after it."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="session")
def real_report(newest_feed: Path, tmp_path_factory) -> Path:
    """``ee_trends.output.report.write_report`` run once on the newest capture; its index.html.

    Once for the whole run, also when the tests run in parallel (``pytest -n``):
    the first worker writes it, under a lock, in the folder the workers share.
    """
    import io

    from ee_trends.data.locking import folder_lock
    from ee_trends.output.report import write_report

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "real-report"
    with folder_lock(folder):
        index = folder / "reports" / "index.html"
        if not index.is_file():
            write_report(
                folder / "reports",
                source=newest_feed,
                data_dir=folder / "data",
                docs=folder / "docs",
                progress=io.StringIO(),
            )
    return index
