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

from halint.core.limits import DEFAULT, Limits
from halint.core.source import Source, SourceError, read_source

WILDCARDS = set("*?[")


@dataclass
class SourceCache:
    """Each file is read once per run, whatever number of hosts include it.

    A file given in memory (:meth:`put`: the fix loop's edited versions) is seen with that text
    through every path that leads to it: a symbolic link in the tree and its target are one file,
    and a fix made through one must be seen through the other (else the next round finds the fix
    again at the link and edits the file twice)."""

    limits: Limits = DEFAULT
    _cache: dict[Path, Source | SourceError] = field(default_factory=dict)
    _given: dict[str, Source] = field(default_factory=dict)  #: real path -> the source put()
    _real: RealPaths = field(default_factory=lambda: RealPaths())

    def get(self, path: Path) -> Source | SourceError:
        key = Path(os.path.abspath(path))
        if key not in self._cache:
            given = self._given.get(self._real(str(key))) if self._given else None
            if given is not None:
                self._cache[key] = Source(key, given.text, given.encoding)
                return self._cache[key]
            try:
                self._cache[key] = read_source(key, self.limits.file_size)
            except SourceError as err:
                self._cache[key] = err
        return self._cache[key]

    def put(self, source: Source) -> None:
        self._cache[Path(os.path.abspath(source.path))] = source
        self._given[self._real(os.path.abspath(source.path))] = source

    def failures(self) -> dict[Path, SourceError]:
        return {p: e for p, e in self._cache.items() if isinstance(e, SourceError)}


class SameFile:
    """One name per file, for the trees rooted at ``roots``: a symbolic link inside a tree and
    its target (or a path through a linked folder) are one file reached by two paths. A finding
    seen at both is one finding (engine.run), and a fix edits the file once, through the link
    (halint.fix.loop). The name is the target's path spelled under the root as the user gave it (a
    root reached through a link keeps its spelling), so that it displays as every other path."""

    def __init__(self, roots) -> None:
        #: (root, its real path), each as a string and as a prefix ending with the separator
        self._roots = [(r, r.rstrip(os.sep) + os.sep, q, q.rstrip(os.sep) + os.sep)
                       for r, q in ((os.path.abspath(r), os.path.realpath(r)) for r in roots)]
        self._known: dict[str, Path] = {}
        self._real = RealPaths()

    def __call__(self, path) -> Path:
        key = os.path.abspath(path)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = Path(self._name(key))
        return found

    def _name(self, path: str) -> str:
        for root, root_prefix, real_root, real_prefix in self._roots:
            if path == root or path.startswith(root_prefix):
                real = self._real(path)
                if real == real_root:
                    return root
                if real.startswith(real_prefix):
                    return root_prefix + real[len(real_prefix):]
                return path  # it leads out of the tree: never read (discovery.OUTSIDE)
        return path



class RealPaths:
    """os.path.realpath of absolute paths, with each folder resolved once: one lstat per file
    and per folder not seen before, where os.path.realpath makes one per component of every
    path (measured on the 6,400 files of benchmarks/tree.py's 2,000-host tree: 0.10 s against
    0.38 s). For one run: links are not expected to change meanwhile."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}  #: folder -> its real path

    def __call__(self, path: str) -> str:
        folder, name = os.path.split(path)
        if not name:
            return path
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = self(folder)
        real = os.path.join(real_folder, name)
        return os.path.realpath(real) if os.path.islink(real) else real


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
