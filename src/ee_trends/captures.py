"""The kept captures of the feed: naming, listing, and their capture times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

CAPTURE_STEM = "ee_rounds_123_en"
_CAPTURE_RE = re.compile(r"_(\d{8}T\d{6}Z)\.json(?:\.gz)?$")
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PROVENANCE_SUFFIX = ".provenance.json"


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


def capture_time(path: str | Path) -> datetime | None:
    """Capture time encoded in a capture's file name, or None if it has none."""
    match = _CAPTURE_RE.search(Path(path).name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=UTC)


def list_captures(folder: str | Path) -> list[Path]:
    """Captures in ``folder``, oldest first.

    A capture is a ``.json`` or ``.json.gz`` file whose name ends in its
    capture time (``..._20250710T031300Z.json.gz``); provenance files and
    anything else are ignored.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and capture_time(p) is not None]
    return sorted(found, key=lambda p: (capture_time(p), p.name))
