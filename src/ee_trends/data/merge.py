"""Merge several captures of the feed into one raw frame: newest published value wins.

IRCC edits past rounds in its feed without notice: labels are renamed, a
date is rewritten, and some values are later *blanked* (a distribution
replaced by zeros, a string emptied). Merging works field by field on the
raw strings, so a value only blanked by a later capture is not lost:

- each round (``drawNumber``) is taken from the newest capture that has it;
- each field takes its value from that capture, unless the value is blank:
  an empty or whitespace string, or for ``dd1`` ... ``dd18`` a ``"0"`` (a
  distribution of zeros, or one range zeroed) where an older capture had
  a non-zero value. A blank is recovered from the newest older capture with
  a non-blank value, and the round is marked: ``recovered_fields`` names the
  fields (comma-separated) and ``recovered_from`` the capture(s) they came
  from (newest first);
- a value that breaks the loader's rules (:func:`ee_trends.data.parsers.value_error`:
  ``drawSize`` ``"abc"`` or ``"0"``, a cutoff of 1300, a year 2300, a round
  number ``"436-A"``) is quarantined like a blank: the newest older capture
  with a valid value gives it, the round is marked the same way. When no
  capture has a valid value, the field is left missing (an empty string,
  for the cleaning step); so is a field of
  :data:`~ee_trends.data.feed.REQUIRED_FIELDS` blank in every capture (a
  round published before its cutoff). Either way ``quarantined`` names the
  field and one :class:`~ee_trends.errors.UnreadableValueWarning` per value
  names the capture file, the round and the field, and what is used. Never
  fatal, never a dropped round;
- rounds are matched by their canonical id
  (:func:`~ee_trends.data.identity.canonical_id`: ``"0384"`` is ``"384"``); a
  capture holding under half of the previous capture's rounds by id is left
  out, with a :class:`~ee_trends.errors.CaptureWarning` (:func:`distinct_versions`);
- a round missing from newer captures is kept from the newest capture that
  had it, with ``recovered_fields`` ``"*"`` (the whole round),
  ``recovered_from`` that capture, and a :class:`DroppedRoundWarning`.

The captures themselves stay as published.

A ``"0"`` that no capture ever replaced with a count stays ``"0"``: the
cleaning step reads it (all zeros: no distribution published).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ee_trends.data.feed import POOL_COUNT_FIELDS, REQUIRED_FIELDS, ROUND_FIELDS, round_values
from ee_trends.data.identity import canonical_id, check_overlap, round_name
from ee_trends.data.parsers import FIELD_PARSERS, value_error
from ee_trends.errors import (
    CaptureWarning,
    DroppedRoundWarning,
    FeedError,
    UnreadableValueWarning,
)

WHOLE_ROUND = "*"
"""``recovered_fields`` of a round kept from an older capture because newer ones dropped it."""


def stack_captures(feeds: Sequence[tuple[str, dict[str, Any]]]) -> pd.DataFrame:
    """All rounds of all captures in one frame of strings, with the capture's position.

    Columns: :data:`~ee_trends.data.feed.ROUND_FIELDS`, ``draw_id`` (the canonical
    id of ``drawNumber``, :func:`~ee_trends.data.identity.canonical_id`) and
    ``capture`` (the position of the capture in ``feeds``, oldest first). Rows
    keep each capture's order (newest round first).
    """
    records = [record for _, feed in feeds for record in feed["rounds"]]
    sizes = [len(feed["rounds"]) for _, feed in feeds]
    frame = pd.DataFrame.from_records(records, columns=list(ROUND_FIELDS)).astype("string")
    frame["draw_id"] = frame["drawNumber"].map(canonical_id, na_action="ignore")
    frame["capture"] = np.repeat(np.arange(len(feeds)), sizes)
    return frame


def blank_mask(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a raw value is blank: empty or whitespace, or ``"0"`` in ``dd1`` ... ``dd18``.

    (A ``"0"`` in a pool field is only *treated* as blank by the merge when an
    older capture had a non-zero value; otherwise it is kept.)
    """
    fields = list(ROUND_FIELDS)
    stripped = frame[fields].apply(lambda column: column.str.strip().fillna(""))
    blank = stripped == ""
    pool = list(POOL_COUNT_FIELDS)
    blank[pool] = blank[pool] | (stripped[pool] == "0")
    return blank


def value_errors(frame: pd.DataFrame) -> pd.DataFrame:
    """Why each raw value of ``frame`` does not parse (NA where it does, or is blank).

    One column per field of :data:`~ee_trends.data.feed.ROUND_FIELDS`; each distinct
    value is parsed once.
    """
    out = np.full((len(frame), len(ROUND_FIELDS)), None, dtype=object)
    for column, field in enumerate(ROUND_FIELDS):
        if field in FIELD_PARSERS:
            codes, texts = pd.factorize(frame[field])
            found = np.array([value_error(field, text) for text in texts] + [None], dtype=object)
            out[:, column] = found[codes]  # code -1 (NA) takes the last: None
    return pd.DataFrame(out, index=frame.index, columns=list(ROUND_FIELDS))


