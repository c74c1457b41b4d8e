"""The loaders on the real captures in ../shared/data, the cache, and the resolution rule."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from conftest import make_feed, make_round
from ee_trends.data import load
from ee_trends.data.captures import capture_name, list_captures
from ee_trends.data.fields import DRAW_FIELDS
from ee_trends.data.resolve import find_data_dir, resolve_source

CONTRACT = {
    "draw_id": "string",
    "draw_number": "Int64",
    "draw_date": "datetime64[ns]",
    "program": "category",
    "draw_name": "string",
    "invitations": "Int64",
    "crs_cutoff": "Int64",
    "tie_break_at": "datetime64[ns, UTC]",
    "drawn_at": "datetime64[ns, UTC]",
    "pool_as_of": "datetime64[ns]",
    "pool_total": "Int64",
}


@pytest.fixture
def draws(real_tables):
    return real_tables[0]


@pytest.fixture
def pool(real_tables):
    return real_tables[1]


def test_newest_capture_has_435_rounds_oldest_first(draws):
    assert len(draws) == 435
    assert draws["draw_date"].is_monotonic_increasing
    assert draws["draw_id"].iloc[0] == "1" and draws["draw_id"].iloc[-1] == "434"
    assert draws["draw_id"].is_unique


def test_newest_capture_meets_the_contract(draws):
    assert {c: str(draws[c].dtype) for c in CONTRACT} == CONTRACT
    assert draws[list(CONTRACT)].columns.tolist() == list(CONTRACT)


def test_known_rounds_of_the_real_feed(draws):
    by_id = draws.set_index("draw_id")
    assert by_id.loc[["91a", "91b"], "program"].tolist() == ["fst", "pnp"]
    assert by_id.loc["384", "invitations"] == 6000 and by_id.loc["384", "crs_cutoff"] == 520
    assert by_id.loc["384", "program"] == "cec"
    assert by_id.loc["357", "draw_date"] == pd.Timestamp("2025-07-22")
    assert by_id.loc["357", "date_mismatch_days"] == -10
    outlier = by_id.loc[by_id["crs_cutoff"].idxmin()]
    assert (outlier["invitations"], outlier["crs_cutoff"]) == (27332, 75)
    assert by_id.loc["247", "repairs"] == "dd4 680 repaired to 860"
    # Tie-breaking times are published from #77 (2017-11-08) on.
    unpublished = draws["tie_break_at"].isna()
    assert unpublished.eq(draws["draw_date"] < "2017-11-08").all()


def test_round_208_is_repaired_to_irccs_figure(draws):
    """#208 published 681 (#207's figure); IRCC announced 888 (see test_stats' yearly totals)."""
    row = draws.set_index("draw_id").loc["208"]
    assert row["invitations"] == 888 and "drawSize 681 repaired to 888" in row["repairs"]


