"""The flow goes one way: core -> formats -> project -> inventory -> rules -> engine -> fix ->
report -> simulate -> cli. A module's layer is the first folder of its path under halint/ (the
top-level modules: halint/__init__ is core, cli and __main__ are cli). Nothing imports
"rightwards"; only halint/formats touches Lark, dnspython or ciscoconfparse2; rules never read
files."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "halint"
LAYERS = ["core", "formats", "project", "inventory", "rules", "engine", "fix", "report", "simulate", "cli"]


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> str:
    """The layer of ``halint.<layer>...``; halint itself is core, halint.cli and halint.__main__ cli."""
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    return "cli" if parts[1] in ("cli", "__main__") else parts[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer():
    assert [m for m in map(_module, _files()) if _layer(m) not in LAYERS] == []


def test_nothing_imports_rightwards():
    wrong = [
        f"{_module(path)} ({_layer(_module(path))}) imports {imported} ({_layer(imported)})"
        for path in _files() for imported in _imports(path)
        if imported.startswith("halint") and LAYERS.index(_layer(imported)) > LAYERS.index(_layer(_module(path)))
    ]
    assert wrong == []


def test_only_the_formats_import_parsing_libraries():
    wrong = []
    for path in _files():
        module = _module(path)
        for imported in _imports(path):
            top = imported.split(".")[0]
            if top in ("lark", "dns", "ciscoconfparse2") and not module.startswith("halint.formats"):
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_rules_never_read_files():
    for path in (PACKAGE / "rules").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "read_text(", "read_bytes(", "os.walk", "glob(", "subprocess"):
            assert needle not in text, f"{path.relative_to(ROOT)} uses {needle}"
