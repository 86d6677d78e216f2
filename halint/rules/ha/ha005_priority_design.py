"""HA005 priority-design: a cluster whose base priorities and states do not say who is MASTER.

Per cluster, on the base priorities as keepalived takes them (255 for ``state MASTER`` without a
priority, 100 for an invalid one), four findings:

* tie: two or more peers share the highest base priority (reported at the priority of each tied
  peer but the first); when they all say ``state MASTER``, the message says so (RULES.md's "more
  than one state MASTER with equal priority"). Not reported when every peer keeps nopreempt:
  then priorities only matter at start-up and the design is "the VIP stays where it is". When
  every tied peer says ``state BACKUP`` (and the top is not 255) it is the sticky design (RULES.md
  HA005): an info finding ("sticky") saying what keepalived does, from the failover calculus:
  whoever holds the VIP keeps it (a BACKUP accepts an advert of equal priority), and what each
  check failing on a holder does (it moves the VIP only where the calculus says so); when the
  checks' weights break the tie, it says who holds the VIP instead.
* masters: two or more ``state MASTER`` peers with one priority below the top (the top tie above
  covers the rest);
* inverted: a ``state BACKUP`` peer with a higher base priority than every ``state MASTER`` peer:
  it takes the VIP as soon as it runs (vrrp.c: a MASTER steps down on a higher priority advert);
* nopreempt on only some peers, as keepalived keeps it (failover.Peer.preempts): nopreempt is
  cleared with ``state MASTER`` or priority 255 ("nopreempt will not work with initial state
  MASTER"), so such a peer counts as preempting. Reported at the cleared nopreempt line when
  there is one (where the fix goes: ``state BACKUP``), else at the peers of the smaller side.

Computed on the intended version; a finding absent from the effective one says "once ... is
corrected". No fix: which peer is meant to be MASTER is the author's decision."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.inventory.failover import matrix
from halint.inventory.model import sync_group_of
from halint.inventory.peers import cluster_mates
from halint.rules.base import rule
from halint.rules.ha.common_failover import (
    once_note,
    priority_span,
    role,
    rows_for,
    views,
    vip_short,
    vip_text,
)
from halint.rules.ha.common_peers import once_prefix
from halint.rules.phrases import and_list


def _prio(view) -> str:
    return f"{view.peer.name} ({view.peer.base_priority})"


def _state_span(view):
    state = view.instance.state
    return state.keyword.span if state is not None else view.instance.name.span


def _sticky(tied: list, items: list, vips: str, mates, short: str) -> tuple[str, str]:
    """(message, note) for peers that all say ``state BACKUP`` at the same highest priority
    (vrrp.c vrrp_state_backup: an advert of equal priority is accepted, so the first peer whose
    down timer fires keeps the VIP), and what a failing check on the holder does (the calculus)."""
    top = tied[0].peer.base_priority
    every = "both" if len(tied) == 2 else "all"
    names = and_list([v.peer.name for v in tied])
    head = f"{names} {every} say `state BACKUP` with the same highest priority {top}"
    peers = [v.peer for v in items]
    healthy = matrix(peers, mates).healthy
    if not healthy.undecided:
        return (f"{names} {every} say `state BACKUP` at {top}, and the weights of their passing checks break the tie: "
                f"{healthy.describe(role(vips))}"), ""
    first = and_list(list(healthy.undecided))
    message = f"{head}: whoever starts first keeps {short}"
    them = "them" if vips.startswith("the VIPs ") else "it"
    text = (f"a sticky design: whichever of {first} starts first takes {vips} and keeps {them} (a BACKUP "
            f"never preempts an equal priority, so a peer that restarts does not take {them} back)")
    rows = [r for name in healthy.undecided for r in rows_for(peers, name, mates)]
    bare = [name for name in healthy.undecided if not any(r.holder == name for r in rows)]
    moving = [r for r in rows if r.moves]
    stuck = [r for r in rows if not r.moves]
    if moving:
        text += "; a failing check still moves it: " + "; ".join(r.describe(role(vips)) for r in moving)
    if stuck:
        text += "; but " + "; ".join(r.describe(role(vips)) for r in stuck)
    if bare:
        text += (f"; {and_list(bare)} {'tracks' if len(bare) == 1 else 'track'} no check: while "
                 f"{'it holds' if len(bare) == 1 else 'one of them holds'} {role(vips)}, only its stopping or a FAULT moves it")
    return message, text


def _findings(peers: dict, vips: str, mates=(), short: str = "") -> list[tuple[str, str, str, object, tuple]]:
    """(kind, message, note, span, related) for one version's peers (``short``: the VIPs as a
    message says them, common_failover.vip_short)."""
    out = []
    items = list(peers.values())
    if len(items) < 2:
        return out
    keep = [v for v in items if not v.peer.preempts]
    top = max(v.peer.base_priority for v in items)
    tied = [v for v in items if v.peer.base_priority == top]
    masters = [v for v in items if v.peer.state.upper() == "MASTER"]
    if len(tied) > 1 and len(keep) < len(items):
        all_master = all(v.peer.state.upper() == "MASTER" for v in tied)
        what = "say `state MASTER` with" if all_master else "have"
        first = tied[0]
        # a non-owner's state MASTER keeps the usual down timer (vrrp_scheduler.c vrrp_init_state,
        # try_up_instance); a sync group member's may be shorter, so nothing is said about it there
        starters = [v for v in tied if v.peer.state.upper() == "MASTER"]
        plain = starters and not all_master and not any(v.peer.owner or sync_group_of(v.config, v.instance) for v in starters)
        sooner = f"; `state MASTER` does not make {and_list([v.peer.name for v in starters])} fire sooner" if plain else ""
        who = (f"the first of them whose down timer fires takes {vips} (a BACKUP never preempts an equal "
               f"priority{sooner}), so the start order decides")
        if top == 255:  # vrrp.c vrrp_state_master_rx: "both configured as address owner ... reducing local priority"
            who = (f"each is the address owner of {vips} and takes it at once; the first to hear the other "
                   "gives it up (keepalived logs \"both configured as address owner\"), so the start order decides")
        # every tied peer says state BACKUP: the sticky design (RULES.md HA005), at most info
        sticky = _sticky(tied, items, vips, mates, short or vips) if top != 255 and not starters else None
        for view in tied[1:]:
            if sticky is not None:
                out.append(("sticky", *sticky, priority_span(view), (Related(priority_span(first), f"{first.peer.name}'s priority {top}"),)))
                continue
            out.append((
                "tie",
                f"{and_list([v.peer.name for v in tied])} {what} the same highest priority {top}, so no peer is MASTER by design",
                f"{who}, and a restart can move it",
                priority_span(view), (Related(priority_span(first), f"{first.peer.name}'s priority {top}"),),
            ))
    by_prio: dict[int, list] = {}
    for view in masters:
        by_prio.setdefault(view.peer.base_priority, []).append(view)
    for prio, group in by_prio.items():
        if prio == top or len(group) < 2:
            continue
        for view in group[1:]:
            out.append((
                "masters",
                (f"{and_list([v.peer.name for v in group])} {'both' if len(group) == 2 else 'all'} say `state MASTER` "
                 f"with priority {prio}, and none is the highest-priority peer"),
                f"only one of them can be MASTER of {vips}",
                _state_span(view), (Related(_state_span(group[0]), f"{group[0].peer.name} says state MASTER"),),
            ))
    if masters:
        best = max(v.peer.base_priority for v in masters)
        master = next(v for v in masters if v.peer.base_priority == best)
        for view in items:
            if view.peer.state.upper() != "MASTER" and view.peer.base_priority > best:
                out.append((
                    "inverted",
                    (f"{view.peer.name} says `state BACKUP` with priority {view.peer.base_priority}, higher than "
                     f"{master.peer.name}'s {best} with `state MASTER`"),
                    f"{view.peer.name} takes {vips} as soon as it runs, and the MASTER by state is not the MASTER by priority",
                    priority_span(view), (Related(_state_span(master), f"{master.peer.name} says state MASTER, priority {best}"),),
                ))
    if keep and len(keep) < len(items):
        preempting = [v for v in items if v.peer.preempts]
        cleared = [v for v in preempting if v.peer.nopreempt]
        kept = and_list([v.peer.name for v in keep])
        others = and_list([v.peer.name for v in preempting])
        effect = (
            f"{others} {'takes' if len(preempting) == 1 else 'take'} {vips} back whenever {'its' if len(preempting) == 1 else 'their'} "
            f"priority is higher, while {kept} never {'takes' if len(keep) == 1 else 'take'} it from a running MASTER of lower "
            f"priority (only when it goes to FAULT)"
        )
        related = tuple(Related(v.instance.nopreempt.keyword.span, f"{v.peer.name} keeps nopreempt") for v in keep
                        if v.instance.nopreempt is not None)
        if cleared:
            for view in cleared:
                why = "priority 255" if view.peer.owner else "`state MASTER`"
                out.append((
                    "nopreempt",
                    f"keepalived ignores nopreempt on {view.peer.name} because of its {why}, so nopreempt holds on {kept} only",
                    f"{effect}; nopreempt needs `state BACKUP` (\"nopreempt will not work with initial state MASTER\")",
                    view.instance.nopreempt.keyword.span, related,
                ))
        else:
            side = keep if len(keep) <= len(preempting) else preempting
            for view in side:
                span = view.instance.nopreempt.keyword.span if view in keep else view.instance.name.span
                out.append((
                    "nopreempt", f"nopreempt is set on {kept} but not on {others}", effect,
                    span, tuple(r for r in related if r.span != span),
                ))
    return out


@rule("HA005")
def check(inv, ctx):
    for cluster in inv.clusters:
        intended = views(cluster, "intended", inv)
        vips = vip_text(cluster)
        found = _findings(intended, vips, cluster_mates(cluster, "intended", inv, list(intended.values())), vip_short(cluster))
        if not found:
            continue
        effective = views(cluster, "effective", inv)
        eff_mates = cluster_mates(cluster, "effective", inv, list(effective.values()))
        eff = {(kind, span.source.path, span.start) for kind, _, _, span, _ in _findings(effective, vips, eff_mates)}
        nodes = [v.node for v in intended.values()]
        for kind, message, note, span, related in found:
            holds = (kind, span.source.path, span.start) in eff
            ctx.report(message, span, related, severity_hint="info" if kind == "sticky" else None,
                       note=once_note(once_prefix(nodes, holds), note))
