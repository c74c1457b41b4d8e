"""Fetch the feed and keep it as an immutable dated capture in ``raw/``.

The only module that touches the network (standard library only). A fetch
reads the live IRCC feed, another URL or a saved feed file, checks it with
:func:`ee_trends.feed.decode_feed`, and keeps it in ``<data_dir>/raw/`` as
``ee_rounds_123_en_<YYYYmmddTHHMMSSZ>.json.gz`` (the feed's JSON bytes as
received, gzip-compressed), with its provenance beside it in
``<capture file name>.provenance.json``.

A capture is never overwritten or edited. A feed that is not valid, or that
holds fewer rounds than the newest capture kept (unless forced), is refused
and nothing kept is touched; a feed identical to the newest capture kept is
not written twice.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import gzip
import hashlib
import http.client
import json
import logging
import os
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ee_trends import __version__, config
from ee_trends.captures import capture_name, list_captures, provenance_path
from ee_trends.errors import FeedError
from ee_trends.feed import MAX_DECODED_BYTES, decode_feed, gunzip, read_limited

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_MAX_RETRY_AFTER = 60.0
_USER_AGENT = f"ee_trends/{__version__} (Python urllib; Express Entry rounds research)"

Progress = Callable[[int, int | None], None]
"""``progress(received_bytes, total_bytes_or_None)``, called as a download goes."""


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch_capture` kept, or found already kept.

    Attributes
    ----------
    path : Path
        The capture: the new one, or the newest one kept when ``unchanged``.
    provenance_path : Path
        Its provenance file (may be absent for an ``unchanged`` capture that
        was not written by ``fetch``).
    source : str
        URL or absolute path the feed was read from.
    rounds : int
        Number of rounds in the feed.
    sha256 : str
        SHA-256 of the feed's (decompressed) JSON bytes.
    size : int
        Byte size of the feed's (decompressed) JSON bytes.
    unchanged : bool
        True when the feed was byte-identical to the newest capture kept and
        so nothing was written.
    """

    path: Path
    provenance_path: Path
    source: str
    rounds: int
    sha256: str
    size: int
    unchanged: bool


def fetch_feed(source: str | os.PathLike | None = None, **options: Any) -> Path:
    """Fetch the feed and keep it as a new dated capture; return its path.

    Takes the parameters of :func:`fetch_capture` and returns only the
    ``path`` of its :class:`FetchResult` (the existing capture when the feed
    is unchanged since it).

    Returns
    -------
    Path
        The capture kept in ``<data_dir>/raw/``.
    """
    return fetch_capture(source, **options).path


