"""Helpers shared by the failover rules (HA005, HA006, HA007): a cluster's peers in one version
as the calculus sees them (halint.inventory.peers), the track entries behind a check, and the
text edits that give an entry another weight."""
from __future__ import annotations

from halint.core.diagnostic import Edit
from halint.core.source import Span
from halint.formats.keepalived.model import TrackEntry
from halint.inventory.failover import Check, Peer, Row, rows
from halint.inventory.peers import PeerView, cluster_views


def views(cluster, version: str, inv) -> dict[str, PeerView]:
    """The cluster's nodes that exist in ``version``, by peer name."""
    return {v.peer.name: v for v in cluster_views(cluster, version, inv)}


def vip_text(cluster) -> str:
    """What the MASTER holds, as messages say it: "the VIP 10.0.0.1", "the VIPs a and b", or
    "the MASTER role" for a cluster without a VIP (its notify_master moves the address)."""
    return cluster.held()


def vip_short(cluster) -> str:
    """``vip_text`` for a message: with more than two VIPs, the first and a count ("the VIPs
    10.0.0.1 and 4 more"); the note names them all."""
    vips = sorted(cluster.vips)
    if len(vips) <= 2:
        return vip_text(cluster)
    return f"the VIPs {vips[0]} and {len(vips) - 1} more"


def role(held: str) -> str:
    """The calculus's word for ``vip_text``'s phrase (Outcome.describe, Row.describe)."""
    return "the MASTER role" if held == "the MASTER role" else "the VIP"


def once_note(prefix: str, note: str, effect: bool = True) -> str:
    """A finding's note with common_peers.once_prefix's caveat ("once `vrp_instance` (web's
    keepalived.conf line 19) is corrected to `vrrp_instance`, ") before it: before the note when
    the note says the finding's effect (``effect``), else before "this holds"."""
    if not prefix:
        return note
    if note and effect:
        return prefix + note
    return prefix + "this holds" + (f"; {note}" if note else "")


def _group(view: PeerView):
    name = view.instance.name.text
    return next((g for g in view.config.sync_groups if any(m.text == name for m in g.members)), None)


def entry_of(view: PeerView, check: Check) -> TrackEntry | None:
    """The track_* entry of ``view`` that ``check`` comes from (the instance's, or its sync
    group's for a group check); the last one when the name is listed twice."""
    owner = _group(view) if check.via_group else view.instance
    if owner is None:
        return None
    entries = {
        "script": owner.track_scripts, "interface": owner.track_interfaces,
        "process": owner.track_processes, "file": owner.track_files,
    }.get(check.kind, ())
    found = None
    for entry in entries:
        if entry.name.text == check.name and not entry.ignored:
            found = entry
    return found


def priority_span(view: PeerView) -> Span:
    """Where a peer's priority is written: the value, else the instance's name."""
    prio = view.instance.priority
    return prio.word.span if prio is not None else view.instance.name.span


def priority_line(view: PeerView) -> str:
    prio = view.instance.priority
    if prio is not None:
        return f"{view.peer.name}'s priority {view.peer.base_priority}"
    return f"{view.peer.name} has no valid priority: keepalived uses {view.peer.base_priority}"


def with_weight(peer: Peer, name: str, weight: int) -> Peer:
    """``peer`` with check ``name`` given ``weight`` and no reverse (as an entry's weight does)."""
    checks = tuple(
        Check(c.name, weight, False, c.kind, c.via_group) if c.name == name else c for c in peer.checks
    )
    return Peer(peer.name, peer.base_priority, checks, peer.nopreempt, peer.address, peer.weights_ignored, peer.state)


def weight_edits(entry: TrackEntry, weight: int, inherited_reverse: bool = False) -> tuple[Edit, ...]:
    """Edits that make ``entry`` read ``NAME weight W``, not reversed. An entry's weight keeps
    the script's ``reverse`` unless it says ``noreverse`` (``inherited_reverse``: the script has
    ``weight N reverse``)."""
    edits = []
    if entry.weight_word is not None:
        edits.append(Edit(entry.weight_word.span, str(weight)))
    else:
        last = entry.words[-1].span
        edits.append(Edit(Span(last.source, last.end, last.end), f" weight {weight}"))
    option = next((w for w in entry.words[3:4] if w.text in ("reverse", "noreverse")), None) if entry.weight_word else None
    if option is not None and option.text == "reverse":
        if inherited_reverse:
            edits.append(Edit(option.span, "noreverse"))
        else:
            text = option.span.source.text
            start = option.span.start
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            edits.append(Edit(Span(option.span.source, start, option.span.end), ""))
    elif option is None and inherited_reverse:
        if entry.weight_word is not None:
            end = entry.weight_word.span
            edits.append(Edit(Span(end.source, end.end, end.end), " noreverse"))
        else:
            edits[0] = Edit(edits[0].span, f" weight {weight} noreverse")
    return tuple(edits)


def rows_for(peers: list[Peer], holder: str, mates=()) -> list[Row]:
    """Each check of ``holder`` failing alone on it while it holds the VIP, for a holder the
    healthy election does not decide (one of the peers tied at the top, whichever started
    first). No crossing weight (a weight on a tied peer changes who holds the VIP at all)."""
    return list(rows(peers, holder, mates, crossing=False))
