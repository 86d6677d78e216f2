"""HA013 nat-coverage: a router's change scripts remove the NAT exposure of a cluster (a static
rule to one of its VIPs or to a node's own address) and do not re-create it against the VIP.

Compares ``Router.before`` (the running-config) with ``Router.after`` (with every change script
applied): each removed static inside-source rule to a cluster address is lost unless the
result forwards the same protocol and local port (for a 1:1 static: every port) to a VIP of
that cluster. One finding per router and cluster, at the change-script line that removes the
first lost rule; it lists the lost ports and says which of them no router forwards to the
cluster any more (naming the tracked check of that service). A port that only a 1:1 static
exposed (an internal service such as DNS that was never forwarded on purpose) is not listed
as unreachable.

Without change scripts, a router whose files differ in the git base (``--base``, default HEAD)
is compared with that version the same way; the finding is on the current running-config
(there is no removing line to point at) and names the removed lines with their line in the
base. No fix is offered then: where the rules should go is the author's call."""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.rules.base import rule
from halint.rules.ha.common_exposure import (
    one_vip,
    owners,
    served_ports,
    service_label,
    typo_note,
)
from halint.rules.phrases import and_list, or_list
from halint.core.source import Span


def _cluster_of(inv, nat):
    """(cluster, target words, vip to re-create against, node or None) for a rule's local address."""
    ip = nat.local_ip
    if ip in inv.by_vip:
        return inv.by_vip[ip], f"the VIP {ip}", ip, None
    found = owners(inv, ip)
    if not found:
        return None
    return found[0].cluster, f"{ip} ({found[0].node.name}'s own address)", one_vip(found), found[0].node


def _cluster_addresses(inv, cluster) -> set:
    out = set(cluster.vips)
    for node in cluster.nodes:
        host = inv.hosts.get(node.host)
        if host is not None:
            out.update(a.address for a in host.addresses if a.address not in inv.by_vip)
    return out


def _recreated(after, nat, vips) -> bool:
    if nat.protocol is None or nat.local_port is None:
        return any(r.kind == "static" and r.protocol is None and r.local_ip in vips for r in after.nat_rules)
    return any(after.nat_to(v, nat.local_port, nat.protocol) for v in vips)


def _lost_items(items, before) -> str:
    """``tcp/80 (global 172.18.55.51:51 and :80), tcp/21 (global 172.18.55.51:21) and the 1:1
    static 10.51.10.11 -> 172.18.55.51``."""
    ports: dict[tuple, list[str]] = {}
    statics = []
    for nat, _ in items:
        if nat.protocol is None or nat.local_port is None:
            statics.append(f"the 1:1 static {nat.describe()}")
            continue
        ports.setdefault((nat.protocol, nat.local_port), []).append(f"{before.global_address(nat)}:{nat.global_port}")
    parts = [f"{p}/{n} (global {and_list(g)})" for (p, n), g in ports.items()]
    return and_list(parts + statics)


def _lost_ports(items) -> list[str]:
    """``tcp/80``, ``tcp/21``, ``the 1:1 static``: what the lost rules forwarded, in order."""
    out = []
    for nat, _ in items:
        text = "the 1:1 static" if nat.protocol is None or nat.local_port is None else f"{nat.protocol}/{nat.local_port}"
        if text not in out:
            out.append(text)
    return out


def _capped(items: list[str], most: int, last: str = "and") -> str:
    """The items as a list, or, past ``most``, the first ones and how many more (the note lists
    them all)."""
    if len(items) <= most:
        return and_list(items) if last == "and" else or_list(items)
    return ", ".join(items[: most - 1]) + f" {last} {len(items) - most + 1} more"


def _prompt(span: Span) -> str:
    """The CLI prompt in front of a transcript line (``Rnet92i(config)#``), or ""."""
    text = span.source.text
    start = text.rfind("\n", 0, span.start) + 1
    head = text[start : span.start]
    return head if head.rstrip().endswith("#") else ""


def _line_end(span: Span) -> int:
    text = span.source.text
    end = text.find("\n", span.end)
    return len(text) if end < 0 else end + 1


def _recreate_text(nat, vip) -> str | None:
    words = list(nat.words)
    for i, word in enumerate(words):
        if word == str(nat.local_ip):
            words[i] = str(vip)
            return " ".join(words)
    return None


@rule("HA013")
def check(inv, ctx):
    addresses = {c.index: _cluster_addresses(inv, c) for c in inv.clusters}
    for router in inv.routers:
        base = None
        if router.before is not None and router.scripts:
            before = router.before  # the running-config, before the change scripts
        elif router.name in inv.router_bases:
            base = inv.router_bases[router.name]
            before = base.after  # the router as its files are in the git base
        else:
            continue
        after = router.after
        removals = {r.rule.key(): r.span for r in after.removed}
        clusters = {}
        lost: dict[int, list] = {}
        for nat, found in _lost(inv, before, after):
            clusters[found[0].index] = found[0]
            lost.setdefault(found[0].index, []).append((nat, found))
        for index, items in lost.items():
            _finding(inv, router, clusters[index], items, removals, addresses[index], before, base, ctx)


