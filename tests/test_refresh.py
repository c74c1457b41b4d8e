"""The scheduled refresh: the GitHub workflow is valid and runs `make refresh`, which works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "refresh.yml"
BIN = Path(sys.executable).parent


def test_workflow_is_a_valid_github_workflow():
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_on_weekdays_through_make_refresh_and_publishes_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in triggers
    (schedule,) = triggers["schedule"]
    assert schedule["cron"].split()[-1] == "1-5"
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = [s.get("run", "") for s in steps]
    assert any(r.startswith("make refresh") for r in runs)
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    checkout = next(r for r in runs if "worktree add" in r)
    assert "captures" in checkout and "$EE_TRENDS_DATA_DIR/raw" in checkout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_refresh_keeps_a_capture_once_and_writes_the_report(newest_feed, tmp_path):
    """The workflow's command on the newest 40 rounds of the real feed (the report of the
    whole feed is tested in test_report.py)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    feed = json.loads(newest_feed.read_text(encoding="utf-8-sig"))
    recent = tmp_path / "feed.json"
    recent.write_text(json.dumps({**feed, "rounds": feed["rounds"][:40]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "EE_TRENDS_SOURCE"}
    env["EE_TRENDS_DATA_DIR"] = str(tmp_path / "data")
    command = ["make", "refresh", f"BIN={BIN}", f"FEED={recent}", "-o", ".venv/.installed"]

    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    first = result.stdout
    captures = sorted((tmp_path / "data" / "raw").glob("*.json.gz"))
    assert len(captures) == 1 and "wrote " in first
    page = (tmp_path / "reports" / "index.html").read_text()
    assert "(round #434)" in page and "from the feed captured" in page
    # the next scheduled run starts with the same fetch; the feed did not change
    again = subprocess.run(
        [f"{BIN}/ee-trends", "fetch", "--from", str(recent)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "unchanged" in again.stdout and again.stdout.splitlines()[-1] == "no new rounds"
    assert sorted((tmp_path / "data" / "raw").glob("*.json.gz")) == captures
