"""The package as installed: its runtime dependencies are what it imports, and a built wheel
installed into a fresh virtualenv makes the report from its shipped snapshot."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

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
