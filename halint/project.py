"""Load a whole tree into models: one place that reads files and calls the front ends.

Rules never read files; they get a :class:`Project`: the keepalived configurations evaluated
per host (both versions), and the files that could not be read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from halint.discovery import FileEntry, Tree
from halint.fsview import SourceCache, TreeView
from halint.model.keepalived import KaUnit
from halint.model.keepalived_eval import evaluate
from halint.parse.keepalived import parse
from halint.parse.keepalived_pre import preprocess
from halint.parse.keepalived_schema import Schema, load_schema
from halint.source import Source, SourceError


@dataclass(repr=False)
class Project:
    tree: Tree
    sources: SourceCache
    keepalived: list[KaUnit] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)  #: HL001
    unclassified: list[Path] = field(default_factory=list)  #: HL004
    included: set[Path] = field(default_factory=set)  #: files read through an include
    notes: list[str] = field(default_factory=list)  #: --verbose lines

    def all_sources(self) -> list[Source]:
        seen: dict[int, Source] = {}
        for unit in self.keepalived:
            for src in unit.effective.sources:
                seen.setdefault(id(src), src)
        return list(seen.values())


def config_id_of(host: str | None) -> str | None:
    """keepalived's default config-id: the host name up to its first dot (main.c)."""
    if not host:
        return None
    return host.split(".", 1)[0]


def load_keepalived(entry: FileEntry, source: Source, tree: Tree, cache: SourceCache, schema: Schema) -> KaUnit:
    host_root = entry.host_root or tree.root
    view = TreeView(tree.root, host_root)
    config_id = config_id_of(entry.host)
    pre = preprocess(source, view, cache, config_id)
    parsed = parse(pre)
    effective, intended = evaluate(schema, pre, parsed, source, entry.host, config_id)
    return KaUnit(effective, intended, entry.path)


def load(tree: Tree, cache: SourceCache | None = None) -> Project:
    cache = cache or SourceCache()
    project = Project(tree, cache)
    for path, why in tree.unreadable.items():
        project.unreadable[path] = why
    schema = None
    units: list[KaUnit] = []
    for entry in tree.files:
        if entry.kind == "unclassified":
            project.unclassified.append(entry.path)
            continue
        loaded = cache.get(entry.path)
        if isinstance(loaded, SourceError):
            project.unreadable[entry.path] = str(loaded)
            continue
        if entry.kind == "keepalived":
            schema = schema or load_schema()
            units.append(load_keepalived(entry, loaded, tree, cache, schema))
    # A file included by another is checked in its includer's context, not on its own. Files
    # that nothing includes come first; then, among files that include each other (a cycle,
    # KA009), one named keepalived.conf, so that a cycle still leaves one of them checked.
    included_by_any = {Path(src.path) for u in units for src in u.effective.sources[1:] if src.path != u.root.path}

    def priority(unit: KaUnit) -> tuple:
        root = Path(unit.root.path)
        return (root in included_by_any, root.name != "keepalived.conf", str(root))

    for unit in sorted(units, key=priority):
        root = Path(unit.root.path)
        if root in project.included:
            project.notes.append(f"{unit.path}: checked through the file that includes it")
            continue
        project.keepalived.append(unit)
        project.included.update(Path(src.path) for src in unit.effective.sources[1:])
    project.keepalived.sort(key=lambda u: str(u.root.path))
    for path, err in cache.failures().items():
        project.unreadable.setdefault(path, str(err))
    for entry in tree.of_kind("keepalived-fragment"):
        if entry.path not in project.included:
            project.notes.append(
                f"{entry.path}: a keepalived fragment that no checked keepalived.conf includes; not checked on its own"
            )
    return project
