"""The package's shape: each layer imports only from itself and the layers before it."""

from __future__ import annotations

import ast
from pathlib import Path

import ee_trends

PACKAGE = Path(ee_trends.__file__).parent
LAYERS = ("data", "analysis", "models", "output")
"""The pipeline's layers, in order; the top-level tables come before them and the CLI after."""

TABLES = {
    "ee_trends",
    "ee_trends.errors",
    "ee_trends.programs",
    "ee_trends.events",
    "ee_trends.formatting",
}


def layer(module: str) -> int:
    """0 for the shared tables at the top, 1 to 4 for the layers, 5 for the command line."""
    if module in TABLES:
        return 0
    part = module.split(".")[1]
    return LAYERS.index(part) + 1 if part in LAYERS else len(LAYERS) + 1


def imported(path: Path) -> set[str]:
    """Every ee_trends module a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ee_trends"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("ee_trends"))
    return names


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def test_each_layer_imports_only_from_itself_and_earlier_ones():
    wrong = [
        f"{module} imports {name}"
        for module, path in modules().items()
        if module != "ee_trends"  # the facade names the public surface of every layer, lazily
        for name in imported(path)
        if layer(name) > layer(module)
    ]
    assert wrong == []


def test_the_layer_rule_sees_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ee_trends.output.plots import plot_cutoffs\n")
    assert imported(bad) == {"ee_trends.output.plots"}
    assert layer("ee_trends.output.plots") > layer("ee_trends.data.load")


def test_the_top_holds_only_the_facade_cli_and_shared_tables():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    # __main__: `python -m ee_trends`, three lines that run the cli
    assert top == ["__init__", "__main__", "errors", "events", "formatting", "programs"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == [
        "analysis",
        "cli",
        "data",
        "models",
        "output",
    ]


LONGEST = 600
"""No module is longer."""


def test_no_module_is_longer_than_the_limit():
    long = {m: n for m, p in modules().items() if (n := len(p.read_text().splitlines())) > LONGEST}
    assert long == {}
