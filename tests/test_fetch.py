"""Fetching the feed and keeping captures: against a local HTTP server, never the internet.

Each bad response is one the live feed can give (a single newline was seen
on 2025-07-10); after every refused fetch the captures already kept must be
byte-for-byte untouched and no temporary file left in ``raw/``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import threading
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import make_feed, make_round
from ee_trends import cli
from ee_trends.data import download as download_module
from ee_trends.data import fetch as fetch_module
from ee_trends.data import resolve
from ee_trends.data.captures import capture_name, capture_time, list_captures, provenance_path
from ee_trends.data.fetch import fetch_capture, fetch_feed
from ee_trends.data.locking import LOCK_NAME, folder_lock
from ee_trends.errors import FeedError, UnreadableValueWarning

FAST = {"backoff": 0.0, "timeout": 5.0}
"""Keyword arguments that keep retries instant in tests."""


def feed_bytes(*numbers: int) -> bytes:
    """A valid feed holding rounds ``numbers`` (newest first), as JSON bytes."""
    return json.dumps(make_feed(*(make_round(str(n)) for n in numbers))).encode()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (temporary ones included, not the lock) with its bytes."""
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != LOCK_NAME}


def provenance_of(capture: Path) -> dict:
    return json.loads(provenance_path(capture).read_text())


# ---------------------------------------------------------------- the server


@dataclass
class Reply:
    """One scripted HTTP response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    content_length: int | None | bool = True  # True: the body's length; None: no header
    delay: float = 0.0  # before the status line
    body_delay: float = 0.0  # after the headers, before the body
    trickle: float = 0.0  # seconds between single bytes of the body
    trickle_head: float = 0.0  # seconds between single bytes of the status line and headers


class Script:
    """Scripted replies per path; the last reply of a path repeats."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.routes: dict[str, list[Reply]] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def serve(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            replies = self.routes.get(path)
            if not replies:
                return Reply(b"not found", status=404, headers={"Content-Type": "text/plain"})
            return replies.pop(0) if len(replies) > 1 else replies[0]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        reply = self.server.script.next_reply(self.path)
        time.sleep(reply.delay)
        if reply.trickle_head:
            head = f"HTTP/1.1 {reply.status} OK\r\nContent-Length: {len(reply.body)}\r\n\r\n"
            self._trickle(head.encode() + reply.body, reply.trickle_head)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.content_length is True:
            self.send_header("Content-Length", str(len(reply.body)))
        elif reply.content_length is not None:
            self.send_header("Content-Length", str(reply.content_length))
        self.end_headers()
        self.wfile.flush()
        time.sleep(reply.body_delay)
        if reply.trickle:
            self._trickle(reply.body, reply.trickle)
        else:
            self.wfile.write(reply.body)

    def _trickle(self, data: bytes, pause: float) -> None:
        """Send ``data`` a byte at a time until the client hangs up."""
        for i in range(len(data)):
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            time.sleep(pause)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out and hung up is expected here


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.script = Script(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield httpd.script
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return tmp_path / "raw"


@pytest.fixture
def kept(tmp_path: Path, raw: Path) -> dict[str, bytes]:
    """One capture of three rounds already kept; returns raw/ as it was."""
    source = tmp_path / "kept.json"
    source.write_bytes(feed_bytes(303, 302, 301))
    fetch_feed(source, data_dir=tmp_path)
    assert len(list_captures(raw)) == 1
    return snapshot(raw)


# ---------------------------------------------------------------- good feeds


def test_fetch_keeps_capture_with_provenance(server, tmp_path, raw):
    body = feed_bytes(302, 301)
    headers = {
        "Content-Type": "application/json",
        "ETag": '"abc123"',
        "Last-Modified": "Wed, 19 Jun 2024 14:07:52 GMT",
    }
    url = server.serve("/feed.json", Reply(body, headers=headers))
    before = datetime.now(UTC).replace(microsecond=0)

    result = fetch_capture(url, data_dir=tmp_path, **FAST)

    assert not result.unchanged
    assert result.path.parent == raw
    assert list_captures(raw) == [result.path]  # the provenance file is not a capture
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        [result.path.name, provenance_path(result.path).name, LOCK_NAME]
    )
    assert gzip.decompress(result.path.read_bytes()) == body
    assert before <= capture_time(result.path) <= datetime.now(UTC)
    assert (result.rounds, result.size) == (2, len(body))
    assert result.sha256 == hashlib.sha256(body).hexdigest()

    provenance = provenance_of(result.path)
    assert provenance["capture"] == result.path.name
    assert provenance["source"] == url
    assert provenance["sha256"] == hashlib.sha256(body).hexdigest()
    assert provenance["size_bytes"] == len(body)
    assert provenance["rounds"] == 2
    assert provenance["etag"] == '"abc123"'
    assert provenance["last_modified"] == "Wed, 19 Jun 2024 14:07:52 GMT"
    assert provenance["content_type"] == "application/json"
    assert provenance["gzip_source"] is False
    assert provenance["ee_trends_version"]
    assert datetime.fromisoformat(provenance["captured_at"]) >= before
    assert server.hits["/feed.json"] == 1


