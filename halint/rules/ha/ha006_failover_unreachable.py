"""HA006 failover-unreachable: a tracked check whose failure on the healthy holder does NOT hand
the VIP to another peer.

All arithmetic is halint.inventory.failover's (keepalived 2.2.7): the healthy election, then each
check of the holder failing alone on it with every other check passing everywhere. A failure that
leaves the holder's effective priority >= the best other peer's (a positive weight only adds while
the check passes; a negative weight too small to cross the gap), or whose weight keepalived ignores
(priority 255, a sync group without sync_group_tracking_weight), or whose higher peer has
nopreempt, or whose higher peer's sync group would not move its other VIPs (a check tracked by one
member of a vrrp_sync_group), never moves the VIP. A failure that puts the holder in FAULT always
moves it.

One finding per cluster, computed on the intended version (typos corrected); when keepalived as it
runs the configs does not show the same failure, the message starts with "once ... is corrected".
Primary location: the holder's track entry of the first such check (where the weight goes);
related: the peer that should have won, and the other such checks. The unsafe fix gives each
entry the smallest negative weight that crosses the gap (Row.crossing_weight), recomputed one
entry at a time so the checks still fail over together and the healthy holder does not change."""
from __future__ import annotations

from halint.diagnostic import Diagnostic, Fix, Related, Safety
from halint.inventory.failover import matrix
from halint.inventory.model import script_reverse, sync_group_of
from halint.inventory.peers import cluster_mates
from halint.rules.base import rule
from halint.rules.ha.common_failover import (
    entry_of, or_list, priority_line, priority_span, vip_text, views, weight_edits, with_weight,
)
from halint.rules.ha.common_peers import and_list, once_prefix


def _stuck(m) -> list:
    """The rows whose failure leaves the VIP where it is, while another peer could hold it."""
    return [r for r in m.unreachable if not r.outcome.lost and r.challenger is not None]


def _holds_effective(cluster, inv, holder: str, names: set[str]) -> bool:
    eff = views(cluster, "effective", inv)
    if len(eff) < 2:
        return False
    m = matrix([v.peer for v in eff.values()], cluster_mates(cluster, "effective", inv, list(eff.values())))
    if m.holder != holder:
        return False
    return names <= {r.check.name for r in _stuck(m)}


def _crossing(peers: dict, holder: str, name: str, mates) -> int | None:
    """The smallest negative weight on ``name`` whose failure alone moves the VIP, all else as
    in ``peers`` (the check tried at -1 first, then the calculus's crossing weight)."""
    trial = dict(peers)
    trial[holder] = with_weight(peers[holder], name, -1)
    current = matrix(list(trial.values()), mates)
    if current.holder != holder:
        return None
    row = next((r for r in current.rows if r.check.name == name), None)
    if row is None:
        return None
    return -1 if row.moves else row.crossing_weight


def _fix(intended, holder: str, rows, mates):
    """(Fix, {check: weight}) giving each stuck entry on the holder the smallest weight that
    crosses the gap, recomputed until stable on the changed configuration; (None, {}) when none
    can or when the healthy holder would change."""
    peers = {name: v.peer for name, v in intended.items()}
    entries = {r.check.name: entry_of(intended[holder], r.check) for r in rows}
    weights: dict[str, int] = {}
    for _ in range(4):
        changed = False
        for row in rows:
            name = row.check.name
            if entries[name] is None:
                continue
            weight = _crossing(peers, holder, name, mates)
            if weight is None or weights.get(name) == weight:
                continue
            weights[name] = weight
            peers[holder] = with_weight(peers[holder], name, weight)
            changed = True
        if not changed:
            break
    if not weights:
        return None, {}
    final = matrix(list(peers.values()), mates)
    if final.holder != holder or any(not r.moves for r in final.rows if r.check.name in weights):
        return None, {}
    edits = []
    config = intended[holder].config
    for name, weight in weights.items():
        script = config.script(name) if entries[name].kind == "script" else None
        edits.extend(weight_edits(entries[name], weight, script_reverse(script)))
    hints = and_list([f"{name} weight {weight}" for name, weight in weights.items()])
    return Fix(tuple(edits), Safety.UNSAFE, f"on {holder}, track {hints}: the smallest {'weights that cross' if len(weights) > 1 else 'weight that crosses'} the gap"), weights


def _sentence(rows, holder: str, vips: str) -> str:
    """"if chk_a or chk_b fails on web, web stays at 122 >= web2's 90: the VIP X never moves"."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        lead = f"if {row.check.name} fails on {holder}, "
        tail = row.describe().removeprefix(lead)
        tail = tail.replace("the VIP never moves", f"the VIP {vips} never moves")
        groups.setdefault(tail, []).append(row.check.name)
    return "; ".join(f"if {or_list(names)} fails on {holder}, {tail}" for tail, names in groups.items())


@rule("HA006", "inventory")
def check(inv, ctx):
    for cluster in inv.clusters:
        intended = views(cluster, "intended", inv)
        if len(intended) < 2:
            continue
        mates = cluster_mates(cluster, "intended", inv, list(intended.values()))
        m = matrix([v.peer for v in intended.values()], mates)
        rows = _stuck(m)
        if not rows:
            continue
        holder = m.holder
        hview = intended[holder]
        vips = vip_text(cluster)
        names = {r.check.name for r in rows}
        prefix = once_prefix([v.node for v in intended.values()], _holds_effective(cluster, inv, holder, names))
        message = prefix + _sentence(rows, holder, vips)
        positive: dict[int, list[str]] = {}
        for r in rows:
            if r.check.weight > 0 and not r.check.reverse and r.ignored is None:
                positive.setdefault(r.check.weight, []).append(r.check.name)
        if positive:
            which = "; ".join(f"{and_list(names)}: {weight:+d}" for weight, names in positive.items())
            message += (
                f"; the weights are positive ({which}): a positive weight raises {holder}'s priority while its check passes "
                f"and does not lower it when the check fails"
            )
        held = [r.check.name for r in rows if r.outcome.held]
        if held:
            group = sync_group_of(hview.config, hview.instance)
            where = f"vrrp_sync_group {group.name.text}'s own track_script block" if group is not None else "the sync group"
            message += (f"; track {or_list(held)} in {where} (its weight applies to every member), so that a failure "
                        "lowers every VIP of the group")
        fix, weights = _fix(intended, holder, rows, mates)
        if weights:
            message += f" (tracking {and_list([f'{n} weight {w}' for n, w in weights.items()])} on {holder} would cross the gap)"
        first = entry_of(hview, rows[0].check)
        span = first.name.span if first is not None else hview.instance.name.span
        related = []
        challengers = []
        for row in rows:
            if row.challenger not in challengers:
                challengers.append(row.challenger)
        for name in challengers:
            peer = intended.get(name)
            if peer is not None:
                related.append(Related(priority_span(peer), f"{priority_line(peer)}: it does not take over"))
        for row in rows[1:]:
            entry = entry_of(hview, row.check)
            if entry is not None:
                related.append(Related(entry.name.span, f"{holder} tracks {row.check.name}: its failure does not move the VIP either"))
        yield Diagnostic("HA006", message, span, tuple(related), fix)
