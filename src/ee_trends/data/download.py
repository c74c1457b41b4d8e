"""Download a URL over HTTP(S): a deadline on the whole download, a byte limit,
retries with backoff (and the server's Retry-After) for transient failures only,
and the response headers worth keeping as provenance.

The one module that touches the network (with the standard library); what is
downloaded is kept by :mod:`ee_trends.data.fetch`.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import logging
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from time import monotonic
from typing import Any

from ee_trends import __version__
from ee_trends.errors import FeedError

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_RETRY_AFTER = 60.0
USER_AGENT = f"ee_trends/{__version__} (Python urllib; Express Entry rounds research)"

Progress = Callable[[int, int | None], None]
"""Called with the bytes read so far and the expected total (None when unknown)."""


class _Transient(Exception):
    """A failed attempt worth retrying."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def download(
    url: str,
    *,
    timeout: float,
    retries: int,
    max_bytes: int,
    progress: Progress | None,
    backoff: float,
) -> tuple[bytes, dict[str, str]]:
    """GET ``url`` with retries; return the body and the provenance headers."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5"}
    )
    for attempt in range(retries + 1):
        try:
            return _get_once(request, timeout=timeout, max_bytes=max_bytes, progress=progress)
        except _Transient as err:
            tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
            if attempt == retries:
                raise FeedError(f"could not fetch {url}: {err.reason} ({tries})") from err
            delay = backoff * 2**attempt
            if err.retry_after is not None:
                delay = max(delay, min(err.retry_after, MAX_RETRY_AFTER))
            logger.warning("fetching %s: %s; retrying in %.1f s", url, err.reason, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _get_once(
    request: urllib.request.Request,
    *,
    timeout: float,
    max_bytes: int,
    progress: Progress | None,
) -> tuple[bytes, dict[str, str]]:
    url = request.full_url
    deadline = _Deadline(timeout)
    try:
        with _opener(deadline).open(request, timeout=timeout) as response:
            headers = _provenance_headers(response, url)
            total = _content_length(response)
            if total is not None and total > max_bytes:
                raise FeedError(
                    f"{url}: Content-Length {total} bytes, over the limit of {max_bytes} bytes"
                )
            body = _read_body(response, url, total, max_bytes, progress, deadline)
            return body, headers
    except urllib.error.HTTPError as err:
        err.close()
        status = f"HTTP {err.code} {err.reason}"
        if err.code == 429 or 500 <= err.code < 600:
            raise _Transient(status, _retry_after(err.headers)) from err
        raise FeedError(f"could not fetch {url}: {status}") from err
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        reason = err.reason if isinstance(err, urllib.error.URLError) else err
        if deadline.passed() or isinstance(reason, TimeoutError):
            raise _Transient(deadline.message) from err
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise FeedError(f"could not fetch {url}: {reason}") from err
        if isinstance(reason, socket.gaierror):  # no name service: offline, not worth a retry
            raise FeedError(f"could not fetch {url}: host not found ({reason})") from err
        if isinstance(err, urllib.error.URLError):
            raise _Transient(str(reason)) from err
        raise _Transient(f"{type(err).__name__}: {err}") from err
    finally:
        deadline.cancel()


class _Deadline:
    """The end of one download: every connection it opens is shut down at that time."""

    def __init__(self, seconds: float) -> None:
        self.at = monotonic() + seconds
        self.message = f"timed out after {seconds:g} s"
        self._timers: list[threading.Timer] = []

    def passed(self) -> bool:
        return monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        timer = threading.Timer(max(0.0, self.at - monotonic()), _shut_down, (sock,))
        timer.daemon = True
        timer.start()
        self._timers.append(timer)

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()


def _shut_down(sock: socket.socket) -> None:
    """End a connection now: a read blocked on it returns at once."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's opener, whose HTTP(S) connections (redirects too) end at ``deadline``."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    context = ssl.create_default_context()

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(SecureConnection, req, context=context)

    return urllib.request.build_opener(Handler, SecureHandler(context=context))


def _read_body(
    response: Any,
    url: str,
    total: int | None,
    max_bytes: int,
    progress: Progress | None,
    deadline: _Deadline,
) -> bytes:
    report = progress if progress is not None else _terminal_progress(url)
    chunks: list[bytes] = []
    received = 0
    try:
        while chunk := response.read1(CHUNK):
            received += len(chunk)
            if received > max_bytes:
                raise FeedError(f"{url}: response over the limit of {max_bytes} bytes")
            chunks.append(chunk)
            if report is not None:
                report(received, total)
    finally:
        if progress is None and report is not None:
            sys.stderr.write("\n")
            sys.stderr.flush()
    if deadline.passed():  # the connection was shut down: what came is not the whole body
        raise _Transient(deadline.message)
    if total is not None and received < total:
        # http.client's read returns short at end of stream, without error.
        raise _Transient(f"connection closed after {received} of {total} bytes")
    return b"".join(chunks)


def _content_length(response: Any) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, TypeError, ValueError):
        return None


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _provenance_headers(response: Any, url: str) -> dict[str, str]:
    found = {
        "final_url": response.geturl() if response.geturl() != url else None,
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "content_type": response.headers.get("Content-Type"),
        "content_encoding": response.headers.get("Content-Encoding"),
    }
    return {key: value for key, value in found.items() if value}


def _terminal_progress(url: str) -> Progress | None:
    """A progress line on stderr, or None when stderr is not a terminal."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None

    def report(received: int, total: int | None) -> None:
        done = f"{received / 1024:,.0f} KiB"
        if total:
            done += f" of {total / 1024:,.0f} KiB ({100 * received / total:.0f}%)"
        sys.stderr.write(f"\rfetching {url}: {done}")
        sys.stderr.flush()

    return report