def test_default_source_is_the_ircc_feed(server, tmp_path, monkeypatch):
    url = server.serve("/ee_rounds_123_en.json", Reply(feed_bytes(301)))
    monkeypatch.setattr(resolve, "FEED_URL", url)

    path = fetch_feed(data_dir=tmp_path, **FAST)

    assert provenance_of(path)["source"] == url


def test_data_dir_from_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv(resolve.DATA_DIR_ENV, str(tmp_path / "elsewhere"))
    path = fetch_feed(server.serve("/f", Reply(feed_bytes(301))), **FAST)
    assert path.parent == tmp_path / "elsewhere" / "raw"


def test_gzip_content_encoding_is_kept_decompressed(server, tmp_path):
    body = feed_bytes(302, 301)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    url = server.serve("/gz", Reply(gzip.compress(body), headers=headers))

    result = fetch_capture(url, data_dir=tmp_path, **FAST)

    assert gzip.decompress(result.path.read_bytes()) == body
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    provenance = provenance_of(result.path)
    assert provenance["gzip_source"] is True
    assert provenance["content_encoding"] == "gzip"
    assert provenance["size_bytes"] == len(body)


@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_fetch_from_saved_file(tmp_path, raw, suffix):
    body = feed_bytes(302, 301)
    source = tmp_path / f"saved{suffix}"
    source.write_bytes(gzip.compress(body) if suffix == ".json.gz" else body)

    path = fetch_feed(source, data_dir=tmp_path)

    assert gzip.decompress(path.read_bytes()) == body
    provenance = provenance_of(path)
    assert provenance["source"] == str(source.resolve())
    assert provenance["sha256"] == hashlib.sha256(body).hexdigest()
    assert provenance["size_bytes"] == len(body)
    assert provenance["gzip_source"] is (suffix == ".json.gz")
    assert "etag" not in provenance


def test_missing_file_and_folder_are_refused(tmp_path, raw):
    with pytest.raises(FileNotFoundError, match="nothere.json"):
        fetch_feed(tmp_path / "nothere.json", data_dir=tmp_path)
    with pytest.raises(FeedError, match="is not a regular file"):
        fetch_feed(tmp_path, data_dir=tmp_path)
    assert snapshot(raw) == {}


def test_progress_callable_sees_the_download(server, tmp_path):
    body = feed_bytes(*range(400, 300, -1))  # several chunks
    calls: list[tuple[int, int | None]] = []
    url = server.serve("/feed", Reply(body))

    fetch_feed(url, data_dir=tmp_path, progress=lambda *a: calls.append(a), **FAST)

    assert calls[-1] == (len(body), len(body))
    assert [received for received, _ in calls] == sorted(received for received, _ in calls)


