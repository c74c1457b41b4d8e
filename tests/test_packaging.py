"""The package as installed: its runtime dependencies are what it imports, and a built wheel
installed into a fresh virtualenv makes the report from its shipped snapshot."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from conftest import REPO

SRC = REPO / "src" / "ee_trends"
INDIRECT = {"pyarrow": "pandas' to_parquet and read_parquet (the cache, the export)"}
"""Dependencies used through another library rather than imported."""
DISTRIBUTION = {"sklearn": "scikit-learn", "yaml": "pyyaml"}
"""Import names that differ from the distribution's name."""


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def imported_distributions() -> set[str]:
    """The third-party top-level modules that src/ee_trends imports, as distribution names."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(n.split(".")[0] for n in names)
    third_party = found - set(sys.stdlib_module_names) - {"ee_trends"}
    return {DISTRIBUTION.get(n, n).lower() for n in third_party}


def test_runtime_dependencies_are_what_the_package_imports():
    declared = _names(_project()["dependencies"])
    assert declared == imported_distributions() | set(INDIRECT)


def test_jupyter_is_an_extra_that_make_installs():
    extras = _project()["optional-dependencies"]
    assert {"jupyterlab", "ipykernel"} <= _names(extras["notebooks"])
    assert "jupyterlab" not in _names(_project()["dependencies"])
    assert "'.[dev,notebooks]'" in (REPO / "Makefile").read_text()


@pytest.mark.slow
def test_built_wheel_in_a_fresh_venv_reports_from_its_snapshot(tmp_path):
    """Needs the package registries (pip installs the wheel's dependencies)."""
    python = sys.executable
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EE_TRENDS", "PYTHON"))}
    env["EE_TRENDS_DATA_DIR"] = str(tmp_path / "data")

    def run(*command, **options):
        result = subprocess.run(
            [str(c) for c in command],
            capture_output=True,
            text=True,
            timeout=1200,
            env=env,
            cwd=tmp_path,
            **options,
        )
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
        return result

    tree = tmp_path / "tree"  # a copy: the build leaves build/ and *.egg-info behind it
    shutil.copytree(
        REPO / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, tree / name)
    run(python, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", tree)
    (wheel,) = (tmp_path / "dist").glob("ee_trends-*.whl")
    run(python, "-m", "venv", tmp_path / "venv")
    run(tmp_path / "venv" / "bin" / "pip", "install", "--quiet", wheel)
    installed = run(tmp_path / "venv" / "bin" / "pip", "list").stdout.lower()
    assert "jupyterlab" not in installed and "ipykernel" not in installed
    venv = tmp_path / "venv" / "bin"
    where = "from ee_trends.data.snapshot import shipped_snapshot; print(shipped_snapshot().path)"
    snapshot = run(venv / "python", "-c", where).stdout.strip()
    assert snapshot.startswith(str(tmp_path / "venv"))  # shipped inside the wheel
    out = tmp_path / "report"  # the snapshot given as the source: no network is tried
    run(venv / "ee-trends", "report", "--source", snapshot, "--out", out)
    page = (out / "index.html").read_text()
    assert "(round #434)" in page and (out / "data" / "datapackage.json").is_file()
