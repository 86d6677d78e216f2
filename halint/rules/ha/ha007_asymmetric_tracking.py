"""HA007 asymmetric-tracking: a check tracked on one peer of a cluster and not on another.

Checks are compared by what they watch: a track_script by the service its command watches
(TrackedScript.service: ``pidof nginx`` and ``pgrep -x nginx`` are the same check), else by the
script's name; a track_process by its name. track_interface is not compared (interface names are
per host). The peer that lacks a check is reported, at its track_script block (where the fix
goes), once for all it lacks: it can take and hold the VIP while its own service is down, and
when the other peer's weight is positive, that peer's bonus can never be matched.

Computed on the intended version; when keepalived as it runs the configs shows no such
difference (a peer or a script hidden by a typo), the note starts with "once ... is
corrected". The unsafe fix copies the missing entries into the peer's track_script block (creating
it if needed), and the vrrp_script definitions its config lacks, from the peer that tracks them."""
from __future__ import annotations

from dataclasses import dataclass

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.core.source import Span
from halint.inventory.peers import PeerView
from halint.rules.base import rule
from halint.rules.ha.common_failover import entry_of, once_note, views
from halint.rules.ha.common_peers import end_of_line, line_indent, once_prefix
from halint.rules.phrases import and_list, or_list, plural

#: the longest message; beyond it, the first missing check and a count ("and 2 more checks")
_LIMIT = 150


@dataclass(frozen=True)
class Watched:
    key: tuple[str, str]  #: ("service", "nginx"), ("script", "chk_x"), ("process", "x")
    label: str  #: "chk_nginx (nginx)"
    what: str  #: "nginx"
    view: PeerView  #: a peer that tracks it
    check: object  #: its failover Check there


def watched(view: PeerView) -> dict[tuple[str, str], Watched]:
    """What the peer's checks watch (scripts by service, processes by name)."""
    services = {t.name: t.service for t in view.node.tracked} if view.version == "intended" else {}
    out: dict[tuple[str, str], Watched] = {}
    for check in view.peer.checks:
        if check.kind == "script":
            service = services.get(check.name)
            if service is None and view.version == "effective":
                service = next((t.service for t in view.node.tracked if t.name == check.name), None)
            if service is not None:
                key, label, what = ("service", service.name), f"{check.name} ({service.name})", service.name
            else:
                key, label, what = ("script", check.name), check.name, check.name
        elif check.kind == "process":
            key, label, what = ("process", check.name), f"track_process {check.name}", check.name
        else:
            continue
        out.setdefault(key, Watched(key, label, what, view, check))
    return out


def _missing(peers: dict[str, PeerView]) -> dict[str, list[Watched]]:
    tracked = {name: watched(v) for name, v in peers.items()}
    out: dict[str, list[Watched]] = {}
    for name in peers:
        have = tracked[name]
        seen = set()
        for other, theirs in tracked.items():
            if other == name:
                continue
            for key, item in theirs.items():
                if key not in have and key not in seen:
                    seen.add(key)
                    out.setdefault(name, []).append(item)
    return out


def _entry_text(item: Watched) -> str:
    entry = entry_of(item.view, item.check)
    if entry is None:
        return item.check.name
    return " ".join(w.text for w in entry.words)


def _script_text(item: Watched, target: PeerView) -> str | None:
    """The vrrp_script block to copy into ``target``'s config, or "" when it has one already;
    None when it cannot be copied."""
    if item.check.kind != "script" or target.config.script(item.check.name) is not None:
        return ""
    script = item.view.config.script(item.check.name)
    if script is None:
        return None
    text = script.span.text
    keyword = script.keyword.span
    if script.keyword.text != "vrrp_script" and keyword.source is script.span.source:
        start = keyword.start - script.span.start
        text = text[:start] + "vrrp_script" + text[start + len(script.keyword.text):]
    return text


