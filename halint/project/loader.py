"""Load a whole tree into models: one place that reads files and calls the formats.

Rules never read files; they get a :class:`Project`: the keepalived configurations evaluated
per host (both versions), the zones (with their git base version), the routers (running-config
plus change scripts), each host's own files (interfaces, machine-id, named.conf), and the files
that could not be read. Each format (halint.formats) loads its own files into it, in the order
halint.formats.NAMES gives; a format's code is imported only when a file of its kind exists.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from halint.core.fsview import SourceCache, TreeView
from halint.core.source import Source, SourceError, Span, display_path
from halint.formats import formats
from halint.formats.keepalived.model import KaUnit
from halint.project.discovery import FileEntry, Tree
from halint.project.gitbase import BaseSourceCache, GitBase
from halint.project.manifest import Manifest


@dataclass
class HostFiles:
    """What a host's own files say about it (interfaces, machine-id, named.conf)."""

    interfaces: list = field(default_factory=list)  #: halint.formats.interfaces.reader.Interfaces
    machine_ids: list = field(default_factory=list)  #: halint.formats.machine_id.reader.MachineId
    named: list = field(default_factory=list)  #: halint.formats.named.model.NamedConf
    zones: list = field(default_factory=list)  #: halint.formats.zone.model.ZoneUnit held by the host


@dataclass(repr=False)
class Project:
    tree: Tree
    sources: SourceCache
    keepalived: list[KaUnit] = field(default_factory=list)
    zones: list = field(default_factory=list)  #: ZoneUnit, one per zone file checked
    routers: list = field(default_factory=list)  #: Router, one per router name
    #: router name -> the Router as its files are in the git base, for routers whose files
    #: differ there (HA013 compares the two when no change script describes the change)
    router_bases: dict = field(default_factory=dict)
    base_label: str | None = None  #: how messages name the git base, when one was opened
    hosts: dict[str | None, HostFiles] = field(default_factory=dict)  #: host name -> its files
    manifest: Manifest | None = None
    unreadable: dict[Path, str] = field(default_factory=dict)  #: HL001
    cut_short: list[tuple[Span, str]] = field(default_factory=list)  #: HL001: a limit stopped reading here
    unclassified: list[Path] = field(default_factory=list)  #: HL004
    included: set[Path] = field(default_factory=set)  #: files read through an include
    notes: list[str] = field(default_factory=list)  #: --verbose lines

    #: a zone file's origin as a named.conf gives it: real path -> (origin, where it was said)
    zone_origins: dict[Path, tuple[str, str]] = field(default_factory=dict)
    #: the files as they are in the git base (a SourceCache), when one was opened
    base_sources: SourceCache | None = None

    def units(self, scope: str) -> list:
        """What a rule of ``scope`` is called with, one call per item: a format's units (its
        configurations, zones, routers), else the project itself."""
        for fmt in formats():
            if fmt.name == scope:
                return fmt.units(self)
        return [self]

    def host(self, name: str | None) -> HostFiles:
        return self.hosts.setdefault(name, HostFiles())

    def view(self, entry: FileEntry) -> TreeView:
        """The tree as the configs of ``entry``'s host see it."""
        return TreeView(self.tree.root, entry.host_root or self.tree.root)

    @staticmethod
    def shown(path) -> str:
        """A path for a --verbose note: relative to the current directory, as in findings."""
        return display_path(path)

    def problems_as_notes(self, problems) -> None:
        """named.conf and interfaces(5) have no rule code of their own: their problems are
        --verbose notes, except where halint stopped reading at one of its limits (HL001)."""
        for problem in problems:
            if problem.level == "limit":
                self.cut_short.append((problem.span, problem.message))
                continue
            line, col = problem.span.source.position(problem.span.start)
            self.notes.append(f"{self.shown(problem.span.source.path)}:{line}:{col}: {problem.message}")

    def comment_syntax(self) -> dict[Path, tuple[Source, Callable]]:
        """Every file read, with the comment scanner its format declares (inline suppressions)."""
        out: dict[Path, tuple[Source, Callable]] = {}
        for fmt in formats():
            if fmt.comments is None:
                continue
            for src in fmt.sources(self):
                if src is not None:
                    out.setdefault(Path(src.path), (src, fmt.comments))
        return out

    def all_sources(self) -> list[Source]:
        """Every file read for this project (each once)."""
        seen: dict[int, Source] = {}
        for fmt in formats():
            for src in fmt.sources(self):
                if src is not None:
                    seen.setdefault(id(src), src)
        return list(seen.values())


def load(tree: Tree, cache: SourceCache | None = None, manifest: Manifest | None = None,
         base: GitBase | str | None = None) -> Project:
    """Read every classified file of ``tree`` through its format.

    ``base``: the git base for comparisons (ZN004, HA013), or a sentence saying why there is
    none, or None when no selected rule needs one."""
    cache = cache or SourceCache()
    project = Project(tree, cache, manifest=manifest)
    if isinstance(base, GitBase):
        project.base_label = base.label
        project.base_sources = BaseSourceCache(base, cache.limits)
    for path, why in tree.unreadable.items():
        project.unreadable[path] = why
    kinds = {kind.name: kind for fmt in formats() for kind in fmt.kinds}
    by_kind: dict[str, list[tuple[FileEntry, Source | None]]] = {}
    for entry in tree.files:
        if entry.kind == "unclassified":
            if manifest is None or entry.path != manifest.path:  # halint's own file is no stranger
                project.unclassified.append(entry.path)
            continue
        if not kinds[entry.kind].read:  # read through another file (an include), if at all
            by_kind.setdefault(entry.kind, []).append((entry, None))
            continue
        loaded = cache.get(entry.path)
        if isinstance(loaded, SourceError):
            project.unreadable[entry.path] = str(loaded)
            continue
        by_kind.setdefault(entry.kind, []).append((entry, loaded))
    for fmt in formats():  # each returns at once when it has nothing to read
        fmt.load(project, {kind.name: by_kind[kind.name] for kind in fmt.kinds if kind.name in by_kind})
    for path, err in cache.failures().items():
        # a file that exists but cannot be read; a missing include target is its front end's
        # finding (KA009, ZN001), at the line that names it
        if os.path.lexists(path):
            project.unreadable.setdefault(path, str(err))
    return project
