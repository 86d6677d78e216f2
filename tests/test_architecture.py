"""The flow goes one way: bytes -> source -> parse -> model -> rules -> engine -> report -> cli.
Nothing imports "rightwards"; only halint/parse touches Lark; rules never read files."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "halint"
LAYERS = ["source", "parse", "model", "project", "inventory", "rules", "engine", "fix", "explain", "report", "cli"]
#: modules that belong to a layer without living in a folder of that name
LAYER_OF = {
    "halint.source": "source", "halint.diagnostic": "source", "halint.textdist": "source",
    "halint.tomlcompat": "source", "halint.secrets": "source", "halint.fsview": "source", "halint.registry": "source", "halint.limits": "source", "halint.locate": "source", "halint.writes": "source",
    "halint.discovery": "project", "halint.project": "project", "halint.manifest": "project",
    "halint.gitbase": "project", "halint.suppress": "engine", "halint.engine": "engine",
    "halint.fix": "fix", "halint.fixer": "fix", "halint.fix_ios": "fix", "halint.compiler": "fix", "halint.explain": "explain", "halint.show": "explain", "halint.cli": "cli", "halint.resultcache": "report", "halint": "source",
    "halint.__main__": "cli",
    # halint simulate sits beside halint.show: it reads the inventory; only the cli imports it
    "halint.simulate": "explain", "halint.simulate.plan": "explain", "halint.simulate.rewrite": "explain",
    "halint.simulate.netns": "explain", "halint.simulate.run": "explain", "halint.simulate.report": "explain",
}


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> str:
    if module in LAYER_OF:
        return LAYER_OF[module]
    return module.split(".")[1]


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


def test_nothing_imports_rightwards():
    wrong = []
    for path in _files():
        module = _module(path)
        mine = LAYERS.index(_layer(module))
        for imported in _imports(path):
            if not imported.startswith("halint."):
                continue
            target = ".".join(imported.split(".")[:3]) if imported.startswith("halint.rules.") else imported
            theirs = LAYERS.index(_layer(target if target in LAYER_OF or target.count(".") else imported))
            if theirs > mine:
                wrong.append(f"{module} ({LAYERS[mine]}) imports {imported} ({LAYERS[theirs]})")
    assert wrong == []


def test_only_the_parse_layer_imports_parsing_libraries():
    wrong = []
    for path in _files():
        module = _module(path)
        for imported in _imports(path):
            top = imported.split(".")[0]
            if top in ("lark", "dns", "ciscoconfparse2") and not module.startswith("halint.parse"):
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_rules_never_read_files():
    for path in (PACKAGE / "rules").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "read_text(", "read_bytes(", "os.walk", "glob(", "subprocess"):
            assert needle not in text, f"{path.relative_to(ROOT)} uses {needle}"
