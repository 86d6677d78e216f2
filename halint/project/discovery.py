"""Find and classify the files of a configuration tree.

Each format declares its kinds of files and how to recognise them (halint.formats: claims by
name or place first, then by content); the first that claims a file wins. Classification never
trusts an extension alone. The host a file belongs to comes from
the conventional layout (INTERFACE.md): the directory after ``hosts/``, else the directory
holding ``etc/``.
"""
from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from halint.core.limits import DEFAULT
from halint.core.locate import tree_root  # noqa: F401  (re-exported)
from halint.formats import formats

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileEntry:
    path: Path  #: absolute
    kind: str  #: one of kinds()
    host: str | None
    host_root: Path | None


#: why HL001 reports a symbolic link that leads out of the checked tree (after "cannot read this
#: file: "); neither the target's path nor anything of its content is said
OUTSIDE = "it is a symbolic link to a place outside the checked tree, and halint never reads outside the tree"

def kinds() -> tuple[str, ...]:
    """Every kind of file halint reads (each format declares its own), and "unclassified"."""
    return tuple(kind.name for fmt in formats() for kind in fmt.kinds) + ("unclassified",)


@dataclass
class Tree:
    root: Path  #: absolute: the checked tree
    files: list[FileEntry] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)  #: path -> why (walk errors)
    #: folders below the root that hold a halint.toml: trees of their own, left out of this one
    nested: list[Path] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[FileEntry]:
        return [f for f in self.files if f.kind == kind]


@cache
def _claims() -> tuple[tuple[str, Callable[[Path, bytes], bool]], ...]:
    """(kind, test) of every format's claims, in rank order: what a file's name or place says for
    sure first, then content sniffing from the most to the least distinctive syntax."""
    ranked = sorted((claim.rank, i, kind.name, claim.test) for i, fmt in enumerate(formats())
                    for kind in fmt.kinds for claim in kind.claims)
    return tuple((name, test) for _, _, name, test in ranked)


@cache
def _hints() -> tuple[tuple[str, Callable[[Path], bool]], ...]:
    """(kind, test) of what a file's name alone says (used only when its content cannot be sniffed)."""
    ranked = sorted((kind.hint_rank, kind.name, kind.hint) for fmt in formats() for kind in fmt.kinds if kind.hint)
    return tuple((name, test) for _, name, test in ranked)


def name_hint(path: Path) -> str | None:
    for kind, test in _hints():
        if test(path):
            return kind
    return None


def empty_hint(path: Path) -> str | None:
    """The kind an empty file is by its place and name (an empty router file), or None."""
    for fmt in formats():
        for kind in fmt.kinds:
            if kind.empty is not None and kind.empty(path):
                return kind.name
    return None


def host_of(path: Path, root: Path) -> tuple[str | None, Path | None]:
    """(host name, host root) by the conventional layout, or (None, None)."""
    whole, top = path.parts, root.parts
    if whole[: len(top)] == top:  # path.relative_to(root), without building paths
        parts, base = whole[len(top) : -1], root
    else:
        parts, base = whole[:-1], Path(path.anchor)
    for i, part in enumerate(parts):
        if part == "hosts" and i + 1 < len(parts):
            return parts[i + 1], base.joinpath(*parts[: i + 2])
    for i, part in enumerate(parts):
        if part == "etc" and i > 0:
            return parts[i - 1], base.joinpath(*parts[:i])
    # absolute paths above the checked root: look there too (a file checked alone)
    full = path.parts[:-1]
    for i, part in enumerate(full):
        if part == "hosts" and i + 1 < len(full):
            return full[i + 1], Path(*full[: i + 2])
    for i, part in enumerate(full):
        if part == "etc" and i > 1:
            return full[i - 1], Path(*full[:i])
    return None, None


def classify(path: Path, forced: str | None = None) -> str:
    if forced:
        return forced
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        head = b""
    if head.startswith(b"\xef\xbb\xbf"):
        # a UTF-8 byte-order mark says nothing about the format; the readers model what each
        # daemon makes of it (KA008, ZN001)
        head = head[3:]
    if b"\0" in head:
        # binary: no content to sniff; a file whose name says what it should be is taken
        # anyway, so that it is reported as unreadable (HL001) rather than silently skipped
        return name_hint(path) or "unclassified"
    for kind, claims in _claims():
        if claims(path, head):
            return kind
    if not head.strip():
        # nothing to sniff: an empty file where the layout puts routers is the router file its
        # name says, so that it is reported (halint.project.loader), not skipped
        return empty_hint(path) or "unclassified"
    return "unclassified"


