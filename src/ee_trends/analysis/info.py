"""The text of ``ee-trends info``: what is loaded, from where, and what is kept."""

from __future__ import annotations

import os

from ee_trends.analysis.aggregate import published_distributions
from ee_trends.data.captures import list_captures
from ee_trends.data.load import FeedLike, load_all
from ee_trends.data.resolve import find_data_dir, resolve_source


def info_text(source: FeedLike = None, *, data_dir: str | os.PathLike | None = None) -> str:
    """A short text about what is loaded: source, captures kept, rounds, dates, programs."""
    resolved = resolve_source(source, data_dir=data_dir)
    folder = find_data_dir(data_dir)
    loaded = load_all(source, data_dir=data_dir)
    draws = loaded.draws
    kept = list_captures(folder / "raw")
    programs = draws["program"].value_counts()
    lines = [
        f"source:    {resolved.location} ({resolved.why})",
        f"read:      {loaded.read.to_text()}",
        f"data dir:  {folder}",
        f"captures:  {len(kept)} kept in {folder / 'raw'}"
        + (f", newest {kept[-1].name}" if kept else ""),
        f"rounds:    {len(draws)} ({draws['draw_id'].iloc[0]} to {draws['draw_id'].iloc[-1]}), "
        f"{draws['draw_date'].min():%Y-%m-%d} to {draws['draw_date'].max():%Y-%m-%d}",
        f"pool:      {published_distributions(loaded.pool).to_text()}",
        "programs:  " + ", ".join(f"{key} {n}" for key, n in programs.items() if n),
    ]
    quarantined = draws.dropna(subset=["quarantined"])
    if len(quarantined):
        lines.append(
            f"quarantined: {len(quarantined)} round(s) with values that broke the rules: "
            + "; ".join(_quarantined(row) for row in quarantined.itertuples())
        )
    return "\n".join(lines)


def _quarantined(row) -> str:
    """``#436-A drawNumber (missing)``, ``#301 drawSize (from <capture>)``."""
    recovered = row.recovered_fields.split(",") if isinstance(row.recovered_fields, str) else []
    fields = [
        f"{field} (from {row.recovered_from})" if field in recovered else f"{field} (missing)"
        for field in row.quarantined.split(",")
    ]
    return f"#{row.draw_id} " + ", ".join(fields)