def _lost(inv, before, after):
    """(rule, cluster facts) of each static rule to a cluster that ``before`` has and ``after``
    neither keeps nor re-creates against a VIP."""
    after_keys = {r.key() for r in after.nat_rules}
    for nat in before.nat_rules:
        if nat.kind != "static" or nat.target != "source" or nat.direction == "outside" or nat.local_ip is None:
            continue
        if nat.key() in after_keys:
            continue
        found = _cluster_of(inv, nat)
        if found is None or _recreated(after, nat, found[0].vips):
            continue
        yield nat, found


def _finding(inv, router, cluster, items, removals, cluster_addresses, before, base, ctx):
    after = router.after
    served = served_ports(cluster)
    all_vips = [str(v) for v in sorted(cluster.vips)]
    targets = []
    for _, (_, target, _, _) in items:
        if target not in targets:
            targets.append(target)
    listed = _lost_items(items, before)
    still = [r for r in after.nat_rules if r.is_static and any(r.forwards(a) for a in cluster_addresses)]
    change = "this change" if base is None else f"the change since {inv.project_base_label or 'the git base'}"
    addresses = []
    for nat, _ in items:
        if str(nat.local_ip) not in addresses:
            addresses.append(str(nat.local_ip))
    message = (
        f"{router.name}: {change} removes the NAT of {_capped(addresses, 3)} ({_capped(_lost_ports(items), 4)}) "
        f"and does not re-create it against the VIP {_capped(all_vips, 3, 'or')}"
    )
    notes = [f"lost rules to {and_list(targets)}: {listed}"]
    if len(all_vips) > 3:
        notes.append(f"the cluster's VIPs are {and_list(all_vips)}")
    if not still:
        globals_ = sorted({str(before.global_address(nat)) for nat, _ in items})
        notes.append(f"{and_list(globals_)} no longer {'forwards' if len(globals_) == 1 else 'forward'} anything to the cluster")
    # ports no router forwards to the cluster any more (ports that only a 1:1 static exposed are
    # not counted: such a service was never forwarded on purpose)
    others: list[str] = []  # such ports of no tracked service
    for nat, _ in items:
        if nat.protocol is None or nat.local_port is None:
            continue
        port = (nat.protocol, nat.local_port)
        if any(r.nat_to(a, nat.local_port, nat.protocol) for r in (x.after for x in inv.routers) for a in cluster_addresses):
            continue
        if port in served:
            svc, script = served[port][0]
            text = f"{service_label(svc, port)} {port[0]}/{port[1]}, tracked by {script}, is no longer reachable through any router"
            if text not in notes:
                notes.append(text)
        elif f"{port[0]}/{port[1]}" not in others:
            others.append(f"{port[0]}/{port[1]}")
    if others:
        notes.append(f"{and_list(others)} {'is' if len(others) == 1 else 'are'} no longer reachable through any router")
    note = "; ".join(notes)
    nodes = [found[3] for _, found in items if found[3] is not None]
    if nodes:
        note += typo_note(nodes[0])
    if base is not None:
        # no change script says what was removed: the finding goes on the current file, and the
        # removed lines are named with their line in the base version
        primary = _first_nat_line(router) or Span(router.running, 0, 0)
        label = inv.project_base_label or "the git base"
        lines = ", ".join(str(nat.span.line) for nat, _ in items)
        where = f"{nat.span.source.path.name}" if (nat := items[0][0]) else ""
        note += f" (removed lines, as numbered in {label}'s {where}: {lines})"
        ctx.report(message, primary, note=note)
        return
    spans = [removals.get(nat.key()) for nat, _ in items]
    in_scripts = [s for s in spans if s is not None and any(s.source is src for src in router.scripts)]
    primary = in_scripts[0] if in_scripts else Span(router.scripts[0], 0, 0)
    related = tuple(Related(nat.span, f"was: {nat.describe()} ({target})") for nat, (_, target, _, _) in items[:8])
    ctx.report(message, primary, related=related, fix=_fix(router, items, in_scripts, before), note=note)


def _first_nat_line(router):
    rules = [r for r in router.after.nat_rules if router.running is not None and r.span.source is router.running]
    return min(rules, key=lambda r: r.span.start).span if rules else None


def _fix(router, items, in_scripts, before):
    if not in_scripts:
        return None
    after = router.after
    taken = {(r.protocol, after.global_address(r), r.global_port) for r in after.nat_rules if r.is_static}
    anchor = max(in_scripts, key=lambda s: (router.scripts.index(s.source) if s.source in router.scripts else 0, s.start))
    prompt = _prompt(anchor)
    lines = []
    for nat, (_, _, vip, _) in items:
        if vip is None:
            continue
        glob = (nat.protocol, before.global_address(nat), nat.global_port)
        text = _recreate_text(nat, vip)
        if text is None or glob in taken:
            continue
        taken.add(glob)
        lines.append(prompt + text + "\n")
    if not lines:
        return None
    at = _line_end(anchor)
    prefix = "" if anchor.source.text[:at].endswith("\n") or at == 0 else "\n"
    edit = Edit(Span(anchor.source, at, at), prefix + "".join(lines))
    return Fix((edit,), Safety.UNSAFE, f"re-create {len(lines)} NAT rule(s) against the VIP in the change script")
