"""Loading keepalived.conf files into the project: each evaluated for its host, in both versions
(as keepalived runs it, as intended); a file another includes is checked through its includer."""
from __future__ import annotations

from pathlib import Path

from halint.core.fsview import TreeView
from halint.core.source import Source
from halint.formats.keepalived.evaluate import evaluate
from halint.formats.keepalived.model import KaUnit
from halint.formats.keepalived.parser import parse
from halint.formats.keepalived.reader import preprocess
from halint.formats.keepalived.schema import Schema, load_schema


def config_id_of(host: str | None) -> str | None:
    """keepalived's default config-id: the host name up to its first dot (main.c)."""
    if not host:
        return None
    return host.split(".", 1)[0]


def load_keepalived(entry, source: Source, root: Path, cache, schema: Schema) -> KaUnit:
    """One configuration, for the host of ``entry`` (halint.project.discovery.FileEntry)."""
    view = TreeView(root, entry.host_root or root)
    config_id = config_id_of(entry.host)
    pre = preprocess(source, view, cache, config_id)
    parsed = parse(pre, cache.limits)
    without_bom = None
    if any(src.bom for src in pre.sources):  # keepalived reads the mark as text: see KA008
        plain = preprocess(source, view, cache, config_id, skip_bom=True)
        without_bom = (plain, parse(plain, cache.limits))
    effective, intended = evaluate(schema, pre, parsed, source, entry.host, config_id, without_bom)
    return KaUnit(effective, intended, entry.path)


def load(project, entries: dict[str, list]) -> None:
    configs = entries.get("keepalived", [])
    schema = load_schema() if configs else None
    units = [load_keepalived(entry, source, project.tree.root, project.sources, schema) for entry, source in configs]
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
            project.notes.append(f"{project.shown(unit.path)}: checked through the file that includes it")
            continue
        project.keepalived.append(unit)
        project.included.update(Path(src.path) for src in unit.effective.sources[1:] + unit.intended.sources[1:])
    project.keepalived.sort(key=lambda u: str(u.root.path))
    for entry, _ in entries.get("keepalived-fragment", []):
        if entry.path not in project.included:
            project.notes.append(
                f"{project.shown(entry.path)}: a keepalived fragment that no checked keepalived.conf includes; not checked on its own"
            )
