"""Where a checked path's tree and its manifest are: the two lookups the result cache makes
before anything else is imported, so this module imports nothing of halint's and no regex."""
from __future__ import annotations

import os
from pathlib import Path


def tree_root(path: Path) -> Path:
    """The tree a path belongs to: a directory is its own tree; a file belongs to the nearest
    ancestor holding halint.toml, else the git work tree, else its own directory."""
    path = Path(os.path.abspath(path))
    if path.is_dir():
        return path
    for parent in path.parents:
        if (parent / "halint.toml").is_file():
            return parent
    for parent in path.parents:
        if (parent / ".git").exists():
            return parent
    return path.parent


def find_manifest(start: Path) -> Path | None:
    """The manifest governing ``start`` (a folder): halint.toml, else a pyproject.toml with a
    [tool.halint] table, in ``start`` or the nearest ancestor; the search stops at a git work
    tree's root."""
    here = Path(os.path.abspath(start))
    for folder in [here, *here.parents]:
        candidate = folder / "halint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_halint(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_tool_halint(path: Path) -> bool:
    from halint.tomlcompat import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "halint" in data["tool"]
