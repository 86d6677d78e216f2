"""The checked tree as configs see it: host paths mapped into the tree, globbing, confinement.

A keepalived ``include /etc/keepalived/conf.d/*.conf`` on host ``web`` means
``hosts/web/etc/keepalived/conf.d/*.conf`` in the repository. Every path a config names is a
*host path* (absolute as on the machine, or relative to the including file's directory) and is
mapped under that host's root; nothing outside the checked tree is ever read.
"""
from __future__ import annotations

import glob as globmod
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from halint.limits import DEFAULT, Limits
from halint.source import Source, SourceError, read_source

WILDCARDS = set("*?[")


@dataclass
class SourceCache:
    """Each file is read once per run, whatever number of hosts include it."""

    limits: Limits = DEFAULT
    _cache: dict[Path, Source | SourceError] = field(default_factory=dict)

    def get(self, path: Path) -> Source | SourceError:
        key = Path(os.path.abspath(path))
        if key not in self._cache:
            try:
                self._cache[key] = read_source(key, self.limits.file_size)
            except SourceError as err:
                self._cache[key] = err
        return self._cache[key]

    def put(self, source: Source) -> None:
        self._cache[Path(os.path.abspath(source.path))] = source

    def failures(self) -> dict[Path, SourceError]:
        return {p: e for p, e in self._cache.items() if isinstance(e, SourceError)}


@dataclass(frozen=True)
class GlobResult:
    matches: tuple[Path, ...]  #: files inside the tree, in keepalived's order
    outside: tuple[str, ...]  #: host paths that resolve outside the checked tree
    directories: tuple[str, ...]  #: matches that are directories (keepalived skips them)
    missing: bool  #: a literal path component does not exist
    wildcards: bool  #: the pattern has * ? or [


def expand_braces(pattern: str) -> list[str]:
    """csh-style ``{a,b}`` expansion as glob(3) with GLOB_BRACE does it (nested, ``\\`` escapes)."""
    depth = 0
    start = -1
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                inner = pattern[start + 1 : i]
                alternatives = _split_top(inner)
                if len(alternatives) == 1 and inner == "":
                    # "{}" is literal for glob(3)
                    return [pattern[: i + 1] + rest for rest in expand_braces(pattern[i + 1 :])]
                head, tail = pattern[:start], pattern[i + 1 :]
                out: list[str] = []
                for alt in alternatives:
                    out.extend(expand_braces(head + alt + tail))
                return out
        i += 1
    return [pattern]


def _split_top(text: str) -> list[str]:
    parts, depth, current, i = [], 0, [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


@dataclass(frozen=True)
class TreeView:
    """The checked tree (``root``) seen from one host (``host_root``, a folder inside it)."""

    root: Path
    host_root: Path
    #: real path -> resolved path, once per run (a glob of an include mesh asks again and again)
    _resolved: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def host_path(self, real: Path) -> str:
        """The path a file has on the host, e.g. ``/etc/keepalived/keepalived.conf``."""
        try:
            rel = Path(os.path.abspath(real)).relative_to(self.host_root)
        except ValueError:
            return str(real)
        return "/" + rel.as_posix() if rel.as_posix() != "." else "/"

    def real_path(self, host_path: str, cwd: str) -> Path:
        """Where a host path lives in the tree (lexically; ``..`` may leave it: see inside())."""
        posix = PurePosixPath(host_path)
        if not posix.is_absolute():
            posix = PurePosixPath(cwd) / posix
        parts = [p for p in posix.parts[1:]]
        return Path(os.path.normpath(self.host_root.joinpath(*parts))) if parts else self.host_root

    def inside(self, real: Path) -> bool:
        resolved = self._realpath(real)
        root = self._realpath(self.root)
        return resolved == root or root in resolved.parents

    def _realpath(self, path: Path) -> Path:
        found = self._resolved.get(path)
        if found is None:
            found = self._resolved[path] = Path(os.path.realpath(path))
        return found

    def glob(self, pattern: str, cwd: str) -> GlobResult:
        matches: list[Path] = []
        outside: list[str] = []
        directories: list[str] = []
        missing = False
        wildcards = False
        for alternative in expand_braces(pattern):
            has_wild = any(c in WILDCARDS for c in alternative)
            wildcards = wildcards or has_wild
            real = self.real_path(alternative, cwd)
            if not self._lexically_inside(real):
                outside.append(alternative)
                continue
            if not has_wild:
                found = [real] if os.path.lexists(real) else []
                if not found:
                    missing = True
            else:
                # glob(3) sorts whole path strings (C locale: byte order), not path parts:
                # sub-a/x.conf comes before sub/x.conf
                found = [Path(p) for p in sorted(globmod.glob(_glob_escape_backslashes(str(real))))]
                if not found and not os.path.isdir(_literal_dir(real)):
                    missing = True
            for path in found:
                if not self.inside(path):
                    outside.append(self.host_path(path))
                elif path.is_dir():
                    directories.append(self.host_path(path))
                else:
                    matches.append(path)
        return GlobResult(tuple(matches), tuple(outside), tuple(directories), missing, wildcards)

    def _lexically_inside(self, real: Path) -> bool:
        root = Path(os.path.abspath(self.root))
        real = Path(os.path.abspath(real))
        return real == root or root in real.parents


def _literal_dir(real: Path) -> str:
    """The longest leading part of a pattern without wildcards (the folder glob must open)."""
    parts = []
    for part in real.parts:
        if any(c in WILDCARDS for c in part):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else "/"


def _glob_escape_backslashes(pattern: str) -> str:
    """glob(3) treats ``\\x`` as a literal ``x``; Python's glob has no escapes: bracket them."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(globmod.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def is_executable(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
