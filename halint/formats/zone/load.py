"""Loading zone files: each with its origin (the manifest's, else the named.conf `file` clause
that names it, else its own SOA owner or $ORIGIN, else its file name) and, when a git base is
open, its base version (ZN004)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from halint.core.source import SourceError


def _adopt(project, entries: dict[str, list]) -> None:
    """Every file a named.conf ``file`` clause names is a zone file, whatever its name or content
    (INTERFACE.md). Discovery decides before any named.conf is read: one it could not recognise
    (empty, or not looking like a zone) is read here as the zone BIND loads, so that what BIND
    refuses to load is ZN001 instead of a skipped file."""
    origins = project.zone_origins
    if not origins or not project.unclassified:
        return
    unclassified = {e.path: e for e in project.tree.files if e.kind == "unclassified"}
    for path in [p for p in project.unclassified if p in origins and p in unclassified]:
        project.unclassified.remove(path)
        loaded = project.sources.get(path)
        if isinstance(loaded, SourceError):
            project.unreadable[path] = str(loaded)
            continue
        project.notes.append(f"{project.shown(path)}: read as a zone file because {origins[path][1]} names it")
        entries.setdefault("zone", []).append((dataclasses.replace(unclassified[path], kind="zone"), loaded))


def load(project, entries: dict[str, list]) -> None:
    _adopt(project, entries)
    if not entries.get("zone"):
        return
    from halint.formats.zone.model import ZoneUnit
    from halint.formats.zone.reader import read_zone

    manifest = project.manifest
    loaded = []
    for entry, source in entries["zone"]:
        origin = origin_from = None
        if manifest is not None and manifest.origin_of(entry.path):
            origin = manifest.origin_of(entry.path)
            origin_from = f"{manifest.path.name} [zones.\"{origin.rstrip('.')}\"]" if manifest.path else "the manifest"
        elif entry.path in project.zone_origins:
            origin, origin_from = project.zone_origins[entry.path]
        view = project.view(entry)
        zone = read_zone(source, view, project.sources, origin=origin, origin_from=origin_from)
        loaded.append((entry, view, zone))
    included = {Path(src.path) for _, _, zone in loaded for src in zone.sources[1:]}
    project.included.update(included)
    base_cache = project.base_sources
    for entry, view, zone in loaded:
        if entry.path in included:
            project.notes.append(f"{project.shown(entry.path)}: a zone fragment read through the zone that $INCLUDEs it")
            continue
        if zone.origin is None:
            project.notes.append(f"{project.shown(entry.path)}: not checked: {zone.origin_from}")
            continue
        project.notes.append(f"{project.shown(entry.path)}: zone {zone.origin} (origin from {zone.origin_from})")
        base_zone = None
        if base_cache is not None:
            old = base_cache.get(entry.path)
            if isinstance(old, SourceError):
                project.notes.append(f"{project.shown(entry.path)}: {old}: the serial comparison (ZN004) is skipped")
            else:
                base_zone = read_zone(old, view, base_cache, origin=zone.origin, origin_from=zone.origin_from)
        unit = ZoneUnit(zone, base_zone, project.base_label if base_cache is not None else None)
        project.zones.append(unit)
        project.host(entry.host).zones.append(unit)