#: an exclude pattern and the folder it is relative to (the tree root for --exclude, the
#: manifest's folder for its ``exclude``)
Exclude = tuple[Path, str]


def _excluded(path: Path, patterns: list[Exclude]) -> bool:
    for base, pat in patterns:
        rel = _rel(path, base)
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel + "/", pat):
            return True
    return False


def is_excluded(path: Path, patterns: list[Exclude]) -> bool:
    """Whether the walk would leave ``path`` out: the file itself or one of its folders (up to
    each pattern's base) matches an exclude. Used for files named on the command line with
    --force-exclude, which the walk never sees."""
    for base, pat in patterns:
        for candidate in [path, *path.parents]:
            if candidate == base or base not in candidate.parents:
                break
            if _excluded(candidate, [(base, pat)]):
                return True
    return False


def walk(root: Path, paths: list[Path], exclude: list[Exclude] | None = None, manifest=None,
         max_files: int = DEFAULT.files) -> Tree:
    """Every regular file under ``paths`` (files named directly are always taken).

    ``manifest`` (a :class:`halint.project.manifest.Manifest`) names hosts and zone files where the
    layout is not conventional; it wins over the layout and over content sniffing. Past
    ``max_files`` files the walk stops: the first file left out is HL001.
    A folder below ``root`` holding a halint.toml is a tree of its own: left out, and listed in
    ``Tree.nested``. Symbolic links to directories are not followed (no loop can form); a file link that leads
    nowhere (or round in a loop) is skipped. A link that leads out of ``root`` (to
    ~/.git-credentials, /etc/passwd) is never opened, not even to sniff its kind, whether the
    walk finds it or it is named: its lines would end up in the report, and in CI in annotations
    and SARIF. It is HL001 at the link, saying no more than that (:data:`OUTSIDE`). A link
    inside the tree is read (its target is the same file: see :class:`halint.core.fsview.SameFile`)."""
    root = Path(os.path.abspath(root))
    tree = Tree(root)
    exclude = exclude or []
    seen: set[Path] = set()
    left_out: list[Path] = []
    real_root = os.path.realpath(root)

    def leads_out(path) -> bool:
        return not _within(os.path.realpath(path), real_root)

    hosts: dict[Path, tuple[str | None, Path | None]] = {}  # a file's host depends on its folder

    def add(path: Path) -> None:
        if path in seen:
            return
        if len(seen) >= max_files:
            left_out.append(path)
            return
        seen.add(path)
        folder = path.parent
        if folder not in hosts:
            hosts[folder] = host_of(path, root)
        host, host_root = hosts[folder]
        forced = None
        if manifest is not None:
            named_host = manifest.host_of(path)
            if named_host is not None:
                host, host_root = named_host, host_root or manifest.root
            if manifest.origin_of(path) is not None:
                forced = "zone"
        tree.files.append(FileEntry(path, classify(path, forced), host, host_root))

    def on_error(err: OSError) -> None:
        if err.filename:
            tree.unreadable[Path(os.path.abspath(err.filename))] = err.strerror or str(err)

    for start in paths:
        start = Path(os.path.abspath(start))
        if leads_out(start):  # named through a link (the file's own, or a folder's)
            if not start.is_dir():
                tree.unreadable[start] = OUTSIDE
            continue
        if start.is_file():
            add(start)
            continue
        for dirpath, dirnames, filenames in os.walk(start, onerror=on_error, followlinks=False):
            current = Path(dirpath)
            dirnames[:] = [
                name for name in sorted(dirnames)
                if not name.startswith(".") and not (exclude and _excluded(current / name, exclude))
            ]
            # a folder holding halint.toml is a tree of its own (its files belong to it, with
            # its settings): not part of this one; the caller checks it as a tree
            for name in [n for n in dirnames if os.path.isfile(os.path.join(dirpath, n, "halint.toml"))]:
                dirnames.remove(name)
                tree.nested.append(current / name)
            if left_out:
                break
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                path = current / name
                if exclude and _excluded(path, exclude):
                    continue
                try:
                    info = os.lstat(full)
                    if stat.S_ISLNK(info.st_mode):
                        if leads_out(full):
                            tree.unreadable[path] = OUTSIDE
                            continue
                        info = os.stat(full)  # one that leads nowhere, or round in a loop, is skipped
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                add(path)
                if left_out:
                    break
    if left_out:
        tree.unreadable[left_out[0]] = (
            f"not read: the checked paths hold more than {max_files} files (halint's limit, [limits] files); "
            "this one and the files after it are left out"
        )
    return tree


def _within(real: str, real_root: str) -> bool:
    """Whether a resolved path is ``real_root`` or under it (both from os.path.realpath)."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
