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
runs the configs does not show the same failure, the note starts with "once ... is corrected".
The message is each check's outcome as Row.describe says it (the first and a count when they do not
fit a short message); the note gives the account, the reasons and the remedies.
Primary location: the holder's track entry of the first such check (where the weight goes);
related: the peer that should have won, and the other such checks. The unsafe fix gives each
entry the smallest negative weight that crosses the gap (Row.crossing_weight), recomputed one
entry at a time so the checks still fail over together and the healthy holder does not change.

Peers tied at the top (whoever starts first holds the VIP): each tied peer is tried as the holder
(common_failover.rows_for), and the message names the tie; no fix there. A failure that crosses
the gap but meets nopreempt is told in the note as one account ("drops from 103 to 101 ..., below web2's 102,
but web2 does not take over: nopreempt is set on web1 and web2"), with the remedies the calculus
confirms (weight 0, no nopreempt, or no nopreempt and a crossing weight); the positive-weight
sentence is kept for failures that stay above the gap.

Also, as warnings (severity_hint): a notify_backup / notify_fault that stops the service the
peer's own check watches, where the words make it certain (common_notify)."""
from __future__ import annotations

from halint.core.diagnostic import Fix, Related, Safety
from halint.inventory.failover import Peer, effective_priority, matrix
from halint.inventory.model import script_reverse, sync_group_of
from halint.inventory.peers import cluster_mates
from halint.rules.base import rule
from halint.rules.ha.common_failover import (
    entry_of,
    once_note,
    priority_line,
    priority_span,
    role,
    rows_for,
    views,
    vip_short,
    vip_text,
    weight_edits,
    with_weight,
)
from halint.rules.ha.common_notify import lost_takeover, self_stops
from halint.rules.ha.common_peers import once_prefix
from halint.rules.phrases import and_list, or_list, plural


def _stuck(m) -> list:
    """The rows whose failure leaves the VIP where it is, while another peer could hold it."""
    return [r for r in m.unreachable if not r.outcome.lost and r.challenger is not None]


def _election(peers: list, mates) -> tuple[str | None, list, tuple[str, ...]]:
    """(holder, its stuck rows, the peers tied at the top). With a tie (whoever starts first
    holds the VIP), the first tied peer whose checks get stuck while it holds it."""
    m = matrix(peers, mates)
    if m.holder is not None:
        return m.holder, _stuck(m), ()
    for name in m.healthy.undecided:
        rows = [r for r in rows_for(peers, name, mates) if not r.moves and not r.outcome.lost and r.challenger is not None]
        if rows:
            return name, rows, m.healthy.undecided
    return None, [], m.healthy.undecided


def _holds_effective(cluster, inv, holder: str, names: set[str]) -> bool:
    eff = views(cluster, "effective", inv)
    if len(eff) < 2:
        return False
    found, rows, _ = _election([v.peer for v in eff.values()], cluster_mates(cluster, "effective", inv, list(eff.values())))
    if found != holder:
        return False
    return names <= {r.check.name for r in rows}


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


def _groups(rows, holder: str, vips: str) -> dict[str, list[str]]:
    """The rows' outcomes, each with the checks that have it: "web stays at 122 >= web2's 90:
    the VIP X never moves" -> [chk_a, chk_b]."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        lead = f"if {row.check.name} fails on {holder}, "
        tail = row.describe(role(vips)).removeprefix(lead)
        verb = "move" if vips.startswith("the VIPs ") else "moves"
        tail = tail.replace(f"{role(vips)} never moves", f"{vips} never {verb}")
        if _long_reason(row):
            tail = tail.replace(f": weights are ignored there ({row.ignored})", "")
        groups.setdefault(tail, []).append(row.check.name)
    return groups


def _long_reason(row) -> bool:
    """Whether the reason weights are ignored on the holder goes in the note ("sync group VG_1
    without sync_group_tracking_weight"), not in the message ("priority 255" stays there)."""
    return bool(row.ignored) and len(row.ignored) > 20


def _sentence(rows, holder: str, vips: str) -> str:
    """"if chk_a or chk_b fails on web, web stays at 122 >= web2's 90: the VIP X never moves"."""
    return "; ".join(f"if {or_list(names)} fails on {holder}, {tail}" for tail, names in _groups(rows, holder, vips).items())


#: the longest list of outcomes a message holds; beyond it, the first and a count ("and 2 more checks")
_LIMIT = 150


def _short(rows, holder: str, vips: str) -> tuple[str, bool]:
    """The message's account of the failures (``vips``: common_failover.vip_short): ``_sentence``
    while it is short, else the first check's outcome and how many more checks there are
    (``True``: the note must say them all)."""
    whole = _sentence(rows, holder, vips)
    if len(whole) <= _LIMIT or len(rows) == 1:
        return whole, False
    groups = _groups(rows, holder, vips)
    tail, names = next(iter(groups.items()))
    first = f"if {or_list(names)} fails on {holder}, {tail}"
    if len(first) > _LIMIT:
        names = names[:1]
        first = f"if {names[0]} fails on {holder}, {tail}"
    return f"{first}; and {plural(len(rows) - len(names), 'more check')}: see the note", True


def _blocked(row) -> bool:
    """The failure crosses the gap, and only nopreempt keeps the higher peer from taking over."""
    mine, theirs = row.holder_priority, row.challenger_priority
    return bool(row.outcome.blocked) and mine is not None and theirs is not None and theirs > mine


def _fails_over(peers: list, name: str, mates) -> bool:
    """Whether ``name`` failing alone on whoever holds the VIP (each tied peer, with a tie) moves
    it, in every such case where that holder tracks it (and in one case at least)."""
    m = matrix(peers, mates)
    holders = [m.holder] if m.holder is not None else list(m.healthy.undecided)
    seen = False
    for holder in holders:
        rows = m.rows if m.holder is not None else rows_for(peers, holder, mates)
        for row in rows:
            if row.check.name == name:
                seen = True
                if not row.moves:
                    return False
    return seen


def _without_nopreempt(peers: list) -> list:
    return [Peer(p.name, p.base_priority, p.checks, False, p.address, p.weights_ignored, p.state) for p in peers]


def _weight_zero(peers: list, name: str) -> list:
    return [with_weight(p, name, 0) if any(c.name == name for c in p.checks) else p for p in peers]


def _nopreempt_account(rows, holder: str, vips: str, peers: list, mates) -> str:
    """One account of failures that cross the gap but meet nopreempt, with the remedies the
    calculus confirms: weight 0 (FAULT hands the VIP over whatever nopreempt), no nopreempt, or
    no nopreempt and a negative weight that crosses the gap."""
    index = {p.name: p for p in peers}
    before = effective_priority(index[holder])
    keepers = and_list([p.name for p in peers if not p.preempts])
    parts = []
    for row in rows:
        check = row.check
        if check.weight > 0 and not check.reverse:
            why = f" (it loses {check.name}'s {check.weight:+d})"
        elif check.weight < 0 and not check.reverse:
            why = f" ({check.name}'s weight {check.weight})"
        else:
            why = ""
        start = f"from {before} " if before is not None and before != row.holder_priority else ""
        parts.append(
            f"if {check.name} fails on {holder}, {holder} drops {start}to {row.holder_priority}{why}, below "
            f"{row.challenger}'s {row.challenger_priority}, but {row.challenger} does not take over")
    text = "; ".join(parts) + (
        f": nopreempt is set on {keepers}, and a BACKUP with nopreempt never takes {vips} from a MASTER that "
        "still sends adverts, whatever their priorities (only the MASTER's FAULT or stop hands it over)")
    remedies = []
    for row in rows:
        name = row.check.name
        ways = []
        if _fails_over(_weight_zero(peers, name), name, mates):
            ways.append(f"remove {name}'s weight (weight 0, the default: a failure puts the holder in FAULT, which hands "
                        f"{role(vips)} over despite nopreempt)")
        free = _without_nopreempt(peers)
        if _fails_over(free, name, mates):
            ways.append(f"remove nopreempt from {keepers} (then {row.holder_priority} < {row.challenger_priority} hands "
                        f"{role(vips)} to {row.challenger})")
        else:
            weight = _crossing({p.name: p for p in free}, holder, name, mates)
            if weight is not None:
                ways.append(f"remove nopreempt from {keepers} and track {name} with weight {weight} on {holder} "
                            "(a negative weight that crosses the gap)")
        if ways:
            remedies.append(f"to hand {role(vips)} over when {name} fails, " + ", or ".join(ways))
    if remedies:
        text += "; " + "; ".join(remedies)
    return text


def _self_stop_findings(cluster, inv, intended: dict, holders: list[str], mates, ctx):
    """HA006's warnings: a notify_backup / notify_fault that stops the service the peer's own
    check watches (common_notify). notify_backup is reported on the peers that wait as BACKUP
    (not on the one holder, whose own notify_backup is named as related: it runs whenever that
    peer is BACKUP, at start too, where the outcome is a race this calculus does not predict)."""
    vips = vip_text(cluster)
    peers = [v.peer for v in intended.values()]
    eff = views(cluster, "effective", inv)
    eff_keys = {(s.keyword, s.check, s.view.peer.name) for v in eff.values() for s in self_stops(v)}
    nodes = [v.node for v in intended.values()]
    stops = [stop for view in intended.values() for stop in self_stops(view)]
    sole = holders[0] if len(holders) == 1 else None
    aside = [s for s in stops if s.keyword == "notify_backup" and s.view.peer.name == sole]
    for stop in stops:
        if stop in aside:
            continue
        view = stop.view
        name = view.peer.name
        named = f" (a script named to stop {stop.service})" if stop.by_name else ""
        message = f"{name}'s {stop.keyword} stops {stop.service}, which {name}'s own {stop.check} watches"
        lead = (f"{name}'s {stop.keyword} runs `{stop.stop_how}`{named}, and {name}'s own {stop.check} watches "
                f"{stop.service} (`{stop.check_how}`)")
        lost = lost_takeover(peers, holders, stop, mates, role(vips)) if stop.keyword == "notify_backup" else None
        if stop.keyword == "notify_fault":
            body = (f": once {name} goes to FAULT (a failing check, its interface down), {stop.service} is stopped, so "
                    f"{stop.check} keeps failing and, with weight 0, keeps {name} in FAULT: it never takes {vips} "
                    f"(nor takes it back) until {stop.service} is started again by other means")
        elif stop.weight == 0:
            body = (f": whenever {name} enters BACKUP, {stop.service} is stopped, so {stop.check} fails and, with weight 0, "
                    f"{name} goes to FAULT and stays there: it can never take over {vips}")
        elif lost is not None:
            high = effective_priority(view.peer)
            low = effective_priority(view.peer, frozenset({stop.check}))
            body = (f": while {name} is BACKUP, {stop.service} is stopped, so {stop.check} fails there and {name} "
                    f"advertises {low} instead of {high}")
        else:
            continue  # the lowered priority changes no takeover the calculus predicts
        if lost is not None:
            body += f"; {lost[0]}, {lost[2]} (with {stop.service} running on {name}: {lost[1]})"
        if stop.keyword == "notify_fault":
            body += f"; remove `{stop.stop_how}` from notify_fault, so that {name} can leave FAULT"
        else:
            body += f"; {name} needs {stop.service} running while BACKUP to take over: remove `{stop.stop_how}` from notify_backup"
        holds = (stop.keyword, stop.check, name) in eff_keys
        script = view.config.script(stop.check)
        related = []
        if script is not None and script.script is not None:
            related.append(Related(script.script.span, f"{stop.check} runs `{stop.check_how}` on {name}"))
        related += [Related(a.setting.keyword.span, f"{a.view.peer.name}'s notify_backup stops {a.service} too whenever "
                            f"{a.view.peer.name} is BACKUP (also at start, before it becomes MASTER" + (
                                f": if {a.check} fails before its down timer runs out, it goes to FAULT instead)"
                                if a.weight == 0 else ")"))
                    for a in aside if a.service == stop.service]
        ctx.report(message, stop.setting.keyword.span, tuple(related), severity_hint="warning",
                   note=once_note(once_prefix(nodes, holds), lead + body))


@rule("HA006")
def check(inv, ctx):
    for cluster in inv.clusters:
        intended = views(cluster, "intended", inv)
        if len(intended) < 2:
            continue
        mates = cluster_mates(cluster, "intended", inv, list(intended.values()))
        peers = [v.peer for v in intended.values()]
        holder, rows, tied = _election(peers, mates)
        healthy = matrix(peers, mates)
        holders = [healthy.holder] if healthy.holder is not None else list(healthy.healthy.undecided)
        _self_stop_findings(cluster, inv, intended, holders, mates, ctx)
        if not rows:
            continue
        hview = intended[holder]
        vips = vip_text(cluster)
        names = {r.check.name for r in rows}
        prefix = once_prefix([v.node for v in intended.values()], _holds_effective(cluster, inv, holder, names))
        crossed = [r for r in rows if _blocked(r)]
        plain = [r for r in rows if not _blocked(r)]
        # the message: each check's outcome as the calculus says it (Row.describe), the first one
        # and a count when they are many; the note: the tie, nopreempt's account and its remedies,
        # why positive weights cannot help, the sync group's own block, the weights that would cross
        short = vip_short(cluster)
        message, cut = _short(plain + crossed, holder, short)
        parts = []
        if plain and (cut or tied):
            parts.append(_sentence(plain, holder, vips))
        if crossed:
            parts.append(_nopreempt_account(crossed, holder, vips, peers, mates))
        notes = []
        if tied:
            prio = healthy.healthy.priority(tied[0])
            alike = [n for n in tied if n != holder
                     and names <= {r.check.name for r in rows_for(peers, n, mates) if not r.moves and not r.outcome.lost}]
            also = f" (and the same while {and_list(alike)} holds it)" if alike else ""
            message = f"{and_list(list(tied))} tie at {prio}; {message}"
            notes.append(f"{and_list(list(tied))} tie at {prio}, so whichever starts first holds {vips}; while "
                         f"{holder} holds it{also}: " + "; ".join(parts))
        else:
            notes.extend(parts)
        if short != vips and not notes:
            notes.append(f"{vips} stay on {holder}")
        reasons = list(dict.fromkeys(r.ignored for r in rows if _long_reason(r) and not r.moves))
        if reasons:
            notes.append(f"weights are ignored on {holder} ({and_list(reasons)})")
        positive: dict[int, list[str]] = {}
        for r in plain:
            if r.check.weight > 0 and not r.check.reverse and r.ignored is None and not r.outcome.held:
                positive.setdefault(r.check.weight, []).append(r.check.name)
        if positive:
            which = "; ".join(f"{and_list(names)}: {weight:+d}" for weight, names in positive.items())
            notes.append(
                f"the weights are positive ({which}): a positive weight raises {holder}'s priority while its check passes "
                f"and does not lower it when the check fails"
            )
        held = [r.check.name for r in rows if r.outcome.held]
        if held:
            group = sync_group_of(hview.config, hview.instance)
            where = f"vrrp_sync_group {group.name.text}'s own track_script block" if group is not None else "the sync group"
            notes.append(f"track {or_list(held)} in {where} (its weight applies to every member), so that a failure "
                         "lowers every VIP of the group")
        fix, weights = _fix(intended, holder, rows, mates) if not tied else (None, {})
        if weights:
            notes.append(f"tracking {and_list([f'{n} weight {w}' for n, w in weights.items()])} on {holder} would cross the gap")
        note = once_note(prefix, "; ".join(notes), effect=bool(tied or crossed or cut))
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
                related.append(Related(entry.name.span, f"{holder} tracks {row.check.name}: its failure does not move {role(vips)} either"))
        ctx.report(message, span, tuple(related), fix, note=note)