def test_progress_on_a_terminal_only(server, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    url = server.serve("/feed", Reply(feed_bytes(301)))

    fetch_feed(url, data_dir=tmp_path, **FAST)

    assert f"fetching {url}:" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")


# ---------------------------------------------------------------- bad feeds


def _html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"


def _missing_field() -> bytes:
    record = make_round("301")
    del record["drawCRS"]
    return json.dumps(make_feed(make_round("302"), record)).encode()


BAD_FEEDS = {
    "empty": (b"", "empty response"),
    "single newline": (b"\n", "empty response"),
    "truncated JSON": (feed_bytes(302, 301)[:-40], "not valid JSON"),
    "HTML error page": (_html_page(), "HTML page"),
    "no rounds": (b'{"foo": []}', "no 'rounds'"),
    "empty rounds": (b'{"rounds": []}', "empty"),
    "round missing a field": (_missing_field(), "round 301: field 'drawCRS' is missing"),
}


@pytest.mark.parametrize("case", BAD_FEEDS)
def test_bad_feed_is_refused_and_nothing_touched(server, tmp_path, raw, kept, case):
    body, message = BAD_FEEDS[case]
    content_type = "text/html" if case == "HTML error page" else "application/json"
    url = server.serve("/bad", Reply(body, headers={"Content-Type": content_type}))

    with pytest.raises(FeedError, match=message) as info:
        fetch_feed(url, data_dir=tmp_path, **FAST)

    assert url in str(info.value)
    assert server.hits["/bad"] == 1  # a bad body is not retried
    assert snapshot(raw) == kept


@pytest.mark.parametrize("case", BAD_FEEDS)
def test_bad_saved_file_is_refused(tmp_path, raw, kept, case):
    source = tmp_path / "bad.json"
    source.write_bytes(BAD_FEEDS[case][0])
    with pytest.raises(FeedError, match=str(source.resolve())):
        fetch_feed(source, data_dir=tmp_path)
    assert snapshot(raw) == kept


def test_corrupt_gzip_file_is_refused(tmp_path, raw, kept):
    source = tmp_path / "bad.json.gz"
    source.write_bytes(gzip.compress(feed_bytes(305, 304, 303, 302))[:-20])
    with pytest.raises(FeedError, match="truncated or corrupt gzip"):
        fetch_feed(source, data_dir=tmp_path)
    assert snapshot(raw) == kept


# ---------------------------------------------------------------- HTTP errors, retries


@pytest.mark.parametrize("status", [500, 503, 429])
def test_transient_errors_are_retried(server, tmp_path, status):
    error = Reply(b"oops", status=status, headers={"Retry-After": "0"})
    url = server.serve("/flaky", error, error, Reply(feed_bytes(301)))

    path = fetch_feed(url, data_dir=tmp_path, retries=3, **FAST)

    assert server.hits["/flaky"] == 3
    assert provenance_of(path)["rounds"] == 1


def test_retries_run_out(server, tmp_path, raw, kept):
    url = server.serve("/down", Reply(b"oops", status=500))
    with pytest.raises(FeedError, match=rf"could not fetch {url}: HTTP 500 .*\(3 attempts\)"):
        fetch_feed(url, data_dir=tmp_path, retries=2, **FAST)
    assert server.hits["/down"] == 3
    assert snapshot(raw) == kept


def test_backoff_grows(server, tmp_path, monkeypatch):
    delays: list[float] = []
    monkeypatch.setattr(download_module, "time", SimpleNamespace(sleep=delays.append))
    url = server.serve("/down", Reply(b"oops", status=502))
    with pytest.raises(FeedError):
        fetch_feed(url, data_dir=tmp_path, retries=3, backoff=0.5, timeout=5.0)
    assert delays == [0.5, 1.0, 2.0]


def test_not_found_is_not_retried(server, tmp_path, raw, kept):
    url = server.url("/missing.json")
    with pytest.raises(FeedError, match=rf"could not fetch {url}: HTTP 404"):
        fetch_feed(url, data_dir=tmp_path, retries=3, **FAST)
    assert server.hits["/missing.json"] == 1
    assert snapshot(raw) == kept


def test_connection_refused_names_the_url(tmp_path, raw, kept, closed_live_feed):
    url = closed_live_feed
    with pytest.raises(FeedError, match=rf"could not fetch {url}: .*\(2 attempts\)"):
        fetch_feed(url, data_dir=tmp_path, retries=1, **FAST)
    assert snapshot(raw) == kept


def test_unknown_host_fails_at_once(tmp_path, raw, kept, monkeypatch):
    # quirk: offline, the name lookup fails; retrying only makes the user wait
    lookups = []

    def no_name_service(*args, **kwargs):
        lookups.append(args[0])
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_name_service)
    url = "http://feed.example.invalid/feed.json"
    with pytest.raises(FeedError, match=rf"could not fetch {url}: host not found"):
        fetch_feed(url, data_dir=tmp_path, retries=3, **FAST)
    assert lookups == ["feed.example.invalid"]
    assert snapshot(raw) == kept


