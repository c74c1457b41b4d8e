"""The kept captures of the feed: naming, listing, and their capture times."""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ee_trends.errors import CaptureWarning

CAPTURE_STEM = "ee_rounds_123_en"
_CAPTURE_RE = re.compile(rf"{CAPTURE_STEM}_(\d{{8}}T\d{{6}}Z)\.json\.gz")
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PROVENANCE_SUFFIX = ".provenance.json"
FUTURE_TOLERANCE = timedelta(days=1)
"""How far past the clock a capture's time may be (clock skew) before it is refused."""


def capture_name(captured_at: datetime) -> str:
    """File name of a capture taken at ``captured_at`` (UTC)."""
    return f"{CAPTURE_STEM}_{captured_at.astimezone(UTC).strftime(_STAMP_FORMAT)}.json.gz"


def provenance_path(capture: str | Path) -> Path:
    """Provenance file kept beside ``capture``: ``<capture file name>.provenance.json``.

    Such names end in ``.provenance.json``, so :func:`list_captures` never
    takes them for captures.
    """
    capture = Path(capture)
    return capture.with_name(capture.name + PROVENANCE_SUFFIX)


@dataclass(frozen=True)
class Provenance:
    """Where a capture came from, kept beside it as ``<capture>.provenance.json``.

    ``source`` is the URL or file fetched (None when a later fetch completed
    the record of an interrupted one, as ``completed`` says); the HTTP fields
    are those the server sent. Only ``capture`` and ``captured_at`` are
    required and unknown keys are ignored, so the record of an older or newer
    ee_trends reads.
    """

    capture: str
    captured_at: datetime
    source: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    rounds: int | None = None
    ee_trends_version: str | None = None
    gzip_source: bool = False
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    content_encoding: str | None = None
    completed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as written: ``captured_at`` in ISO 8601 UTC, absent HTTP fields left out."""
        record = asdict(self)
        record["captured_at"] = _iso_utc(self.captured_at)
        return {key: value for key, value in record.items() if value is not None or key == "source"}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, capture: str | Path) -> Provenance | None:
        """The provenance kept beside ``capture``, or None when there is none, it cannot be
        read, or it names another capture."""
        try:
            record = json.loads(provenance_path(capture).read_text())
            known = {field.name for field in fields(cls)}
            values = {key: value for key, value in record.items() if key in known}
            values["captured_at"] = datetime.fromisoformat(values["captured_at"]).astimezone(UTC)
            provenance = cls(**values)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return provenance if provenance.capture == Path(capture).name else None


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def capture_time(path: str | Path) -> datetime | None:
    """Capture time in a capture's file name, or None if the name is not one ``fetch`` writes.

    Only the exact name :func:`capture_name` makes counts:
    ``ee_rounds_123_en_<YYYYmmddTHHMMSSZ>.json.gz`` with a real date and time.
    """
    match = _CAPTURE_RE.fullmatch(Path(path).name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def recorded_time(path: str | Path) -> datetime | None:
    """When a capture was fetched: ``captured_at`` of its provenance, else the time in its name.

    The provenance counts only when it names this capture; None when the
    file name is not a capture's.
    """
    named = capture_time(path)
    if named is None:
        return None
    provenance = Provenance.read(path)
    return named if provenance is None else provenance.captured_at


def list_captures(folder: str | Path, *, warn: bool = False) -> list[Path]:
    """Captures in ``folder``, in the order they were fetched (:func:`recorded_time`).

    A capture is a file named exactly as ``fetch`` names one
    (``ee_rounds_123_en_20250710T031300Z.json.gz``); provenance files and
    anything else are ignored. A capture fetched, by its record, in the
    future is left out, so it can never win a merge; with ``warn`` (when the
    captures are loaded) a :class:`~ee_trends.errors.CaptureWarning` names it.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    timed = [(recorded_time(p), p) for p in folder.iterdir() if capture_time(p) and p.is_file()]
    latest = datetime.now(UTC) + FUTURE_TOLERANCE
    future = [p for when, p in timed if when > latest]
    if future and warn:
        warnings.warn(
            f"captures dated in the future, not used: {', '.join(p.name for p in future)} "
            f"in {folder}: remove them, or fetch again to record a true capture time",
            CaptureWarning,
            stacklevel=3,
        )
    return [p for when, p in sorted((t for t in timed if t[0] <= latest), key=_order)]


def _order(item: tuple[datetime, Path]) -> tuple[datetime, str]:
    when, path = item
    return when, path.name


@dataclass(frozen=True)
class FilesRead:
    """Which feed files a load read, named for people: file name and date, never a folder.

    ``name`` is the file (the newest of several captures), ``date`` when it
    was captured (from its provenance or name, else the file's date), ``files``
    how many captures were merged.
    """

    name: str
    date: str | None
    files: int = 1
    dated_by: str = "captured"

    @classmethod
    def of(cls, files: list[Path]) -> FilesRead:
        if not files:
            return cls("a feed given in memory", None, 0)
        newest = files[-1]
        taken, dated_by = recorded_time(newest), "captured"
        if taken is None:  # not a capture's name: the file's own date
            taken = datetime.fromtimestamp(newest.stat().st_mtime, tz=UTC)
            dated_by = "file dated"
        return cls(newest.name, f"{taken:%Y-%m-%d %H:%M} UTC", len(files), dated_by)

    @property
    def what(self) -> str:
        """The file, or how many captures and the newest: ``3 captures, newest NAME``."""
        return self.name if self.files <= 1 else f"{self.files} captures, newest {self.name}"

    @property
    def captured_at(self) -> str | None:
        """When the capture was taken; None for a file without provenance (its own date is
        a copy's, never presented as a capture time) and a feed in memory."""
        return self.date if self.dated_by == "captured" else None

    def to_text(self) -> str:
        return self.what if self.date is None else f"{self.what} ({self.dated_by} {self.date})"
