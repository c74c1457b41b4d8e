"""The processed cache is right or absent: checked on read, rebuilt when damaged, never shared."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import make_feed, make_round
from ee_trends.data import cache, load
from ee_trends.errors import CacheWarning
from ee_trends.programs import UnknownProgramWarning

VINTAGE_2023 = "ee_rounds_123_en_20230119T034312Z.json.gz"


@pytest.fixture
def feed_file(tmp_path) -> Path:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(make_feed(make_round("301", drawCRS="530"), make_round("300"))))
    return path


def entry(data_dir: Path) -> Path:
    (folder,) = (data_dir / "processed").glob("tables-*")
    return folder


def fresh(feed_file) -> tuple[pd.DataFrame, pd.DataFrame]:
    return load.load_tables(feed_file, cache=False)


def assert_rebuilt(feed_file, data_dir, match: str) -> None:
    """A damaged entry is not served: a CacheWarning, the fresh tables, then a sound entry."""
    with pytest.warns(CacheWarning, match=match):
        draws, pool = load.load_tables(feed_file, data_dir=data_dir)
    pd.testing.assert_frame_equal(draws, fresh(feed_file)[0])
    pd.testing.assert_frame_equal(pool, fresh(feed_file)[1])
    hit = cache.read_cache(
        data_dir / "processed", cache.cache_key([feed_file], cache.file_digests([feed_file]))
    )
    assert hit is not None
    pd.testing.assert_frame_equal(hit.tables[0], draws)


def test_an_entry_is_one_folder_of_readable_files(feed_file, tmp_path):
    written = load.build_cache(feed_file, data_dir=tmp_path)
    folder = entry(tmp_path)
    assert sorted(p.name for p in written) == ["draws.parquet", "manifest.json", "pool.parquet"]
    assert {p.parent for p in written} == {folder}
    # Modes from the umask like any other file (0644 and 0755 under the usual 022).
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask
    for path in [*written, tmp_path / "processed" / ".lock"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
    manifest = json.loads((folder / "manifest.json").read_text())
    data = (folder / "draws.parquet").read_bytes()
    assert manifest["tables"]["draws"] == {"rows": 2, "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["inputs"] == [str(feed_file)]


@pytest.mark.parametrize("text", ["[]", "null", "{}", "not json", '{"key": 3}'])
def test_a_malformed_manifest_is_rebuilt(feed_file, tmp_path, text):
    load.build_cache(feed_file, data_dir=tmp_path)
    (entry(tmp_path) / "manifest.json").write_text(text)
    assert_rebuilt(feed_file, tmp_path, "damaged")


def test_swapped_tables_are_rebuilt(feed_file, tmp_path):
    load.build_cache(feed_file, data_dir=tmp_path)
    folder = entry(tmp_path)
    draws, pool = (folder / "draws.parquet").read_bytes(), (folder / "pool.parquet").read_bytes()
    (folder / "draws.parquet").write_bytes(pool)
    (folder / "pool.parquet").write_bytes(draws)
    assert_rebuilt(feed_file, tmp_path, "draws.parquet does not match the checksum")


def test_a_forged_value_is_never_served(feed_file, tmp_path):
    load.build_cache(feed_file, data_dir=tmp_path)
    path = entry(tmp_path) / "draws.parquet"
    forged = pd.read_parquet(path)
    forged.loc[0, "crs_cutoff"] = 9999
    forged.to_parquet(path)
    assert_rebuilt(feed_file, tmp_path, "checksum")
    assert load.load_draws(feed_file, data_dir=tmp_path)["crs_cutoff"].max() == 530


def test_tables_are_checked_against_the_field_table(feed_file, tmp_path):
    """A table whose manifest matches it is still refused when it is not the field table's."""
    load.build_cache(feed_file, data_dir=tmp_path)
    folder = entry(tmp_path)
    path = folder / "draws.parquet"
    pd.read_parquet(path).astype({"crs_cutoff": "float64"}).to_parquet(path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tables"]["draws"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert_rebuilt(feed_file, tmp_path, "column 'crs_cutoff' is float64, not Int64")


def test_a_row_count_unlike_the_manifest_is_rebuilt(feed_file, tmp_path):
    load.build_cache(feed_file, data_dir=tmp_path)
    folder = entry(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["tables"]["pool"]["rows"] = 31
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert_rebuilt(feed_file, tmp_path, "pool.parquet has 30 rows, its manifest 31")


def test_warning_classes_come_from_the_allow_list_only(tmp_path, monkeypatch):
    """A manifest naming a module is refused: that module is never imported."""
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(make_feed(make_round(drawName="Space Engineers"))))
    with pytest.warns(UnknownProgramWarning):
        load.build_cache(path, data_dir=tmp_path)
    module = tmp_path / "modules" / "planted.py"
    module.parent.mkdir()
    module.write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\nclass W(Warning): ...\n")
    monkeypatch.syspath_prepend(str(module.parent))
    manifest_path = entry(tmp_path) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["warnings"][0]["category"] == "UnknownProgramWarning"
    manifest["warnings"][0]["category"] = "planted:W"
    manifest_path.write_text(json.dumps(manifest))
    with (
        pytest.warns(UnknownProgramWarning, match="Space Engineers"),
        pytest.warns(CacheWarning, match="warning that is malformed or not allowed"),
    ):
        load.load_draws(path, data_dir=tmp_path)
    assert not (tmp_path / "imported").exists() and "planted" not in sys.modules


def test_a_warning_outside_the_allow_list_is_kept_as_its_nearest_class():
    assert cache._allowed_name(UnknownProgramWarning) == "UnknownProgramWarning"
    assert cache._allowed_name(FutureWarning) == "Warning"
    assert cache._allowed_name(type("Mine", (UserWarning,), {})) == "UserWarning"


def test_two_sources_in_one_data_folder_have_their_own_entries(newest_feed, vintages, tmp_path):
    old = vintages / VINTAGE_2023
    assert len(load.load_draws(old, data_dir=tmp_path)) == 239
    assert len(load.load_draws(newest_feed, data_dir=tmp_path)) == 435
    assert len(list((tmp_path / "processed").glob("tables-*"))) == 2
    assert len(load.load_draws(old, data_dir=tmp_path)) == 239
    assert len(load.load_draws(newest_feed, data_dir=tmp_path)) == 435


def test_old_entries_are_pruned(feed_file, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 2)
    for crs in ("531", "532", "533"):
        feed_file.write_text(json.dumps(make_feed(make_round("301", drawCRS=crs))))
        assert load.load_draws(feed_file, data_dir=tmp_path)["crs_cutoff"].iloc[0] == int(crs)
    assert len(list((tmp_path / "processed").glob("tables-*"))) == 2
    assert not list((tmp_path / "processed").glob(".*.tmp"))


def test_an_unwritable_folder_only_skips_caching(feed_file, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "processed").write_text("a file where the cache folder should be")
    with pytest.warns(CacheWarning, match="processed cache not written"):
        draws = load.load_draws(feed_file, data_dir=data_dir)
    pd.testing.assert_frame_equal(draws, fresh(feed_file)[0])


def _load_many(jobs: list[tuple[str, str]], data_dir: str, keep: int) -> list[tuple]:
    """Worker: load each source in turn into one data folder; what each load returned."""
    cache.KEEP_ENTRIES = keep
    seen = []
    for name, source in jobs:
        draws = load.load_draws(source, data_dir=data_dir)
        digest = pd.util.hash_pandas_object(draws, index=False).sum()
        seen.append((name, len(draws), int(digest)))
    return seen


@pytest.mark.slow
def test_concurrent_loaders_of_two_sources_each_get_their_own_table(
    newest_feed, vintages, tmp_path
):
    """Processes load two sources into one data folder at once, with one entry kept: every load
    returns its own source's table (the entries are replaced under the readers all the time)."""
    sources = {"newest": str(newest_feed), "2023": str(vintages / VINTAGE_2023)}
    expected = {}
    for name, source in sources.items():
        draws = load.load_draws(source, cache=False)
        expected[name] = (len(draws), int(pd.util.hash_pandas_object(draws, index=False).sum()))
    order = [list(sources.items()), list(sources.items())[::-1]]
    jobs = [(order[i % 2] * 3, str(tmp_path), 1) for i in range(4)]
    with multiprocessing.get_context("forkserver").Pool(4) as workers:
        # a worker's exception is raised here, at once
        seen = [load for loads in workers.starmap(_load_many, jobs) for load in loads]
    for name, rows, digest in seen:
        assert (rows, digest) == expected[name], name
    assert len(list((tmp_path / "processed").glob("tables-*"))) == 1
    assert not list((tmp_path / "processed").glob(".*.tmp"))


def test_temporary_folders_left_by_a_dead_writer_are_removed(feed_file, tmp_path):
    processed = tmp_path / "processed"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    old = processed / f".tables.{dead}.x.tmp"
    recent = processed / f".tables.{os.getpid()}.y.tmp"
    for folder in (old, recent):
        folder.mkdir(parents=True)
        (folder / "draws.parquet").write_bytes(b"half written")
    load.load_draws(feed_file, data_dir=tmp_path)
    assert not old.exists() and recent.exists()  # a live writer may still be using it