def test_truncated_transfer_is_retried(server, tmp_path, raw, kept):
    body = feed_bytes(304, 303, 302, 301)
    url = server.serve(
        "/cut",
        Reply(body[:50], content_length=len(body)),
        Reply(body[:50], content_length=len(body)),
        Reply(body),
    )
    with pytest.raises(FeedError, match=r"connection closed after 50 of \d+ bytes"):
        fetch_feed(url, data_dir=tmp_path, retries=0, **FAST)
    assert snapshot(raw) == kept
    path = fetch_feed(url, data_dir=tmp_path, retries=1, **FAST)
    assert server.hits["/cut"] == 3
    assert gzip.decompress(path.read_bytes()) == body


@pytest.mark.parametrize("stall", ["delay", "body_delay"])
def test_slow_server_times_out(server, tmp_path, raw, kept, stall):
    url = server.serve("/slow", Reply(feed_bytes(301), **{stall: 2.0}))
    with pytest.raises(FeedError, match=rf"could not fetch {url}: timed out after 0.2 s"):
        fetch_feed(url, data_dir=tmp_path, timeout=0.2, retries=1, backoff=0.0)
    assert server.hits["/slow"] == 2
    assert snapshot(raw) == kept


@pytest.mark.parametrize(
    "reply",
    [
        Reply(feed_bytes(301), trickle=0.05),
        Reply(feed_bytes(301), trickle=0.05, content_length=None),
        Reply(feed_bytes(301), trickle_head=0.05),
    ],
    ids=["body", "streamed body", "status line"],
)
def test_a_trickling_server_is_cut_off_at_the_deadline(server, tmp_path, raw, kept, reply):
    """The timeout bounds the whole download, not each read: a server sending a byte every
    50 ms would take minutes; the fetch fails with the deadline's error after one request."""
    assert len(reply.body) * 0.05 > 30
    url = server.serve("/trickle", reply)
    with pytest.raises(FeedError, match=rf"could not fetch {url}: timed out after 0.5 s"):
        fetch_feed(url, data_dir=tmp_path, timeout=0.5, retries=0)
    assert server.hits["/trickle"] == 1
    assert snapshot(raw) == kept


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_timeout_must_be_finite_and_positive(tmp_path, timeout):
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0"):
        fetch_feed("http://127.0.0.1:9/", data_dir=tmp_path, timeout=timeout)


@pytest.mark.parametrize("content_length", [True, None], ids=["Content-Length", "streamed"])
def test_too_large_is_refused(server, tmp_path, raw, kept, content_length):
    body = feed_bytes(*range(400, 300, -1))
    url = server.serve("/big", Reply(body, content_length=content_length))
    with pytest.raises(FeedError, match="over the limit of 1000 bytes"):
        fetch_feed(url, data_dir=tmp_path, max_bytes=1000, **FAST)
    assert server.hits["/big"] == 1
    assert snapshot(raw) == kept


def test_too_large_once_decompressed_is_refused(tmp_path, raw, kept):
    source = tmp_path / "bomb.json.gz"
    source.write_bytes(gzip.compress(b" " * 100_000 + feed_bytes(301)))
    with pytest.raises(FeedError, match="over the limit of 5000 bytes once decompressed"):
        fetch_feed(source, data_dir=tmp_path, max_bytes=5000)
    assert snapshot(raw) == kept


# ---------------------------------------------------------------- what is kept


def test_fewer_rounds_refused_unless_forced(tmp_path, raw, kept):
    source = tmp_path / "shrunk.json"
    source.write_bytes(feed_bytes(302, 301))

    with pytest.raises(FeedError, match=r"has 2 rounds, fewer than the 3 rounds.*--force"):
        fetch_feed(source, data_dir=tmp_path)
    assert snapshot(raw) == kept

    path = fetch_feed(source, data_dir=tmp_path, force=True)
    assert list_captures(raw)[-1] == path
    assert len(list_captures(raw)) == 2
    assert all(snapshot(raw)[name] == content for name, content in kept.items())