def test_round_226_pool_date_after_its_draw_is_flagged(vintages):
    """#226's distribution (blanked in newer captures, recovered from older ones) is dated
    2022-07-11, after the round of 2022-07-06: flagged, and the only such round."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        merged = load.load_draws(vintages, cache=False)
    late = merged[merged["pool_as_of"] > merged["draw_date"]]
    assert late["draw_id"].tolist() == ["226"]
    assert "pool distribution as of 2022-07-11 is after the draw date" in late["repairs"].iloc[0]


def test_every_round_has_a_known_program(draws):
    assert (draws["program"] != "other").all()
    assert draws["program"].notna().all()


def test_pool_has_15_leaves_for_each_of_217_rounds(pool, draws):
    assert len(pool) == 3255 and pool["draw_id"].nunique() == 217
    assert (pool.groupby("draw_id").size() == 15).all()
    totals = pool.groupby("draw_id")["candidates"].sum()
    expected = draws.set_index("draw_id")["pool_total"].dropna()
    pd.testing.assert_series_equal(
        totals.sort_index(), expected.sort_index(), check_names=False, check_dtype=False
    )
    assert draws.loc[draws["pool_total"].isna(), "pool_as_of"].isna().all()


def test_every_capture_loads(vintages, capture_tables):
    files = list_captures(vintages)
    assert len(files) == 97 and list(capture_tables) == files
    for path in files:
        draws, _, caught = capture_tables[path]
        assert caught == [], path.name  # no warning
        with gzip.open(path, "rt") as handle:
            assert len(draws) == handle.read().count('"drawNumber"'), path.name
        assert (draws["program"] != "other").all(), path.name


def test_cache_is_reused_then_rebuilt_when_the_raw_captures_change(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    first = raw / capture_name(pd.Timestamp("2024-06-20", tz="UTC"))
    first.write_bytes(gzip.compress(pd.io.json.ujson_dumps(make_feed(make_round("300"))).encode()))
    assert len(load.load_draws(data_dir=tmp_path)) == 1
    (manifest,) = (tmp_path / "processed").glob("tables-*/manifest.json")
    built = manifest.stat().st_mtime_ns
    assert len(load.load_draws(data_dir=tmp_path)) == 1
    assert manifest.stat().st_mtime_ns == built, "an unchanged input rebuilt the cache"
    feed = make_feed(make_round("301", drawDate="2024-07-01"), make_round("300"))
    second = raw / capture_name(pd.Timestamp("2024-07-02", tz="UTC"))
    second.write_bytes(gzip.compress(pd.io.json.ujson_dumps(feed).encode()))
    assert load.load_draws(data_dir=tmp_path)["draw_id"].tolist() == ["300", "301"]
    entries = list((tmp_path / "processed").glob("tables-*/manifest.json"))
    assert len(entries) == 2 and manifest in entries


def test_cached_tables_equal_fresh_ones(newest_feed, tmp_path, draws, pool):
    load.build_cache(newest_feed, data_dir=tmp_path)
    pd.testing.assert_frame_equal(load.load_draws(newest_feed, data_dir=tmp_path), draws)
    pd.testing.assert_frame_equal(load.load_pool(newest_feed, data_dir=tmp_path), pool)


def test_cache_hit_repeats_the_warnings(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(pd.io.json.ujson_dumps(make_feed(make_round(drawName="Space Engineers"))))
    for _ in range(2):
        with pytest.warns(UserWarning, match="Space Engineers"):
            load.load_draws(path, data_dir=tmp_path)


def test_loader_docstrings_carry_the_column_table():
    for field in DRAW_FIELDS:
        assert field.name in load.load_draws.__doc__
    assert "score_min" in load.load_pool.__doc__


def test_resolution_explicit_then_env_then_captures_then_url(
    tmp_path, monkeypatch, closed_live_feed
):
    feed = tmp_path / "feed.json"
    feed.write_text("{}")
    monkeypatch.setenv("EE_TRENDS_DATA_DIR", str(tmp_path / "data"))
    assert resolve_source().location == closed_live_feed  # the live feed (closed in tests)
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / capture_name(pd.Timestamp("2024-01-01", tz="UTC"))).write_text("{}")
    assert resolve_source().kind == "folder"
    monkeypatch.setenv("EE_TRENDS_SOURCE", str(feed))
    assert resolve_source().location == str(feed)
    assert resolve_source("https://example.invalid/feed.json").kind == "url"
    with pytest.raises(FileNotFoundError, match="EE_TRENDS_SOURCE"):
        monkeypatch.setenv("EE_TRENDS_SOURCE", str(tmp_path / "missing.json"))
        resolve_source()


def test_data_dir_explicit_then_env_then_checkout_then_user_cache(tmp_path, monkeypatch):
    assert find_data_dir(tmp_path) == tmp_path
    monkeypatch.setenv("EE_TRENDS_DATA_DIR", str(tmp_path / "env"))
    assert find_data_dir() == tmp_path / "env"
    monkeypatch.delenv("EE_TRENDS_DATA_DIR")
    checkout = tmp_path / "checkout"
    (checkout / "src" / "ee_trends").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    (checkout / "notebooks").mkdir()
    monkeypatch.chdir(checkout / "notebooks")
    assert find_data_dir() == checkout / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert find_data_dir() == tmp_path / "cache" / "ee_trends"


def test_import_is_light_and_has_no_side_effects(tmp_path):
    code = (
        "import sys, ee_trends; "
        "assert 'matplotlib' not in sys.modules and 'statsmodels' not in sys.modules; "
        "assert 'pandas' not in sys.modules"
    )
    env = {**os.environ, "EE_TRENDS_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env)
    assert not (tmp_path / "data").exists()


def test_cli_info_and_build(newest_feed, tmp_path, capsys):
    from ee_trends.cli import main

    assert main(["--data-dir", str(tmp_path), "build", "--source", str(newest_feed)]) == 0
    assert "draws.parquet" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "info", "--source", str(newest_feed)]) == 0
    out = capsys.readouterr().out
    assert "435" in out and "2015-01-31 to 2026-08-07" in out and "cec 66" in out


def test_cli_reports_a_bad_feed_cleanly(tmp_path, capsys):
    from ee_trends.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text(pd.io.json.ujson_dumps(make_feed(make_round("9", drawCRS="n/a"))))
    assert main(["--data-dir", str(tmp_path), "info", "--source", str(bad)]) == 2
    assert "round 9: field 'drawCRS'" in capsys.readouterr().err


def test_gzip_file_and_parsed_dict_give_the_same_table(newest_feed, tmp_path, draws):
    packed = tmp_path / "ee_rounds_123_en.json.gz"
    packed.write_bytes(gzip.compress(newest_feed.read_bytes()))
    pd.testing.assert_frame_equal(load.load_draws(packed), draws)
    feed = json.loads(newest_feed.read_text())
    pd.testing.assert_frame_equal(load.load_draws(feed), draws)


def test_cache_hit_repeats_warnings_with_their_class(tmp_path):
    from ee_trends.programs import UnknownProgramWarning

    path = tmp_path / "feed.json"
    path.write_text(json.dumps(make_feed(make_round(drawName="Space Engineers"))))
    with pytest.warns(UnknownProgramWarning, match="Space Engineers"):
        load.build_cache(path, data_dir=tmp_path)
    with pytest.warns(UnknownProgramWarning, match="Space Engineers"):
        load.load_draws(path, data_dir=tmp_path)
