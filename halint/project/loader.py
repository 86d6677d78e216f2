"""Load a whole tree into models: one place that reads files and calls the front ends.

Rules never read files; they get a :class:`Project`: the keepalived configurations evaluated
per host (both versions), the zones (with their git base version), the routers (running-config
plus change scripts), each host's own files (interfaces, machine-id, named.conf), and the files
that could not be read. Front ends other than keepalived's are imported only when a file of
their kind exists.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from halint.project.discovery import FileEntry, Tree
from halint.core.fsview import SourceCache, TreeView
from halint.project.gitbase import BaseSourceCache, GitBase
from halint.project.manifest import Manifest
from halint.formats.keepalived.model import KaUnit
from halint.formats.keepalived.evaluate import evaluate
from halint.formats.keepalived.parser import parse
from halint.formats.keepalived.reader import preprocess
from halint.formats.keepalived.schema import Schema, load_schema
from halint.core.source import Source, SourceError, Span, display_path


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

    def units(self, scope: str) -> list:
        """What a rule of ``scope`` is called with, one call per item."""
        return {"keepalived": self.keepalived, "zone": self.zones, "router": self.routers}.get(scope, [self])

    def host(self, name: str | None) -> HostFiles:
        return self.hosts.setdefault(name, HostFiles())

    def comment_syntax(self) -> dict[Path, tuple[Source, str]]:
        """Every file read, with the comment syntax its format uses (for inline suppressions):
        "hash" (keepalived ``#``/``!``), "interfaces" (``#`` at line start), "zone" (``;``), "ios" (``!``),
        "named" (``//``, ``#``, ``/* */``)."""
        out: dict[Path, tuple[Source, str]] = {}

        def add(sources, syntax: str) -> None:
            for src in sources:
                if src is not None:
                    out.setdefault(Path(src.path), (src, syntax))

        for unit in self.keepalived:
            add(unit.effective.sources + unit.intended.sources, "hash")  # (they differ past a byte-order mark)
        for zone in self.zones:
            add(zone.zone.sources, "zone")
        for router in self.routers:
            add([router.running, *router.scripts], "ios")
        for files in self.hosts.values():
            for model in files.interfaces:
                add(model.sources, "interfaces")  # interfaces(5): no end-of-line comments
            for model in files.named:
                add(model.sources, "named")
        return out

    def all_sources(self) -> list[Source]:
        """Every file read for this project (each once)."""
        seen: dict[int, Source] = {}
        groups: list = [u.effective.sources + u.intended.sources for u in self.keepalived]
        groups += [u.zone.sources for u in self.zones]
        groups += [[s for s in (r.running, *r.scripts) if s is not None] for r in self.routers]
        for files in self.hosts.values():
            groups += [m.sources for m in files.interfaces + files.named]
            groups += [[m.source] for m in files.machine_ids]
        for group in groups:
            for src in group:
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
    parsed = parse(pre, cache.limits)
    without_bom = None
    if any(src.bom for src in pre.sources):  # keepalived reads the mark as text: see KA008
        plain = preprocess(source, view, cache, config_id, skip_bom=True)
        without_bom = (plain, parse(plain, cache.limits))
    effective, intended = evaluate(schema, pre, parsed, source, entry.host, config_id, without_bom)
    return KaUnit(effective, intended, entry.path)


def load(tree: Tree, cache: SourceCache | None = None, manifest: Manifest | None = None,
         base: GitBase | str | None = None) -> Project:
    """Read every classified file of ``tree`` through its front end.

    ``base``: the git base for comparisons (ZN004), or a sentence saying why there is none, or
    None when no selected rule needs one."""
    cache = cache or SourceCache()
    project = Project(tree, cache, manifest=manifest)
    project.base_label = base.label if isinstance(base, GitBase) else None
    for path, why in tree.unreadable.items():
        project.unreadable[path] = why
    by_kind: dict[str, list[tuple[FileEntry, Source]]] = {}
    for entry in tree.files:
        if entry.kind == "unclassified":
            if manifest is None or entry.path != manifest.path:  # halint's own file is no stranger
                project.unclassified.append(entry.path)
            continue
        if entry.kind == "keepalived-fragment":
            by_kind.setdefault(entry.kind, []).append((entry, None))
            continue
        loaded = cache.get(entry.path)
        if isinstance(loaded, SourceError):
            project.unreadable[entry.path] = str(loaded)
            continue
        by_kind.setdefault(entry.kind, []).append((entry, loaded))
    _load_keepalived_units(project, by_kind.get("keepalived", []))
    for entry in by_kind.get("keepalived-fragment", []):
        if entry[0].path not in project.included:
            project.notes.append(
                f"{_shown(entry[0].path)}: a keepalived fragment that no checked keepalived.conf includes; not checked on its own"
            )
    origins = _load_named(project, by_kind.get("named-conf", []))
    _adopt_zone_files(project, by_kind, origins)
    _load_host_files(project, by_kind.get("interfaces", []), by_kind.get("machine-id", []))
    _load_zones(project, by_kind.get("zone", []), origins, base)
    _load_routers(project, by_kind.get("ios-running", []), by_kind.get("ios-changes", []), base)
    for path, err in cache.failures().items():
        # a file that exists but cannot be read; a missing include target is its front end's
        # finding (KA009, ZN001), at the line that names it
        if os.path.lexists(path):
            project.unreadable.setdefault(path, str(err))
    return project


def _shown(path) -> str:
    """A path for a --verbose note: relative to the current directory, as in findings."""
    return display_path(path)


def _view(project: Project, entry: FileEntry) -> TreeView:
    return TreeView(project.tree.root, entry.host_root or project.tree.root)


def _load_keepalived_units(project: Project, entries) -> None:
    schema = load_schema() if entries else None
    units = [load_keepalived(entry, source, project.tree, project.sources, schema) for entry, source in entries]
    # A file included by another is checked in its includer's context, not on its own. Files
    # that nothing includes come first; then, among files that include each other (a cycle,
    # KA009), one named keepalived.conf, so that a cycle still leaves one of them checked.
    # (what a unit includes may differ as intended, past a byte-order mark that hides an include)
    included_by_any = {
        Path(src.path) for u in units for src in u.effective.sources[1:] + u.intended.sources[1:] if src.path != u.root.path
    }

    def priority(unit: KaUnit) -> tuple:
        root = Path(unit.root.path)
        return (root in included_by_any, root.name != "keepalived.conf", str(root))

    for unit in sorted(units, key=priority):
        root = Path(unit.root.path)
        if root in project.included:
            project.notes.append(f"{_shown(unit.path)}: checked through the file that includes it")
            continue
        project.keepalived.append(unit)
        project.included.update(Path(src.path) for src in unit.effective.sources[1:] + unit.intended.sources[1:])
    project.keepalived.sort(key=lambda u: str(u.root.path))


#: a zone file's origin as a named.conf gives it: real path -> (origin, where it was said)
Origins = dict[Path, tuple[str, str]]


def _load_named(project: Project, entries) -> Origins:
    origins: Origins = {}
    if not entries:
        return origins
    from halint.formats.named.reader import parse_named

    for entry, source in entries:
        view = _view(project, entry)
        conf = parse_named(source, view, project.sources)
        project.host(entry.host).named.append(conf)
        project.included.update(Path(src.path) for src in conf.sources[1:])
        _problems_as_notes(project, conf.problems)
        for host_path, stmt in conf.zone_files():
            real = Path(os.path.abspath(view.real_path(host_path, "/")))
            origin = stmt.name if stmt.name.endswith(".") else stmt.name + "."
            where = _shown(stmt.span.source.path)
            said = f"{where}:{stmt.span.line} zone \"{stmt.name}\""
            if real in origins and origins[real][0].lower() != origin.lower():
                project.notes.append(
                    f"{_shown(real)}: {said} gives origin {origin}, but {origins[real][1]} gave {origins[real][0]}; keeping the first"
                )
                continue
            origins.setdefault(real, (origin, said))
    return origins


def _adopt_zone_files(project: Project, by_kind: dict, origins: Origins) -> None:
    """Every file a named.conf ``file`` clause names is a zone file, whatever its name or content
    (INTERFACE.md). Discovery decides before any named.conf is read: one it could not recognise
    (empty, or not looking like a zone) is read here as the zone BIND loads, so that what BIND
    refuses to load is ZN001 instead of a skipped file."""
    if not origins or not project.unclassified:
        return
    entries = {e.path: e for e in project.tree.files if e.kind == "unclassified"}
    for path in [p for p in project.unclassified if p in origins and p in entries]:
        project.unclassified.remove(path)
        loaded = project.sources.get(path)
        if isinstance(loaded, SourceError):
            project.unreadable[path] = str(loaded)
            continue
        project.notes.append(f"{_shown(path)}: read as a zone file because {origins[path][1]} names it")
        by_kind.setdefault("zone", []).append((dataclasses.replace(entries[path], kind="zone"), loaded))


def _problems_as_notes(project: Project, problems) -> None:
    """named.conf and interfaces(5) have no rule code of their own: their problems are
    --verbose notes, except where halint stopped reading at one of its limits (HL001)."""
    for problem in problems:
        if problem.level == "limit":
            project.cut_short.append((problem.span, problem.message))
            continue
        line, col = problem.span.source.position(problem.span.start)
        project.notes.append(f"{_shown(problem.span.source.path)}:{line}:{col}: {problem.message}")


def _load_host_files(project: Project, interfaces, machine_ids) -> None:
    if not interfaces and not machine_ids:
        return
    from halint.formats.interfaces.reader import parse_interfaces
    from halint.formats.machine_id.reader import parse_machine_id

    parsed = [(entry, parse_interfaces(source, _view(project, entry), project.sources)) for entry, source in interfaces]
    sourced = {Path(src.path) for _, model in parsed for src in model.sources[1:]}
    project.included.update(sourced)
    for entry, model in parsed:
        if entry.path in sourced:
            continue  # read through the interfaces file that sources it
        project.host(entry.host).interfaces.append(model)
        _problems_as_notes(project, model.problems)
    for entry, source in machine_ids:
        model = parse_machine_id(source)
        project.host(entry.host).machine_ids.append(model)
        if model.problem:
            project.notes.append(f"{_shown(source.path)}: {model.problem}")


def _load_zones(project: Project, entries, origins: Origins, base: GitBase | str | None) -> None:
    if not entries:
        return
    from halint.formats.zone.model import ZoneUnit
    from halint.formats.zone.reader import read_zone

    manifest = project.manifest
    loaded = []
    for entry, source in entries:
        origin = origin_from = None
        if manifest is not None and manifest.origin_of(entry.path):
            origin = manifest.origin_of(entry.path)
            origin_from = f"{manifest.path.name} [zones.\"{origin.rstrip('.')}\"]" if manifest.path else "the manifest"
        elif entry.path in origins:
            origin, origin_from = origins[entry.path]
        view = _view(project, entry)
        zone = read_zone(source, view, project.sources, origin=origin, origin_from=origin_from)
        loaded.append((entry, view, zone))
    included = {Path(src.path) for _, _, zone in loaded for src in zone.sources[1:]}
    project.included.update(included)
    base_cache = BaseSourceCache(base, project.sources.limits) if isinstance(base, GitBase) else None
    for entry, view, zone in loaded:
        if entry.path in included:
            project.notes.append(f"{_shown(entry.path)}: a zone fragment read through the zone that $INCLUDEs it")
            continue
        if zone.origin is None:
            project.notes.append(f"{_shown(entry.path)}: not checked: {zone.origin_from}")
            continue
        project.notes.append(f"{_shown(entry.path)}: zone {zone.origin} (origin from {zone.origin_from})")
        base_zone = None
        if base_cache is not None:
            old = base_cache.get(entry.path)
            if isinstance(old, SourceError):
                project.notes.append(f"{_shown(entry.path)}: {old}: the serial comparison (ZN004) is skipped")
            else:
                base_zone = read_zone(old, view, base_cache, origin=zone.origin, origin_from=zone.origin_from)
        label = base.label if isinstance(base, GitBase) else None
        unit = ZoneUnit(zone, base_zone, label)
        project.zones.append(unit)
        project.host(entry.host).zones.append(unit)


def _load_routers(project: Project, running, changes, base: GitBase | str | None = None) -> None:
    if not running and not changes:
        return
    from halint.formats.ios.build import load_router
    from halint.formats.ios.reader import router_name

    def name_of(entry: FileEntry, source: Source) -> str:
        return router_name(source) or entry.path.name.split(".", 1)[0]

    def empty(source: Source) -> bool:
        return not source.text[source.content_start :].strip()

    configs: dict[str, list[Source]] = {}
    for entry, source in running:
        if empty(source):
            # IOS writes at least `hostname` and `end`: an empty file is a failed export, and
            # the router's NAT (what HA008, HA013 and HA019 check) is unknown
            project.unreadable[entry.path] = (
                "it is empty: a router's running-config holds at least its `hostname` and `end` "
                "(a failed export?), so this router's NAT rules are unknown to every check"
            )
            continue
        configs.setdefault(name_of(entry, source), []).append(source)
    scripts: dict[str, list[Source]] = {}
    for entry, source in sorted(changes, key=lambda item: item[0].path.name):
        if empty(source):
            project.notes.append(f"{_shown(entry.path)}: an empty change script: nothing to apply")
            continue
        scripts.setdefault(name_of(entry, source), []).append(source)
    for name in sorted(set(configs) | set(scripts)):
        mine = configs.get(name, [None])
        if len(mine) > 1:
            listed = ", ".join(_shown(s.path) for s in mine)
            project.notes.append(f"router {name}: {len(mine)} running-configs ({listed}); each is checked on its own and change scripts apply to the first")
        for i, source in enumerate(mine):
            project.routers.append(load_router(name, source, scripts.get(name, []) if i == 0 else []))
    for router in project.routers:
        project.notes.extend(f"router {router.name}: {note}" for note in router.notes)
    if isinstance(base, GitBase):
        _load_router_bases(project, base, load_router)


def _load_router_bases(project: Project, base: GitBase, load_router) -> None:
    """Each router whose running-config or change scripts differ in the git base, as it was."""
    cache = BaseSourceCache(base, project.sources.limits)
    for router in project.routers:
        files = [s for s in (router.running, *router.scripts) if s is not None]
        old = [cache.get(Path(s.path)) for s in files]
        if all(isinstance(o, Source) and o.text == s.text for o, s in zip(old, files)):
            continue
        old_running = old[0] if router.running is not None and isinstance(old[0], Source) else None
        old_scripts = [o for o in old[1 if router.running is not None else 0:] if isinstance(o, Source)]
        if old_running is None and not old_scripts:
            continue  # new in git: nothing to compare with
        project.router_bases[router.name] = load_router(router.name, old_running, old_scripts)