def test_more_rounds_are_kept(tmp_path, raw, kept):
    source = tmp_path / "grown.json"
    source.write_bytes(feed_bytes(304, 303, 302, 301))
    path = fetch_feed(source, data_dir=tmp_path)
    assert list_captures(raw)[-1] == path
    assert all(snapshot(raw)[name] == content for name, content in kept.items())


def test_identical_feed_is_not_kept_twice(server, tmp_path, raw, kept):
    (first,) = list_captures(raw)
    url = server.serve("/same", Reply(feed_bytes(303, 302, 301)))

    result = fetch_capture(url, data_dir=tmp_path, **FAST)

    assert result.unchanged
    assert result.path == first
    assert fetch_feed(url, data_dir=tmp_path, **FAST) == first
    assert snapshot(raw) == kept


def test_identical_gzip_file_is_not_kept_twice(tmp_path, raw, kept):
    source = tmp_path / "same.json.gz"
    source.write_bytes(gzip.compress(feed_bytes(303, 302, 301)))
    assert fetch_capture(source, data_dir=tmp_path).unchanged
    assert snapshot(raw) == kept


def test_unreadable_newest_capture_needs_force(tmp_path, raw, kept):
    broken = raw / capture_name(datetime.now(UTC) + timedelta(hours=1))  # newer than the kept one
    broken.write_bytes(b"\n")
    kept = snapshot(raw)
    source = tmp_path / "new.json"
    source.write_bytes(feed_bytes(304, 303, 302, 301))

    with pytest.raises(FeedError, match=r"newest capture kept cannot be read.*--force"):
        fetch_feed(source, data_dir=tmp_path)
    assert snapshot(raw) == kept

    path = fetch_feed(source, data_dir=tmp_path, force=True)
    assert path.is_file()
    assert all(snapshot(raw)[name] == content for name, content in kept.items())


def test_same_second_takes_the_next_free_name(tmp_path, raw, monkeypatch):
    moment = datetime(2026, 8, 7, 23, 34, 5, 123456, tzinfo=UTC)
    monkeypatch.setattr(fetch_module, "_now", lambda: moment)
    # A provenance file left without its capture also blocks its name.
    raw.mkdir()
    provenance_path(raw / "ee_rounds_123_en_20260807T233406Z.json.gz").write_text("{}")
    paths = []
    for rounds in ([301], [302, 301], [303, 302, 301]):
        source = tmp_path / "feed.json"
        source.write_bytes(feed_bytes(*rounds))
        paths.append(fetch_feed(source, data_dir=tmp_path))

    assert [p.name for p in paths] == [
        "ee_rounds_123_en_20260807T233405Z.json.gz",
        "ee_rounds_123_en_20260807T233407Z.json.gz",
        "ee_rounds_123_en_20260807T233408Z.json.gz",
    ]
    assert list_captures(raw) == paths
    for path, rounds in zip(paths, (1, 2, 3), strict=True):
        provenance = provenance_of(path)
        assert provenance["rounds"] == rounds
        assert provenance["captured_at"] == "2026-08-07T23:34:05Z"


def test_failed_write_leaves_nothing_behind(tmp_path, raw, kept, monkeypatch):
    real_link = fetch_module._link_new
    calls = []

    def link_capture_then_fail(temp: Path, target: Path) -> bool:
        calls.append(target.name)
        if target.name.endswith(".provenance.json"):
            raise OSError(28, "No space left on device")
        return real_link(temp, target)

    monkeypatch.setattr(fetch_module, "_link_new", link_capture_then_fail)
    source = tmp_path / "new.json"
    source.write_bytes(feed_bytes(304, 303, 302, 301))

    with pytest.raises(OSError, match="No space left"):
        fetch_feed(source, data_dir=tmp_path)

    assert len(calls) == 2  # the capture was linked, then removed again
    assert snapshot(raw) == kept


def test_failed_capture_link_leaves_no_temp_file(tmp_path, raw, kept, monkeypatch):
    def fail(temp: Path, target: Path) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fetch_module, "_link_new", fail)
    source = tmp_path / "new.json"
    source.write_bytes(feed_bytes(304, 303, 302, 301))
    with pytest.raises(PermissionError):
        fetch_feed(source, data_dir=tmp_path)
    assert snapshot(raw) == kept


