"""Fetch the feed and keep it as an immutable dated capture in ``raw/``.

A fetch (the download itself is :mod:`ee_trends.data.download`)
reads the live IRCC feed, another URL or a saved feed file, checks it with
:func:`ee_trends.data.feed.decode_feed`, and keeps it in ``<data_dir>/raw/`` as
``ee_rounds_123_en_<YYYYmmddTHHMMSSZ>.json.gz`` (the feed's JSON bytes as
received, gzip-compressed), with its provenance beside it in
``<capture file name>.provenance.json``.

A capture is never overwritten or edited. A feed that is not valid, or that
holds fewer rounds than the newest capture kept (unless forced), is refused
and nothing kept is touched; a feed identical to the newest capture kept is
not written twice. A valid feed with values that do not parse is kept as
published, with an :class:`~ee_trends.errors.UnreadableValueWarning`.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import logging
import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from ee_trends import __version__
from ee_trends.data import resolve
from ee_trends.data.captures import (
    Provenance,
    capture_name,
    capture_time,
    list_captures,
    provenance_path,
)
from ee_trends.data.download import Progress, download
from ee_trends.data.feed import MAX_DECODED_BYTES, decode_feed, gunzip, read_limited
from ee_trends.data.identity import canonical_id, check_overlap
from ee_trends.data.load import build_tables
from ee_trends.data.locking import TEMP_SUFFIX, folder_lock, remove_dead_temps, temp_prefix
from ee_trends.errors import FeedError, UnreadableValueWarning

logger = logging.getLogger(__name__)

LISTED_NEW = 10
"""The most new rounds :meth:`FetchResult.new_text` lists one by one."""
TEMP_STEM = "ee_trends"
"""Temporary files in ``raw/``: ``.ee_trends.<pid>.<random>.tmp`` (removed once the writer died)."""


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
    unreadable : tuple of str
        What loading the folder quarantines in the new capture, one value
        each, as the loader's warnings word it (the capture, the round, the
        field, and the earlier value used or "left missing"); the capture is
        kept as published.
    new_rounds : tuple of str
        The rounds (canonical ids, oldest first) of the feed that the newest
        capture kept did not hold; empty when unchanged.
    """

    path: Path
    provenance_path: Path
    source: str
    rounds: int
    sha256: str
    size: int
    unchanged: bool
    unreadable: tuple[str, ...] = ()
    new_rounds: tuple[str, ...] = ()

    def new_text(self) -> str:
        """``"new: #435, #436"``, or ``"no new rounds"`` (one line for a scheduled job); more
        than :data:`LISTED_NEW` rounds (a first capture) are counted: ``"new: 435 rounds, #1
        to #434"``."""
        if not self.new_rounds:
            return "no new rounds"
        if len(self.new_rounds) > LISTED_NEW:
            first, last = self.new_rounds[0], self.new_rounds[-1]
            return f"new: {len(self.new_rounds)} rounds, #{first} to #{last}"
        return "new: " + ", ".join(f"#{draw_id}" for draw_id in self.new_rounds)


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
        Default: the live IRCC feed, :data:`ee_trends.data.resolve.FEED_URL`.
    data_dir : str or path-like, optional
        Data folder; the capture goes to its ``raw/`` (created if needed).
        Resolved by :func:`ee_trends.data.resolve.find_data_dir`.
    force : bool, default False
        Keep the feed even if it has fewer rounds than the newest capture
        kept (or that capture cannot be read).
    timeout : float, default 30.0
        Seconds allowed for each download attempt as a whole: connecting,
        the headers and the body (a server that trickles is cut off then).
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

    Warns
    -----
    UnreadableValueWarning
        When the new capture has values that do not parse (see ``unreadable``).

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
    The comparison with the newest capture and the write happen under the
    lock of ``raw/`` (:func:`ee_trends.data.locking.folder_lock`), so concurrent
    fetches never race the "fewer rounds" check. The capture is named by
    its capture time in UTC, to the second. If a
    capture of that second exists already, the next free second is used, so
    a capture is never overwritten and names stay in capture order; the
    provenance keeps the true ``captured_at``. Both files are written to a
    temporary file in ``raw/``, flushed to disk, then linked to their name
    (which fails rather than replace an existing file); temporary files are
    removed whatever happens.
    """
    if not 0 < timeout < math.inf or retries < 0 or max_bytes <= 0 or not 0 <= backoff < math.inf:
        raise ValueError(
            "timeout must be a finite number of seconds > 0, max_bytes > 0, "
            "retries and backoff >= 0"
        )
    location = resolve.FEED_URL if source is None else os.fspath(source)
    headers: dict[str, str] = {}
    if resolve.is_url(location):
        origin = location
        data, headers = download(
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

    raw = resolve.find_data_dir(data_dir) / "raw"
    result = partial(FetchResult, source=origin, rounds=rounds, sha256=digest, size=len(data))
    # The comparison with the newest capture and the write, as one step among fetches.
    with folder_lock(raw):
        remove_dead_temps(raw, TEMP_STEM)
        kept = list_captures(raw)
        previous: tuple[str, dict[str, Any]] | None = None
        if kept:
            newest = kept[-1]
            _complete_provenance(newest, max_bytes=max_bytes)
            unchanged, previous = _compare_with_newest(
                newest, digest, feed, origin=origin, force=force, max_bytes=max_bytes
            )
            if unchanged:
                logger.info("unchanged since %s", newest.name)
                return result(path=newest, provenance_path=provenance_path(newest), unchanged=True)
        name = capture_name(captured_at)
        found = tuple(check_capture(feed, name, previous))
        provenance = partial(
            Provenance,
            source=origin,
            captured_at=captured_at,
            sha256=digest,
            size_bytes=len(data),
            rounds=rounds,
            ee_trends_version=__version__,
            gzip_source=was_gzip,
            **headers,
        )
        payload = gzip.compress(data, compresslevel=9, mtime=0)
        path = _keep(raw, payload, provenance, captured_at)
        found = tuple(message.replace(name, path.name) for message in found)  # a later second
    logger.info("kept %s (%d rounds, sha256 %s)", path, rounds, digest[:12])
    if found:
        warnings.warn(
            f"{path.name}: kept as published; loading the folder of captures quarantines "
            f"{len(found)} value(s) that break its rules: " + "; ".join(found),
            UnreadableValueWarning,
            stacklevel=2,
        )
    return result(
        path=path,
        provenance_path=provenance_path(path),
        unchanged=False,
        unreadable=found,
        new_rounds=new_rounds(feed, previous[1] if previous else None),
    )


def new_rounds(feed: dict[str, Any], previous: dict[str, Any] | None) -> tuple[str, ...]:
    """The canonical ids of the rounds of ``feed`` not in ``previous``, oldest first."""
    seen = {canonical_id(r["drawNumber"]) for r in previous["rounds"]} if previous else set()
    ids = [canonical_id(record["drawNumber"]) for record in reversed(feed["rounds"])]
    return tuple(draw_id for draw_id in ids if draw_id not in seen)


def check_capture(
    feed: dict[str, Any], name: str, previous: tuple[str, dict[str, Any]] | None
) -> Iterator[str]:
    """What loading would quarantine in a new capture ``name`` kept after ``previous``.

    The loader itself (:func:`ee_trends.data.load.build_tables`) runs on the
    newest capture kept and the new one; its quarantine warnings about the
    new capture are returned, one per value.
    """
    feeds = [previous, (name, feed)] if previous is not None else [(name, feed)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build_tables(feeds, quarantine=True)
        except FeedError as err:  # a rule the quarantine cannot keep apart: refused
            raise FeedError(f"new capture not kept: {err}") from err
    for warning in caught:
        message = str(warning.message)
        if issubclass(warning.category, UnreadableValueWarning) and message.startswith(name):
            yield message


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- reading


def _compare_with_newest(
    newest: Path, digest: str, feed: dict[str, Any], *, origin: str, force: bool, max_bytes: int
) -> tuple[bool, tuple[str, dict[str, Any]] | None]:
    """Whether the feed is identical to ``newest``, and ``newest`` as ``(name, feed)``.

    Raise when it has fewer rounds than ``newest`` (unless ``force``), or
    mostly other rounds by id (:func:`~ee_trends.data.identity.check_overlap`,
    even with ``force``: merged, every round would be there twice). With
    ``force``, an unreadable ``newest`` is None.
    """
    try:
        kept, _ = gunzip(read_limited(newest, max_bytes), max_bytes=max_bytes, origin=str(newest))
        if hashlib.sha256(kept).hexdigest() == digest:
            return True, None
        previous = decode_feed(kept, origin=str(newest), max_bytes=max_bytes)
    except (FeedError, OSError) as err:
        if force:
            return False, None
        raise FeedError(
            f"the newest capture kept cannot be read ({err}); new feed from {origin} "
            "not kept: fix or remove that capture, or use --force (force=True)"
        ) from err
    rounds, kept_rounds = len(feed["rounds"]), len(previous["rounds"])
    if rounds < kept_rounds and not force:
        raise FeedError(
            f"{origin} has {rounds} rounds, fewer than the {kept_rounds} rounds of the "
            f"newest capture kept ({newest.name}); not kept. Use --force (force=True) "
            "to keep it anyway"
        )
    try:
        check_overlap(
            (canonical_id(record["drawNumber"]) for record in feed["rounds"]),
            (canonical_id(record["drawNumber"]) for record in previous["rounds"]),
            origin=origin,
            previous_name=f"the newest capture kept ({newest.name})",
        )
    except FeedError as err:
        raise FeedError(
            f"{err}; not kept, even with --force: merged, every round would be there twice"
        ) from None
    return False, (newest.name, previous)


# ---------------------------------------------------------------- writing


def _keep(
    raw: Path, payload: bytes, provenance: Callable[..., Provenance], captured_at: datetime
) -> Path:
    """Write ``payload`` as a new capture and its provenance (``provenance(capture=name)``);
    never overwrite."""
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
        text = provenance(capture=target.name).to_json()
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


def _complete_provenance(capture: Path, *, max_bytes: int) -> None:
    """Write the provenance of a capture kept without one (its fetch was interrupted between
    the two files): its name's time, sha256, size and rounds; its source is unknown."""
    if provenance_path(capture).exists():
        return
    try:
        data, _ = gunzip(read_limited(capture, max_bytes), max_bytes=max_bytes, origin=str(capture))
        rounds = len(decode_feed(data, origin=str(capture), max_bytes=max_bytes)["rounds"])
    except (FeedError, OSError):
        return  # not a feed: the comparison with it says so
    record = Provenance(
        capture=capture.name,
        source=None,
        captured_at=capture_time(capture),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        rounds=rounds,
        ee_trends_version=__version__,
        completed="written by a later fetch: the fetch that kept this capture was "
        "interrupted before its provenance; source unknown, time from the file name",
    )
    text = record.to_json()
    temp = _write_temp(capture.parent, text.encode("utf-8"))
    try:
        _link_new(temp, provenance_path(capture))
    finally:
        temp.unlink(missing_ok=True)
    logger.info("completed the provenance of %s", capture.name)


def _write_temp(folder: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden temporary file in ``folder``, on disk."""
    fd, name = tempfile.mkstemp(prefix=temp_prefix(TEMP_STEM), suffix=TEMP_SUFFIX, dir=folder)
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
