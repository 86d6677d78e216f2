"""Where a checked path's tree and its manifest are: the two lookups the result cache makes
before anything else is imported, so this module imports nothing of halint's and no regex."""
from __future__ import annotations

import os
from pathlib import Path


def tree_root(path: Path) -> Path:
    """The tree a path belongs to (INTERFACE.md "Files versus directories"): the nearest folder
    holding halint.toml, from the path itself (a directory) or its folder upwards; else the
    git work tree; else the directory itself, or a file's own folder.

    A directory inside a larger tree is a scope of that tree, not a tree of its own:
    ``halint check hosts/web2`` must read web's keepalived.conf to see that the two disagree."""
    path = Path(os.path.abspath(path))
    start = path if path.is_dir() else path.parent
    chain = [start, *start.parents]
    for folder in chain:
        if (folder / "halint.toml").is_file():
            return folder
    for folder in chain:
        if (folder / ".git").exists():
            return folder
    return start


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


def manifest_at(folder: Path) -> Path | None:
    """The manifest in ``folder`` itself (halint.toml, else a pyproject.toml with [tool.halint])."""
    candidate = Path(folder) / "halint.toml"
    if candidate.is_file():
        return candidate
    pyproject = Path(folder) / "pyproject.toml"
    if pyproject.is_file() and _has_tool_halint(pyproject):
        return pyproject
    return None


def _has_tool_halint(path: Path) -> bool:
    from halint.core.tomlcompat import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "halint" in data["tool"]