def fetch_capture(
    source: str | os.PathLike | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    force: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
    max_bytes: int = MAX_DECODED_BYTES,
    progress: Progress | None = None,
    backoff: float = 1.0,
) -> FetchResult:
    """Fetch the feed, check it, and keep it as a new dated capture.

    Parameters
    ----------
    source : str or path-like, optional
        An ``http(s)`` URL, or a saved feed file (``.json`` or ``.json.gz``).
        Default: the live IRCC feed, :data:`ee_trends.config.FEED_URL`.
    data_dir : str or path-like, optional
        Data folder; the capture goes to its ``raw/`` (created if needed).
        Resolved by :func:`ee_trends.config.find_data_dir`.
    force : bool, default False
        Keep the feed even if it has fewer rounds than the newest capture
        kept (or that capture cannot be read).
    timeout : float, default 30.0
        Seconds to wait for the server to connect, and then for each read.
    retries : int, default 3
        Further attempts after a connection error, a timeout, a truncated
        transfer, HTTP 429 or HTTP 5xx; other HTTP errors are not retried.
    max_bytes : int, default :data:`MAX_DECODED_BYTES`
        Largest feed accepted: checked against ``Content-Length`` before the
        download, while streaming, and after gzip decompression.
    progress : callable, optional
        Called as ``progress(received_bytes, total_bytes_or_None)`` while
        downloading. Default: a progress line on stderr when stderr is a
        terminal, nothing otherwise.
    backoff : float, default 1.0
        Seconds before the first retry, doubled for each further one (a
        ``Retry-After`` of up to 60 s from the server is honoured).

    Returns
    -------
    FetchResult
        The capture kept, or with ``unchanged=True`` the newest capture
        already kept when the feed is byte-identical to it.

    Raises
    ------
    FeedError
        If the feed cannot be fetched (the URL and the reason are named),
        is too large, is not a valid feed, or has fewer rounds than the
        newest capture kept and ``force`` is False. Nothing kept is touched.
    FileNotFoundError
        If ``source`` is a file that does not exist.

    Notes
    -----
    The capture is named by its capture time in UTC, to the second. If a
    capture of that second exists already, the next free second is used, so
    a capture is never overwritten and names stay in capture order; the
    provenance keeps the true ``captured_at``. Both files are written to a
    temporary file in ``raw/``, flushed to disk, then linked to their name
    (which fails rather than replace an existing file); temporary files are
    removed whatever happens.
    """
    if timeout <= 0 or retries < 0 or max_bytes <= 0 or backoff < 0:
        raise ValueError("timeout and max_bytes must be > 0, retries and backoff >= 0")
    location = config.FEED_URL if source is None else os.fspath(source)
    headers: dict[str, str] = {}
    if config.is_url(location):
        origin = location
        data, headers = _download(
            location,
            timeout=timeout,
            retries=retries,
            max_bytes=max_bytes,
            progress=progress,
            backoff=backoff,
        )
    else:
        path = Path(location).expanduser().resolve()
        origin = str(path)
        data = read_limited(path, max_bytes)
    captured_at = _now()

    data, was_gzip = gunzip(data, max_bytes=max_bytes, origin=origin)
    feed = decode_feed(data, origin=origin, max_bytes=max_bytes)
    rounds = len(feed["rounds"])
    digest = hashlib.sha256(data).hexdigest()

    raw = config.find_data_dir(data_dir) / "raw"
    kept = list_captures(raw)
    if kept:
        newest = kept[-1]
        unchanged = _compare_with_newest(
            newest, digest, rounds, origin=origin, force=force, max_bytes=max_bytes
        )
        if unchanged:
            logger.info("unchanged since %s", newest.name)
            return FetchResult(
                newest, provenance_path(newest), origin, rounds, digest, len(data), True
            )

    raw.mkdir(parents=True, exist_ok=True)
    provenance: dict[str, Any] = {
        "source": origin,
        "captured_at": captured_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "sha256": digest,
        "size_bytes": len(data),
        "rounds": rounds,
        "gzip_source": was_gzip,
        **headers,
        "ee_trends_version": __version__,
    }
    path = _keep(raw, gzip.compress(data, compresslevel=9, mtime=0), provenance, captured_at)
    logger.info("kept %s (%d rounds, sha256 %s)", path, rounds, digest[:12])
    return FetchResult(path, provenance_path(path), origin, rounds, digest, len(data), False)


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- reading


def _compare_with_newest(
    newest: Path, digest: str, rounds: int, *, origin: str, force: bool, max_bytes: int
) -> bool:
    """True if the feed is identical to ``newest``; raise if it has fewer rounds."""
    try:
        kept, _ = gunzip(read_limited(newest, max_bytes), max_bytes=max_bytes, origin=str(newest))
        if hashlib.sha256(kept).hexdigest() == digest:
            return True
        if force:
            return False
        kept_rounds = len(decode_feed(kept, origin=str(newest), max_bytes=max_bytes)["rounds"])
    except (FeedError, OSError) as err:
        if force:
            return False
        raise FeedError(
            f"the newest capture kept cannot be read ({err}); new feed from {origin} "
            "not kept: fix or remove that capture, or use --force (force=True)"
        ) from err
    if rounds < kept_rounds:
        raise FeedError(
            f"{origin} has {rounds} rounds, fewer than the {kept_rounds} rounds of the "
            f"newest capture kept ({newest.name}); not kept. Use --force (force=True) "
            "to keep it anyway"
        )
    return False