def _fix(view: PeerView, items: list[Watched]) -> Fix | None:
    instance = view.instance
    source = instance.span.source
    text = source.text
    edits = []
    blocks = []
    for item in items:
        block = _script_text(item, view)
        if block is None:
            return None
        if block and block not in blocks:
            blocks.append(block)
    names = [_entry_text(i) for i in items if i.check.kind == "script"]
    if not names:
        return None
    if blocks:
        at = text.rfind("\n", 0, instance.keyword.span.start) + 1
        if instance.keyword.span.source is not source:
            return None
        edits.append(Edit(Span(source, at, at), "".join(b + "\n\n" for b in blocks)))
    block = instance.track_script_block
    if block is not None:
        kw = block.keyword.span
        if kw.source is not source:
            return None
        base = line_indent(kw)
        present = [e for e in instance.track_scripts if e.words]
        if present:
            last = present[-1].words[-1].span
            indent = line_indent(present[-1].name.span)
            at = end_of_line(last)
            edits.append(Edit(Span(source, at, at), "".join(f"{indent}{n}\n" for n in names)))
        else:
            brace = text.find("{", kw.end)
            close = text.find("}", brace + 1) if brace != -1 else -1
            if brace == -1 or close == -1:
                return None
            indent = base + "    "
            lines = "".join(f"{indent}{n}\n" for n in names)
            if "\n" in text[brace:close]:
                at = end_of_line(Span(source, brace, brace + 1))
                edits.append(Edit(Span(source, at, at), lines))
            else:
                edits.append(Edit(Span(source, brace + 1, close), "\n" + lines + base))
    else:
        end = instance.span.end
        close = text.rfind("}", instance.span.start, end)
        line_start = text.rfind("\n", 0, close) + 1
        if close == -1 or text[line_start:close].strip():
            return None
        first = instance.settings[0].keyword.span if instance.settings else None
        indent = line_indent(first) if first is not None else "    "
        lines = "".join(f"{indent}    {n}\n" for n in names)
        edits.append(Edit(Span(source, line_start, line_start), f"{indent}track_script {{\n{lines}{indent}}}\n"))
    return Fix(tuple(edits), Safety.UNSAFE,
               f"track {and_list([i.check.name for i in items if i.check.kind == 'script'])} on {view.peer.name} too")


@rule("HA007")
def check(inv, ctx):
    for cluster in inv.clusters:
        intended = views(cluster, "intended", inv)
        if len(intended) < 2:
            continue
        missing = _missing(intended)
        if not missing:
            continue
        effective = _missing(views(cluster, "effective", inv))
        held = cluster.held()
        for name, items in missing.items():
            view = intended[name]
            eff_keys = {i.key for i in effective.get(name, [])}
            holds = all(i.key in eff_keys for i in items)
            prefix = once_prefix([v.node for v in intended.values()], holds)
            owners: dict[str, list[Watched]] = {}
            for item in items:
                owners.setdefault(item.view.peer.name, []).append(item)
            tracked_by = "; ".join(
                f"{or_list([i.label for i in group])}, which {owner} tracks" for owner, group in owners.items()
            )
            empty = view.instance.track_script_block is not None and not view.instance.track_scripts
            lead = f"{name}'s track_script block is empty: it does not track" if empty else f"{name} does not track"
            # the message: what the peer lacks and who tracks it (the first, and a count, when
            # they are many); the note: the effect, the unmatched bonus, the caveat
            message = f"{lead} {tracked_by}"
            notes = []
            if len(message) > _LIMIT:
                first = items[0]
                message = (f"{lead} {first.label}, which {first.view.peer.name} tracks, and "
                           f"{plural(len(items) - 1, 'more check')}: see the note")
                notes.append(f"{name} does not track {tracked_by}")
            notes.append(f"{name} can take and hold {held} while its own "
                         f"{or_list(list(dict.fromkeys(i.what for i in items)))} is down")
            bonus = [
                f"{i.check.name} {i.check.weight:+d}" for i in items if i.check.weight > 0 and not i.check.reverse
            ]
            if bonus:
                owners_text = and_list(sorted({i.view.peer.name for i in items if i.check.weight > 0}))
                notes.append(f"{owners_text}'s bonus for passing checks ({and_list(bonus)}) is one {name} can never match")
            note = once_note(prefix, "; ".join(notes))
            block = view.instance.track_script_block
            span = block.keyword.span if block is not None else view.instance.name.span
            related = []
            for item in items:
                entry = entry_of(item.view, item.check)
                if entry is not None:
                    related.append(Related(entry.name.span, f"{item.view.peer.name} tracks {item.label}"))
            ctx.report(message, span, tuple(related), _fix(view, items), note=note)