def merge_captures(feeds: Iterable[tuple[str, dict[str, Any]]]) -> pd.DataFrame:
    """Merge captures (oldest first, each ``(label, feed)``) into one raw frame of strings:
    :func:`merge_versions` of their :func:`distinct_versions` (``feeds`` may be an iterator:
    the captures are read one at a time)."""
    return merge_versions(distinct_versions(feeds))


def merge_versions(versions: Versions) -> pd.DataFrame:
    """The raw frame of the captures whose round versions are ``versions``.

    Returns
    -------
    pandas.DataFrame
        The shape of :func:`ee_trends.data.feed.rounds_frame` (columns
        :data:`~ee_trends.data.feed.ROUND_FIELDS`, strings), one row per round
        ever published, plus ``draw_id`` (canonical), ``recovered_fields``,
        ``recovered_from`` and ``quarantined`` (strings, NA when nothing was
        recovered or quarantined). See the module docstring.

    Warns
    -----
    DroppedRoundWarning
        Rounds missing from newer captures, kept from the newest that had them.
    """
    labels_seen, stacked = versions.labels, versions.frame
    if not labels_seen:
        raise ValueError("no capture to merge")
    labels = np.array(labels_seen, dtype=object)
    fields = list(ROUND_FIELDS)
    errors = value_errors(stacked)
    blank = blank_mask(stacked) | errors.notna()

    groups = stacked.groupby("draw_id", sort=False)
    # The newest capture holding each round, and that capture's raw values.
    newest = stacked.loc[groups["capture"].idxmax()]
    newest = newest.assign(row=newest.index).set_index("draw_id")
    # The newest non-blank value of each field, and the capture it is in (-1: none).
    kept = stacked[fields].mask(blank).groupby(stacked["draw_id"], sort=False).last()
    source = (
        pd.DataFrame(
            np.where(blank.to_numpy(), -1, stacked["capture"].to_numpy()[:, None]),
            columns=fields,
        )
        .groupby(stacked["draw_id"].to_numpy(), sort=False)
        .max()
    )
    kept, source = kept.loc[newest.index], source.loc[newest.index]
    merged = kept.fillna(newest[fields])

    broken = errors.loc[newest["row"]].set_axis(newest.index)
    missing = (source < 0) & (broken.notna() | _required_blank(merged))
    merged = merged.mask(missing, "")  # a value no capture has right: left missing
    _quarantine(broken, missing, source, newest, labels)

    own = newest["capture"].to_numpy()[:, None]
    recovered = (source.to_numpy() >= 0) & (source.to_numpy() != own)
    dropped = newest["capture"].to_numpy() < len(labels) - 1
    merged["recovered_fields"] = _recovered_fields(recovered, dropped)
    merged["recovered_from"] = _recovered_from(recovered, source.to_numpy(), newest, labels)
    flagged = (broken.notna() | missing).to_numpy(dtype=bool)
    names = np.array(ROUND_FIELDS, dtype=object)
    merged["quarantined"] = [",".join(names[row]) if row.any() else None for row in flagged]
    merged["draw_id"] = merged.index
    merged = merged.astype("string")

    if dropped.any():
        lost = newest.index[dropped]
        warnings.warn(
            "rounds missing from newer captures, kept from the newest capture that had them: "
            + "; ".join(
                f"{draw_id} (last in {labels[newest.loc[draw_id, 'capture']]})" for draw_id in lost
            ),
            DroppedRoundWarning,
            stacklevel=2,
        )
    # Rounds in the order of the newest capture holding them (newest round first).
    order = np.lexsort((newest["position"].to_numpy(), -newest["capture"].to_numpy()))
    return merged.iloc[order].reset_index(drop=True)


@dataclass(frozen=True)
class Versions:
    """The distinct versions of the rounds of the captures merged so far.

    ``labels`` are the captures merged (oldest first); ``frame`` has the columns
    of :func:`stack_captures` plus ``position``; ``warnings`` the messages of
    the captures left out.
    """

    labels: list[str]
    frame: pd.DataFrame
    warnings: list[str]