# ---------------------------------------------------------------- HTTP


class _Transient(Exception):
    """A failed attempt worth retrying."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _download(
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
        url, headers={"User-Agent": _USER_AGENT, "Accept": "application/json, */*;q=0.5"}
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
                delay = max(delay, min(err.retry_after, _MAX_RETRY_AFTER))
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
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers = _provenance_headers(response, url)
            total = _content_length(response)
            if total is not None and total > max_bytes:
                raise FeedError(
                    f"{url}: Content-Length {total} bytes, over the limit of {max_bytes} bytes"
                )
            return _read_body(response, url, total, max_bytes, progress), headers
    except urllib.error.HTTPError as err:
        err.close()
        status = f"HTTP {err.code} {err.reason}"
        if err.code == 429 or 500 <= err.code < 600:
            raise _Transient(status, _retry_after(err.headers)) from err
        raise FeedError(f"could not fetch {url}: {status}") from err
    except urllib.error.URLError as err:
        if isinstance(err.reason, ssl.SSLCertVerificationError):
            raise FeedError(f"could not fetch {url}: {err.reason}") from err
        if isinstance(err.reason, TimeoutError):
            raise _Transient(f"timed out after {timeout:g} s") from err
        raise _Transient(str(err.reason)) from err
    except TimeoutError as err:
        raise _Transient(f"timed out after {timeout:g} s") from err
    except (http.client.HTTPException, OSError) as err:
        raise _Transient(f"{type(err).__name__}: {err}") from err


def _read_body(
    response: Any, url: str, total: int | None, max_bytes: int, progress: Progress | None
) -> bytes:
    report = progress if progress is not None else _terminal_progress(url)
    chunks: list[bytes] = []
    received = 0
    try:
        while chunk := response.read(_CHUNK):
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
    if total is not None and received < total:
        # http.client's read(amt) returns short at end of stream, without error.
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
    return max(0.0, (when - _now()).total_seconds())


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


# ---------------------------------------------------------------- writing


def _keep(raw: Path, payload: bytes, provenance: dict[str, Any], captured_at: datetime) -> Path:
    """Write ``payload`` as a new capture and its provenance; never overwrite."""
    stamp = captured_at.replace(microsecond=0)
    temp = _write_temp(raw, payload)
    try:
        while True:
            target = raw / capture_name(stamp)
            if not provenance_path(target).exists() and _link_new(temp, target):
                break
            stamp += timedelta(seconds=1)
    finally:
        temp.unlink(missing_ok=True)
    try:
        record = {"capture": target.name, **provenance}
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        temp = _write_temp(raw, text.encode("utf-8"))
        try:
            if not _link_new(temp, provenance_path(target)):
                raise FileExistsError(f"provenance file appeared meanwhile: {target.name}")
        finally:
            temp.unlink(missing_ok=True)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    _fsync_dir(raw)
    return target


def _write_temp(folder: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden temporary file in ``folder``, on disk."""
    fd, name = tempfile.mkstemp(prefix=".ee_trends-", suffix=".tmp", dir=folder)
    try:
        os.chmod(name, 0o644)  # mkstemp makes it private; captures are for reading
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _link_new(temp: Path, target: Path) -> bool:
    """Give ``temp``'s content the name ``target``; False if ``target`` exists.

    A hard link is atomic and never replaces an existing file. Where the
    file system has no hard links, the name is first reserved with an
    exclusive create, then the content moved onto that reservation.
    """
    try:
        os.link(temp, target)
        return True
    except FileExistsError:
        return False
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return False
    try:
        os.replace(temp, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
