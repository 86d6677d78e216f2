"""KA004 undefined-reference: a name that points at nothing keepalived will have.

keepalived resolves a track_script entry while it reads it (vrrp_track.c, alloc_track_script():
"track script X not found, ignoring..."), so a vrrp_script defined further down the file does
not count either. Linux interface names have at most 15 characters (IFNAMSIZ - 1).
"""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.keepalived.model import KaConfig, KaUnit
from halint.formats.keepalived.parser import Statement
from halint.rules.base import rule
from halint.rules.keepalived.common import line_of, with_hidden

IFNAMSIZ = 16
DEFINERS = {
    "file": ("vrrp_track_file", "track_file"),
    "process": ("vrrp_track_process", "track_process"),
    "bfd": ("bfd_instance",),
}


def _order(statements) -> dict[tuple[int, int], int]:
    """(id(source), offset) of every statement's keyword -> position in reading order."""
    order: dict[tuple[int, int], int] = {}
    stack = list(reversed(statements))
    while stack:
        stmt: Statement = stack.pop()
        span = stmt.keyword.span
        order.setdefault((id(span.source), span.start), len(order))
        if stmt.block is not None:
            stack.extend(reversed(stmt.block.statements))
    return order


def _bad_ifname(name: str) -> str | None:
    if len(name.encode()) >= IFNAMSIZ:
        return f"{len(name)} characters (Linux allows at most {IFNAMSIZ - 1})"
    if "/" in name or name in (".", "..") or any(c.isspace() for c in name):
        return "a character Linux does not allow in interface names"
    return None


def _scripts(config: KaConfig, entries, owner: str, hidden, order, ctx):
    for entry in entries:
        if entry.ignored:
            continue
        name = entry.name.text
        script = config.script(name)
        where = order.get((id(entry.name.span.source), entry.name.span.start), 0)
        if script is None:
            ctx.report(
                f"track_script entry `{name}` of `{owner}` names no vrrp_script",
                entry.name.span,
                note=with_hidden(f"keepalived ignores it (\"track script {name} not found\")", hidden),
            )
            continue
        defined = order.get((id(script.name.span.source), script.keyword.span.start), -1)
        if defined > where:
            ctx.report(
                f"track_script entry `{name}` of `{owner}` comes before `vrrp_script {name}` "
                f"({line_of(script.name.span, entry.name.span)})",
                entry.name.span,
                (Related(script.name.span, f"vrrp_script {name} is defined here"),),
                note=with_hidden(
                    "keepalived reads the file in order, does not find the script yet and ignores the entry", hidden
                ),
            )


@rule("KA004")
def undefined_reference(unit: KaUnit, ctx):
    config = unit.intended
    order = _order(config.statements)
    names = {}
    for block in config.named_blocks:
        names.setdefault(block.kind, set()).add(block.name.text)
    instance_names = {i.name.text for i in config.instances}
    for instance in config.instances:
        hidden = instance.hidden_by
        owner = instance.name.text
        _scripts(config, instance.track_scripts, owner, hidden, order, ctx)
        for entries in (instance.track_files, instance.track_processes):
            _named(entries, owner, names, hidden, ctx)
        for word in [instance.interface] + [e.name for e in instance.track_interfaces] + [v.dev for v in instance.vips]:
            if word is None:
                continue
            why = _bad_ifname(word.text)
            if why:
                ctx.report(
                    f"interface `{word.text}` of `{owner}` cannot exist: {why}",
                    word.span,
                    note=with_hidden("", hidden),
                )
    for group in config.sync_groups:
        hidden = group.hidden_by
        owner = group.name.text
        for member in group.members:
            if member.text not in instance_names:
                ctx.report(
                    f"vrrp_sync_group `{owner}` names `{member.text}`, which is no vrrp_instance of this configuration",
                    member.span,
                    note=with_hidden("", hidden),
                )
        _scripts(config, group.track_scripts, owner, hidden, order, ctx)
        for entries in (group.track_files, group.track_processes):
            _named(entries, owner, names, hidden, ctx)
    groups = names.get("virtual_server_group", set())
    for server in config.virtual_servers:
        if server.group is not None and server.group.text not in groups:
            ctx.report(
                f"`virtual_server group {server.group.text}` names no virtual_server_group",
                server.group.span,
                note=with_hidden("", server.hidden_by),
            )


def _named(entries, owner, names, hidden, ctx):
    for entry in entries:
        if entry.ignored:
            continue
        kinds = DEFINERS.get(entry.kind, ())
        if not kinds:
            continue
        if not any(entry.name.text in names.get(kind, ()) for kind in kinds):
            ctx.report(
                f"track_{entry.kind} entry `{entry.name.text}` of `{owner}` names no {' or '.join(kinds)} block",
                entry.name.span,
                note=with_hidden("", hidden),
            )