def distinct_versions(
    feeds: Iterable[tuple[str, dict[str, Any]]], *, start: Versions | None = None
) -> Versions:
    """Each distinct version of each round, reading one capture at a time (years of
    captures never sit in memory at once), onto the versions ``start`` when given.

    A round published as in the capture before (the usual case) is not
    stacked again: its version only moves to the later capture, so
    ``capture`` is the newest capture of each run of equal versions and
    ``position`` its place in that capture.

    A capture holding, by id, under half of the rounds of the capture kept
    before it (:func:`~ee_trends.data.identity.check_overlap`) is left out
    with a :class:`~ee_trends.errors.CaptureWarning` naming it: merged, it
    would put its rounds beside the same rounds under other ids.
    """
    labels: list[str] = [] if start is None else list(start.labels)
    left_out: list[str] = [] if start is None else list(start.warnings)
    records: list[tuple[str, ...]] = []
    captures: list[int] = []
    positions: list[int] = []
    if start is not None:
        records = list(start.frame[list(ROUND_FIELDS)].itertuples(index=False, name=None))
        captures = start.frame["capture"].tolist()
        positions = start.frame["position"].tolist()
    moves: list[tuple[int, list[int], list[int]]] = []
    ids_of = [canonical_id(record[0]) for record in records]
    latest = {draw_id: row for row, draw_id in enumerate(ids_of)}  # round -> newest version
    last = len(labels) - 1
    previous = [
        draw_id for draw_id, capture in zip(ids_of, captures, strict=True) if capture == last
    ]
    # The round objects of the capture kept last, by identity, with their id and version:
    # a round passed on unchanged (as ee_trends.data.series does) is not compared again.
    held: list[Any] = []
    known: dict[int, tuple[str, int]] = {}
    for label, feed in feeds:
        rounds = feed["rounds"]
        hits = list(map(known.get, map(id, rounds)))
        ids = [
            canonical_id(record["drawNumber"]) if hit is None else hit[0]
            for record, hit in zip(rounds, hits, strict=True)
        ]
        try:
            check_overlap(ids, previous, origin=label, previous_name=labels[-1] if labels else "")
        except FeedError as err:
            message = f"{err}; that capture is not used"
            warnings.warn(message, CaptureWarning, stacklevel=4)
            left_out.append(message)
            continue
        capture = len(labels)
        labels.append(label)
        previous = ids
        moved: list[int] = []
        where: list[int] = []
        rows: list[int] = []
        for position, (record, hit, draw_id) in enumerate(zip(rounds, hits, ids, strict=True)):
            row = latest.get(draw_id) if hit is None else hit[1]
            if row is not None and (hit is not None or records[row] == round_values(record)):
                # as in an earlier capture: the version moves to this one (applied below)
                moved.append(row)
                where.append(position)
            else:
                row = latest[draw_id] = len(records)
                records.append(round_values(record))
                captures.append(capture)
                positions.append(position)
            rows.append(row)
        moves.append((capture, moved, where))
        held = rounds  # keeps the objects alive, so their ids stay theirs
        known = {
            id(record): (draw_id, row) for record, draw_id, row in zip(held, ids, rows, strict=True)
        }
    capture_of = np.asarray(captures, dtype=np.int64)
    position_of = np.asarray(positions, dtype=np.int64)
    for capture, moved, where in moves:  # in capture order: the newest move wins
        capture_of[moved] = capture
        position_of[moved] = where
    frame = pd.DataFrame.from_records(records, columns=list(ROUND_FIELDS)).astype("string")
    frame["draw_id"] = frame["drawNumber"].map(canonical_id, na_action="ignore")
    frame["capture"] = capture_of
    frame["position"] = position_of
    return Versions(labels, frame, left_out)


def _required_blank(merged: pd.DataFrame) -> pd.DataFrame:
    """True where a field of :data:`~ee_trends.data.feed.REQUIRED_FIELDS` is blank."""
    blank = pd.DataFrame(False, index=merged.index, columns=merged.columns)
    for field in REQUIRED_FIELDS:
        blank[field] = merged[field].str.strip().fillna("") == ""
    return blank


def _quarantine(
    broken: pd.DataFrame,
    missing: pd.DataFrame,
    source: pd.DataFrame,
    newest: pd.DataFrame,
    labels: np.ndarray,
) -> None:
    """One warning per value quarantined: the capture, the round, the field, and what is used."""
    for row, column in np.argwhere((broken.notna() | missing).to_numpy(dtype=bool)):
        draw_id, field = broken.index[row], broken.columns[column]
        capture = labels[newest.loc[draw_id, "capture"]]
        where = f"{capture}: round {round_name(draw_id)}: field {field!r}"
        problem = broken.loc[draw_id, field]
        what = f"{where}: {problem}" if pd.notna(problem) else f"{where} is empty"
        older = source.loc[draw_id, field]
        if older >= 0:
            used = f"the value of {labels[older]} is used"
        else:
            used = "no earlier capture has a valid value: left missing (see 'quarantined')"
        warnings.warn(f"{what}; {used}", UnreadableValueWarning, stacklevel=4)


def _recovered_fields(recovered: np.ndarray, dropped: np.ndarray) -> list[str | None]:
    names = np.array(ROUND_FIELDS, dtype=object)
    out: list[str | None] = []
    for row, whole in zip(recovered, dropped, strict=True):
        if whole:
            out.append(WHOLE_ROUND)
        else:
            out.append(",".join(names[row]) if row.any() else None)
    return out


def _recovered_from(
    recovered: np.ndarray, source: np.ndarray, newest: pd.DataFrame, labels: np.ndarray
) -> list[str | None]:
    last = len(labels) - 1
    out: list[str | None] = []
    for row, captures, own in zip(recovered, source, newest["capture"].to_numpy(), strict=True):
        used = set(captures[row].tolist())
        if own < last:
            used.add(int(own))
        out.append(",".join(labels[sorted(used, reverse=True)]) if used else None)
    return out
