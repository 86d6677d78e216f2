"""HA008 nat-to-node-address: a router's static NAT rule forwards outside traffic to a cluster
node's own address instead of the VIP that node serves, so the traffic does not follow a
failover.

The router's configuration as it is after its change scripts (``Router.after``; for a router
without change scripts, its running-config) is checked: a rule that a change script removes is
HA013's business. A rule is reported when it forwards every port (a 1:1 static) or a port of a
service the cluster tracks; when the cluster tracks no recognised service, any port but a
per-host management port (ssh, snmp, monitoring agents), which is legitimately sent to one
machine. Static network rules (a whole subnet) are not reported."""
from __future__ import annotations

from netaddr import IPAddress

from halint.core.diagnostic import Edit, Fix, Safety
from halint.rules.base import rule
from halint.rules.ha.common_exposure import (
    MANAGEMENT_PORTS,
    node_related,
    one_vip,
    owners,
    peers,
    port_text,
    served_ports,
    typo_note,
    word_span,
)
from halint.rules.phrases import and_list, or_list


def _local_word(nat) -> str | None:
    """The local address as written in the rule (the first address word after ``static``)."""
    words = list(nat.words)
    start = next((i for i, w in enumerate(words) if w.lower().startswith("stat")), 0)
    for word in words[start + 1 :]:
        try:
            if IPAddress(word) == nat.local_ip:
                return word
        except Exception:  # noqa: BLE001 - not an address word
            continue
    return None


def _reported(nat, served: dict) -> bool:
    if nat.protocol is None or nat.local_port is None:
        return True  # forwards every port, the cluster's services included
    port = (nat.protocol, nat.local_port)
    if served:
        return port in served
    return port not in MANAGEMENT_PORTS


@rule("HA008")
def check(inv, ctx):
    for router in inv.routers:
        config = router.after
        keys = {r.key() for r in config.nat_rules} | {x.rule.key() for x in config.rejected}
        for nat in config.nat_rules:
            if nat.kind != "static" or nat.target != "source" or nat.direction == "outside" or nat.local_ip is None:
                continue
            found = owners(inv, nat.local_ip)
            if not found:
                continue
            first = found[0]
            served = served_ports(first.cluster)
            if not _reported(nat, served):
                continue
            node = first.node
            vip = one_vip(found)
            vips = sorted({v for v, _ in node.vips})
            instead = f", not the VIP {vip}" if vip is not None else " instead of its VIP " + or_list([str(v) for v in vips])
            others = peers(first.cluster, node)
            shared = f" that it shares with {and_list(others)}" if others else ""
            what = port_text(nat.protocol, nat.local_port)
            services = ""
            if nat.protocol is not None and (nat.protocol, nat.local_port) in served:
                names = sorted({f"{svc}, tracked by {script}" for svc, script in served[(nat.protocol, nat.local_port)]})
                services = f" ({'; '.join(names)})"
            message = f"{router.name}: static NAT {nat.describe()} goes to {node.name}'s own address{instead}"
            note = (
                f"{what}{services} goes to {node.name} alone, not to {'the VIP' if vip is not None else 'a VIP'}{shared}: "
                f"after a failover the VIP moves but this traffic still goes to {node.name}{typo_note(node)}"
            )
            fix = None
            if vip is not None:
                replaced = list(nat.key())
                replaced[4] = vip
                written = _local_word(nat)
                span = word_span(nat.span, written) if written else None
                if span is not None and tuple(replaced) not in keys:
                    fix = Fix((Edit(span, str(vip)),), Safety.SAFE, f"forward to the VIP {vip} instead of {nat.local_ip}")
            related = node_related(first, vip)
            ctx.report(message, nat.span, related=related, fix=fix, note=note)