def test_link_without_hard_links_never_overwrites(tmp_path, monkeypatch):
    def no_hard_links(src, dst):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(fetch_module.os, "link", no_hard_links)
    temp = tmp_path / "temp"
    temp.write_bytes(b"new")
    target = tmp_path / "target"
    assert fetch_module._link_new(temp, target)
    assert target.read_bytes() == b"new"

    temp.write_bytes(b"newer")
    assert not fetch_module._link_new(temp, target)
    assert target.read_bytes() == b"new"


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="timeout"):
        fetch_feed(tmp_path / "x.json", data_dir=tmp_path, timeout=0)


# ---------------------------------------------------------------- the command


def test_cli_fetch_end_to_end(server, tmp_path, raw, capsys):
    body = feed_bytes(302, 301)
    url = server.serve("/feed.json", Reply(body))
    sha = hashlib.sha256(body).hexdigest()

    assert cli.main(["--data-dir", str(tmp_path), "fetch", "--from", url]) == 0
    out = capsys.readouterr().out
    (path,) = list_captures(raw)
    assert f"wrote {path}" in out
    assert "2 rounds" in out
    assert sha[:12] in out

    assert cli.main(["--data-dir", str(tmp_path), "fetch", "--from", url]) == 0
    out = capsys.readouterr().out
    assert f"unchanged since {path.name}" in out
    assert list_captures(raw) == [path]


def test_cli_fetch_bad_feed_exits_2(server, tmp_path, raw, kept, capsys):
    url = server.serve("/bad", Reply(b"\n"))
    assert cli.main(["--data-dir", str(tmp_path), "fetch", "--from", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ee-trends: error:")
    assert url in err
    assert snapshot(raw) == kept


def test_cli_fetch_fewer_rounds_and_force(tmp_path, raw, kept, capsys):
    source = tmp_path / "shrunk.json"
    source.write_bytes(feed_bytes(301))
    args = ["--data-dir", str(tmp_path), "fetch", "--from", str(source)]
    assert cli.main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main([*args, "--force"]) == 0
    assert "wrote" in capsys.readouterr().out


def test_cli_fetch_missing_file_exits_2(tmp_path, capsys):
    args = ["--data-dir", str(tmp_path), "fetch", "--from", str(tmp_path / "nothere.json")]
    assert cli.main(args) == 2
    assert "nothere.json" in capsys.readouterr().err


# ---------------------------------------------------------------- values, lock


def test_a_feed_with_values_that_do_not_parse_is_kept_with_a_warning(tmp_path, raw):
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(make_feed(make_round("302", drawSize="abc"), make_round("301"))))
    with pytest.warns(UnreadableValueWarning) as caught:
        result = fetch_capture(source, data_dir=tmp_path)
    assert result.unreadable == (
        f"{result.path.name}: round 302: field 'drawSize': not a count: 'abc'; no earlier "
        "capture has a valid value: left missing (see 'quarantined')",
    )
    assert str(caught[0].message).startswith(
        f"{result.path.name}: kept as published; loading the folder of captures quarantines "
        "1 value(s) that break its rules: "
    )
    assert result.unreadable[0] in str(caught[0].message)
    assert gzip.decompress(result.path.read_bytes()) == source.read_bytes()


def test_a_clean_feed_has_no_unreadable_values(tmp_path, raw):
    source = tmp_path / "feed.json"
    source.write_bytes(feed_bytes(302, 301))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fetch_capture(source, data_dir=tmp_path).unreadable == ()


def test_the_check_and_the_write_wait_for_the_lock(tmp_path, raw):
    """While another process holds raw/'s lock, a fetch neither compares nor writes."""
    source = tmp_path / "feed.json"
    source.write_bytes(feed_bytes(302, 301))
    done: list[Path] = []
    with folder_lock(raw):
        worker = threading.Thread(target=lambda: done.append(fetch_feed(source, data_dir=tmp_path)))
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive() and not done
        assert list_captures(raw) == []
    worker.join(timeout=30)
    assert done and list_captures(raw) == done
